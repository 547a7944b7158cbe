"""Options and helpers shared by the commands."""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
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


@functools.cache
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


def echo_lines(lines: Any) -> None:
    """Print text lines, with escape sequences and control characters from files removed."""
    from flopcast.report.escape import plain

    for line in lines:
        click.echo(plain(line))


def echo_json(data: Any) -> None:
    """Print ``data`` as strict JSON: a non-finite number becomes null (JSON has no NaN)."""
    import json

    click.echo(json.dumps(finite(data), indent=2, allow_nan=False))


def finite(data: Any) -> Any:
    """``data`` with every non-finite float replaced by None."""
    import math

    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


@dataclass(frozen=True)
class Sampling:
    """How ``run``, ``check`` and ``report`` load and evaluate scenarios."""

    samples: int
    seed: int
    max_memory: int
    """Bytes the sample arrays may use."""
    allow_paths: bool
    """Whether a scenario's ``catalogs:`` may lie outside its folder."""
    catalogs: tuple[str, ...]
    """User catalog files (``--catalog``)."""
    confidence: float = 0.8
    """Probability at which claims are decided."""

    def load(self, file: str, data: Any = None) -> Any:
        """The scenario in ``file`` (or its already parsed ``data``), with the user's
        catalogs."""
        from flopcast.scenario.loader import load_scenario, scenario_from_data

        catalog = user_catalog(self.catalogs)
        if data is None:
            return load_scenario(file, catalog, allow_paths=self.allow_paths)
        return scenario_from_data(file, data, catalog, allow_paths=self.allow_paths)

    def evaluate(self, scenario: Any, **options: Any) -> Any:
        """Evaluate ``scenario``, with a spinner on a terminal for long runs."""
        from flopcast.scenario.evaluate import evaluate

        def run() -> Any:
            return evaluate(
                scenario,
                samples=self.samples,
                seed=self.seed,
                max_memory=self.max_memory,
                confidence=self.confidence,
                **options,
            )

        if self.samples < LONG_RUN_SAMPLES or not interactive():
            return run()
        from rich.console import Console

        with Console(stderr=True).status(f"sampling {self.samples:,} draws per input"):
            return run()


def sampling_options(command: Any) -> Any:
    """``--samples``, ``--seed``, ``--max-memory``, ``--allow-paths`` and ``--catalog``,
    handed to the command as one :class:`Sampling` argument named ``sampling``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        sampling = Sampling(
            samples=kwargs.pop("samples"),
            seed=kwargs.pop("seed"),
            max_memory=int(kwargs.pop("max_memory_gib") * 2**30),
            allow_paths=kwargs.pop("allow_paths"),
            catalogs=kwargs.pop("catalogs"),
            confidence=kwargs.pop("confidence"),
        )
        return command(*args, sampling=sampling, **kwargs)

    from flopcast.scenario.defaults import DEFAULT_CONFIDENCE, DEFAULT_MAX_MEMORY, DEFAULT_SAMPLES

    options = [
        click.option(
            "--samples", default=DEFAULT_SAMPLES, show_default=True, type=click.IntRange(min=2),
            help="Samples drawn per input.",
        ),
        click.option(
            "--seed", default=0, show_default=True, type=click.IntRange(min=0),
            help="Seed of the random generator (a non-negative integer).",
        ),
        click.option(
            "--max-memory", "max_memory_gib", default=DEFAULT_MAX_MEMORY / 2**30,
            show_default=True, type=click.FloatRange(min=0, min_open=True),
            help="GiB the sample arrays may use; a run that needs more is refused.",
        ),
        click.option(
            "--confidence", default=DEFAULT_CONFIDENCE, show_default=True,
            type=click.FloatRange(0.5, 1, min_open=True, max_open=True),
            help="Probability at which a claim is HELD or FAILED (else UNDECIDED).",
        ),
        click.option(
            "--allow-paths", is_flag=True,
            help="Let a scenario's catalogs: lie outside its folder.",
        ),
        catalog_option,
    ]  # fmt: skip
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def token_range(text: str) -> tuple[int, int]:
    """``--global-batch-tokens``: one token count, or ``LOW-HIGH``."""
    try:
        low, _, high = text.partition("-")
        bounds = (int(float(low)), int(float(high or low)))
    except (ValueError, OverflowError):
        bounds = (0, -1)
    if bounds[0] <= 0 or bounds[1] < bounds[0]:
        raise click.BadParameter(
            f"expected a token count or LOW-HIGH, got {text!r}", param_hint="--global-batch-tokens"
        )
    return bounds
