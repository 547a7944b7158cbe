"""A Markdown report with its figures as SVG files in a folder beside it.

Everything is written into a temporary folder first and moved into place at the end, so a
failure leaves no half-written report.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flopcast.report.graph import graph_svg
from flopcast.report.html import output_figures
from flopcast.report.text import markdown
from flopcast.scenario.evaluate import ScenarioResult


def write_markdown_report(result: ScenarioResult, path: str) -> None:
    """Write ``path`` (Markdown) and ``<stem>_files/`` (its figures)."""
    target = Path(path)
    folder_name = f"{target.stem}_files"
    lines = [markdown(result), "", "### Figures", ""]
    with tempfile.TemporaryDirectory(dir=target.parent or ".") as scratch:
        figures = Path(scratch) / folder_name
        figures.mkdir()
        index = 0
        for output in result.outputs:
            for svg, caption in output_figures(output):
                index += 1
                name = f"figure{index}.svg"
                (figures / name).write_text(svg)
                lines.append(f"![{caption}]({folder_name}/{name})")
                lines.append("")
        (figures / "derivation.svg").write_text(graph_svg(result.scenario))
        lines.append(f"![derivation graph]({folder_name}/derivation.svg)")
        (Path(scratch) / target.name).write_text("\n".join(lines) + "\n")
        final_folder = target.parent / folder_name
        if final_folder.exists():
            shutil.rmtree(final_folder)
        shutil.move(str(figures), final_folder)
        shutil.move(str(Path(scratch) / target.name), target)
