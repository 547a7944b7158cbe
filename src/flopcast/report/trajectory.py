"""A scenario over years: per-year tables, JSON, Markdown and an HTML page of fan charts."""

from __future__ import annotations

import html
from typing import Any

from flopcast.quantity.format import format_value
from flopcast.report.data import claim_data, output_data, scenario_data
from flopcast.report.escape import markdown_cell, plain
from flopcast.report.text import verdict_word
from flopcast.scenario.trajectory import TrajectoryResult


def trajectory_data(result: TrajectoryResult) -> dict[str, Any]:
    """Each output's summary in each year, the solved years, the binding shares, the claims."""
    first = scenario_data(result.per_year[0])
    return {
        "file": result.scenario.path,
        "id": result.scenario.id,
        "title": result.scenario.title,
        "samples": result.samples,
        "seed": result.seed,
        "years": list(result.years),
        "inputs": first["inputs"],
        "outputs": [
            {
                "name": name,
                "unit": result.series(name)[0][1].unit_text,
                "by_year": {
                    str(year): {k: v for k, v in output_data(output).items() if k != "claim"}
                    for year, output in result.series(name)
                },
            }
            for name in result.scenario.outputs
        ],
        "solve_year": [
            {
                "name": item.definition.name,
                "output": item.definition.output,
                "reaches": f"{item.definition.threshold:~}",
                "reached_share": item.reached,
                "median_year": None if item.summary is None else item.summary.median,
                "p5_year": None if item.summary is None else item.summary.p5,
                "p95_year": None if item.summary is None else item.summary.p95,
            }
            for item in result.solved
        ],
        "binding": [
            {"name": b.definition.name, "shares": {str(y): s for y, s in b.shares.items()}}
            for b in result.bindings
        ],
        "claims": [
            {"output": o.definition.name, **claim_data(o, o.claim)}
            for o in result.outputs
            if o.claim is not None
        ],
        "warnings": list(result.warnings),
    }


def _cell(output: Any) -> str:
    summary, unit = output.summary, output.unit_text
    if summary.is_point:
        return format_value(summary.median, unit)
    return (
        f"{format_value(summary.median, unit)} "
        f"[{format_value(summary.p5, unit)}, {format_value(summary.p95, unit)}]"
    )


def trajectory_lines(result: TrajectoryResult) -> list[str]:
    """Per output, one line per year (median and 90% interval); solved years; binding
    shares; the claims with their verdicts."""
    scenario = result.scenario
    lines = [plain(scenario.heading), f"{result.samples:,} sample paths, seed {result.seed}"]
    for name in scenario.outputs:
        lines.append(f"{plain(name)}:")
        lines += [f"  {year}  {_cell(output)}" for year, output in result.series(name)]
    for item in result.solved:
        summary = item.summary
        when = (
            "never"
            if summary is None
            else (f"median {summary.median:.1f} (90%: {summary.p5:.1f} to {summary.p95:.1f})")
        )
        lines.append(
            f"{plain(item.definition.name)}: {plain(item.definition.output)} reaches "
            f"{item.definition.threshold:~} in {item.reached:.0%} of paths by "
            f"{result.years[-1]}; {when}"
        )
    for binding in result.bindings:
        lines.append(f"{plain(binding.definition.name)} (share of paths where each is smallest):")
        for year, shares in binding.shares.items():
            parts = ", ".join(f"{plain(k)} {v:.0%}" for k, v in shares.items() if v > 0)
            lines.append(f"  {year}  {parts}")
    for output in result.outputs:
        if output.claim is not None:
            lines.append(
                f"{verdict_word(output.claim)} {plain(output.definition.name)}: "
                f"{plain(output.claim.reason)}"
            )
    return lines


def trajectory_markdown(result: TrajectoryResult) -> str:
    """The per-year table as Markdown: outputs as rows, years as columns."""
    scenario = result.scenario
    header = "| output | " + " | ".join(str(y) for y in result.years) + " |"
    rule = "|---|" + "---|" * len(result.years)
    rows = [
        f"| `{markdown_cell(name)}` | "
        + " | ".join(markdown_cell(_cell(o)) for _, o in result.series(name))
        + " |"
        for name in scenario.outputs
    ]
    claims = [
        f"**{o.claim.verdict.upper()}** {markdown_cell(o.definition.name)}: "
        f"{markdown_cell(o.claim.reason)}"
        for o in result.outputs
        if o.claim is not None
    ]
    return "\n".join(
        [f"## {markdown_cell(scenario.heading)}", "", header, rule, *rows, "", *claims, ""]
    )


def trajectory_html(result: TrajectoryResult) -> str:
    """A page: each output's fan chart (median, 50% and 90% bands over the years), the binding
    shares, and the claims beside their quotes."""
    from flopcast.report.html import page

    scenario = result.scenario
    return page(scenario.heading, trajectory_body(result))


def trajectory_body(result: TrajectoryResult) -> str:
    """The body of :func:`trajectory_html` (also the playground's results panel)."""
    from flopcast.report.figures import binding_svg, fan_svg
    from flopcast.report.html import figure_html

    scenario = result.scenario
    body = [f"<h1>{html.escape(scenario.heading)}</h1>"]
    if scenario.description:
        body.append(f"<p>{html.escape(scenario.description)}</p>")
    for output in result.outputs:
        if output.claim is not None:
            quote = output.definition.expect.quote if output.definition.expect else ""
            body.append(
                f"<blockquote>{html.escape(quote)}</blockquote><p><b>"
                f"{output.claim.verdict.upper()}</b> {html.escape(output.claim.reason)}</p>"
            )
    for name in scenario.outputs:
        series = [(year, output.summary) for year, output in result.series(name)]
        unit = result.series(name)[0][1].unit_text
        body.append(figure_html(fan_svg(series, name, unit=unit),
                                "median; bands: 50% and 90% of sample paths"))  # fmt: skip
    for binding in result.bindings:
        body.append(figure_html(binding_svg(binding.shares, binding.definition.name),
                                "share of sample paths in which each limit binds"))  # fmt: skip
    body.append("<pre>" + html.escape("\n".join(trajectory_lines(result))) + "</pre>")
    return "".join(body)


def write_trajectory_markdown(result: TrajectoryResult, path: str) -> None:
    """Write ``path`` (the per-year table, Markdown) and ``<stem>_files/`` (a fan chart per
    output, and the binding shares)."""
    from pathlib import Path

    from flopcast.report.figures import binding_svg, fan_svg
    from flopcast.report.output import write_figure_folder

    lines = [trajectory_markdown(result), "### Figures", ""]
    figures: list[tuple[str, str]] = []
    for name in result.scenario.outputs:
        series = [(year, output.summary) for year, output in result.series(name)]
        unit = result.series(name)[0][1].unit_text
        stem = f"figure{len(figures) + 1}"
        figures.append((stem, fan_svg(series, name, unit=unit)))
        lines += [
            f"![{name}: median and the 50% and 90% bands of the paths, by year]({{{stem}}})",
            "",
        ]
    for binding in result.bindings:
        stem = f"figure{len(figures) + 1}"
        figures.append((stem, binding_svg(binding.shares, binding.definition.name)))
        lines += [f"![{binding.definition.name}: share of paths each limit binds]({{{stem}}})", ""]
    write_figure_folder(Path(path), "\n".join(lines) + "\n", figures)
