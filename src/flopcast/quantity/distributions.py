"""Distributions for uncertain inputs, sampled as NumPy arrays with a seeded generator.

The central convention (after squigglepy's ``to``): ``a to b`` is a **90% interval**, i.e. 5%
of the mass lies below ``a`` and 5% above ``b``. When both bounds are positive the
distribution is lognormal (quantities such as FLOP, watts and months are positive and their
uncertainty is multiplicative); otherwise it is normal.

A distribution samples in the unit its input declares; units are attached by the caller.
A point value samples as a Python float, which NumPy broadcasts against sample arrays, so a
scenario of point values costs no memory per sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from flopcast.errors import InputError

#: Standard normal quantile at 0.95 (scipy.stats.norm.ppf(0.95)): a central 90% interval
#: spans mean +/- Z90 standard deviations.
Z90 = 1.6448536269514722

Samples = np.ndarray | float


class Distribution(Protocol):
    """What every distribution offers."""

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        """``n`` independent draws (a float for a point value)."""
        ...

    def describe(self) -> str:
        """A short text such as ``lognormal 90% CI [2, 4]``."""
        ...


@dataclass(frozen=True, kw_only=True)
class Point:
    """A value known exactly (or taken as exact)."""

    value: float
    """The value, in the input's unit."""

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        return float(self.value)

    def describe(self) -> str:
        return f"{self.value:.6g}"


@dataclass(frozen=True, kw_only=True)
class Normal:
    """Normal distribution (may go negative; use for differences, not for sizes)."""

    mean: float
    """Mean, in the input's unit."""
    sd: float
    """Standard deviation, in the input's unit; must be positive."""

    def __post_init__(self) -> None:
        if not self.sd > 0:
            raise InputError(f"normal: sd must be positive, got {self.sd}")

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        return rng.normal(self.mean, self.sd, n)

    def describe(self) -> str:
        return f"normal mean {self.mean:.6g} sd {self.sd:.6g}"


@dataclass(frozen=True, kw_only=True)
class LogNormal:
    """Lognormal distribution: ``log(x)`` is normal with mean ``mu`` and sd ``sigma``."""

    mu: float
    """Mean of the natural log of the value (log of the median)."""
    sigma: float
    """Standard deviation of the natural log of the value; must be positive."""

    def __post_init__(self) -> None:
        if not self.sigma > 0:
            raise InputError(f"lognormal: sigma must be positive, got {self.sigma}")

    @classmethod
    def from_interval(cls, lo: float, hi: float) -> LogNormal:
        """The lognormal whose central 90% interval is ``[lo, hi]`` (both > 0, lo < hi)."""
        if not 0 < lo < hi:
            raise InputError(f"lognormal 90% interval needs 0 < lo < hi, got [{lo}, {hi}]")
        log_lo, log_hi = math.log(lo), math.log(hi)
        return cls(mu=(log_lo + log_hi) / 2, sigma=(log_hi - log_lo) / (2 * Z90))

    @classmethod
    def from_median(cls, median: float, gsd: float) -> LogNormal:
        """The lognormal with this median and geometric standard deviation (``gsd`` > 1)."""
        if not median > 0 or not gsd > 1:
            raise InputError(f"lognormal needs median > 0 and gsd > 1, got {median}, {gsd}")
        return cls(mu=math.log(median), sigma=math.log(gsd))

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        return rng.lognormal(self.mu, self.sigma, n)

    def describe(self) -> str:
        lo, hi = math.exp(self.mu - Z90 * self.sigma), math.exp(self.mu + Z90 * self.sigma)
        return f"lognormal 90% CI [{lo:.6g}, {hi:.6g}]"


@dataclass(frozen=True, kw_only=True)
class Uniform:
    """Uniform between ``lo`` and ``hi`` (the full range, not a 90% interval)."""

    lo: float
    """Lower bound, in the input's unit."""
    hi: float
    """Upper bound, in the input's unit; greater than ``lo``."""

    def __post_init__(self) -> None:
        if not self.lo < self.hi:
            raise InputError(f"uniform needs lo < hi, got [{self.lo}, {self.hi}]")

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        return rng.uniform(self.lo, self.hi, n)

    def describe(self) -> str:
        return f"uniform [{self.lo:.6g}, {self.hi:.6g}]"


