"""Accuracy of the step-time model on the bundled public runs, in and out of sample.

Prints, as JSON: the in-sample figures (the shipped calibration, fitted on these rows); the
leave-one-source-out figures (each source predicted by a fit without it) with the per-source
table; the wall time of one fit and of the whole cross-validation, and their ratio (the
machines are shared and noisy, so the ratio is the stable figure). The issue's targets are
checked last; the exit status is 1 when one is missed.

Run: python benchmarks/bench_validate.py
"""

from __future__ import annotations

import json
import sys
import time

from flopcast.catalog.loader import builtin_catalog
from flopcast.parallel.calibration import default_calibration
from flopcast.validate.compare import Summary, by_source, compare, summarize
from flopcast.validate.crossval import cross_validate
from flopcast.validate.fit import fit
from flopcast.validate.runs import BUNDLED_TABLE, RunRow, read_runs


def _figures(summary: Summary) -> dict[str, float]:
    return {
        "rows": summary.rows,
        "median_abs_error": round(summary.median_abs_error, 4),
        "within_20pct": round(summary.within, 4),
        "interval_80pct_coverage": round(summary.interval_coverage, 4),
        "naive_median_abs_error": round(summary.naive_median_abs_error, 4),
    }


def main() -> int:
    rows = read_runs(BUNDLED_TABLE, builtin_catalog())
    predictable = [r for r in rows if isinstance(r, RunRow)]
    done, _ = compare(rows, default_calibration())
    start = time.perf_counter()
    fit(predictable)
    one_fit = time.perf_counter() - start
    validation = cross_validate(predictable)
    out = summarize(validation.comparisons)
    inside = summarize(done)
    original = [c for c in validation.comparisons if int(c.row.row_id) < 1000]
    report = {
        "in_sample": _figures(inside),
        "cross_validated": _figures(out),
        "cross_validated_original_public_rows": _figures(summarize(original)),
        "cross_validated_by_source": {
            k: _figures(v) for k, v in by_source(validation.comparisons).items()
        },
        "seconds": {
            "one_fit": round(one_fit, 2),
            "cross_validation": round(validation.seconds, 2),
            "cross_validation_over_one_fit": round(validation.seconds / one_fit, 1),
        },
        "line": validation.line,
    }
    targets = {
        "cv_median_at_most_8pct": out.median_abs_error <= 0.08,
        "cv_within_20pct_at_least_80pct": out.within >= 0.80,
        "cv_coverage_70_to_90pct": 0.70 <= out.interval_coverage <= 0.90,
        "cv_under_60_s": validation.seconds < 60,
        "in_sample_median_at_most_6.5pct": inside.median_abs_error <= 0.065,
    }
    report["targets"] = targets
    print(json.dumps(report, indent=2))
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
