"""Sweeps: one scenario evaluated on a grid of values of its inputs.

``--vary utilization=20%:60%:5`` replaces the input ``utilization`` by each of five values
from 20% to 60% (``:log`` spaces them geometrically) and evaluates the scenario at each; two
``--vary`` give their cartesian product. The replacement happens on the file's data, so
each grid point goes through the same checks as a file written by hand, and the same seed
is used at every point (common random numbers: differences between points come from the
varied input, not from sampling noise).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from flopcast.errors import FlopcastError, InputError
from flopcast.quantity.grammar import parse_number_text
from flopcast.quantity.summary import Summary
from flopcast.quantity.units import format_unit
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import scenario_from_data
from flopcast.scenario.model import Scenario

#: Grid points of an axis when ``--vary`` does not say.
DEFAULT_POINTS = 5

#: Most grid points a sweep may evaluate (each is a whole scenario run).
MAX_POINTS = 1000

#: Percentiles kept at each point: the 90% and 50% bands of the sweep's figure.
SWEEP_PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)

FIELD = "--vary"


@dataclass(frozen=True)
class Axis:
    """One varied input and the value texts it takes, in order."""

    name: str
    numbers: tuple[float, ...]
    """The values' numbers, in ``suffix`` (or in the input's own ``unit``)."""
    suffix: str
    """The unit written after each number (``%``, ``kW``), or '' for the input's own unit."""

    def text(self, number: float) -> str:
        """The value as a scenario file writes it."""
        if self.suffix == "%":
            return f"{number:.6g}%"
        return f"{number:.6g} {self.suffix}".strip()


def parse_axis(text: str) -> Axis:
    """``NAME=LOW:HIGH[:N][:log]`` as an :class:`Axis`; an InputError names what is wrong."""
    name, equals, spec = text.partition("=")
    parts = spec.split(":")
    if not equals or not name.strip() or len(parts) < 2:
        raise InputError(f"expected NAME=LOW:HIGH[:N][:log], got {text!r}", field=FIELD)
    log = parts[-1].strip() == "log"
    parts = parts[:-1] if log else parts
    if len(parts) not in (2, 3):
        raise InputError(f"expected NAME=LOW:HIGH[:N][:log], got {text!r}", field=FIELD)
    try:
        (low, low_unit), (high, high_unit) = (parse_number_text(p.strip()) for p in parts[:2])
        points = int(parts[2]) if len(parts) == 3 else DEFAULT_POINTS
    except (FlopcastError, ValueError):
        raise InputError(f"expected numbers in {text!r} (LOW:HIGH[:N])", field=FIELD) from None
    if low_unit.strip() != high_unit.strip():
        raise InputError(f"LOW and HIGH need the same unit in {text!r}", field=FIELD)
    if points < 2 or (log and (low <= 0 or high <= 0)):
        raise InputError(
            f"need at least 2 points (and positive ends for log) in {text!r}", field=FIELD
        )
    spaced = np.geomspace(low, high, points) if log else np.linspace(low, high, points)
    return Axis(name.strip(), tuple(float(v) for v in spaced), low_unit.strip())


def _replaced(data: dict[str, Any], axis: Axis, number: float) -> dict[str, Any]:
    """A copy of the scenario data with ``axis``'s input set to ``number``."""
    inputs = data.get("inputs")
    if not isinstance(inputs, dict) or axis.name not in inputs:
        known = ", ".join(inputs) if isinstance(inputs, dict) else "none"
        raise InputError(f"no input {axis.name!r} to vary; inputs: {known}", field=FIELD)
    old = inputs[axis.name] if isinstance(inputs[axis.name], dict) else {}
    new: dict[str, Any] = {"value": axis.text(number), "source": f"flopcast sweep {FIELD}"}
    if not axis.suffix and "unit" in old:
        new["unit"] = old["unit"]
    return {**data, "inputs": {**inputs, axis.name: new}}


