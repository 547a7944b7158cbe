"""``flopcast compare``: scenarios side by side, output by output."""

from __future__ import annotations

import click

from flopcast.cli.options import Sampling, echo_json, echo_lines, sampling_options


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--csv", "csv_path", default=None,
              help="Also write one row per output and file (median, 90% interval, unit, "
              "verdict) to this CSV.")  # fmt: skip
@sampling_options
def compare(
    files: tuple[str, ...], output_format: str, csv_path: str | None, sampling: Sampling
) -> None:
    """Evaluate each scenario FILE (same samples and seed) and show every output's median,
    90% interval and verdict side by side: one row per output name, one column per file."""
    from flopcast.report.compare import compare_lines, compare_rows, compare_table
    from flopcast.report.data import csv_text
    from flopcast.report.output import check_output, write_atomically

    if len(files) < 2:
        raise click.BadParameter("compare takes at least two files", param_hint="FILES")
    if csv_path:
        check_output(csv_path, files)
    results = [sampling.evaluate(sampling.load(path)) for path in files]
    rows = compare_rows(files, results)
    if csv_path:
        write_atomically(csv_path, csv_text(compare_table(rows)))
    if output_format == "json":
        echo_json(rows)
    else:
        echo_lines(compare_lines(files, rows))
