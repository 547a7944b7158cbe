"""Evaluate a loaded scenario: sample inputs once, compute outputs, summarise, check claims.

Each input is sampled once per run, in file order, from one seeded generator, so a name used
twice is the same samples (``a - a`` is exactly 0) and a run is reproducible from its seed.
Outputs are computed in dependency order over whole sample arrays (no loop over samples).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from flopcast.errors import ExpressionError, FlopcastError, InputError, UnitError
from flopcast.quantity.distributions import Point, Samples, log_sigma
from flopcast.quantity.sensitivity import Sensitivity, log_variance_shares, rank_shares
from flopcast.quantity.summary import DEFAULT_PERCENTILES, Summary, summarize
from flopcast.quantity.units import Quantity, convert, format_unit
from flopcast.scenario.claims import ClaimResult, check_claim
from flopcast.scenario.defaults import DEFAULT_CONFIDENCE, DEFAULT_MAX_MEMORY, DEFAULT_SAMPLES
from flopcast.scenario.display import RENDERERS
from flopcast.scenario.expr import Value
from flopcast.scenario.model import InputDef, OutputDef, Scenario

#: Arrays of one sample size held per uncertain input or output while evaluating: its own
#: samples and the temporaries of the arithmetic and sorting (a measured bound).
ARRAYS_PER_VALUE = 3

#: Bytes per sample (float64).
SAMPLE_BYTES = 8


def memory_needed(scenario: Scenario, samples: int) -> int:
    """Bytes a run of ``samples`` draws needs for its arrays, about."""
    uncertain = sum(1 for d in scenario.inputs.values() if not isinstance(d.distribution, Point))
    arrays = ARRAYS_PER_VALUE * (uncertain + len(scenario.outputs))
    # A scenario over years keeps every year's outputs (for solve_year and the reports).
    return SAMPLE_BYTES * samples * max(arrays, 1) * max(len(scenario.years), 1)


@dataclass(frozen=True, kw_only=True)
class InputResult:
    """An input as used in a run."""

    definition: InputDef
    """The input's definition (name, distribution, unit, source)."""
    summary: Summary
    """Its sampled summary, in its unit."""


@dataclass(frozen=True, kw_only=True)
class OutputResult:
    """An output of a run."""

    definition: OutputDef
    """The output's definition (name, expression, unit, claim)."""
    unit_text: str
    """Unit the summary is in, as text."""
    summary: Summary
    """Median, mean and percentiles."""
    sensitivity: Sensitivity
    """Which inputs drive its spread."""
    inputs: tuple[str, ...]
    """Every input it reads, directly or through other outputs."""
    claim: ClaimResult | None
    """The verdict, when the output is a claim."""
    samples: Any = None
    """The output's samples in ``unit_text`` (a float for a point value), for figures."""


@dataclass(frozen=True, kw_only=True)
class ScenarioResult:
    """Everything a run computed, for reports."""

    scenario: Scenario
    samples: int
    seed: int
    inputs: tuple[InputResult, ...]
    outputs: tuple[OutputResult, ...]
    warnings: tuple[str, ...] = ()
    """Outputs computed two ways that disagree beyond the inputs' spread."""

    def _repr_html_(self) -> str | None:
        """Jupyter shows a run as its HTML tables (no figures, to stay light), with the
        renderer the report layer registers (:mod:`flopcast.scenario.display`)."""
        renderer = RENDERERS.get("text/html")
        return None if renderer is None else renderer(self)


