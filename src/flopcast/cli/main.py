"""``flopcast run``, ``flopcast check`` and ``--version``.

Any :class:`~flopcast.errors.FlopcastError` ends the command with its one-paragraph message
on stderr and exit status 2, never a traceback (click's own usage errors also exit 2).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flopcast import __version__
from flopcast.catalog.kinds import KINDS
from flopcast.cli.options import (
    Sampling,
    catalog_option,
    echo_json,
    echo_lines,
    full_catalog,
    sampling_options,
)
from flopcast.errors import FlopcastError, InputError
from flopcast.report.escape import plain
from flopcast.scenario.verdicts import VERDICTS

if TYPE_CHECKING:
    from flopcast.scenario.evaluate import ScenarioResult

#: File name endings searched for claim files inside folders.
CLAIM_FILE_SUFFIXES = (".yaml", ".yml")


#: Exit status of an error flopcast did not expect (a bug, not bad input).
INTERNAL_ERROR = 3

#: Exit status when the reader of standard output closed it: 128 + SIGPIPE, as a shell reports.
PIPE_CLOSED = 141


class _Group(click.Group):
    """Turns user errors into a message and exit status 2, and anything unexpected into a
    one-line report and exit status 3 (``FLOPCAST_DEBUG=1`` shows the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlopcastError as err:
            click.echo(f"error: {plain(err)}", err=True)
            ctx.exit(2)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (``flopcast check ... | head``): stop quietly, as Unix
            # tools do, and keep Python from complaining again when it flushes at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(PIPE_CLOSED)
        except Exception as err:
            if os.environ.get("FLOPCAST_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(err).__name__}: {plain(err)} (a bug in flopcast; "
                "please report it with the command; FLOPCAST_DEBUG=1 shows the traceback)",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flopcast")
def cli() -> None:
    """Estimate, plan and check AI training systems with units and uncertainty."""


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option(
    "--percentiles",
    default="5,50,95",
    show_default=True,
    help="Comma-separated percentiles (0-100) to report, beside 5, 50 and 95.",
)
@click.option(
    "--csv", "csv_path", default=None, help="Also write every output's samples to this CSV."
)
@sampling_options
def run(
    file: str, output_format: str, percentiles: str, csv_path: str | None, sampling: Sampling
) -> None:
    """Evaluate the scenario FILE: every output with its median, 90% interval and drivers."""
    if csv_path:
        from flopcast.report.output import check_output

        check_output(csv_path, [file])
    result = sampling.evaluate(sampling.load(file), percentiles=_percentiles(percentiles))
    if csv_path:
        _write_samples(result, csv_path)
    if result.scenario.years:
        _print_trajectory(result, output_format)
    elif output_format == "json":
        from flopcast.report.data import scenario_data

        echo_json(scenario_data(result))
    elif output_format == "markdown":
        from flopcast.report.text import markdown

        click.echo(markdown(result), nl=False)
    else:
        from flopcast.report.text import print_table

        print_table(result, sys.stdout)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    unsettled = [o for o in result.outputs if o.claim is not None and not o.claim.held]
    sys.exit(1 if unsettled else 0)


def _write_samples(result: Any, path: str) -> None:
    """``run --csv``: the outputs' samples (of a scenario over years, not yet supported)."""
    from flopcast.report.output import write_atomically
    from flopcast.report.samples_csv import samples_csv

    if result.scenario.years:
        raise InputError("--csv of a scenario over years is not supported", field="--csv")
    write_atomically(path, samples_csv(result))


def _print_trajectory(result: Any, output_format: str) -> None:
    """A scenario over years: per-year tables (text, JSON or Markdown)."""
    from flopcast.report import trajectory as view

    if output_format == "json":
        echo_json(view.trajectory_data(result))
    elif output_format == "markdown":
        click.echo(view.trajectory_markdown(result), nl=False)
    else:
        echo_lines(view.trajectory_lines(result))


def _percentiles(text: str) -> list[float]:
    try:
        levels = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        levels = []
    if not levels or not all(0 <= level <= 100 for level in levels):
        raise click.BadParameter(
            f"expected numbers between 0 and 100 separated by commas, got {text!r}",
            param_hint="--percentiles",
        )
    return levels


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Report file to write (.html or .md).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "markdown"]),
    default=None,
    help="Default: from the output file's extension.",
)
@sampling_options
def report(file: str, output: str, output_format: str | None, sampling: Sampling) -> None:
    """Write a report of the scenario FILE: a self-contained HTML page with figures, or
    Markdown with its figures as SVG files beside it."""
    from flopcast.report.html import scenario_html
    from flopcast.report.markdown import write_markdown_report
    from flopcast.report.output import check_output, write_atomically

    chosen = output_format or ("markdown" if output.endswith(".md") else "html")
    check_output(output, [file], figures=chosen == "markdown")
    result = sampling.evaluate(sampling.load(file))
    if result.scenario.years:
        from flopcast.report.trajectory import trajectory_html, write_trajectory_markdown

        if chosen == "html":
            write_atomically(output, trajectory_html(result))
        else:
            write_trajectory_markdown(result, output)
    elif chosen == "html":
        write_atomically(output, scenario_html(result))
    else:
        write_markdown_report(result, output)
    click.echo(f"wrote {output}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also check that each quote stands verbatim on its cited lines of the source text.",
)
@sampling_options
def check(paths: tuple[str, ...], output_format: str, strict: bool, sampling: Sampling) -> None:
    """Check the claims in PATHS (claim files, or folders searched for them).

    A claim is HELD or FAILED when that holds with at least the --confidence probability,
    otherwise UNDECIDED. Exit status 0 only when every claim holds; 1 when some claim fails
    or is undecided; 2 when a file could not be evaluated (or, with --strict, misquotes its
    source) or no claim was found. The last line is ``N claims: H held, F failed, U
    undecided`` (plus ``, E errors``).
    """
    results: list[ScenarioResult] = []
    errors: list[FlopcastError] = []
    from flopcast.files import read_yaml

    for file, explicit in _claim_files(paths, errors):
        try:
            data = read_yaml(file)
            if not explicit and _is_catalog(data):
                continue  # catalogs live beside claim files (e.g. examples/seed/catalogs/)
            scenario = sampling.load(file, data)
            if not scenario.claims:
                if explicit:
                    raise InputError(
                        "expected at least one output with an 'expect' block",
                        file=file,
                        field="outputs",
                    )
                continue
            results.append(sampling.evaluate(scenario))
        except FlopcastError as err:
            errors.append(err.located(file=file))
    verdicts = [(result, output) for result in results for output in result.outputs if output.claim]
    if strict:
        errors += _quote_errors(results)
    found = [output.claim.verdict for _, output in verdicts if output.claim is not None]
    counts = {word: found.count(word) for word in VERDICTS}
    line = (
        f"{len(verdicts)} claims: {counts['held']} held, {counts['failed']} failed, "
        f"{counts['undecided']} undecided"
    )
    if errors:
        line += f", {len(errors)} errors"
    if not verdicts and not errors:
        click.echo(f"error: no claim files found in {', '.join(paths)}", err=True)
    if output_format == "json":
        _print_check_json(verdicts, errors, line)
    else:
        _print_check_text(verdicts, errors, line)
    if errors or not verdicts:
        sys.exit(2)
    sys.exit(0 if counts["held"] == len(verdicts) else 1)


