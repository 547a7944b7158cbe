"""The shape of a scenario or claim file, as msgspec structs (the file format's reference).

A scenario file is YAML::

    title: Compute of current frontier models (seed claim S03)
    inputs:
      chips:      {value: 50000, unit: chip, source: "seed text"}
      duration:   {value: "2 to 4 month", source: "seed text"}      # a 90% interval
      utilization: {value: 40%, source: "seed text"}
    outputs:
      compute:
        expr: chips * peak * utilization * duration
        unit: FLOP
        expect: {quote: "...", range: [1e26, 2e26], tolerance: 10%}

Numbers may be plain (``50000``) or carry units (``"24 kW"``, ``"40%"``, ``"$2"``). The
structs only check shape; units, distributions and expressions are read by
:mod:`flopcast.scenario.loader`.

The structs are msgspec ``Struct`` types: msgspec validates plain data against type hints
with error paths (``$.inputs.a.source``) and imports in ~50 ms, a quarter of pydantic's
cost, which matters because every ``flopcast`` process pays it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

#: A number, or a number with a unit as text ("24 kW", "40%").
Number = float | str

#: A string that must not be empty.
Text = Annotated[str, msgspec.Meta(min_length=1)]

DistributionName = Literal[
    "point", "to", "normal", "lognormal", "uniform", "loguniform", "pert", "beta", "mixture"
]


class _Spec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """Base of the file structs: keyword fields, no unknown keys, immutable."""


class DistributionSpec(_Spec, kw_only=True, frozen=True):
    """How an uncertain value is spread (used by inputs and by mixture components)."""

    value: Number | None = None
    """A point value (``50000``, ``"40%"``) or an interval string (``"2 to 4 month"``)."""
    range: tuple[Number, Number] | None = None
    """Two bounds: a 90% interval by default; the full support for uniform, log-uniform,
    PERT and beta."""
    dist: DistributionName | None = None
    """Distribution family; by default a point for ``value`` and ``to`` for ``range``."""
    unit: str | None = None
    """Unit of the numbers that carry none; numbers with units are converted to it."""
    mean: Number | None = None
    """Mean of a normal."""
    sd: Number | None = None
    """Standard deviation of a normal."""
    median: Number | None = None
    """Median of a lognormal (with ``gsd``)."""
    gsd: float | None = None
    """Geometric standard deviation of a lognormal (> 1)."""
    mode: Number | None = None
    """Most likely value of a PERT (with ``range`` as its support)."""
    alpha: float | None = None
    """First shape parameter of a beta."""
    beta: float | None = None
    """Second shape parameter of a beta."""
    components: list[DistributionSpec] | None = None
    """Components of a mixture."""
    weights: list[float] | None = None
    """Weights of a mixture's components."""


class GrowthSpec(_Spec, kw_only=True, frozen=True):
    """A value that grows at a constant rate (a scenario with ``years``)."""

    start: Number
    """The value in ``year``: a point (``"5e25 FLOP"``) or an interval (``"1 to 2 GW"``)."""
    year: int
    """The year ``start`` holds."""
    factor: Number | None = None
    """Growth factor per year: ``4``, ``"4 to 5"`` (a 90% interval), drawn once per path."""
    doubling: Number | None = None
    """Or a doubling time with its unit: ``"10 month"``, ``"6 to 12 month"``."""


class InputSpec(DistributionSpec, kw_only=True, frozen=True):
    """A named input: a value or distribution, its unit, and where it comes from."""

    by_year: dict[int, Number] | None = None
    """Values by calendar year (a scenario with ``years``): ``{2024: "100 MW", 2030: "1 to 5
    GW"}``, in ``unit``; interpolated log-linearly between the years given."""
    growth: GrowthSpec | None = None
    """A value growing at a constant rate from a start year (a scenario with ``years``)."""

    source: str | None = None
    """Where the number comes from: a URL, or a document and table. Required unless the
    value comes from the catalog."""
    catalog: str | None = None
    """Take the value, unit and source from the catalog: ``"h100-sxm.dense_bf16"``. A
    catalog range is a 90% interval. ``unit`` may convert it."""
    note: str | None = None
    """Why this value or range was chosen."""


