"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from flopcast.catalog.model import Catalog


def catalog_option(function: Any) -> Any:
    """``--catalog FILE`` (repeatable): user catalogs over the built-in one."""
    return click.option(
        "--catalog",
        "catalogs",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=str),
        help="A catalog file whose entries override built-in ones by ID (repeatable).",
    )(function)


def user_catalog(catalogs: tuple[str, ...]) -> Catalog | None:
    """The built-in catalog with the user's files on top; None (lazy built-in) if none."""
    if not catalogs:
        return None
    return full_catalog(catalogs)


def full_catalog(catalogs: tuple[str, ...]) -> Catalog:
    """The built-in catalog with the user's files on top (always loaded)."""
    from flopcast.catalog.loader import load_catalog

    return load_catalog(catalogs)


#: Runs with at least this many samples show a progress indicator on a terminal.
LONG_RUN_SAMPLES = 1_000_000


def interactive() -> bool:
    """True on a terminal outside CI: where progress indicators belong."""
    return sys.stderr.isatty() and not os.environ.get("CI")
