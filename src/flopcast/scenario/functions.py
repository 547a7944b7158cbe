"""The functions an expression can call: one explicit table, built for a scenario's catalog.

Built in: ``min``, ``max``, ``sqrt``, ``log``, ``exp``, ``ceil``, ``floor``, ``to`` (unit
conversion), ``qty`` (a constant with a unit) and ``pi``. The estimate layer's functions
(:mod:`flopcast.scenario.estimators`), the network layer's
(:mod:`flopcast.scenario.network_functions`) and the step-time model's
(:mod:`flopcast.scenario.plan_functions`, which look up the scenario's catalog) join them in
:func:`function_table`. Each takes and returns pint Quantities whose magnitudes may be sample
arrays; :mod:`flopcast.scenario.signature` describes their parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
import pint

from flopcast.catalog.model import Catalog
from flopcast.errors import UnitError
from flopcast.quantity.units import DIMENSIONLESS, Quantity, convert, describe_unit, parse_quantity
from flopcast.scenario.signature import Function, Parameter, function


def _dimensionless(value: pint.Quantity, name: str) -> np.ndarray:
    if not value.dimensionless:
        raise UnitError(
            f"{name}() needs a dimensionless argument, got {describe_unit(value.units)}"
        )
    return np.asarray(value.to(DIMENSIONLESS).magnitude)


def _extreme(reduce: Callable[..., np.ndarray]) -> Callable[..., pint.Quantity]:
    def call(*values: pint.Quantity) -> pint.Quantity:
        unit = values[0].units
        magnitudes = [np.asarray(convert(value, unit).magnitude) for value in values]
        return Quantity(reduce.reduce(np.broadcast_arrays(*magnitudes)), unit)  # type: ignore[attr-defined]

    return call


def _to(value: pint.Quantity, unit: str) -> pint.Quantity:
    """Convert to a unit: to(x, "MW")."""
    return convert(value, unit)


def _qty(text: str) -> pint.Quantity:
    """A constant with a unit: qty("3 TB/s")."""
    return parse_quantity(text)


def _sqrt(x: pint.Quantity) -> pint.Quantity:
    """Square root (of the unit too)."""
    return x**0.5


def _log(x: pint.Quantity) -> pint.Quantity:
    """Natural logarithm of a dimensionless value."""
    return Quantity(np.log(_dimensionless(x, "log")), DIMENSIONLESS)


def _exp(x: pint.Quantity) -> pint.Quantity:
    """e to a dimensionless power."""
    return Quantity(np.exp(_dimensionless(x, "exp")), DIMENSIONLESS)


def _ceil(x: pint.Quantity) -> pint.Quantity:
    """Round up, in the value's own unit."""
    return Quantity(np.ceil(np.asarray(x.magnitude)), x.units)


def _floor(x: pint.Quantity) -> pint.Quantity:
    """Round down, in the value's own unit."""
    return Quantity(np.floor(np.asarray(x.magnitude)), x.units)


def _pi() -> pint.Quantity:
    """The number pi (3.14159...)."""
    return Quantity(math.pi, DIMENSIONLESS)


_VALUES = (Parameter("values"),)

#: The built-in functions.
BUILTINS: tuple[Function, ...] = (
    function("min", _extreme(np.minimum), doc="Elementwise minimum of values in one unit.",
             params=_VALUES, variadic=True),
    function("max", _extreme(np.maximum), doc="Elementwise maximum of values in one unit.",
             params=_VALUES, variadic=True),
    function("sqrt", _sqrt, exponents=(0.5,)),
    function("log", _log),
    function("exp", _exp),
    function("ceil", _ceil),
    function("floor", _floor),
    function("to", _to, exponents=(1.0,)),
    function("qty", _qty),
    function("pi", _pi),
)  # fmt: skip


@cache
def _catalog_free() -> tuple[Function, ...]:
    from flopcast.scenario.estimators import ESTIMATORS
    from flopcast.scenario.goodput_functions import GOODPUT_FUNCTIONS
    from flopcast.scenario.network_functions import NETWORK_FUNCTIONS

    return (*BUILTINS, *ESTIMATORS, *NETWORK_FUNCTIONS, *GOODPUT_FUNCTIONS)


def function_table(catalog: Catalog | None = None) -> dict[str, Function]:
    """Every expression function by name; the plan functions look up ``catalog`` (the
    built-in one when None)."""
    from flopcast.scenario.plan_functions import plan_functions

    table: dict[str, Function] = {}
    for entry in (*_catalog_free(), *plan_functions(catalog)):
        assert entry.name not in table, f"function {entry.name!r} defined twice"
        table[entry.name] = entry
    return table