def _quote_errors(results: list[ScenarioResult]) -> list[FlopcastError]:
    """A claim whose quote does not stand verbatim on its cited lines, as an error."""
    from flopcast.scenario.quotes import quote_problems

    return [
        InputError(problem, file=result.scenario.path, field=field)
        for result in results
        for field, problem in quote_problems(result.scenario)
    ]


def _is_catalog(data: Any) -> bool:
    """True for a catalog file's data (top-level ``kind`` and ``entries``), not a scenario."""
    return isinstance(data, dict) and "entries" in data and data.get("kind") in KINDS


def _claim_files(paths: tuple[str, ...], errors: list[FlopcastError]) -> list[tuple[str, bool]]:
    """(file, given explicitly) for each path; folders are searched recursively."""
    found: list[tuple[str, bool]] = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            found += sorted(
                (str(file), False)
                for file in folder.rglob("*")
                if file.suffix in CLAIM_FILE_SUFFIXES and file.is_file()
            )
        elif folder.exists():
            found.append((path, True))
        else:
            errors.append(InputError("no such file or folder", file=path))
    return found


def _print_check_text(
    verdicts: list[tuple[ScenarioResult, Any]], errors: list[FlopcastError], line: str
) -> None:
    from flopcast.report.text import verdict_word

    for result, output in verdicts:
        label = result.scenario.id or Path(result.scenario.path).stem
        click.echo(
            plain(
                f"{verdict_word(output.claim):9} {label} {output.definition.name}: "
                f"{output.claim.reason}"
            )
        )
    for err in errors:
        click.echo(f"ERROR  {plain(err)}", err=True)
    click.echo(line)


