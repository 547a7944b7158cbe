"""Values that change with the calendar year, sampled as paths.

A trajectory input is drawn once per sample *path*: every year of path ``i`` comes from the
same draws, so a fast-growth path stays fast in every year and a sum over years or a "when
does it cross" question sees whole paths, not a fresh draw per year.

* :class:`Anchored`: values given at some years (``by_year``), each possibly uncertain,
  interpolated between them: log-linearly when every value is positive (constant growth
  between anchors), linearly otherwise; held at the nearest anchor outside them. The
  anchors' draws are comonotonic: path ``i`` sits at the same quantile of every anchor's
  distribution, so an uncertain path is high (or low) throughout.
* :class:`Growth`: a start value in a start year times a constant factor per year
  (``start x factor^(year - start_year)``); start and factor are drawn once per path.
  A doubling time ``T`` is the factor ``2^(1 year / T)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flopcast.quantity.distributions import Distribution


@dataclass(frozen=True)
class Anchored:
    """Values at anchor years, interpolated between them."""

    anchors: dict[int, Distribution]
    """Anchor year -> the value's distribution in that year."""

    def __post_init__(self) -> None:
        if len(self.anchors) < 1:
            raise ValueError("a series needs at least one year")

    def paths(self, rng: np.random.Generator, n: int, years: Sequence[int]) -> np.ndarray:
        """Samples, shape (len(years), n): row ``k`` is every path's value in ``years[k]``."""
        order = sorted(self.anchors)
        ranks = rng.permutation(n)
        draws = np.empty((len(order), n))
        for row, year in enumerate(order):
            values = np.broadcast_to(self.anchors[year].sample(rng, n), (n,))
            draws[row] = np.sort(values)[ranks]
        logarithmic = bool(np.all(draws > 0))
        table = np.log(draws) if logarithmic else draws
        where = np.asarray(order, dtype=float)
        result = np.empty((len(years), n))
        for row, year in enumerate(years):
            at = float(np.clip(year, where[0], where[-1]))
            upper = int(np.searchsorted(where, at))
            if where[upper] == at:
                result[row] = table[upper]
            else:
                lower = upper - 1
                share = (at - where[lower]) / (where[upper] - where[lower])
                result[row] = table[lower] + share * (table[upper] - table[lower])
        return np.exp(result) if logarithmic else result

    def describe(self) -> str:
        """E.g. ``2024: 100 MW ... 2030: lognormal 90% CI [1, 5] GW``."""
        return "; ".join(
            f"{year}: {self.anchors[year].describe()}" for year in sorted(self.anchors)
        )


@dataclass(frozen=True)
class Growth:
    """``start`` in ``year``, times ``factor`` per year."""

    start: Distribution
    """The value in ``year``."""
    year: int
    """The year ``start`` holds."""
    factor: Distribution
    """Growth factor per year (> 0; 2.5 means x2.5 a year)."""

    def paths(self, rng: np.random.Generator, n: int, years: Sequence[int]) -> np.ndarray:
        """Samples, shape (len(years), n), one start and one factor per path."""
        start = np.broadcast_to(self.start.sample(rng, n), (n,))
        factor = np.broadcast_to(self.factor.sample(rng, n), (n,))
        if np.any(factor <= 0):
            raise ValueError("a growth factor must be positive")
        elapsed = np.asarray(years, dtype=float)[:, None] - self.year
        paths: np.ndarray = start[None, :] * factor[None, :] ** elapsed
        return paths

    def describe(self) -> str:
        """E.g. ``5e+25 in 2024, x lognormal 90% CI [4, 5] a year``."""
        return f"{self.start.describe()} in {self.year}, x {self.factor.describe()} a year"


@dataclass(frozen=True)
class CalendarYear:
    """The year itself, as a number (so expressions can compute with time)."""

    def paths(self, rng: np.random.Generator, n: int, years: Sequence[int]) -> np.ndarray:
        """Samples, shape (len(years), n): every path holds the year."""
        return np.repeat(np.asarray(years, dtype=float)[:, None], n, axis=1)

    def describe(self) -> str:
        """``the calendar year``."""
        return "the calendar year"


Trajectory = Anchored | Growth | CalendarYear
