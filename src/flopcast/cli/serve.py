"""``flopcast serve``: the playground, a local web app in the browser."""

from __future__ import annotations

from pathlib import Path

import click

from flopcast.errors import InputError

#: Suffixes of the scenario files a folder offers.
SCENARIO_SUFFIXES = (".yaml", ".yml")


def scenario_files(path: str) -> dict[str, Path]:
    """The scenario files of ``path`` (a file, or a folder searched recursively, catalog files
    left out) by the name the page shows: the path relative to the folder."""
    from flopcast.files import read_yaml

    given = Path(path)
    if given.is_file():
        return {given.name: given}
    if not given.is_dir():
        raise InputError("no such file or folder", file=path)
    found = {}
    for file in sorted(given.rglob("*")):
        if file.suffix not in SCENARIO_SUFFIXES or not file.is_file():
            continue
        try:
            data = read_yaml(file)
        except InputError:
            data = None  # offered anyway: the playground shows what is wrong with it
        if isinstance(data, dict) and "entries" in data and "outputs" not in data:
            continue  # a catalog file
        found[file.relative_to(given).as_posix()] = file
    if not found:
        raise InputError("no scenario files (*.yaml) in this folder", file=path)
    return found


@click.command()
@click.argument("path", type=click.Path())
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (the default is reachable from this machine only).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--samples",
    default=2000,
    show_default=True,
    type=click.IntRange(min=2),
    help="Samples drawn per input at each recomputation.",
)
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0))
def serve(path: str, host: str, port: int, samples: int, seed: int) -> None:  # fmt: skip
    """A playground for the scenario FILE, or the scenario files of a folder: the YAML in an
    editor beside its results, a slider for each input, recomputed on every change, saved
    back to the file on request. Needs the ``serve`` extra (``pip install 'flopcast[serve]'``).
    """
    try:
        import uvicorn

        from flopcast.serve.app import create_app
        from flopcast.serve.session import Settings
    except ImportError as err:
        raise InputError(
            f"flopcast serve needs the 'serve' extra ({err.name} is missing): "
            "pip install 'flopcast[serve]'"
        ) from None
    files = scenario_files(path)
    app = create_app(files, Settings(samples=samples, seed=seed), host=host)
    click.echo(f"flopcast playground: http://{host}:{port}/ ({len(files)} files; Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
