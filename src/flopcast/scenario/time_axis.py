"""Reading the time axis of a scenario: its ``years``, inputs that change by year, and the
``solve_year`` and ``binding`` outputs (see :mod:`flopcast.quantity.trajectory`)."""

from __future__ import annotations

from typing import Any

import pint

from flopcast.errors import FlopcastError, InputError
from flopcast.quantity import distributions as d
from flopcast.quantity.trajectory import Anchored, CalendarYear, Growth, Trajectory
from flopcast.quantity.units import convert, format_unit, parse_quantity
from flopcast.scenario.inputs import build_distribution
from flopcast.scenario.model import BindingDef, InputDef, OutputDef, SolveYearDef
from flopcast.scenario.schema import DistributionSpec, InputSpec, OutputSpec

#: The name under which a scenario with years sees the calendar year in its expressions.
YEAR_INPUT = "year"

#: Calendar years a scenario may span (a bound on work and memory, far beyond any forecast).
FIRST_YEAR, LAST_YEAR, MAX_YEARS = 1900, 2200, 200


def scenario_years(years: list[int] | None) -> tuple[int, ...]:
    """The years to evaluate: two years mean every year from the first to the second, more
    are taken as given (increasing)."""
    if not years:
        return ()
    if any(not FIRST_YEAR <= y <= LAST_YEAR for y in years):
        raise InputError(f"years lie between {FIRST_YEAR} and {LAST_YEAR}", field="years")
    if len(years) == 2:
        first, last = years
        if last < first:
            raise InputError(f"years [{first}, {last}] run backwards", field="years")
        years = list(range(first, last + 1))
    if sorted(set(years)) != list(years):
        raise InputError("years must increase, each once", field="years")
    if len(years) > MAX_YEARS:
        raise InputError(f"at most {MAX_YEARS} years, got {len(years)}", field="years")
    return tuple(years)


def trajectory_input(spec: InputSpec) -> tuple[Trajectory, d.Distribution, pint.Unit]:
    """The trajectory an input's ``by_year`` or ``growth`` gives, a distribution of its first
    value (for descriptions), and its unit."""
    if spec.by_year is not None and spec.growth is not None:
        raise InputError("give by_year or growth, not both", field="growth")
    if spec.by_year is not None:
        return _anchored(spec)
    return _growth(spec)


def _value(number: Any, unit: str | None, field: str) -> tuple[d.Distribution, pint.Unit]:
    try:
        return build_distribution(DistributionSpec(value=number, unit=unit))
    except FlopcastError as err:
        raise err.located(field=field) from None


def _anchored(spec: InputSpec) -> tuple[Trajectory, d.Distribution, pint.Unit]:
    assert spec.by_year is not None
    if not spec.by_year:
        raise InputError("by_year needs at least one year", field="by_year")
    items = sorted(spec.by_year.items())
    unit_text = spec.unit
    if unit_text is None:  # the first year's unit, for every year
        _, found = _value(items[0][1], None, f"by_year.{items[0][0]}")
        unit_text = format_unit(found) or None
    anchors: dict[int, d.Distribution] = {}
    unit: pint.Unit | None = None
    for year, number in items:
        field = f"by_year.{year}"
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InputError(f"years lie between {FIRST_YEAR} and {LAST_YEAR}", field=field)
        anchors[year], unit = _value(number, unit_text, field)
    assert unit is not None
    return Anchored(anchors), anchors[items[0][0]], unit


def _growth(spec: InputSpec) -> tuple[Trajectory, d.Distribution, pint.Unit]:
    growth = spec.growth
    assert growth is not None
    start, unit = _value(growth.start, spec.unit, "growth.start")
    if (growth.factor is None) == (growth.doubling is None):
        raise InputError("growth needs a factor per year or a doubling time", field="growth")
    if growth.factor is not None:
        factor, factor_unit = _value(growth.factor, None, "growth.factor")
        if factor_unit != parse_quantity("1").units:
            raise InputError("a growth factor is a plain number per year", field="growth.factor")
    else:
        doubling, time_unit = _value(growth.doubling, None, "growth.doubling")
        try:
            years_per = float(convert(1.0 * time_unit, "year").magnitude)
        except FlopcastError:
            raise InputError(
                "a doubling time needs a time unit ('10 month')", field="growth.doubling"
            ) from None
        factor = _Doubling(doubling, years_per)
    return Growth(start, growth.year, factor), start, unit


