import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.quantity.sensitivity import log_variance_shares, rank_shares


def test_log_variance_shares_match_sampled_variance():
    rng = np.random.default_rng(0)
    sigmas = {"a": 0.2, "b": 0.5, "c": 0.0}
    exponents = {"a": 2.0, "b": -1.0, "c": 1.0}
    logs = {name: rng.normal(0, max(s, 1e-300), 400_000) for name, s in sigmas.items()}
    log_y = sum(exponents[n] * logs[n] for n in logs)
    shares = dict(log_variance_shares(exponents, sigmas).shares)
    for name in ("a", "b"):
        # Independent second form: the variance of log y with only that input varying.
        alone = np.var(exponents[name] * logs[name]) / np.var(log_y)
        assert shares[name] == pytest.approx(alone, abs=0.01)
    assert "c" not in shares
    assert sum(shares.values()) == pytest.approx(1.0)


def test_log_variance_shares_ranked():
    result = log_variance_shares({"x": 1.0, "y": 1.0}, {"x": 0.1, "y": 0.3})
    assert [name for name, _ in result.shares] == ["y", "x"]
    assert result.method == "log-variance"


def test_rank_shares_additive_model():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 50_000)
    y = rng.normal(0, 2, 50_000)
    result = rank_shares(x + y, {"x": x, "y": y})
    shares = dict(result.shares)
    assert shares["y"] > shares["x"]
    # Linear model: correlations squared are the variance shares 0.2 and 0.8.
    assert shares["x"] == pytest.approx(0.2, abs=0.03)
    assert shares["y"] == pytest.approx(0.8, abs=0.03)
    assert result.unexplained < 0.05


def test_rank_shares_show_interactions_as_unexplained():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 50_000)
    y = rng.normal(0, 1, 50_000)
    result = rank_shares(x * y, {"x": x, "y": y})  # no first-order effect at all
    assert result.unexplained > 0.9


@given(
    st.lists(st.integers(min_value=-5, max_value=5), min_size=1, max_size=60),
)
def test_average_ranks_match_scipy(values):
    """NumPy ranks, ties averaged, equal scipy's rankdata (the import flopcast avoids)."""
    from scipy.stats import rankdata

    from flopcast.quantity.sensitivity import average_ranks

    array = np.asarray(values, dtype=float)
    assert np.array_equal(average_ranks(array), rankdata(array))
