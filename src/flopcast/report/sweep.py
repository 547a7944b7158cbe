"""A sweep's grid points as rows, text, CSV and a figure (``flopcast sweep``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flopcast.errors import InputError
from flopcast.quantity.format import format_number
from flopcast.quantity.grammar import parse_number_text
from flopcast.report.figures import fan_svg
from flopcast.scenario.sweep import SweepPoint


def sweep_rows(points: Sequence[SweepPoint]) -> list[dict[str, Any]]:
    """One row per grid point and output: the values set, the output's unit, median, 90%
    interval and verdict ('' for an output that is not a claim)."""
    return [
        {**point.values, "output": output.name, "unit": output.unit,
         "median": float(output.summary.median), "p5": float(output.summary.p5),
         "p95": float(output.summary.p95), "verdict": output.verdict or ""}
        for point in points
        for output in point.outputs
    ]  # fmt: skip


def sweep_lines(rows: list[dict[str, Any]], names: list[str]) -> list[str]:
    """The rows as text: the varied values, then each output's median and 90% interval."""
    lines = ["  ".join([*names, "output", "median", "90% interval", "unit", "verdict"])]
    for row in rows:
        spread = row["p5"] != row["p95"]
        interval = f"{format_number(row['p5'])}-{format_number(row['p95'])}" if spread else "-"
        lines.append("  ".join([*(row[n] for n in names), row["output"],
                                format_number(row["median"]), interval, row["unit"],
                                row["verdict"]]))  # fmt: skip
    return lines


def sweep_figure(points: Sequence[SweepPoint], axis_name: str, output_name: str | None) -> str:
    """The chosen output's median and bands against the varied input ``axis_name``."""
    names = [output.name for output in points[0].outputs]
    name = output_name or names[0]
    if name not in names:
        raise InputError(f"no output {name!r}; outputs: {', '.join(names)}", field="--output")
    series = [(point.numbers[axis_name], point.output(name).summary) for point in points]
    unit = points[0].output(name).unit
    _, x_unit = parse_number_text(points[0].values[axis_name])
    x_label = f"{axis_name} [{x_unit.strip()}]" if x_unit.strip() else axis_name
    return fan_svg(series, name, x_label=x_label, unit=unit)
