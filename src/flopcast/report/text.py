"""Terminal tables (rich) and Markdown for scenario results."""

from __future__ import annotations

from typing import TextIO

from flopcast.quantity.format import format_value
from flopcast.quantity.units import format_unit
from flopcast.report.escape import markdown_cell, markdown_text, rich_markup, rich_text
from flopcast.scenario.claims import ClaimResult
from flopcast.scenario.evaluate import InputResult, OutputResult, ScenarioResult

#: Sensitivity shares below this are left out of the one-line summary.
SHARE_SHOWN = 0.01


def verdict_word(claim: ClaimResult) -> str:
    """The word printed before a claim line: HELD, FAILED or UNDECIDED."""
    return claim.verdict.upper()


#: Colours of the verdicts on a terminal.
VERDICT_STYLES = {"held": "green", "failed": "red", "undecided": "yellow"}


def sensitivity_text(output: OutputResult) -> str:
    """``duration 85%, utilization 15%`` (ranked), or ``-`` when there is no spread."""
    parts = [
        f"{name} {share:.0%}" for name, share in output.sensitivity.shares if share >= SHARE_SHOWN
    ]
    if output.sensitivity.unexplained >= SHARE_SHOWN:
        parts.append(f"(interactions {output.sensitivity.unexplained:.0%})")
    return ", ".join(parts) or "-"


def _interval(low: float, high: float, unit: str) -> str:
    return f"{format_value(low, unit)} to {format_value(high, unit)}"


def _input_text(item: InputResult) -> str:
    """A point input as its value; an uncertain one as its sampled 90% interval."""
    unit = format_unit(item.definition.unit)
    if item.summary.is_point:
        return format_value(item.summary.median, unit)
    return _interval(item.summary.p5, item.summary.p95, unit)


def _output_interval(output: OutputResult) -> str:
    summary = output.summary
    return "-" if summary.is_point else _interval(summary.p5, summary.p95, output.unit_text)


def print_table(result: ScenarioResult, stream: TextIO) -> None:
    """Inputs, outputs and claims as rich tables on ``stream``."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, width=max(120, Console(file=stream).width))
    scenario = result.scenario
    console.print(
        f"[bold]{rich_markup(scenario.heading)}[/bold]  "
        f"({result.samples:,} samples, seed {result.seed})"
    )
    inputs = Table("input", "value (90% interval)", "source", title="Inputs", title_justify="left")
    for item in result.inputs:
        inputs.add_row(
            item.definition.name, rich_text(_input_text(item)), rich_text(item.definition.source)
        )
    console.print(inputs)
    outputs = Table(
        "output", "median", "90% interval", "driven by", title="Outputs", title_justify="left"
    )
    for output in result.outputs:
        outputs.add_row(
            output.definition.name,
            rich_text(format_value(output.summary.median, output.unit_text)),
            rich_text(_output_interval(output)),
            rich_text(sensitivity_text(output)),
        )
    console.print(outputs)
    for output in result.outputs:
        if output.claim is not None:
            style = VERDICT_STYLES[output.claim.verdict]
            console.print(
                f"[{style}]{verdict_word(output.claim)}[/{style}] "
                f"{output.definition.name}: {rich_markup(output.claim.reason)}"
            )


def markdown(result: ScenarioResult) -> str:
    """The same content as Markdown tables, for issues and posts."""
    scenario = result.scenario
    lines = [
        f"## {markdown_text(scenario.heading)}",
        "",
        f"{result.samples:,} samples, seed {result.seed}.",
        "",
    ]
    lines += ["| input | value (90% interval) | source |", "|---|---|---|"]
    for item in result.inputs:
        lines.append(
            f"| `{item.definition.name}` | {_input_text(item)} "
            f"| {markdown_cell(item.definition.source)} |"
        )
    lines += ["", "| output | median | 90% interval | driven by |", "|---|---|---|---|"]
    for output in result.outputs:
        median = format_value(output.summary.median, output.unit_text)
        lines.append(
            f"| `{output.definition.name}` | {median} "
            f"| {_output_interval(output)} | {sensitivity_text(output)} |"
        )
    claims = [output for output in result.outputs if output.claim is not None]
    if claims:
        lines += ["", "### Claims", ""]
    for output in claims:
        assert output.claim is not None and output.definition.expect is not None
        lines.append(f"> {markdown_text(output.definition.expect.quote)}")
        lines.append("")
        lines.append(f"**{verdict_word(output.claim)}**: {markdown_text(output.claim.reason)}.")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
