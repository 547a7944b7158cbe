"""Evaluating a scenario over calendar years.

Each year is an ordinary evaluation (:func:`flopcast.scenario.evaluate.evaluate_draws`) of
the same draws: static inputs keep their samples in every year, and trajectory inputs take
their value for that year from one path per sample (:mod:`flopcast.quantity.trajectory`),
so sample ``i`` is one coherent future across the years. Claims are checked in the year
they name. Then ``solve_year`` outputs follow each path of an output to the first year it
reaches a value (interpolated between the years evaluated: log-linearly for positive
values), and ``binding`` outputs count, per year, the share of paths in which each of
several limits is the smallest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from flopcast.quantity.distributions import Samples
from flopcast.quantity.summary import DEFAULT_PERCENTILES, Summary, summarize
from flopcast.quantity.units import Quantity, convert
from flopcast.scenario.defaults import DEFAULT_CONFIDENCE
from flopcast.scenario.evaluate import (
    InputResult,
    OutputResult,
    ScenarioResult,
    evaluate_draws,
)
from flopcast.scenario.model import BindingDef, Scenario, SolveYearDef

#: Percentiles every year's summaries include: the 50% band of a fan chart, beside the
#: median and the 90% interval.
FAN_PERCENTILES = (25.0, 75.0)


@dataclass(frozen=True)
class SolvedYear:
    """When each path of an output first reaches a value."""

    definition: SolveYearDef
    reached: float
    """Share of paths that reach it by the last year evaluated."""
    summary: Summary | None
    """The year, over the paths that reach it (None when none does)."""
    samples: np.ndarray
    """Each path's year (NaN where it is not reached)."""


@dataclass(frozen=True)
class Binding:
    """Which limit is the smallest, per year."""

    definition: BindingDef
    shares: dict[int, dict[str, float]]
    """Year -> output -> share of paths in which that output is the smallest."""


@dataclass(frozen=True, kw_only=True)
class TrajectoryResult:
    """A scenario evaluated in each of its years."""

    scenario: Scenario
    samples: int
    seed: int
    years: tuple[int, ...]
    per_year: tuple[ScenarioResult, ...]
    """One ordinary result per year, in order."""
    solved: tuple[SolvedYear, ...] = ()
    bindings: tuple[Binding, ...] = ()

    @property
    def inputs(self) -> tuple[InputResult, ...]:
        """The inputs as drawn in the first year."""
        return self.per_year[0].inputs

    @property
    def outputs(self) -> tuple[OutputResult, ...]:
        """Every output that carries a claim, in the year the claim names (its name followed
        by the year), for ``check``."""
        found = []
        for year, result in zip(self.years, self.per_year, strict=True):
            for output in result.outputs:
                if output.claim is not None:
                    named = replace(output.definition, name=f"{output.definition.name} ({year})")
                    found.append(replace(output, definition=named))
        return tuple(found)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Each year's warnings, with the year."""
        return tuple(
            f"{year}: {warning}"
            for year, result in zip(self.years, self.per_year, strict=True)
            for warning in result.warnings
        )

    def series(self, name: str) -> list[tuple[int, OutputResult]]:
        """One output's result in each year."""
        return [
            (year, next(o for o in result.outputs if o.definition.name == name))
            for year, result in zip(self.years, self.per_year, strict=True)
        ]


def evaluate_trajectory(
    scenario: Scenario,
    raw: dict[str, Samples],
    rng: np.random.Generator,
    *,
    samples: int,
    seed: int,
    percentiles: Any = DEFAULT_PERCENTILES,
    confidence: float = DEFAULT_CONFIDENCE,
) -> TrajectoryResult:
    """Every output in every year of ``scenario.years``, from the static draws ``raw``."""
    years = scenario.years
    percentiles = sorted({*percentiles, *FAN_PERCENTILES})
    paths = {
        name: spec.trajectory.paths(rng, samples, years)
        for name, spec in scenario.inputs.items()
        if spec.trajectory is not None
    }
    per_year = tuple(
        evaluate_draws(
            scenario,
            {**raw, **{name: path[index] for name, path in paths.items()}},
            samples=samples,
            seed=seed,
            percentiles=percentiles,
            confidence=confidence,
            year=year,
        )
        for index, year in enumerate(years)
    )
    result = TrajectoryResult(
        scenario=scenario, samples=samples, seed=seed, years=years, per_year=per_year
    )
    solved = tuple(_solve(result, item, percentiles) for item in scenario.solved.values())
    bindings = tuple(_binding(result, item) for item in scenario.bindings.values())
    return replace(result, solved=solved, bindings=bindings)


def _stack(result: TrajectoryResult, name: str, unit: Any) -> np.ndarray:
    """An output's samples in every year, shape (years, samples), in ``unit``."""
    rows = []
    for _, output in result.series(name):
        factor = float(convert(Quantity(1.0, output.unit_text or ""), unit).magnitude)
        rows.append(np.broadcast_to(np.asarray(output.samples, dtype=float), (result.samples,))
                    * factor)  # fmt: skip
    return np.vstack(rows)


def _solve(result: TrajectoryResult, item: SolveYearDef, percentiles: Any) -> SolvedYear:
    unit = item.threshold.units
    values = _stack(result, item.output, unit)
    target = float(item.threshold.magnitude)
    years = np.asarray(result.years, dtype=float)
    above = values >= target
    first = np.argmax(above, axis=0)
    reached = above.any(axis=0)
    year = np.full(result.samples, np.nan)
    at_start = reached & (first == 0)
    year[at_start] = years[0]
    later = reached & (first > 0)
    index = first[later]
    columns = np.flatnonzero(later)
    low, high = values[index - 1, columns], values[index, columns]
    logarithmic = bool(np.all(values > 0)) and target > 0
    if logarithmic:
        share = (np.log(target) - np.log(low)) / (np.log(high) - np.log(low))
    else:
        share = (target - low) / (high - low)
    year[later] = years[index - 1] + share * (years[index] - years[index - 1])
    kept = year[reached]
    summary = summarize(kept, percentiles) if kept.size >= 2 else None
    return SolvedYear(item, float(reached.mean()), summary, year)


def _binding(result: TrajectoryResult, item: BindingDef) -> Binding:
    first = result.series(item.outputs[0])[0][1]
    unit = first.unit_text or ""
    stacks = np.stack([_stack(result, name, unit) for name in item.outputs])  # (k, years, n)
    smallest = np.argmin(stacks, axis=0)
    shares = {
        year: {name: float((smallest[row] == k).mean()) for k, name in enumerate(item.outputs)}
        for row, year in enumerate(result.years)
    }
    return Binding(item, shares)
