"""Summaries of sample arrays: median, mean and percentiles.

A point value (a float) summarises to itself at every percentile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flopcast.quantity.distributions import Samples

#: Percentiles printed when none are asked for: the median and the central 90% interval.
DEFAULT_PERCENTILES: tuple[float, ...] = (5.0, 50.0, 95.0)


@dataclass(frozen=True, kw_only=True)
class Summary:
    """Location and spread of one uncertain value, in one unit."""

    mean: float
    """Arithmetic mean of the samples."""
    median: float
    """50th percentile."""
    p5: float
    """5th percentile: the lower end of the central 90% interval."""
    p95: float
    """95th percentile: the upper end of the central 90% interval."""
    percentiles: dict[float, float]
    """Every percentile asked for (always including 5, 50 and 95), in percent -> value."""
    is_point: bool
    """True when the value has no spread (every sample equal)."""


def summarize(
    values: Samples,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    scratch: np.ndarray | None = None,
) -> Summary:
    """Summarise samples (or a point value) at the given percentiles (0-100).

    Percentiles partially sort a copy of the samples. With ``scratch`` (a float64 array of
    the samples' size, reused across calls) the copy goes there and no array is allocated:
    at 1e7 samples that saves 80 MB per summary."""
    asked = sorted(set(percentiles) | set(DEFAULT_PERCENTILES))
    if any(not 0 <= p <= 100 for p in asked):
        raise ValueError(f"percentiles must lie in [0, 100], got {list(percentiles)}")
    array = np.asarray(values, dtype=float)
    if array.ndim == 0 or array.size == 1:
        point = float(array.reshape(-1)[0])
        table = dict.fromkeys(asked, point)
        return Summary(
            mean=point, median=point, p5=point, p95=point, percentiles=table, is_point=True
        )
    if scratch is not None and scratch.shape == array.shape and scratch.dtype == array.dtype:
        np.copyto(scratch, array)
        levels = np.percentile(scratch, asked, overwrite_input=True)
    else:
        levels = np.percentile(array, asked)
    table = {p: float(v) for p, v in zip(asked, levels, strict=True)}
    return Summary(
        mean=float(array.mean()),
        median=table[50.0],
        p5=table[5.0],
        p95=table[95.0],
        percentiles=table,
        is_point=bool(table[asked[0]] == table[asked[-1]]),
    )
