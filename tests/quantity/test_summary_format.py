import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.quantity.format import format_money, format_number, format_value
from flopcast.quantity.summary import summarize


def test_summary_of_samples():
    samples = np.arange(1, 101, dtype=float)
    summary = summarize(samples, percentiles=[25])
    assert summary.median == pytest.approx(50.5)
    assert summary.mean == pytest.approx(50.5)
    assert summary.percentiles[25.0] == pytest.approx(25.75)
    assert summary.p5 < summary.median < summary.p95
    assert not summary.is_point


def test_summary_of_point():
    summary = summarize(3.0)
    assert summary.is_point and summary.p5 == summary.p95 == summary.median == 3.0


def test_summary_rejects_bad_percentile():
    with pytest.raises(ValueError):
        summarize(np.ones(4), percentiles=[120])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0507e26, "1.05e26"),
        (150.0, "150"),
        (159.07, "159"),
        (0.4, "0.4"),
        (50000.0, "50,000"),
        (263000.0, "2.63e5"),
        (1.5e-6, "1.5e-6"),
        (0.0, "0"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(2.92e8, "$292M"), (6e9, "$6B"), (2.5, "$2.5"), (3.0e3, "$3K")]
)
def test_format_money(value, text):
    assert format_money(value) == text


def test_format_value_with_unit():
    assert format_value(1.5e8, "W") == "1.5e8 W"
    assert format_value(150, "MW") == "150 MW"
    assert format_value(2.92e8, "USD") == "$292M"
    assert format_value(0.4, "") == "0.4"


@given(
    st.lists(st.floats(-1e30, 1e30, allow_nan=False), min_size=2, max_size=300),
    st.lists(st.floats(0, 100), min_size=1, max_size=6),
)
def test_linear_percentiles_equal_numpys_bit_for_bit(values, percents):
    from flopcast.quantity.summary import linear_percentiles

    array = np.asarray(values)
    expected = np.percentile(array, percents)
    assert np.array_equal(linear_percentiles(array.copy(), percents), expected)
