import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.quantity.summary import summarize
from flopcast.quantity.units import parse_unit
from flopcast.scenario.claims import (
    EXACT_TOLERANCE,
    FAILED,
    HEDGED_TOLERANCE,
    HELD,
    STATED_TOLERANCE,
    UNDECIDED,
    check_claim,
    rule_tolerance,
)
from flopcast.scenario.model import Expectation


def _expect(kind, low, high, tolerance=0.0, check="median", quote="q", exact=False):
    return Expectation(
        quote=quote,
        kind=kind,
        low=low,
        high=high,
        unit=parse_unit("MW"),
        tolerance=tolerance,
        exact=exact,
        check=check,
    )


def _check(expect, samples, confidence=0.8):
    samples = np.asarray(samples, dtype=float)
    return check_claim(expect, samples, summarize(samples), confidence)


SAMPLES = np.linspace(100, 200, 1001)  # uniform: median 150, p5 105, p95 195
POINT = np.full(8, 150.0)


@pytest.mark.parametrize(
    ("expect", "verdict"),
    [
        (_expect("value", 150, 150), HELD),
        (_expect("value", 140, 140), FAILED),
        (_expect("value", 140, 140, tolerance=0.1), HELD),
        (_expect("range", 140, 160), HELD),
        (_expect("range", 160, 180), FAILED),
        (_expect("at_least", 150, None), HELD),
        (_expect("at_least", 151, None), FAILED),
        (_expect("at_most", None, 150), HELD),
        (_expect("at_most", None, 130, tolerance=0.1), FAILED),
    ],
)
def test_point_outputs_are_always_decided(expect, verdict):
    result = _check(expect, POINT)
    assert result.verdict == verdict
    assert result.probability in (0.0, 1.0)


@pytest.mark.parametrize(
    ("expect", "verdict", "probability"),
    [
        # 85% of a uniform 100-200 lies above 115: held at 80% confidence.
        (_expect("at_least", 115, None), HELD, 0.85),
        # half of it lies above 150: neither held nor failed.
        (_expect("at_least", 150, None), UNDECIDED, 0.50),
        # 10% lies in 140-150: the claim fails with probability 90%.
        (_expect("range", 140, 150), FAILED, 0.10),
        # the whole range lies in 100-200.
        (_expect("range", 100, 200), HELD, 1.0),
        # a value of 150 at 20% covers 120-180: 60%, undecided.
        (_expect("value", 150, 150, tolerance=0.2), UNDECIDED, 0.60),
    ],
)
def test_distribution_verdicts_weigh_the_whole_distribution(expect, verdict, probability):
    result = _check(expect, SAMPLES)
    assert result.probability == pytest.approx(probability, abs=0.002)
    assert result.verdict == verdict
    assert f"{probability:.0%} of samples" in result.reason
    assert "80% confidence" in result.reason


def test_confidence_moves_the_thresholds():
    expect = _expect("at_least", 130, None)  # 70% of samples satisfy it
    assert _check(expect, SAMPLES, confidence=0.8).verdict == UNDECIDED
    assert _check(expect, SAMPLES, confidence=0.6).verdict == HELD
    assert "60% confidence" in _check(expect, SAMPLES, confidence=0.6).reason


def test_interval_claims_compare_percentiles():
    matches = _check(_expect("range", 100, 200, tolerance=0.06, check="interval"), SAMPLES)
    misses = _check(_expect("range", 100, 200, tolerance=0.04, check="interval"), SAMPLES)
    assert matches.verdict == HELD and misses.verdict == FAILED


@pytest.mark.parametrize(
    ("quote", "exact", "tolerance"),
    [
        ("that's 1.6TB of data", False, STATED_TOLERANCE),
        ("about 100K H100s", False, HEDGED_TOLERANCE),
        ("~274k H100s", False, HEDGED_TOLERANCE),
        ("a bit less than 8 times 16 times 53", False, HEDGED_TOLERANCE),
        ("roughly 3x", False, HEDGED_TOLERANCE),
        ("on the same order of magnitude", False, HEDGED_TOLERANCE),
        ("Roughly 3x", True, EXACT_TOLERANCE),
        ("throughout the year", False, STATED_TOLERANCE),  # "throughout" is not "about"
    ],
)
def test_rule_tolerance_follows_the_words(quote, exact, tolerance):
    assert rule_tolerance(quote, exact) == tolerance


def test_override_reports_the_rule_verdict_beside_it():
    # A stated claim ("q" has no hedge: 10%) read at 30%: held, but failed at the rule's 10%.
    result = _check(_expect("value", 120, 120, tolerance=0.3), POINT)
    assert result.verdict == HELD
    assert result.rule_verdict == FAILED and result.rule_tolerance == STATED_TOLERANCE
    assert "at the rule's 10%: FAILED" in result.reason


def test_no_rule_verdict_at_the_rule_tolerance():
    result = _check(_expect("value", 140, 140, tolerance=0.1), POINT)
    assert result.rule_verdict is None and result.rule_tolerance is None


def test_reason_names_numbers_and_units():
    result = _check(_expect("value", 140, 140, tolerance=0.1), SAMPLES)
    assert "150 MW" in result.reason and "140 MW" in result.reason and "10%" in result.reason


@given(
    st.floats(min_value=50, max_value=250),
    st.floats(min_value=0, max_value=0.5),
    st.floats(min_value=0, max_value=0.5),
    st.floats(min_value=0.55, max_value=0.99),
)
def test_wider_tolerance_never_lowers_the_probability(value, narrow, extra, confidence):
    low = _check(_expect("value", value, value, tolerance=narrow), SAMPLES, confidence)
    high = _check(_expect("value", value, value, tolerance=narrow + extra), SAMPLES, confidence)
    assert high.probability >= low.probability
    order = {FAILED: 0, UNDECIDED: 1, HELD: 2}
    assert order[high.verdict] >= order[low.verdict]


@given(st.floats(min_value=50, max_value=250), st.floats(min_value=0.55, max_value=0.99))
def test_a_claim_and_its_complement_never_both_hold(bound, confidence):
    above = _check(_expect("at_least", bound, None), SAMPLES, confidence)
    below = _check(_expect("at_most", None, bound), SAMPLES, confidence)
    assert not (above.verdict == HELD and below.verdict == HELD)
    if above.verdict == FAILED:
        assert below.verdict == HELD
