"""Turn an input's YAML fields into a distribution and a unit.

The rules, in order: a declared ``unit`` wins; numbers without a unit are taken to be in it;
numbers with a unit are converted to it. Without a declared unit, the first number that has
one sets it. Percentages become plain fractions.
"""

from __future__ import annotations

import msgspec
import pint

from flopcast.catalog.model import Catalog
from flopcast.errors import FlopcastError, InputError, UnitError
from flopcast.quantity import distributions as d
from flopcast.quantity.units import DIMENSIONLESS, convert, parse_quantity, parse_unit
from flopcast.scenario.schema import DistributionSpec, InputSpec, Number

_INTERVAL_SEPARATOR = " to "


def build_distribution(spec: DistributionSpec) -> tuple[d.Distribution, pint.Unit]:
    """The distribution an input spec describes and the unit its samples are in."""
    unit = _declared_unit(spec)
    numbers = _collect_numbers(spec)
    if unit is None:
        unit = next((q.units for q in numbers.values() if not q.dimensionless), DIMENSIONLESS)
    values = {field: _in_unit(q, unit, field) for field, q in numbers.items()}
    return _family(spec, values, unit), unit


#: Fields that give a value; an input taking its value from the catalog must set none.
_VALUE_FIELDS = (
    "value",
    "range",
    "dist",
    "mean",
    "sd",
    "median",
    "gsd",
    "mode",
    "alpha",
    "beta",
    "components",
    "weights",
)


def catalog_input(spec: InputSpec, catalog: Catalog) -> tuple[d.Distribution, pint.Unit, str]:
    """Distribution, unit and source of an input that names a catalog value."""
    assert spec.catalog is not None
    given = [field for field in _VALUE_FIELDS if getattr(spec, field) is not None]
    if given:
        raise InputError(
            f"an input with 'catalog' takes its value from there; remove {', '.join(given)}",
            field=given[0],
        )
    try:
        value = catalog.value(spec.catalog)
    except FlopcastError as err:
        raise err.located(field="catalog") from None
    unit, factor = value.unit, 1.0
    declared = _declared_unit(spec)
    if declared is not None:
        try:
            factor = float(convert(1.0 * value.unit, declared).magnitude)
        except UnitError as err:
            raise err.located(field="unit") from None
        unit = declared
    distribution = d.to(value.low * factor, value.high * factor)
    dated = f" ({value.date})" if value.date else ""
    source = f"catalog {spec.catalog}{dated}: {value.source}"
    if spec.source:
        source = f"{spec.source}; {source}"
    return distribution, unit, source


def _declared_unit(spec: DistributionSpec) -> pint.Unit | None:
    if spec.unit is None:
        return None
    try:
        unit = parse_unit(spec.unit)
    except UnitError as err:
        raise err.located(field="unit") from None
    # "%" and other scaled dimensionless units: work in plain fractions.
    return DIMENSIONLESS if unit.dimensionless else unit


def _collect_numbers(spec: DistributionSpec) -> dict[str, pint.Quantity]:
    """Every number field present, parsed, keyed by a field path for messages."""
    found: dict[str, Number] = {}
    if isinstance(spec.value, str) and _INTERVAL_SEPARATOR in spec.value:
        low, high = spec.value.split(_INTERVAL_SEPARATOR, 1)
        found["value.low"], found["value.high"] = low, high
    elif spec.value is not None:
        found["value"] = spec.value
    if spec.range is not None:
        found["range[0]"], found["range[1]"] = spec.range
    for field in ("mean", "sd", "median", "mode"):
        if getattr(spec, field) is not None:
            found[field] = getattr(spec, field)
    parsed = {}
    for field, number in found.items():
        try:
            parsed[field] = parse_quantity(number)
        except UnitError as err:
            raise err.located(field=field) from None
    _share_interval_unit(parsed)
    return parsed


def _share_interval_unit(parsed: dict[str, pint.Quantity]) -> None:
    """In ``"2 to 4 month"`` the unit written once applies to both ends."""
    for low_key, high_key in (("value.low", "value.high"), ("range[0]", "range[1]")):
        if (
            low_key in parsed
            and parsed[low_key].dimensionless
            and not parsed[high_key].dimensionless
        ):
            parsed[low_key] = parsed[low_key].magnitude * parsed[high_key].units


def _in_unit(value: pint.Quantity, unit: pint.Unit, field: str) -> float:
    if value.dimensionless and value.units == DIMENSIONLESS and unit != DIMENSIONLESS:
        return float(value.magnitude)  # a bare number is in the declared unit
    try:
        return float(convert(value, unit).magnitude)
    except UnitError as err:
        raise err.located(field=field) from None


