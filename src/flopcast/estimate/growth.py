"""Growth and decline at a constant rate: a trend extrapolated, a price depreciated.

``grow``: x times a factor per year, over a number of years (a compound annual growth rate:
frontier training compute grows 4-5x a year, Epoch AI 2024). ``doubling``: x times 2 per
doubling time ("the stock of NVIDIA compute doubles every 10 months", Epoch AI 2025).
``declining_balance``: a value that loses a fixed share of itself each year
(declining-balance depreciation; IRS Publication 946: the 200% rate for 5-year property is
40% a year).
"""

from __future__ import annotations

import numpy as np
import pint

from flopcast.estimate._units import magnitude
from flopcast.quantity.units import Quantity


def grow(x: pint.Quantity, factor_per_year: pint.Quantity, years: pint.Quantity) -> pint.Quantity:
    """``x`` [any unit] x factor per year [1] ^ years [year]."""
    factor = magnitude(factor_per_year, "", "factor_per_year") ** magnitude(years, "year", "years")
    return Quantity(np.asarray(x.magnitude) * factor, x.units)


def doubling(x: pint.Quantity, doubling_time: pint.Quantity, time: pint.Quantity) -> pint.Quantity:
    """``x`` [any unit] x 2 ^ (time / doubling time) [both times]."""
    periods = magnitude(time, "s", "time") / magnitude(doubling_time, "s", "doubling_time")
    return Quantity(np.asarray(x.magnitude) * 2.0**periods, x.units)


def declining_balance(
    value: pint.Quantity, rate: pint.Quantity, years: pint.Quantity
) -> pint.Quantity:
    """``value`` [any unit] x (1 - rate per year [1]) ^ years [year]: what is left after
    declining-balance depreciation."""
    kept = (1 - magnitude(rate, "", "rate")) ** magnitude(years, "year", "years")
    return Quantity(np.asarray(value.magnitude) * kept, value.units)