def evaluate(
    scenario: Scenario,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    max_memory: int = DEFAULT_MAX_MEMORY,
    confidence: float = DEFAULT_CONFIDENCE,
) -> ScenarioResult:
    """Run ``scenario`` with ``samples`` draws per input from a generator seeded with ``seed``.

    A run whose arrays would need more than ``max_memory`` bytes is refused before anything
    is drawn (an InputError naming ``--samples``). Claims are decided at ``confidence``
    (:mod:`flopcast.scenario.claims`)."""
    if not 0.5 < confidence < 1:
        raise InputError(
            f"confidence must lie between 0.5 and 1, got {confidence}", field="--confidence"
        )
    if samples < 2:
        raise InputError(f"samples must be at least 2, got {samples}", field="--samples")
    needed = memory_needed(scenario, samples)
    if needed > max_memory:
        raise InputError(
            f"{samples:,} samples of this scenario need about {needed / 2**30:.1f} GiB, more "
            f"than the {max_memory / 2**30:.1f} GiB allowed; lower --samples or raise "
            "--max-memory",
            field="--samples",
        )
    rng = np.random.default_rng(seed)
    raw = draw_inputs(scenario, rng, samples)
    if scenario.years:
        from flopcast.scenario.trajectory import evaluate_trajectory

        return evaluate_trajectory(  # type: ignore[return-value]
            scenario, raw, rng, samples=samples, seed=seed, percentiles=percentiles,
            confidence=confidence,
        )  # fmt: skip
    return evaluate_draws(
        scenario, raw, samples=samples, seed=seed, percentiles=percentiles, confidence=confidence
    )


def draw_inputs(scenario: Scenario, rng: np.random.Generator, samples: int) -> dict[str, Samples]:
    """Every input's samples (a trajectory input's first-year draw stands in until
    :mod:`flopcast.scenario.trajectory` draws its paths), correlations imposed."""
    raw = {name: d.distribution.sample(rng, samples) for name, d in scenario.inputs.items()}
    if scenario.correlations:
        from flopcast.quantity.correlation import impose_rank_correlation

        raw = impose_rank_correlation(raw, scenario.correlations, rng)
    return raw


def evaluate_draws(
    scenario: Scenario,
    raw: dict[str, Samples],
    *,
    samples: int,
    seed: int,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    confidence: float = DEFAULT_CONFIDENCE,
    year: int | None = None,
) -> ScenarioResult:
    """Outputs, summaries and claims from the inputs' samples ``raw``; with ``year``, only the
    claims about that year are checked."""
    drawn = {name: Quantity(raw[name], d.unit) for name, d in scenario.inputs.items()}
    values: dict[str, Value] = {name: Value(q, {name: 1.0}) for name, q in drawn.items()}
    _compute_outputs(scenario, values)
    scratch = np.empty(samples)  # one buffer for every summary's partial sort
    input_results = tuple(
        InputResult(definition=d, summary=summarize(drawn[n].magnitude, percentiles, scratch))
        for n, d in scenario.inputs.items()
    )
    output_results = tuple(
        _output_result(
            scenario, scenario.outputs[name], values, drawn, percentiles, confidence, scratch,
            year,
        )
        for name in scenario.outputs
    )  # fmt: skip
    return ScenarioResult(
        scenario=scenario,
        samples=samples,
        seed=seed,
        inputs=input_results,
        outputs=output_results,
        warnings=_disagreements(scenario, values, output_results),
    )


def _compute_outputs(scenario: Scenario, values: dict[str, Value]) -> None:
    """Every output in dependency order, added to ``values``."""
    for name in scenario.order:
        try:
            # Non-finite samples are reported by _compute, with the output named.
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                values[name] = _compute(scenario, scenario.outputs[name], values)
        except FlopcastError as err:
            raise err.located(file=scenario.path, field=f"outputs.{name}") from None


def _disagreements(
    scenario: Scenario, values: dict[str, Value], results: tuple[OutputResult, ...]
) -> tuple[str, ...]:
    """A warning for each ``agrees_with`` pair whose 90% intervals do not overlap."""
    by_name = {result.definition.name: result for result in results}
    warnings = []
    for name, output in scenario.outputs.items():
        if output.agrees_with is None:
            continue
        mine = by_name[name]
        try:
            factor = float(
                convert(
                    Quantity(1.0, values[output.agrees_with].quantity.units),
                    values[name].quantity.units,
                ).magnitude
            )
        except UnitError as err:
            raise err.located(file=scenario.path, field=f"outputs.{name}.agrees_with") from None
        theirs = _scaled(by_name[output.agrees_with].summary, factor)
        if mine.summary.p95 < theirs.p5 or theirs.p95 < mine.summary.p5:
            warnings.append(
                f"{name} and {output.agrees_with} disagree beyond the inputs' spread: 90% "
                f"intervals [{mine.summary.p5:.3g}, {mine.summary.p95:.3g}] and "
                f"[{theirs.p5:.3g}, {theirs.p95:.3g}] {mine.unit_text} do not overlap"
            )
    return tuple(warnings)


