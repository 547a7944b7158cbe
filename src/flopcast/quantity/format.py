"""Numbers at a readable magnitude: ``1.05e26 FLOP``, ``150 MW``, ``$292M``."""

from __future__ import annotations

import math

#: Magnitude suffixes for money, as people write it ($292M, $6B).
_MONEY_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))

#: Plain notation between these magnitudes; scientific outside them.
_PLAIN_RANGE = (1e-3, 1e5)


def format_number(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, scientific as ``1.05e26`` when large or small."""
    if value == 0 or not math.isfinite(value):
        return str(value) if not math.isfinite(value) else "0"
    if _PLAIN_RANGE[0] <= abs(value) < _PLAIN_RANGE[1]:
        return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def format_money(value: float, digits: int = 3) -> str:
    """US dollars with a magnitude suffix: ``$292M``, ``$2.9B``, ``$2.5``."""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for scale, suffix in _MONEY_SUFFIXES:
        if magnitude >= scale:
            return f"{sign}${magnitude / scale:.{digits}g}{suffix}"
    return f"{sign}${magnitude:.{digits}g}"


def format_value(value: float, unit_text: str, digits: int = 3) -> str:
    """A number with its unit text (as :func:`flopcast.quantity.units.format_unit` gives it)."""
    if unit_text == "USD":
        return format_money(value, digits)
    number = format_number(value, digits)
    return f"{number} {unit_text}" if unit_text else number
