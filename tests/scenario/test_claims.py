import numpy as np
import pytest

from flopcast.quantity.summary import summarize
from flopcast.quantity.units import parse_unit
from flopcast.scenario.claims import check_claim
from flopcast.scenario.model import Expectation


def _expect(kind, low, high, tolerance=0.0, check="median"):
    return Expectation(
        quote="q",
        kind=kind,
        low=low,
        high=high,
        unit=parse_unit("MW"),
        tolerance=tolerance,
        check=check,
    )


def _check(expect, samples):
    samples = np.asarray(samples, dtype=float)
    return check_claim(expect, samples, summarize(samples))


SAMPLES = np.linspace(100, 200, 1001)  # median 150, p5 105, p95 195


@pytest.mark.parametrize(
    ("expect", "held"),
    [
        (_expect("value", 150, 150), True),
        (_expect("value", 140, 140), False),
        (_expect("value", 140, 140, tolerance=0.1), True),
        (_expect("value", 160, 160, tolerance=0.05), False),
        (_expect("range", 120, 180), True),
        (_expect("range", 160, 180), False),
        (_expect("range", 160, 180, tolerance=0.07), True),
        (_expect("at_least", 150, None), True),
        (_expect("at_least", 151, None), False),
        (_expect("at_most", None, 150), True),
        (_expect("at_most", None, 140), False),
        (_expect("at_most", None, 140, tolerance=0.1), True),
        (_expect("range", 100, 200, tolerance=0.06, check="interval"), True),
        (_expect("range", 100, 200, tolerance=0.04, check="interval"), False),
    ],
)
def test_claim_semantics(expect, held):
    assert _check(expect, SAMPLES).held is held


def test_probability_in_range():
    result = _check(_expect("range", 100, 150), SAMPLES)
    assert result.probability == pytest.approx(0.5, abs=0.002)


def test_reason_names_numbers_and_units():
    result = _check(_expect("value", 140, 140, tolerance=0.1), SAMPLES)
    assert "150 MW" in result.reason and "140 MW" in result.reason and "10%" in result.reason
