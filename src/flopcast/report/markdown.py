"""A Markdown report with its figures as SVG files in a folder beside it.

The figures are named by their content and written before the Markdown, which is replaced
atomically; figures of an earlier report that the new one no longer uses are removed last
(:func:`flopcast.report.output.write_figure_folder`). A failure or a kill leaves a
consistent report.
"""

from __future__ import annotations

from pathlib import Path

from flopcast.report.graph import graph_svg
from flopcast.report.html import output_figures
from flopcast.report.output import write_figure_folder
from flopcast.report.text import markdown
from flopcast.scenario.evaluate import ScenarioResult


def write_markdown_report(result: ScenarioResult, path: str) -> None:
    """Write ``path`` (Markdown) and ``<stem>_files/`` (its figures)."""
    lines = [markdown(result), "", "### Figures", ""]
    figures: list[tuple[str, str]] = []
    for output in result.outputs:
        for svg, caption in output_figures(output):
            stem = f"figure{len(figures) + 1}"
            figures.append((stem, svg))
            lines += [f"![{caption}]({{{stem}}})", ""]
    figures.append(("derivation", graph_svg(result.scenario)))
    lines.append("![derivation graph]({derivation})")
    write_figure_folder(Path(path), "\n".join(lines) + "\n", figures)
