"""Fit the step-time model's efficiency parameters on a published-runs table.

``python -m flopcast.validate.fit [RUNS.csv] --out src/flopcast/parallel/calibration.yaml``

A penalised robust least-squares fit (a maximum a posteriori estimate):

* each row contributes its log error ``r = log(predicted / measured)`` through a Cauchy
  loss of scale :data:`RESIDUAL_SCALE`, ``log(1 + (r / scale)^2)``: close to squared error for
  the rows the model explains, bounded for the few it cannot (an unstated setting, a
  framework far off the physics), which must not drag the fit of the others;
* each parameter adds ``((theta - prior) / spread)^2`` in its transformed coordinate (log or
  logit) with the sourced prior of :mod:`flopcast.parallel.calibration`, so a parameter that
  no row exercises stays at its prior instead of wandering to a bound;
* GEMM efficiencies: Hopper's has its own prior; every other family's prior is Hopper's value
  scaled by the measured matmul ceilings (:func:`flopcast.parallel.calibration.gemm_prior`),
  and a family without rows takes that prior's value.

The minimiser is SciPy's trust-region least squares from a fixed set of starts (the priors
and :data:`STARTS` - 1 quasi-random points around them, a seeded Sobol sequence), so the fit
is deterministic; the best end point wins. All rows are predicted in one vectorised call per
evaluation, which keeps a fit to well under a second.
"""

from __future__ import annotations

import argparse
import datetime
from dataclasses import dataclass, replace

import numpy as np
import yaml

from flopcast.parallel.calibration import (
    FAMILY_KEYS,
    PRIORS,
    Calibration,
    Prior,
    calibration_to_data,
    gemm_prior,
)
from flopcast.validate.batch import Batch
from flopcast.validate.runs import RunRow

#: Scale of the Cauchy loss on log errors (10%: the size of a typical good prediction's error).
RESIDUAL_SCALE = 0.1

#: Starts of the minimiser: the priors, then quasi-random points (a Sobol sequence of
#: 2**STARTS_LOG2 points, of which the first STARTS - 1 are used).
STARTS = 4
STARTS_LOG2 = 2

#: Spread of the quasi-random starts around the priors, in prior standard deviations.
START_SPREAD = 1.0

#: Seed of the Sobol sequence of starts (fixed: the fit is deterministic).
START_SEED = 0

#: Scalar parameters fitted, in order.
SCALARS = tuple(PRIORS)


def _to_free(value: float, transform: str) -> float:
    if transform == "logit":
        clipped = min(max(value, 1e-6), 1 - 1e-6)
        return float(np.log(clipped / (1 - clipped)))
    return float(np.log(max(value, 1e-300)))


def _from_free(value: float, transform: str) -> float:
    value = float(np.clip(value, -30.0, 30.0))
    return float(1 / (1 + np.exp(-value))) if transform == "logit" else float(np.exp(value))


