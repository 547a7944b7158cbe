"""``flopcast sweep``: a scenario over a grid of its inputs' values, as a table, CSV and a
figure."""

from __future__ import annotations

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
@click.option("--workers", default="auto", show_default=True, metavar="N|auto",
              help="Local processes: auto uses every core when the grid would take over a "
              "second, 1 runs in this process.")  # fmt: skip
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="Run the grid on the Dask cluster whose scheduler is at ADDRESS "
              "(tcp://host:8786; needs the 'dask' extra).")  # fmt: skip
def sweep(
    path: str, varies: tuple[str, ...], samples: int, seed: int, csv_path: str | None,
    figure_path: str | None, output_name: str | None, output_format: str, workers: str,
    dask_address: str | None,
) -> None:  # fmt: skip
    """Evaluate a scenario at every combination of the values given to its inputs."""
    from flopcast.files import read_yaml
    from flopcast.report.data import csv_text
    from flopcast.report.output import check_output, write_atomically
    from flopcast.report.sweep import sweep_figure, sweep_lines, sweep_rows
    from flopcast.scenario.sweep import parse_axis
    from flopcast.scenario.sweep import sweep as run_sweep
    from flopcast.scenario.sweep_mappers import dask_mapper, process_mapper

    if dask_address and workers != "auto":
        raise InputError("give --workers or --dask, not both", field="--workers")
    mapper = dask_mapper(dask_address) if dask_address else process_mapper(_workers(workers))
    for target in filter(None, (csv_path, figure_path)):
        check_output(target, [path])
    axes = [parse_axis(text) for text in varies]
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a scenario file (a mapping)", file=path)
    try:
        points = run_sweep(path, data, axes, samples=samples, seed=seed, mapper=mapper)
    except InputError as err:
        raise err.located(file=path) from None
    rows = sweep_rows(points)
    # The figure is drawn before anything is written, so a bad --output writes nothing.
    figure = sweep_figure(points, axes[0].name, output_name) if figure_path else None
    if csv_path:
        write_atomically(csv_path, csv_text(rows))
    if figure_path and figure:
        write_atomically(figure_path, figure)
    if output_format == "json":
        echo_json(rows)
    else:
        echo_lines(sweep_lines(rows, [axis.name for axis in axes]))


def _workers(text: str) -> int | None:
    """``--workers``: a positive count, or None for ``auto``."""
    if text == "auto":
        return None
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise InputError(f"expected a positive count or 'auto', got {text!r}", field="--workers")
