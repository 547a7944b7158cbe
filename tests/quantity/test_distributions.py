import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.errors import InputError
from flopcast.quantity import distributions as d


def _rng(seed=1):
    return np.random.default_rng(seed)


def test_to_positive_is_lognormal_with_90pct_interval():
    dist = d.to(2.0, 4.0)
    assert isinstance(dist, d.LogNormal)
    draws = dist.sample(_rng(), 400_000)
    lo, hi = np.percentile(draws, [5, 95])
    assert lo == pytest.approx(2.0, rel=0.01)
    assert hi == pytest.approx(4.0, rel=0.01)
    assert np.median(draws) == pytest.approx(np.sqrt(8), rel=0.01)


def test_to_crossing_zero_is_normal():
    dist = d.to(-1.0, 3.0)
    assert isinstance(dist, d.Normal)
    draws = dist.sample(_rng(), 400_000)
    assert np.percentile(draws, [5, 95]) == pytest.approx([-1.0, 3.0], abs=0.02)


def test_to_rejects_reversed_bounds_and_collapses_equal_ones():
    with pytest.raises(InputError, match="above"):
        d.to(5.0, 1.0)
    assert d.to(3.0, 3.0) == d.Point(value=3.0)


@given(
    lo=st.floats(min_value=1e-30, max_value=1e30),
    ratio=st.floats(min_value=1.0001, max_value=1e6),
)
def test_lognormal_interval_round_trips(lo, ratio):
    hi = lo * ratio
    dist = d.LogNormal.from_interval(lo, hi)
    assert np.exp(dist.mu - d.Z90 * dist.sigma) == pytest.approx(lo, rel=1e-9)
    assert np.exp(dist.mu + d.Z90 * dist.sigma) == pytest.approx(hi, rel=1e-9)


@settings(max_examples=30)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_sampling_is_reproducible(seed):
    dist = d.Mixture(components=(d.to(1, 2), d.Uniform(lo=5, hi=6)), weights=(0.3, 0.7))
    assert np.array_equal(dist.sample(_rng(seed), 100), dist.sample(_rng(seed), 100))


def test_pert_mean_matches_textbook_formula():
    dist = d.pert(1.0, 2.0, 6.0)
    draws = dist.sample(_rng(), 400_000)
    assert draws.mean() == pytest.approx((1 + 4 * 2 + 6) / 6, rel=0.01)
    assert draws.min() >= 1.0 and draws.max() <= 6.0


def test_beta_scaled_support_and_mean():
    dist = d.Beta(alpha=4, beta=6, lo=0.2, hi=0.6)
    draws = dist.sample(_rng(), 200_000)
    assert draws.mean() == pytest.approx(0.2 + 0.4 * 0.4, rel=0.01)
    assert draws.min() >= 0.2 and draws.max() <= 0.6


def test_mixture_weights():
    dist = d.Mixture(components=(d.Point(value=0.0), d.Point(value=1.0)), weights=(1, 3))
    draws = dist.sample(_rng(), 100_000)
    assert draws.mean() == pytest.approx(0.75, abs=0.01)


def test_loguniform_decades_equally_likely():
    draws = d.LogUniform(lo=1, hi=1e4).sample(_rng(), 200_000)
    counts = np.histogram(np.log10(draws), bins=4, range=(0, 4))[0]
    assert counts / counts.sum() == pytest.approx([0.25] * 4, abs=0.01)


@pytest.mark.parametrize(
    "make",
    [
        lambda: d.Normal(mean=0, sd=0),
        lambda: d.LogNormal.from_interval(0, 1),
        lambda: d.LogNormal.from_median(1, 0.5),
        lambda: d.Uniform(lo=2, hi=1),
        lambda: d.LogUniform(lo=-1, hi=1),
        lambda: d.Beta(alpha=0, beta=1),
        lambda: d.pert(1, 5, 3),
        lambda: d.Mixture(components=(d.Point(value=1),), weights=(1, 2)),
        lambda: d.Mixture(components=(d.Point(value=1),), weights=(-1,)),
    ],
)
def test_invalid_parameters_are_input_errors(make):
    with pytest.raises(InputError):
        make()


def test_log_sigma():
    assert d.log_sigma(d.LogNormal(mu=0, sigma=0.5)) == 0.5
    assert d.log_sigma(d.Point(value=3)) == 0.0
    assert d.log_sigma(d.Point(value=-3)) is None
    assert d.log_sigma(d.Normal(mean=1, sd=1)) is None
