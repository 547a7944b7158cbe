"""Functions callable from scenario expressions, in one registry.

Built in: ``min``, ``max``, ``sqrt``, ``log``, ``exp``, ``ceil``, ``floor``, ``to`` (unit
conversion) and ``qty`` (a constant with a unit). The estimate layer's functions are added by
:mod:`flopcast.scenario.estimators` through :func:`register`; each takes and returns pint
Quantities whose magnitudes may be sample arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

import numpy as np
import pint

from flopcast.catalog.model import Catalog
from flopcast.errors import UnitError
from flopcast.quantity.units import DIMENSIONLESS, Quantity, convert, describe_unit, parse_quantity
from flopcast.scenario.expr import Function

FUNCTIONS: dict[str, Function] = {}

#: The catalog of the scenario being evaluated (None: the built-in one); functions that look
#: up catalog entries (the plan functions) read it.
ACTIVE_CATALOG: ContextVar[Catalog | None] = ContextVar("ACTIVE_CATALOG", default=None)


def register(
    name: str,
    call: Callable[..., pint.Quantity],
    *,
    doc: str,
    min_args: int,
    max_args: int | None,
    exponents: tuple[float, ...] | None = None,
) -> None:
    """Make ``call`` available in expressions as ``name``; names must be unique."""
    assert name not in FUNCTIONS, f"function {name!r} registered twice"
    FUNCTIONS[name] = Function(
        name=name,
        call=call,
        doc=doc,
        min_args=min_args,
        max_args=max_args,
        exponents=exponents,
    )


def _dimensionless(value: pint.Quantity, function: str) -> np.ndarray:
    if not value.dimensionless:
        raise UnitError(
            f"{function}() needs a dimensionless argument, got {describe_unit(value.units)}"
        )
    return np.asarray(value.to(DIMENSIONLESS).magnitude)


def _extreme(reduce: Callable[..., np.ndarray]) -> Callable[..., pint.Quantity]:
    def call(*values: pint.Quantity) -> pint.Quantity:
        unit = values[0].units
        magnitudes = [np.asarray(convert(value, unit).magnitude) for value in values]
        return Quantity(reduce.reduce(np.broadcast_arrays(*magnitudes)), unit)  # type: ignore[attr-defined]

    return call


def _text(value: object, function: str) -> str:
    if not isinstance(value, str):
        raise UnitError(f"{function}() expects a quoted unit or quantity as its text argument")
    return value


def _to(value: pint.Quantity, unit: object) -> pint.Quantity:
    return convert(value, _text(unit, "to"))


def _qty(text: object) -> pint.Quantity:
    return parse_quantity(_text(text, "qty"))


def _rounding(round_: Callable[[np.ndarray], np.ndarray]) -> Callable[..., pint.Quantity]:
    def call(value: pint.Quantity) -> pint.Quantity:
        return Quantity(round_(np.asarray(value.magnitude)), value.units)

    return call


register("min", _extreme(np.minimum), doc="elementwise minimum", min_args=1, max_args=None)
register("max", _extreme(np.maximum), doc="elementwise maximum", min_args=1, max_args=None)
register("sqrt", np.sqrt, doc="square root (units too)", min_args=1, max_args=1, exponents=(0.5,))
register(
    "log",
    lambda x: Quantity(np.log(_dimensionless(x, "log")), DIMENSIONLESS),
    doc="natural log of a dimensionless value",
    min_args=1,
    max_args=1,
)
register(
    "exp",
    lambda x: Quantity(np.exp(_dimensionless(x, "exp")), DIMENSIONLESS),
    doc="e to a dimensionless power",
    min_args=1,
    max_args=1,
)
register(
    "ceil", _rounding(np.ceil), doc="round up, in the value's own unit", min_args=1, max_args=1
)
register(
    "floor", _rounding(np.floor), doc="round down, in the value's own unit", min_args=1, max_args=1
)
register("to", _to, doc='convert to a unit: to(x, "MW")', min_args=2, max_args=2, exponents=(1.0,))
register("qty", _qty, doc='a constant with a unit: qty("3 TB/s")', min_args=1, max_args=1)


# The estimate layer's functions (imported last: it registers through ``register`` above).
from flopcast.scenario import estimators, network_functions, plan_functions  # noqa: E402, F401
