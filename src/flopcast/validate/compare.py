"""Predicted against measured throughput, row by row, with summaries by source.

Error is ``predicted / measured - 1``. The naive method beside it is what a back-of-the-
envelope estimate does: 6 x active parameters FLOP per token at 40% of the dense BF16 peak.
The 80% prediction interval multiplies the prediction by the 10th and 90th percentiles of
out-of-sample residuals for the row's regime (:meth:`Calibration.interval`); a row whose
recomputation is unstated spans its plausible settings' predictions first.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from flopcast.parallel.calibration import Calibration
from flopcast.parallel.steptime import predict
from flopcast.validate.batch import Batch
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


@dataclass(frozen=True)
class Predictions:
    """Vectorised predictions of rows: the point and the span of the alternatives."""

    point: np.ndarray
    lowest: np.ndarray
    highest: np.ndarray
    memory_gib: np.ndarray


def predict_rows(rows: list[RunRow], cal: Calibration) -> Predictions:
    """Each row's prediction, and the lowest and highest over its alternative plans."""
    if not rows:
        empty = np.empty(0)
        return Predictions(empty, empty, empty, empty)
    batch = Batch.of(rows)
    result = predict(batch.work, batch.hardware, batch.plan, cal)
    point = np.asarray(result.tokens_per_s_per_device, dtype=float)
    lowest, highest = point.copy(), point.copy()
    alternates = [(i, plan) for i, row in enumerate(rows) for plan in row.alternatives]
    if alternates:
        indices = np.array([i for i, _ in alternates])
        others = Batch.of([rows[i] for i in indices], [plan for _, plan in alternates])
        values = others.predicted(cal)
        np.minimum.at(lowest, indices, values)
        np.maximum.at(highest, indices, values)
    memory = np.asarray(result.memory.total, dtype=float) / 2**30
    return Predictions(point, lowest, highest, memory)


def comparisons(
    rows: list[RunRow],
    predictions: Predictions,
    intervals: list[tuple[float, float]],
) -> list[Comparison]:
    """Comparisons of ``rows`` with their predictions and interval multipliers."""
    done = []
    for i, row in enumerate(rows):
        naive = (
            NAIVE_UTILIZATION
            * row.hardware.peak_bf16
            / (NAIVE_FLOP_PER_PARAMETER * row.naive_params)
        )
        low, high = intervals[i]
        done.append(
            Comparison(
                row=row,
                predicted=float(predictions.point[i]),
                naive=naive,
                low=float(predictions.lowest[i]) * low,
                high=float(predictions.highest[i]) * high,
                memory_gib=float(predictions.memory_gib[i]),
            )
        )
    return done


def compare(
    rows: list[RunRow | Skipped], cal: Calibration
) -> tuple[list[Comparison], list[Skipped]]:
    """Predictions for every predictable row with ``cal`` (in sample when ``cal`` was fitted
    on them), and the skipped ones."""
    predictable = [r for r in rows if isinstance(r, RunRow)]
    skipped = [r for r in rows if isinstance(r, Skipped)]
    intervals = [cal.interval(r.hardware.family, r.framework) for r in predictable]
    return comparisons(predictable, predict_rows(predictable, cal), intervals), skipped


@dataclass(frozen=True)
class Summary:
    """Errors over a set of rows."""

    rows: int
    median_abs_error: float
    within: float
    naive_median_abs_error: float
    interval_coverage: float


def summarize(done: list[Comparison]) -> Summary:
    """Median absolute error, share within 20%, the naive method's error, interval coverage."""
    if not done:
        return Summary(0, float("nan"), float("nan"), float("nan"), float("nan"))
    errors = [abs(c.error) for c in done]
    return Summary(
        rows=len(done),
        median_abs_error=statistics.median(errors),
        within=sum(e <= WITHIN for e in errors) / len(errors),
        naive_median_abs_error=statistics.median(abs(c.naive_error) for c in done),
        interval_coverage=sum(c.inside for c in done) / len(done),
    )


def by_source(done: list[Comparison]) -> dict[str, Summary]:
    """Summaries per source key."""
    groups: dict[str, list[Comparison]] = defaultdict(list)
    for comparison in done:
        groups[comparison.row.source].append(comparison)
    return {source: summarize(group) for source, group in sorted(groups.items())}