def _print_check_json(
    verdicts: list[tuple[ScenarioResult, Any]], errors: list[FlopcastError], line: str
) -> None:
    from flopcast.report.data import claim_data

    claims = [
        {
            "file": result.scenario.path,
            "id": result.scenario.id,
            "output": output.definition.name,
            **claim_data(output, output.claim),
        }
        for result, output in verdicts
    ]
    document = {
        "claims": claims,
        "errors": [
            {"file": err.file, "field": err.field, "message": err.message} for err in errors
        ],
        "summary": {
            "claims": len(claims),
            **{word: sum(1 for c in claims if c["verdict"] == word) for word in VERDICTS},
            "errors": len(errors),
            "line": line,
        },
    }
    echo_json(document)


@cli.command("functions")
@click.argument("name", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@catalog_option
def functions(name: str | None, output_format: str, catalogs: tuple[str, ...]) -> None:
    """List the functions scenario expressions may call (or describe NAME): signature,
    units and sources."""
    from flopcast.report.functions import functions_lines, functions_markdown
    from flopcast.scenario.functions import function_table

    table = function_table(full_catalog(catalogs) if catalogs else None)
    if name is not None and name not in table:
        import difflib

        close = difflib.get_close_matches(name, list(table), n=4, cutoff=0.4)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise InputError(f"no function {name!r}{hint}", field="NAME")
    if output_format == "markdown":
        click.echo(functions_markdown(table), nl=False)
    elif output_format == "json":
        chosen = [table[name]] if name else sorted(table.values(), key=lambda f: f.name)
        echo_json(
            [
                {
                    "name": f.name,
                    "signature": f.signature,
                    "doc": f.doc,
                    "description": f.description,
                }
                for f in chosen
            ]
        )
    else:
        echo_lines(functions_lines(table, name))


@cli.group("catalog")
def catalog_group() -> None:
    """Browse the catalogs: accelerators, models, clusters and prices."""


#: Kinds as a user may write them: singular or plural (``accelerators``, as the lists print).
KIND_NAMES = {**{kind: kind for kind in KINDS}, **{f"{kind}s": kind for kind in KINDS},
              "reliabilities": "reliability"}  # fmt: skip


@catalog_group.command("list")
@click.argument("kind", required=False, type=click.Choice(sorted(KIND_NAMES)))
@catalog_option
def catalog_list(kind: str | None, catalogs: tuple[str, ...]) -> None:
    """List catalog entries (of one KIND) with their names."""
    from flopcast.report.catalog import print_entry_list

    catalog = full_catalog(catalogs)
    print_entry_list(catalog, [KIND_NAMES[kind]] if kind else list(KINDS), sys.stdout)


@catalog_group.command("show")
@click.argument("entry_id")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@catalog_option
def catalog_show(entry_id: str, output_format: str, catalogs: tuple[str, ...]) -> None:
    """Show one entry: every number with its unit and source."""
    from flopcast.report.catalog import entry_data, print_entry

    entry = full_catalog(catalogs).entry(entry_id)
    if output_format == "json":
        echo_json(entry_data(entry))
    else:
        print_entry(entry, sys.stdout)


def _register_plan_commands() -> None:
    from flopcast.cli.compare import compare
    from flopcast.cli.goodput import goodput
    from flopcast.cli.plans import predict, search, sites, validate
    from flopcast.cli.serve import serve
    from flopcast.cli.sweep import sweep

    cli.add_command(predict)
    cli.add_command(sites)
    cli.add_command(search)
    cli.add_command(validate)
    cli.add_command(goodput)
    cli.add_command(sweep)
    cli.add_command(compare)
    cli.add_command(serve)


_register_plan_commands()


def main() -> None:
    """Console entry point."""
    from flopcast.report.output import install_signal_cleanup

    install_signal_cleanup()
    cli()