@dataclass(frozen=True)
class PointOutput:
    """One output at one grid point, in brief (what travels back from a worker)."""

    name: str
    unit: str
    """The output's unit as text."""
    summary: Summary
    """Median, 90% interval and the sweep's percentiles."""
    verdict: str | None
    """``held``, ``failed`` or ``undecided`` for a claim, else None."""


@dataclass(frozen=True)
class SweepPoint:
    """One grid point: the values it set and the scenario's outputs there."""

    values: dict[str, str]
    """Each varied input's value as written into the scenario (``"20%"``)."""
    numbers: dict[str, float]
    """The same values' numbers (in the unit written), for figures."""
    outputs: tuple[PointOutput, ...]

    def output(self, name: str) -> PointOutput:
        """The output called ``name``."""
        return next(output for output in self.outputs if output.name == name)


@dataclass(frozen=True)
class _Job:
    """One grid point's work: plain data, so that it can be sent to another process."""

    name: str
    data: dict[str, Any]
    samples: int
    seed: int


def evaluate_point(job: _Job) -> tuple[PointOutput, ...]:
    """Load and evaluate one grid point's scenario (in whichever process runs it)."""
    scenario = scenario_from_data(job.name, job.data)
    result = evaluate(scenario, samples=job.samples, seed=job.seed, percentiles=SWEEP_PERCENTILES)
    return tuple(
        PointOutput(output.definition.name, output.unit_text, output.summary,
                    output.claim.verdict if output.claim else None)
        for output in result.outputs
    )  # fmt: skip


#: Runs a function over jobs, in order: ``map``, a process pool's or a Dask cluster's.
Mapper = Callable[[Callable[[_Job], tuple[PointOutput, ...]], list[_Job]], Iterable[Any]]


def _with_units(axes: Sequence[Axis], scenario: Scenario) -> list[Axis]:
    """Axes written without a unit take their input's (``devices=1024:8192`` in chips);
    a bare number for a dimensionless input stays a fraction (``0.4`` is 40%), as in files."""
    return [
        replace(axis, suffix=format_unit(scenario.inputs[axis.name].unit))
        if not axis.suffix
        and axis.name in scenario.inputs
        and not scenario.inputs[axis.name].unit.dimensionless
        else axis
        for axis in axes
    ]


def sweep(
    name: str,
    data: dict[str, Any],
    axes: Sequence[Axis],
    *,
    samples: int,
    seed: int,
    mapper: Mapper | None = None,
) -> list[SweepPoint]:
    """Evaluate the scenario in ``data`` (read from file ``name``) at every grid point, with
    ``mapper`` (default: one after the other in this process; see :func:`process_mapper` and
    :func:`dask_mapper`). The same seed at every point makes the results independent of the
    mapper."""
    if data.get("years"):
        raise InputError("a scenario over years cannot be swept (vary its inputs by year)")
    total = int(np.prod([len(axis.numbers) for axis in axes]))
    if total > MAX_POINTS:
        raise InputError(f"{total:,} grid points; at most {MAX_POINTS:,}", field=FIELD)
    axes = _with_units(axes, scenario_from_data(name, data))
    grid = list(itertools.product(*(axis.numbers for axis in axes)))
    jobs = []
    for numbers in grid:
        varied = data
        for axis, number in zip(axes, numbers, strict=True):
            varied = _replaced(varied, axis, number)
        jobs.append(_Job(name, varied, samples, seed))
    scenario_from_data(name, jobs[0].data)  # a bad value fails here, before any work is sent
    results = list((mapper or map)(evaluate_point, jobs))
    return [
        SweepPoint({axis.name: axis.text(n) for axis, n in zip(axes, numbers, strict=True)},
                   {axis.name: n for axis, n in zip(axes, numbers, strict=True)}, outputs)
        for numbers, outputs in zip(grid, results, strict=True)
    ]  # fmt: skip