class Objective:
    """Residuals of rows and priors as a function of the free parameters."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.families = batch.families()
        self.hopper_fitted = "hopper" in self.families

    def calibration(self, x: np.ndarray) -> Calibration:
        """The calibration at free coordinates ``x``."""
        count = len(self.families)
        own = {f: _from_free(v, "logit") for f, v in zip(self.families, x[:count], strict=True)}
        hopper = own.get("hopper", PRIORS_HOPPER.mean)
        gemm = {f: own.get(f, gemm_prior(f, hopper).mean) for f in FAMILY_KEYS}
        scalars = {
            name: _from_free(float(value), PRIORS[name].transform)
            for name, value in zip(SCALARS, x[count:], strict=True)
        }
        return replace(Calibration(), gemm_efficiency=gemm, **scalars)  # type: ignore[arg-type]

    def priors(self, x: np.ndarray) -> list[Prior]:
        """The prior of each free coordinate (GEMM priors depend on Hopper's value)."""
        count = len(self.families)
        own = {f: _from_free(v, "logit") for f, v in zip(self.families, x[:count], strict=True)}
        hopper = own.get("hopper", PRIORS_HOPPER.mean)
        return [gemm_prior(f, hopper) for f in self.families] + [PRIORS[n] for n in SCALARS]

    def start(self) -> np.ndarray:
        """The priors' means in free coordinates."""
        x = np.zeros(len(self.families) + len(SCALARS))
        return np.array([_to_free(p.mean, p.transform) for p in self.priors(x)])

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Cauchy-transformed row residuals, then prior residuals."""
        log_error = np.log(self.batch.predicted(self.calibration(x)) / self.batch.measured)
        rows = np.sqrt(np.log1p((log_error / RESIDUAL_SCALE) ** 2))
        priors = [
            (value - _to_free(p.mean, p.transform)) / p.spread
            for value, p in zip(x, self.priors(x), strict=True)
        ]
        return np.concatenate([rows, np.asarray(priors)])

    def value(self, x: np.ndarray) -> float:
        """Half the sum of squared residuals (the negative log posterior, up to constants)."""
        return float(0.5 * np.sum(self.residuals(x) ** 2))


#: Hopper's GEMM prior (the anchor of the other families').
PRIORS_HOPPER = gemm_prior("hopper", 0.0)


@dataclass(frozen=True)
class FitResult:
    """A fitted calibration and how the fit went."""

    calibration: Calibration
    objective: float
    rows: int
    evaluations: int


def fit(rows: list[RunRow]) -> FitResult:
    """The calibration that minimises the penalised robust loss over ``rows``."""
    from scipy.optimize import least_squares
    from scipy.stats import qmc

    objective = Objective(Batch.of(rows))
    center = objective.start()
    spreads = np.array([p.spread for p in objective.priors(center)])
    sobol = qmc.Sobol(d=len(center), scramble=True, seed=START_SEED).random_base2(STARTS_LOG2)
    sobol = sobol[: STARTS - 1]
    starts = [center] + [center + START_SPREAD * spreads * (2 * u - 1) for u in sobol]
    best, evaluations = None, 0
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for x0 in starts:
            result = least_squares(objective.residuals, x0, method="trf", x_scale=spreads)
            evaluations += int(result.nfev)
            if best is None or result.cost < best.cost:
                best = result
    assert best is not None
    return FitResult(
        calibration=objective.calibration(best.x),
        objective=float(best.cost),
        rows=len(rows),
        evaluations=evaluations,
    )


def provenance(result: FitResult, table: str) -> str:
    """One line saying when and how a calibration was fitted."""
    today = datetime.date.today().isoformat()
    return (
        f"{today}: penalised robust least squares (Cauchy scale {RESIDUAL_SCALE:g}, sourced "
        f"priors, {STARTS} starts) on {result.rows} rows of {table}, objective "
        f"{result.objective:.4f} ({result.evaluations} evaluations)"
    )


def main() -> None:
    """Fit on a table, cross-validate it for the intervals, and write the calibration."""
    from flopcast.catalog.loader import builtin_catalog
    from flopcast.validate.crossval import cross_validate
    from flopcast.validate.runs import BUNDLED_TABLE, read_runs

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("runs", nargs="?", default=str(BUNDLED_TABLE))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rows = [r for r in read_runs(args.runs, builtin_catalog()) if isinstance(r, RunRow)]
    fitted = fit(rows)
    validation = cross_validate(rows)
    calibration = replace(
        fitted.calibration,
        residual_spread=validation.spread,
        fitted=provenance(fitted, args.runs.rsplit("/", 1)[-1]),
    )
    data = calibration_to_data(calibration)
    data["gemm_efficiency"] = {k: round(v, 4) for k, v in calibration.gemm_efficiency.items()}
    for name in SCALARS:
        data[name] = float(f"{getattr(calibration, name):.4g}")
    header = "# Fitted by flopcast.validate.fit; see flopcast/parallel/calibration.py.\n"
    with open(args.out, "w", encoding="utf-8") as stream:
        stream.write(header + yaml.safe_dump(data, sort_keys=False))
    print(calibration.fitted)
    print(validation.line)


if __name__ == "__main__":
    main()
