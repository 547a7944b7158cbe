"""Predicted against measured throughput, row by row, with summaries by source.

Error is ``predicted / measured - 1``. The naive method beside it is what a back-of-the-
envelope estimate does: 6 x active parameters FLOP per token at 40% of the dense BF16 peak.
The 80% prediction interval multiplies the prediction by the 10th and 90th percentiles of
log residuals on the public data for the accelerator's family (from the calibration).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from flopcast.parallel.calibration import Calibration
from flopcast.parallel.steptime import predict
from flopcast.validate.runs import RunRow, Skipped

#: The naive method's utilization and FLOP per parameter per token.
NAIVE_UTILIZATION, NAIVE_FLOP_PER_PARAMETER = 0.4, 6.0

#: A prediction is "within" when its absolute error is at most this.
WITHIN = 0.2


@dataclass(frozen=True)
class Comparison:
    """One predicted row."""

    row: RunRow
    predicted: float
    """Predicted tokens/s per accelerator."""
    naive: float
    """Naive method's tokens/s per accelerator."""
    low: float
    """Lower end of the 80% prediction interval."""
    high: float
    """Upper end of the 80% prediction interval."""
    memory_gib: float
    """Predicted memory per device."""

    @property
    def error(self) -> float:
        """Relative error of the prediction."""
        return self.predicted / self.row.measured - 1

    @property
    def naive_error(self) -> float:
        """Relative error of the naive method."""
        return self.naive / self.row.measured - 1

    @property
    def inside(self) -> bool:
        """Whether the measured value lies in the 80% interval."""
        return self.low <= self.row.measured <= self.high


def compare(
    rows: list[RunRow | Skipped], cal: Calibration
) -> tuple[list[Comparison], list[Skipped]]:
    """Predictions for every predictable row, and the skipped ones."""
    done, skipped = [], []
    for row in rows:
        if isinstance(row, Skipped):
            skipped.append(row)
            continue
        result = predict(row.model, row.hardware, row.plan, cal)
        predicted = float(result.tokens_per_s_per_device)
        low, high = cal.interval(row.hardware.family)
        naive = (
            NAIVE_UTILIZATION
            * row.hardware.peak_bf16
            / (NAIVE_FLOP_PER_PARAMETER * row.naive_params)
        )
        done.append(
            Comparison(
                row=row,
                predicted=predicted,
                naive=naive,
                low=predicted * low,
                high=predicted * high,
                memory_gib=float(result.memory.total) / 2**30,
            )
        )
    return done, skipped


@dataclass(frozen=True)
class Summary:
    """Errors over a set of rows."""

    rows: int
    median_abs_error: float
    within: float
    naive_median_abs_error: float
    interval_coverage: float


def summarize(comparisons: list[Comparison]) -> Summary:
    """Median absolute error, share within 20%, the naive method's error, interval coverage."""
    if not comparisons:
        return Summary(0, float("nan"), float("nan"), float("nan"), float("nan"))
    errors = [abs(c.error) for c in comparisons]
    return Summary(
        rows=len(comparisons),
        median_abs_error=statistics.median(errors),
        within=sum(e <= WITHIN for e in errors) / len(errors),
        naive_median_abs_error=statistics.median(abs(c.naive_error) for c in comparisons),
        interval_coverage=sum(c.inside for c in comparisons) / len(comparisons),
    )


def by_source(comparisons: list[Comparison]) -> dict[str, Summary]:
    """Summaries per source key."""
    groups: dict[str, list[Comparison]] = defaultdict(list)
    for comparison in comparisons:
        groups[comparison.row.source].append(comparison)
    return {source: summarize(group) for source, group in sorted(groups.items())}
