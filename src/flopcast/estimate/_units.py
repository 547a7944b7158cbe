"""Unit checks at the boundary of estimate functions."""

from __future__ import annotations

import numpy as np
import pint

from flopcast.errors import UnitError
from flopcast.quantity.units import Quantity, convert

Magnitude = np.ndarray | float


def magnitude(value: pint.Quantity, unit: str, argument: str) -> Magnitude:
    """``value`` in ``unit`` as a plain float or array; UnitError names the argument."""
    try:
        result: Magnitude = convert(value, unit).magnitude
    except UnitError as err:
        raise UnitError(f"argument {argument!r}: {err.message}") from None
    return result


def quantity(value: Magnitude, unit: str) -> pint.Quantity:
    """Wrap a plain result with its unit."""
    return Quantity(value, unit)
