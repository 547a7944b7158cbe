"""Self-contained HTML reports: inline CSS and SVG, no remote scripts, fonts or images.

A small inline script records each figure's rendered size and any page error as attributes
of ``<body>`` (``data-figure-sizes``, ``data-errors``, ``data-page-width``: the laid-out
width against the window's), which the browser tests read.
"""

from __future__ import annotations

import html
import re
from typing import Any

from flopcast.quantity.format import format_number, format_value
from flopcast.quantity.units import Quantity, convert, format_unit, parse_unit
from flopcast.report.figures import distribution_svg, scatter_svg, stacked_bars_svg, tornado_svg
from flopcast.report.graph import graph_svg
from flopcast.report.plans import search_summary
from flopcast.report.text import sensitivity_text, verdict_word
from flopcast.scenario.evaluate import OutputResult, ScenarioResult

#: The reports' style sheet (light and dark), shared with the playground.
STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}
th,td{border-bottom:1px solid #eee;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f6f6f6}.held{color:#176317;font-weight:bold}.failed{color:#a31515;font-weight:bold}
.undecided{color:#8a6d00;font-weight:bold}
blockquote{border-left:3px solid #ccc;margin:.5em 0;padding:.2em .8em;color:#555}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}.muted{color:#666;font-size:.85em}
.claim{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:.8em 0}
.wide,pre{overflow-x:auto}
@media (max-width:600px){body{margin:1em auto}table{font-size:.8em}}
@media (prefers-color-scheme:dark){body{background:#121212;color:#e4e4e4}
th{background:#262626}th,td{border-color:#333}h2{border-color:#444}a{color:#8ab4f8}
.held{color:#7bd88f}.failed{color:#ff8a80}.undecided{color:#ffd54f}
blockquote{color:#bbb;border-color:#555}.muted{color:#aaa}.claim{border-color:#444}
figure svg{background:#fff;border-radius:4px}}
"""

_PROBE = """
<script>
window.addEventListener('error', function (e) {
  var b = document.body;
  b.setAttribute('data-errors', (b.getAttribute('data-errors') || '') + e.message + ';');
});
window.addEventListener('load', function () {
  var sizes = Array.prototype.map.call(document.querySelectorAll('figure svg'), function (s) {
    var r = s.getBoundingClientRect(); return Math.round(r.width) + 'x' + Math.round(r.height);
  });
  document.body.setAttribute('data-figure-sizes', sizes.join(','));
  document.body.setAttribute('data-page-width',
    document.documentElement.scrollWidth + 'x' + window.innerWidth);
});
</script>
"""

_URL = re.compile(r"(https?://[^\s;,)'\"]+)")


def linkify(text: str) -> str:
    """Escape ``text`` and turn its URLs into links."""
    parts = _URL.split(text)
    return "".join(
        f'<a href="{html.escape(part)}">{html.escape(part)}</a>' if index % 2 else html.escape(part)
        for index, part in enumerate(parts)
    )


def page(title: str, body: str) -> str:
    """A whole HTML document: readable on a phone (viewport, tables that scroll sideways
    instead of widening the page) and in dark mode (``prefers-color-scheme``)."""
    body = wide_tables(body)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}"
        f"</title><style>{STYLE}</style></head><body>{body}{_PROBE}</body></html>\n"
    )


def figure_html(svg: str, caption: str) -> str:
    """An inline SVG figure with its caption, named for screen readers (``role="img"`` with
    an ``aria-label``) and with a ``<title>`` (the tooltip, and SVG's own accessible name)."""
    label = html.escape(caption, quote=True)
    named = svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
    opening = named.index(">", named.index("<svg")) + 1
    named = named[:opening] + f"<title>{html.escape(caption)}</title>" + named[opening:]
    return f"<figure>{named}<figcaption class=muted>{html.escape(caption)}</figcaption></figure>"


def _claimed_range(output: OutputResult) -> tuple[float | None, float | None] | None:
    """The claimed bounds widened by the tolerance, in the output's unit (None: no claim)."""
    expect = output.definition.expect
    if expect is None:
        return None
    unit = parse_unit(output.unit_text)
    factor = float(convert(Quantity(1.0, expect.unit), unit).magnitude)
    slack = expect.tolerance
    low = None if expect.low is None else (expect.low - slack * abs(expect.low)) * factor
    high = None if expect.high is None else (expect.high + slack * abs(expect.high)) * factor
    return low, high


def output_figures(output: OutputResult) -> list[tuple[str, str]]:
    """(svg, caption) figures of one output: its distribution and, with spread, a tornado."""
    name = output.definition.name
    figures = [
        (
            distribution_svg(output.samples, output.unit_text, name, _claimed_range(output)),
            f"{name}: distribution, median and 90% interval"
            + ("; claimed range shaded" if output.claim else ""),
        )
    ]
    if output.sensitivity.shares:
        figures.append(
            (
                tornado_svg(list(output.sensitivity.shares), f"{name}: what drives the spread"),
                f"{name}: share of spread by input ({output.sensitivity.method})",
            )
        )
    return figures


def scenario_tables_html(result: ScenarioResult) -> str:
    """Title, claims, inputs and outputs as HTML (the body of a report, and Jupyter's view)."""
    scenario = result.scenario
    body = [f"<h1>{html.escape(scenario.heading)}</h1>"]
    if scenario.description:
        body.append(f"<p>{linkify(scenario.description)}</p>")
    body.append(
        f"<p class=muted>{result.samples:,} samples, seed {result.seed}"
        + (f"; source: {linkify(scenario.source)}" if scenario.source else "")
        + "</p>"
    )
    claims = [o for o in result.outputs if o.claim is not None]
    if claims:
        body.append("<h2>Claims</h2>")
        for output in claims:
            assert output.claim is not None and output.definition.expect is not None
            word = verdict_word(output.claim)
            note = output.definition.expect.note
            body.append(
                f"<div class=claim><blockquote>{html.escape(output.definition.expect.quote)}"
                f"</blockquote><span class={word.lower()}>{word}</span> "
                f"<code>{html.escape(output.definition.name)}</code>: "
                f"{html.escape(output.claim.reason)}. Probability in the claimed range: "
                f"{output.claim.probability:.0%} (verdict at "
                f"{output.claim.confidence:.0%} confidence)."
                + (f"<p class=muted>{html.escape(note)}</p>" if note else "")
                + "</div>"
            )
    body.append("<h2>Inputs</h2><table><tr><th>input</th><th>distribution</th><th>median</th>"
                "<th>source</th></tr>")  # fmt: skip
    for item in result.inputs:
        unit = format_unit(item.definition.unit)
        body.append(
            f"<tr><td><code>{html.escape(item.definition.name)}</code></td>"
            f"<td>{html.escape(item.definition.distribution.describe())} {html.escape(unit)}</td>"
            f"<td>{html.escape(format_value(item.summary.median, unit))}</td>"
            f"<td>{linkify(item.definition.source)}</td></tr>"
        )
    body.append("</table><h2>Outputs</h2><table><tr><th>output</th><th>median</th>"
                "<th>90% interval</th><th>driven by</th></tr>")  # fmt: skip
    for output in result.outputs:
        summary, unit = output.summary, output.unit_text
        interval = (
            "-"
            if summary.is_point
            else (f"{format_value(summary.p5, unit)} to {format_value(summary.p95, unit)}")
        )
        body.append(
            f"<tr><td><code>{html.escape(output.definition.name)}</code><br>"
            f"<span class=muted>{html.escape(output.definition.expression.text)}</span></td>"
            f"<td>{html.escape(format_value(summary.median, unit))}</td>"
            f"<td>{html.escape(interval)}</td><td>{html.escape(sensitivity_text(output))}</td></tr>"
        )
    body.append("</table>")
    for warning in result.warnings:
        body.append(f"<p class=failed>warning: {html.escape(warning)}</p>")
    return "".join(body)


def scenario_html(result: ScenarioResult) -> str:
    """The report of one scenario run: tables, a figure per output, the derivation graph."""
    scenario = result.scenario
    body = [scenario_body(result), "<h2>Derivation</h2>"]
    body.append(figure_html(graph_svg(scenario), "inputs (blue) feed outputs (orange)"))
    return page(scenario.heading, "".join(body))


def scenario_body(result: ScenarioResult) -> str:
    """Tables and a figure per output (a report's body, and the playground's results)."""
    body = [scenario_tables_html(result), "<h2>Figures</h2>"]
    for output in result.outputs:
        body.extend(figure_html(svg, caption) for svg, caption in output_figures(output))
    return "".join(body)


def wide_tables(body: str) -> str:
    """``body`` with each table in a box that scrolls sideways on a narrow screen, instead of
    widening the page."""
    return body.replace("<table", "<div class=wide><table").replace("</table>", "</table></div>")


def validation_html(data: dict[str, Any]) -> str:
    """Predicted against measured throughput, by source, with the per-source table."""
    points: dict[str, tuple[list[float], list[float]]] = {}
    for row in data["rows"]:
        xs, ys = points.setdefault(row["source"], ([], []))
        xs.append(row["measured"])
        ys.append(row["predicted"])
    svg = scatter_svg(points, "predicted vs measured", "measured tokens/s per device",
                      "predicted tokens/s per device")  # fmt: skip
    rows = "".join(
        f"<tr><td>{html.escape(source)}</td><td>{s['rows']}</td><td>{s['median_abs_error']:.1%}"
        f"</td><td>{s['within_20pct']:.0%}</td><td>{s['naive_median_abs_error']:.1%}</td></tr>"
        for source, s in data["by_source"].items()
    )
    body = (
        "<h1>flopcast validate</h1>"
        f"<p>{html.escape(data['line'])}</p>"
        + figure_html(svg, "log-log; the band is +/-20%")
        + "<table><tr><th>source</th><th>rows</th><th>median |error|</th><th>within 20%</th>"
        f"<th>naive</th></tr>{rows}</table>"
    )
    return page("flopcast validate", body)


def search_html(data: dict[str, Any], title: str) -> str:
    """The ranked plans and their time breakdown."""
    labels = [
        f"#{i + 1} TP{p['tp']} PP{p['pp']}x{p['vpp']} DP{p['dp']} CP{p['cp']} {p['precision']}"
        for i, p in enumerate(data["plans"])
    ]
    keys = sorted({k for p in data["plans"] for k in p["breakdown_s"]})
    parts = {k: [p["breakdown_s"].get(k, 0.0) for p in data["plans"]] for k in keys}
    rows = "".join(
        f"<tr><td>{label}</td><td>{format_number(p['step_time_s'])} s</td>"
        f"<td>{format_number(p['tokens_per_s_per_device'])}</td><td>{p['mfu']:.1%}</td>"
        f"<td>{p['memory_gib']:.1f}</td><td>{html.escape(p['loses_by'] or 'best')}</td></tr>"
        for label, p in zip(labels, data["plans"], strict=True)
    )
    body = (
        f"<h1>{html.escape(title)}</h1><p>{data['evaluated']:,} plans evaluated, "
        f"{data['feasible']:,} fit memory, {data['seconds']:.2f} s; "
        f"{html.escape(search_summary(data))}.</p>"
        + figure_html(
            stacked_bars_svg(labels, parts, "time per step"), "where each plan's step goes"
        )
        + "<table><tr><th>plan</th><th>step</th><th>tokens/s/device</th><th>MFU</th><th>GiB</th>"
        f"<th>why it loses</th></tr>{rows}</table>"
    )
    return page(title, body)
