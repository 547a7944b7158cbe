"""``flopcast sweep``: a scenario over a grid of its inputs' values, as a table, CSV and a
figure."""

from __future__ import annotations

import csv
import io
from typing import Any

import click

from flopcast.cli.options import echo_json, echo_lines
from flopcast.errors import InputError


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--vary", "varies", multiple=True, required=True, metavar="NAME=LOW:HIGH[:N][:log]",
    help="An input and the values it takes: N (default 5) points from LOW to HIGH, "
    "geometrically spaced with :log; repeat for a grid.",
)  # fmt: skip
@click.option("--samples", default=4000, show_default=True, type=click.IntRange(min=2),
              help="Samples drawn per input at each point.")  # fmt: skip
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Seed, the same at every point.")  # fmt: skip
@click.option("--csv", "csv_path", default=None, help="Also write every row to this CSV.")
@click.option("--figure", "figure_path", default=None,
              help="Also draw OUTPUT against the first varied input to this SVG.")  # fmt: skip
@click.option("--output", "output_name", default=None,
              help="The output the figure draws (default: the first).")  # fmt: skip
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def sweep(
    path: str, varies: tuple[str, ...], samples: int, seed: int, csv_path: str | None,
    figure_path: str | None, output_name: str | None, output_format: str,
) -> None:  # fmt: skip
    """Evaluate a scenario at every combination of the values given to its inputs."""
    from flopcast.files import read_yaml
    from flopcast.report.output import check_output, write_atomically
    from flopcast.scenario.sweep import parse_axis, sweep_rows
    from flopcast.scenario.sweep import sweep as run_sweep

    for target in filter(None, (csv_path, figure_path)):
        check_output(target, [path])
    axes = [parse_axis(text) for text in varies]
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a scenario file (a mapping)", file=path)
    try:
        points = run_sweep(path, data, axes, samples=samples, seed=seed)
    except InputError as err:
        raise err.located(file=path) from None
    rows = sweep_rows(points)
    figure = _figure(points, axes[0].name, output_name) if figure_path else None
    if csv_path:
        write_atomically(csv_path, _csv_text(rows))
    if figure_path and figure is not None:
        write_atomically(figure_path, figure)
    if output_format == "json":
        echo_json(rows)
    else:
        echo_lines(_lines(rows, [axis.name for axis in axes]))


def _csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _lines(rows: list[dict[str, Any]], names: list[str]) -> list[str]:
    from flopcast.quantity.format import format_number

    lines = ["  ".join([*names, "output", "median", "90% interval", "unit", "verdict"])]
    for row in rows:
        interval = f"{format_number(row['p5'])}-{format_number(row['p95'])}"
        lines.append("  ".join([*(row[n] for n in names), row["output"],
                                format_number(row["median"]), interval, row["unit"],
                                row["verdict"]]))  # fmt: skip
    return lines


def _figure(points: list[Any], axis_name: str, output_name: str | None) -> str:
    """The chosen output's median and bands against the first varied input."""
    from flopcast.quantity.grammar import parse_number_text
    from flopcast.report.figures import fan_svg

    names = [o.definition.name for o in points[0].result.outputs]
    name = output_name or names[0]
    if name not in names:
        raise InputError(f"no output {name!r}; outputs: {', '.join(names)}", field="--output")
    series = []
    for point in points:
        output = next(o for o in point.result.outputs if o.definition.name == name)
        series.append((parse_number_text(point.values[axis_name])[0], output.summary))
    unit = next(o for o in points[0].result.outputs if o.definition.name == name).unit_text
    return fan_svg(series, f"{name} [{unit}]", x_label=axis_name)