def _family(spec: DistributionSpec, v: dict[str, float], unit: pint.Unit) -> d.Distribution:
    family = spec.dist or _default_family(spec, v)
    _check_fields(spec, v, family)
    if family == "point":
        return d.Point(value=v["value"])
    if family == "to":
        low, high = _bounds(v)
        return d.to(low, high)
    if family == "normal":
        if "mean" in v:
            return d.Normal(mean=v["mean"], sd=v["sd"])
        low, high = _bounds(v)
        return d.Normal(mean=(low + high) / 2, sd=(high - low) / (2 * d.Z90))
    if family == "lognormal":
        if "median" in v:
            return d.LogNormal.from_median(v["median"], float(spec.gsd or 0))
        return d.LogNormal.from_interval(*_bounds(v))
    if family == "uniform":
        low, high = _bounds(v)
        return d.Uniform(lo=low, hi=high)
    if family == "loguniform":
        low, high = _bounds(v)
        return d.LogUniform(lo=low, hi=high)
    if family == "pert":
        low, high = _bounds(v)
        return d.pert(low, v["mode"], high)
    if family == "beta":
        low, high = _bounds(v) if "range[0]" in v else (0.0, 1.0)
        return d.Beta(alpha=float(spec.alpha or 0), beta=float(spec.beta or 0), lo=low, hi=high)
    return _mixture(spec, unit)


def _check_fields(spec: DistributionSpec, v: dict[str, float], family: str) -> None:
    """The fields ``family`` needs are present, and no value is given two ways."""
    conflicts = [f for f in ("range", "mean", "median", "components") if getattr(spec, f)
                 is not None]  # fmt: skip
    if spec.value is not None and conflicts:
        raise InputError(
            f"'value' and {conflicts[0]!r} both give the value; keep one", field=conflicts[0]
        )
    interval = isinstance(spec.value, str) and _INTERVAL_SEPARATOR in spec.value
    if spec.value is not None and not interval and family != "point":
        raise InputError(
            f"a {family} distribution takes a range ('a to b' or range: [a, b]), not one value",
            field="value",
        )
    need = _REQUIRED[family]
    missing = [field for field in need if field not in v and getattr(spec, field, None) is None]
    if missing:
        raise InputError(
            f"a {family} distribution needs {', '.join(need)}; missing {', '.join(missing)}",
            field=missing[0],
        )
    for pair, alternative in _PAIRS.get(family, ()):
        has = [f for f in pair if f in v or getattr(spec, f, None) is not None]
        has_range = "range[0]" in v or "value.low" in v
        if not has_range and len(has) != len(pair):
            raise InputError(
                f"a {family} distribution needs {' and '.join(pair)}, or {alternative}",
                field=next(f for f in pair if f not in has),
            )


#: Field pairs some families need together unless a range is given instead.
_PAIRS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "normal": ((("mean", "sd"), "a range (90% interval)"),),
    "lognormal": ((("median", "gsd"), "a range (90% interval)"),),
    "uniform": ((("range",), "a range"),),
    "loguniform": ((("range",), "a range"),),
    "pert": ((("range",), "a range"),),
}


def _default_family(spec: DistributionSpec, v: dict[str, float]) -> str:
    if "value.low" in v or "range[0]" in v:
        return "to"
    if spec.components is not None:
        return "mixture"
    return "point"


#: Fields each family needs (any one of the alternatives separated by '|' in messages).
_REQUIRED: dict[str, tuple[str, ...]] = {
    "point": ("value",),
    "to": (),
    "normal": (),
    "lognormal": (),
    "uniform": (),
    "loguniform": (),
    "pert": ("mode",),
    "beta": ("alpha", "beta"),
    "mixture": ("components", "weights"),
}


def _bounds(v: dict[str, float]) -> tuple[float, float]:
    if "value.low" in v:
        return v["value.low"], v["value.high"]
    if "range[0]" in v:
        return v["range[0]"], v["range[1]"]
    raise InputError("expected a range: [low, high] or a value 'low to high'", field="range")


#: Most components a mixture may have, counting those of nested mixtures.
MAX_MIXTURE_COMPONENTS = 1000


def _leaves(spec: DistributionSpec) -> int:
    """Components of a mixture, nested ones counted through (iteratively)."""
    count, stack = 0, [spec]
    while stack:
        current = stack.pop()
        if current.components:
            stack.extend(current.components)
            if len(stack) > MAX_MIXTURE_COMPONENTS:
                return len(stack)
        else:
            count += 1
    return count


def _mixture(spec: DistributionSpec, unit: pint.Unit) -> d.Distribution:
    assert spec.components is not None and spec.weights is not None
    if _leaves(spec) > MAX_MIXTURE_COMPONENTS:
        raise InputError(
            f"a mixture may have at most {MAX_MIXTURE_COMPONENTS} components, nested ones included",
            field="components",
        )
    components = []
    for index, component in enumerate(spec.components):
        with_unit = msgspec.structs.replace(component, unit=component.unit or str(unit))
        try:
            distribution, component_unit = build_distribution(with_unit)
        except FlopcastError as err:
            raise err.nested(f"components[{index}]") from None
        if component_unit != unit:
            raise UnitError(f"mixture component {index} is in {component_unit}, not {unit}")
        components.append(distribution)
    return d.Mixture(components=tuple(components), weights=tuple(spec.weights))