class _Doubling:
    """The growth factor per year of an uncertain doubling time: ``2^(1 / T)``."""

    def __init__(self, doubling: d.Distribution, years_per_unit: float) -> None:
        self.doubling = doubling
        self.years_per_unit = years_per_unit

    def sample(self, rng: Any, n: int) -> Any:
        time = self.doubling.sample(rng, n)
        return 2.0 ** (1.0 / (time * self.years_per_unit))

    def describe(self) -> str:
        return f"2^(1/doubling time), doubling {self.doubling.describe()}"


def time_output(name: str, spec: OutputSpec, years: tuple[int, ...]) -> SolveYearDef | BindingDef:
    """A ``solve_year`` or ``binding`` output (they need ``years`` and carry no claim)."""
    field = f"outputs.{name}"
    if not years:
        raise InputError("solve_year and binding need the scenario's years", field=field)
    if spec.expr is not None or spec.expect is not None or spec.unit is not None:
        raise InputError(
            "a solve_year or binding output has no expr, unit or expect (put a dated claim on "
            "the output it follows)",
            field=field,
        )
    if spec.solve_year is not None and spec.binding is not None:
        raise InputError("give solve_year or binding, not both", field=field)
    if spec.solve_year is not None:
        try:
            threshold = parse_quantity(spec.solve_year.reaches)
        except FlopcastError as err:
            raise err.located(field=f"{field}.solve_year.reaches") from None
        return SolveYearDef(
            name=name, output=spec.solve_year.output, threshold=threshold, note=spec.note
        )
    assert spec.binding is not None
    if len(spec.binding) < 2:
        raise InputError("binding compares at least two outputs", field=f"{field}.binding")
    return BindingDef(name=name, outputs=tuple(spec.binding), note=spec.note)


def check_time_axis(
    years: tuple[int, ...],
    inputs: dict[str, InputDef],
    outputs: dict[str, OutputDef],
    solved: dict[str, SolveYearDef],
    bindings: dict[str, BindingDef],
) -> None:
    """Year-dependent parts only with years; dated claims on evaluated years; references to
    outputs that exist."""
    for name, spec in inputs.items():
        if spec.trajectory is not None and not years:
            raise InputError(
                "by_year and growth need the scenario's years (years: [2024, 2030])",
                field=f"inputs.{name}",
            )
    for name, output in outputs.items():
        expect = output.expect
        if expect is None:
            continue
        field = f"outputs.{name}.expect.year"
        if years and expect.year is None:
            raise InputError(
                f"a claim in a scenario with years names its year (one of {years[0]}-{years[-1]})",
                field=field,
            )
        if expect.year is not None and expect.year not in years:
            raise InputError(f"{expect.year} is not one of the scenario's years", field=field)
    for name, item in solved.items():
        if item.output not in outputs:
            raise InputError(
                f"no output {item.output!r} to follow", field=f"outputs.{name}.solve_year.output"
            )
    for name, binding in bindings.items():
        missing = [o for o in binding.outputs if o not in outputs]
        if missing:
            raise InputError(
                f"no output {missing[0]!r} to compare", field=f"outputs.{name}.binding"
            )


def year_input(years: tuple[int, ...]) -> InputDef:
    """The implicit input ``year`` of a scenario with years: the calendar year, a number."""
    return InputDef(
        name=YEAR_INPUT,
        distribution=d.Point(value=float(years[0])),
        unit=parse_quantity("1").units,
        source="the calendar year (the scenario's years)",
        trajectory=CalendarYear(),
    )