def _compute(scenario: Scenario, output: OutputDef, values: dict[str, Value]) -> Value:
    value = output.expression.evaluate(values.__getitem__, scenario.functions)
    quantity = value.quantity
    if output.unit is not None:
        try:
            quantity = convert(quantity, output.unit)
        except UnitError as err:
            raise err.located(field=f"outputs.{output.name}.unit") from None
    else:
        quantity = quantity.to_reduced_units()
    magnitude = np.asarray(quantity.magnitude, dtype=float)
    bad = int(np.size(magnitude) - np.count_nonzero(np.isfinite(magnitude)))
    if bad:
        raise ExpressionError(
            f"{bad} samples are not finite (a division by zero, overflow or log of 0?)",
            field=f"outputs.{output.name}.expr",
        )
    return Value(quantity, value.monomial)


def _output_result(
    scenario: Scenario,
    output: OutputDef,
    values: dict[str, Value],
    drawn: dict[str, pint.Quantity],
    percentiles: Sequence[float],
    confidence: float,
    scratch: np.ndarray,
    year: int | None = None,
) -> OutputResult:
    value = values[output.name]
    magnitude = value.quantity.magnitude
    summary = summarize(magnitude, percentiles, scratch)
    inputs = tuple(sorted(scenario.input_dependencies[output.name]))
    sensitivity = _sensitivity(scenario, value, inputs, drawn, summary)
    claim = None
    if output.expect is not None and output.expect.year == year:
        # Units here are multiplicative, so percentiles convert by one positive factor and
        # the output's summary serves the claim without sorting the samples again.
        factor = float(convert(Quantity(1.0, value.quantity.units), output.expect.unit).magnitude)
        claim = check_claim(
            output.expect, magnitude, _scaled(summary, factor), confidence, scale=factor
        )
    return OutputResult(
        definition=output,
        unit_text=format_unit(value.quantity.units),
        summary=summary,
        sensitivity=sensitivity,
        inputs=inputs,
        claim=claim,
        samples=magnitude,
    )


def _scaled(summary: Summary, factor: float) -> Summary:
    """The summary of the samples times ``factor`` (> 0)."""
    assert factor > 0, "unit conversion factors are positive"
    return Summary(
        mean=summary.mean * factor,
        median=summary.median * factor,
        p5=summary.p5 * factor,
        p95=summary.p95 * factor,
        percentiles={p: v * factor for p, v in summary.percentiles.items()},
        is_point=summary.is_point,
    )


def _sensitivity(
    scenario: Scenario,
    value: Value,
    inputs: tuple[str, ...],
    drawn: dict[str, pint.Quantity],
    summary: Summary,
) -> Sensitivity:
    """Exact log-variance shares when possible, else rank-based shares."""
    if summary.is_point:
        return Sensitivity(method="none", shares=())
    if value.monomial is not None and not scenario.correlations:  # exact only if independent
        sigmas = {name: log_sigma(scenario.inputs[name].distribution) for name in value.monomial}
        if all(sigma is not None for sigma in sigmas.values()):
            return log_variance_shares(
                value.monomial, {name: float(s or 0.0) for name, s in sigmas.items()}
            )
    sampled = {
        name: np.asarray(drawn[name].magnitude)
        for name in inputs
        if np.ndim(drawn[name].magnitude) > 0
    }
    # Not a point, so the output is a full sample array.
    return rank_shares(np.asarray(value.quantity.magnitude, dtype=float), sampled)
