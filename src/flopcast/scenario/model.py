"""A scenario after loading: inputs as distributions with units, outputs as parsed expressions.

These are what :mod:`flopcast.scenario.evaluate` works on; files never reach it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pint

from flopcast.catalog.model import Catalog
from flopcast.quantity.distributions import Distribution
from flopcast.quantity.trajectory import Trajectory
from flopcast.scenario.expr import Expression
from flopcast.scenario.signature import Function


@dataclass(frozen=True, kw_only=True)
class InputDef:
    """One named input."""

    name: str
    """Name used in expressions."""
    distribution: Distribution
    """How its samples are drawn, in ``unit``."""
    unit: pint.Unit
    """Unit of the samples."""
    source: str
    """Where the number comes from."""
    note: str | None = None
    """Why this value or range."""
    trajectory: Trajectory | None = None
    """How the value changes by year (a scenario with ``years``); ``distribution`` then
    describes its first year."""


@dataclass(frozen=True, kw_only=True)
class Expectation:
    """A claim about an output, with its numbers in ``unit``."""

    quote: str
    """The claim in its source's words."""
    kind: str
    """``value``, ``range``, ``at_least`` or ``at_most``."""
    low: float | None
    """Claimed lower end (the value itself for ``value``); None for ``at_most``."""
    high: float | None
    """Claimed upper end (the value itself for ``value``); None for ``at_least``."""
    unit: pint.Unit
    """Unit of ``low`` and ``high``; the output is converted to it for the check."""
    tolerance: float
    """Relative slack on ``low`` and ``high``."""
    exact: bool = False
    """The quote restates exact arithmetic."""
    tolerance_reason: str | None = None
    """Why the tolerance is wider than the quote's words allow."""
    lines: tuple[int, ...] = ()
    """Lines of the source text where the quote stands."""
    check: str
    """``median`` or ``interval`` (see :class:`flopcast.scenario.schema.ExpectSpec`)."""
    source: str | None = None
    """Where the claim was made."""
    note: str | None = None
    """Why it holds or not, in words."""
    verdict: str = "held"
    """The verdict the file records (``held``, ``failed`` or ``undecided``)."""
    year: int | None = None
    """The year a claim about a trajectory is about."""


@dataclass(frozen=True, kw_only=True)
class OutputDef:
    """One named output."""

    name: str
    """Name used in expressions and reports."""
    expression: Expression
    """The parsed expression."""
    unit: pint.Unit | None
    """Unit to report in; None keeps the expression's own (reduced) unit."""
    note: str | None = None
    """What the output means."""
    expect: Expectation | None = None
    """Present when the output is a claim."""
    agrees_with: str | None = None
    """Another output that should agree with this one within the inputs' spread."""


@dataclass(frozen=True, kw_only=True)
class SolveYearDef:
    """The first year each path of ``output`` reaches ``threshold`` (in its unit)."""

    name: str
    output: str
    threshold: pint.Quantity
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class BindingDef:
    """Which of ``outputs`` is smallest, per year: the share of paths for each."""

    name: str
    outputs: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A loaded, checked scenario."""

    path: str
    """The file it came from (as given), for messages."""
    title: str
    """One line saying what it estimates."""
    id: str | None
    """Claim or scenario identifier."""
    description: str | None
    """Longer explanation."""
    source: str | None
    """The text it comes from."""
    inputs: dict[str, InputDef]
    """Inputs in file order."""
    outputs: dict[str, OutputDef]
    """Outputs in file order."""
    order: tuple[str, ...]
    """Output names in an order where each comes after the outputs it reads."""
    input_dependencies: dict[str, frozenset[str]]
    """For each output, every input it reads directly or through other outputs."""
    catalog: Catalog | None = None
    """The catalog its inputs and plan functions use (None: the built-in one)."""
    correlations: tuple[tuple[str, str, float], ...] = ()
    """Rank correlations between inputs (a, b, rho)."""
    source_text: str | None = None
    """Path of the text the claims quote (resolved against the file's folder)."""
    functions: dict[str, Function] = field(default_factory=dict)
    """The functions its expressions may call (:func:`flopcast.scenario.functions.function_table`
    for its catalog)."""
    years: tuple[int, ...] = ()
    """Calendar years every output is evaluated in (empty: no time axis)."""
    solved: dict[str, SolveYearDef] = field(default_factory=dict)
    """``solve_year`` outputs."""
    bindings: dict[str, BindingDef] = field(default_factory=dict)
    """``binding`` outputs."""

    @property
    def heading(self) -> str:
        """``ID: title`` (or the title alone), as reports and tables head the scenario."""
        return f"{self.id}: {self.title}" if self.id else self.title

    @property
    def claims(self) -> list[OutputDef]:
        """The outputs that carry an ``expect`` block."""
        return [output for output in self.outputs.values() if output.expect is not None]
