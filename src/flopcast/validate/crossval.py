"""Leave-one-source-out cross-validation: the model's error on runs it was not fitted to.

For each source (a paper, a benchmark table, a framework's recipes), the calibration is
refitted on every other source and the held-out source is predicted. Sources, not rows, are
held out because rows of one source share a framework, a cluster and a way of measuring: a
row's siblings in the fit would flatter it.

Prediction intervals come from these out-of-sample residuals, ``log(measured /
predicted)``, as their 10th and 90th percentiles by regime: accelerator family and framework
family (``hopper/megatron-core``) when the regime has :data:`MIN_REGIME_ROWS` rows, the
family alone likewise, and all rows otherwise. The coverage reported for a held-out source
uses spreads computed without that source's residuals, so the interval is as untested on it
as the prediction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from flopcast.parallel.calibration import Calibration
from flopcast.validate.compare import (
    Comparison,
    Predictions,
    by_source,
    comparisons,
    predict_rows,
    summarize,
)
from flopcast.validate.fit import fit
from flopcast.validate.runs import RunRow

#: Rows a regime needs for a spread of its own (percentiles of fewer are noise).
MIN_REGIME_ROWS = 15

#: Percentiles of out-of-sample log residuals that bound the 80% prediction interval.
INTERVAL_PERCENTILES = (10.0, 90.0)


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-sample predictions of every row and what they give."""

    comparisons: list[Comparison]
    """Each row predicted by the fit without its source."""
    spread: dict[str, tuple[float, float]]
    """Interval multipliers by regime from all out-of-sample residuals (for calibration)."""
    seconds: float
    """Wall time of the refits."""

    @property
    def line(self) -> str:
        """The summary line ``flopcast validate --cross-validate`` ends with."""
        summary = summarize(self.comparisons)
        return (
            "cross-validated (leave one source out): median abs error "
            f"{summary.median_abs_error:.1%}; within 20%: {summary.within:.0%}; "
            f"80% interval coverage {summary.interval_coverage:.0%}"
        )

    def by_source(self) -> dict[str, object]:
        """Out-of-sample summaries per source."""
        return dict(by_source(self.comparisons))


def _regimes(row: RunRow) -> tuple[str, str]:
    family = row.hardware.family
    return f"{family}/{row.framework}", family


def regime_spread(rows: list[RunRow], log_ratio: np.ndarray) -> dict[str, tuple[float, float]]:
    """Interval multipliers (exp of the 10th and 90th percentiles of ``log_ratio``) for all
    rows and for each regime with enough rows."""
    groups: dict[str, list[float]] = {"all": [float(v) for v in log_ratio]}
    for row, value in zip(rows, log_ratio, strict=True):
        for key in _regimes(row):
            groups.setdefault(key, []).append(float(value))
    spread = {}
    for key, values in groups.items():
        if key == "all" or len(values) >= MIN_REGIME_ROWS:
            low, high = np.percentile(values, INTERVAL_PERCENTILES)
            spread[key] = (round(float(np.exp(low)), 4), round(float(np.exp(high)), 4))
    return spread


def cross_validate(rows: list[RunRow]) -> CrossValidation:
    """Refit without each source, predict it, and derive intervals from the residuals."""
    start = time.perf_counter()
    sources = sorted({r.source for r in rows})
    order = {id(r): i for i, r in enumerate(rows)}
    point = np.empty(len(rows))
    lowest, highest, memory = np.empty(len(rows)), np.empty(len(rows)), np.empty(len(rows))
    for source in sources:
        train = [r for r in rows if r.source != source]
        test = [r for r in rows if r.source == source]
        held_out = predict_rows(test, fit(train).calibration)
        index = [order[id(r)] for r in test]
        point[index], lowest[index] = held_out.point, held_out.lowest
        highest[index], memory[index] = held_out.highest, held_out.memory_gib
    predictions = Predictions(point, lowest, highest, memory)
    log_ratio = np.log(np.array([r.measured for r in rows]) / point)
    without: dict[str, Calibration] = {}
    for source in sources:
        others = [i for i, r in enumerate(rows) if r.source != source]
        spread = regime_spread([rows[i] for i in others], log_ratio[others])
        without[source] = Calibration(residual_spread=spread)
    intervals = [without[row.source].interval(row.hardware.family, row.framework) for row in rows]
    return CrossValidation(
        comparisons=comparisons(rows, predictions, intervals),
        spread=regime_spread(rows, log_ratio),
        seconds=time.perf_counter() - start,
    )