class ExpectSpec(_Spec, kw_only=True, frozen=True):
    """What a claim says about an output. Exactly one of value, range, at_least, at_most."""

    quote: Text
    """The claim in its source's words."""
    source: str | None = None
    """Where the claim was made."""
    value: Number | None = None
    """The claimed value."""
    range: tuple[Number, Number] | None = None
    """The claimed range."""
    at_least: Number | None = None
    """The claimed lower bound."""
    at_most: Number | None = None
    """The claimed upper bound."""
    unit: str | None = None
    """Unit of claimed numbers without one; defaults to the output's unit."""
    tolerance: Number | None = None
    """Relative slack on the claimed numbers (``0.1`` or ``"10%"``). By default the claim's
    words decide it (:func:`flopcast.scenario.claims.rule_tolerance`: 1% exact, 10% stated,
    20% hedged); a wider one needs ``tolerance_reason``."""
    tolerance_reason: str | None = None
    """Why the claim needs a wider tolerance than its words allow."""
    exact: bool = False
    """The quote restates exact arithmetic (1% tolerance)."""
    lines: list[int] | None = None
    """Lines of the scenario's ``source_text`` where the quote stands (1-based), checked by
    ``flopcast check --strict`` and the test suite."""
    check: Literal["median", "interval"] = "median"
    """``median``: the output's distribution satisfies the claimed value or range (widened by
    the tolerance) with the stated confidence (a three-way verdict). ``interval``: the
    computed 5th and 95th percentiles match the range ends within the tolerance (for claims
    whose range comes from the inputs' ranges)."""
    note: str | None = None
    """Why the claim holds or not, in words, for the report."""
    verdict: Literal["held", "failed", "undecided"] = "held"
    """The verdict the file's authors found and explain in ``note``. It does not change the
    check; the test suite uses it to notice a verdict that changes."""
    year: int | None = None
    """In a scenario with ``years``: the year the claim is about ("by 2030 ...")."""


class SolveYearSpec(_Spec, kw_only=True, frozen=True):
    """When an output first reaches a value, per sample path (a scenario with ``years``)."""

    output: Text
    """The output followed over the years."""
    reaches: Number
    """The value it must reach, with its unit: ``"1e28 FLOP"``."""


class OutputSpec(_Spec, kw_only=True, frozen=True):
    """A named output: an expression; or, in a scenario with ``years``, the year another
    output reaches a value (``solve_year``), or which of several outputs is smallest
    (``binding``)."""

    expr: str | None = None
    """Expression over input and output names, numbers and functions."""
    solve_year: SolveYearSpec | None = None
    """The first year (interpolated between the years evaluated) each path of an output
    reaches a value."""
    binding: list[str] | None = None
    """Outputs in one unit (limits such as the largest run each constraint allows): the
    share of paths where each is the smallest, per year."""
    unit: str | None = None
    """Unit to report the output in (and to check dimensions against)."""
    note: str | None = None
    """What the output means."""
    expect: ExpectSpec | None = None
    """Makes this output a claim."""
    agrees_with: str | None = None
    """Another output computing the same quantity by another method (e.g. operation
    counting versus hardware-time); a warning is raised when their 90% intervals do not
    overlap, i.e. they disagree beyond the inputs' spread."""


class ScenarioSpec(_Spec, kw_only=True, frozen=True):
    """A whole scenario or claim file."""

    title: Text
    """One line saying what the file estimates."""
    id: str | None = None
    """Claim or scenario identifier, such as ``S03``."""
    description: str | None = None
    """Longer explanation for the report."""
    source: str | None = None
    """The text the scenario comes from."""
    correlations: list[tuple[str, str, float]] = msgspec.field(default_factory=list)
    """Rank correlations between uncertain inputs: ``[[utilization, duration, 0.5]]``
    (Iman-Conover; each input keeps its own distribution)."""
    source_text: str | None = None
    """The text the claims quote (a path relative to this file); each claim's quote must
    stand verbatim on its cited ``lines`` (``flopcast check --strict``)."""
    catalogs: list[str] = msgspec.field(default_factory=list)
    """Catalog files (paths relative to this file) whose entries add to or override the
    built-in catalog for this scenario's inputs and plan functions."""
    years: list[int] | None = None
    """Calendar years to evaluate every output in (``[2024, 2025, ..., 2030]``, or two years
    ``[2024, 2030]`` for every year between): inputs may then change by year (``by_year``,
    ``growth``), and claims name the year they are about."""
    outputs: Annotated[dict[str, Any], msgspec.Meta(min_length=1)]
    """Named outputs, at least one, each an :class:`OutputSpec`. (Entries are converted one
    by one so that errors name the entry; msgspec elides dict keys in its error paths.)"""
    inputs: dict[str, Any] = msgspec.field(default_factory=dict)
    """Named inputs, each an :class:`InputSpec`."""