@dataclass(frozen=True, kw_only=True)
class LogUniform:
    """Log-uniform between ``lo`` and ``hi`` (each order of magnitude equally likely)."""

    lo: float
    """Lower bound (> 0), in the input's unit."""
    hi: float
    """Upper bound, in the input's unit; greater than ``lo``."""

    def __post_init__(self) -> None:
        if not 0 < self.lo < self.hi:
            raise InputError(f"log-uniform needs 0 < lo < hi, got [{self.lo}, {self.hi}]")

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        return np.exp(rng.uniform(math.log(self.lo), math.log(self.hi), n))

    def describe(self) -> str:
        return f"log-uniform [{self.lo:.6g}, {self.hi:.6g}]"


@dataclass(frozen=True, kw_only=True)
class Beta:
    """Beta distribution scaled to ``[lo, hi]``; the natural choice for shares (utilization)."""

    alpha: float
    """First shape parameter (> 0)."""
    beta: float
    """Second shape parameter (> 0)."""
    lo: float = 0.0
    """Lower end of the support, in the input's unit."""
    hi: float = 1.0
    """Upper end of the support, in the input's unit."""

    def __post_init__(self) -> None:
        if not (self.alpha > 0 and self.beta > 0):
            raise InputError(f"beta needs alpha, beta > 0, got {self.alpha}, {self.beta}")
        if not self.lo < self.hi:
            raise InputError(f"beta needs lo < hi, got [{self.lo}, {self.hi}]")

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        return self.lo + (self.hi - self.lo) * rng.beta(self.alpha, self.beta, n)

    def describe(self) -> str:
        return f"beta({self.alpha:.6g}, {self.beta:.6g}) on [{self.lo:.6g}, {self.hi:.6g}]"


def pert(lo: float, mode: float, hi: float, shape: float = 4.0) -> Beta:
    """The PERT distribution: a beta on ``[lo, hi]`` peaked at ``mode``.

    Source: Vose, *Risk Analysis* (2008), section 9.1.4: alpha = 1 + shape (mode - lo) /
    (hi - lo), beta = 1 + shape (hi - mode) / (hi - lo), with shape = 4 for the classic PERT.
    """
    if not lo <= mode <= hi or not lo < hi:
        raise InputError(f"PERT needs lo <= mode <= hi and lo < hi, got {lo}, {mode}, {hi}")
    span = hi - lo
    return Beta(
        alpha=1 + shape * (mode - lo) / span, beta=1 + shape * (hi - mode) / span, lo=lo, hi=hi
    )


@dataclass(frozen=True, kw_only=True)
class Mixture:
    """A mixture: each draw comes from component ``k`` with probability ``weights[k]``."""

    components: tuple[Distribution, ...]
    """The component distributions, all in the same unit."""
    weights: tuple[float, ...]
    """Non-negative weights, one per component; normalised to sum to 1."""

    def __post_init__(self) -> None:
        if len(self.components) != len(self.weights) or not self.components:
            raise InputError("mixture needs as many weights as components (at least one)")
        with np.errstate(over="ignore"):
            total = float(np.sum(np.asarray(self.weights, dtype=float)))
        if any(not w >= 0 for w in self.weights) or not 0 < total < math.inf:
            raise InputError(
                f"mixture weights must be finite, >= 0, with a positive finite sum: {self.weights}"
            )

    def sample(self, rng: np.random.Generator, n: int) -> Samples:
        weights = np.asarray(self.weights, dtype=float)
        probabilities = weights / weights.sum()
        counts = rng.multinomial(n, probabilities)
        parts = [
            np.broadcast_to(component.sample(rng, int(count)), (int(count),))
            for component, count in zip(self.components, counts, strict=True)
        ]
        return rng.permutation(np.concatenate(parts))

    def describe(self) -> str:
        inner = ", ".join(
            f"{w:.3g}: {c.describe()}" for c, w in zip(self.components, self.weights, strict=True)
        )
        return f"mixture of {inner}"


def to(lo: float, hi: float) -> Distribution:
    """``lo to hi`` as a 90% interval: lognormal if both are positive, else normal.

    ``lo == hi`` is a point value; ``lo > hi`` is an error.
    """
    if lo > hi:
        raise InputError(f"interval lower bound {lo:.6g} is above upper bound {hi:.6g}")
    if lo == hi:
        return Point(value=lo)
    if lo > 0:
        return LogNormal.from_interval(lo, hi)
    return Normal(mean=(lo + hi) / 2, sd=(hi - lo) / (2 * Z90))


def log_sigma(distribution: Distribution) -> float | None:
    """The sd of ``log(x)`` when ``x`` is lognormal (0 for a positive point), else None.

    Used for exact variance shares of outputs that are products of powers of inputs.
    """
    if isinstance(distribution, LogNormal):
        return distribution.sigma
    if isinstance(distribution, Point) and distribution.value > 0:
        return 0.0
    return None
