"""A sweep's grid points as rows, text, CSV and a figure (``flopcast sweep``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from flopcast.errors import InputError
from flopcast.quantity.format import format_number
from flopcast.report.data import output_cell
from flopcast.report.figures import fan_svg
from flopcast.scenario.sweep import SweepPoint


def sweep_rows(points: Sequence[SweepPoint]) -> list[dict[str, Any]]:
    """One row per grid point and output: the values set, the output's unit, median, 90%
    interval and verdict ('' for an output that is not a claim)."""
    rows = []
    for point in points:
        for output in point.result.outputs:
            cell = output_cell(output)
            rows.append(
                {**point.values, "output": output.definition.name, "unit": cell["unit"],
                 "median": cell["median"], "p5": cell["p5"], "p95": cell["p95"],
                 "verdict": cell["verdict"] or ""}
            )  # fmt: skip
    return rows


def sweep_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV, one column per field."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def sweep_lines(rows: list[dict[str, Any]], names: list[str]) -> list[str]:
    """The rows as text: the varied values, then each output's median and 90% interval."""
    lines = ["  ".join([*names, "output", "median", "90% interval", "unit", "verdict"])]
    for row in rows:
        interval = f"{format_number(row['p5'])}-{format_number(row['p95'])}"
        lines.append("  ".join([*(row[n] for n in names), row["output"],
                                format_number(row["median"]), interval, row["unit"],
                                row["verdict"]]))  # fmt: skip
    return lines


def sweep_figure(points: Sequence[SweepPoint], axis_name: str, output_name: str | None) -> str:
    """The chosen output's median and bands against the varied input ``axis_name``."""
    names = [o.definition.name for o in points[0].result.outputs]
    name = output_name or names[0]
    if name not in names:
        raise InputError(f"no output {name!r}; outputs: {', '.join(names)}", field="--output")
    chosen = [next(o for o in p.result.outputs if o.definition.name == name) for p in points]
    series = [(p.numbers[axis_name], o.summary) for p, o in zip(points, chosen, strict=True)]
    return fan_svg(series, f"{name} [{chosen[0].unit_text}]", x_label=axis_name)
