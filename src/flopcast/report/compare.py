"""Scenarios side by side: one row per output name, one cell per scenario."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flopcast.quantity.format import format_number
from flopcast.report.data import output_cell
from flopcast.scenario.evaluate import ScenarioResult


def compare_rows(files: Sequence[str], results: Sequence[ScenarioResult]) -> list[dict[str, Any]]:
    """Every output name, in order of first appearance, with each file's median, 90%
    interval, unit and verdict (None where the file has no such output)."""
    names: list[str] = []
    for result in results:
        names += [o.definition.name for o in result.outputs if o.definition.name not in names]
    rows = []
    for name in names:
        cells: dict[str, Any] = {}
        for path, result in zip(files, results, strict=True):
            output = next((o for o in result.outputs if o.definition.name == name), None)
            cells[path] = None if output is None else output_cell(output)
        rows.append({"output": name, "scenarios": cells})
    return rows


def _cell(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "-"
    text = (
        f"{format_number(cell['median'])} [{format_number(cell['p5'])}-"
        f"{format_number(cell['p95'])}] {cell['unit']}"
    ).strip()
    return text + (f" {cell['verdict'].upper()}" if cell["verdict"] else "")


def compare_lines(files: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[str]:
    """The rows as aligned text: median [90% interval] unit and verdict per file."""
    table = [["output", *files]]
    table += [[row["output"], *(_cell(row["scenarios"][f]) for f in files)] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in table]  # fmt: skip


def compare_table(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows long: one per output and file that has it (for CSV)."""
    return [
        {"output": row["output"], "file": path, **cell, "verdict": cell["verdict"] or ""}
        for row in rows
        for path, cell in row["scenarios"].items()
        if cell is not None
    ]
