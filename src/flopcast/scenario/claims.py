"""When a claim holds: three-way verdicts at a stated confidence, and tolerances that follow
the claim's own words.

A claim is an output with an ``expect`` block. With ``t`` the tolerance (a relative slack)
and the output converted to the claim's unit, a value *satisfies* the claim when:

============  ===========================================================================
kind          satisfied when
============  ===========================================================================
value v       ``|x - v| <= t |v|``
range [a, b]  ``a - t|a| <= x <= b + t|b|``
at_least a    ``x >= a - t|a|``
at_most b     ``x <= b + t|b|``
============  ===========================================================================

The verdict weighs the whole distribution, not only its median: with ``P`` the share of
samples that satisfy the claim and ``p`` the confidence (0.8 unless told otherwise), the claim
is **HELD** when ``P >= p``, **FAILED** when ``P <= 1 - p`` (it fails with probability at
least ``p``), and **UNDECIDED** between. An output computed from point values has ``P`` 0 or
1, so its verdict is always decided. ``check: interval`` claims (a claimed range that is the
90% interval the inputs imply) compare the computed 5th and 95th percentiles with the range
ends instead, and are decided.

The tolerance a claim may use follows its quote (:func:`rule_tolerance`): 1% for exact
arithmetic (``exact: true``), 20% when the quote hedges ("about", "~", "roughly", "a bit
less than", ...), 10% for a stated value. A file may use a wider tolerance only with a
``tolerance_reason``; the verdict at the rule's tolerance is then reported beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from flopcast.quantity.distributions import Samples
from flopcast.quantity.format import format_value
from flopcast.quantity.summary import Summary
from flopcast.quantity.units import format_unit
from flopcast.scenario.defaults import DEFAULT_CONFIDENCE
from flopcast.scenario.model import Expectation
from flopcast.scenario.verdicts import FAILED, HELD, UNDECIDED

#: Tolerances by the words of the claim (DESIGN.md, "Contracts").
EXACT_TOLERANCE, STATED_TOLERANCE, HEDGED_TOLERANCE = 0.01, 0.10, 0.20

#: Words that hedge a number in a quote, so that it may be read at the hedged tolerance.
HEDGES = re.compile(
    r"(\babout\b|~|\broughly\b|\baround\b|\bapproximately\b|\bapprox\.?|\ba bit (less|over|"
    r"more|under)\b|\bnearly\b|\balmost\b|\bon the (same )?order of\b|\bor so\b|\bsomething "
    r"like\b|\bclose to\b|\bgestured\b)",
    re.IGNORECASE,
)

__all__ = [
    "DEFAULT_CONFIDENCE",
    "FAILED",
    "HELD",
    "UNDECIDED",
    "ClaimResult",
    "check_claim",
    "rule_tolerance",
]


def rule_tolerance(quote: str, exact: bool = False) -> float:
    """The tolerance a claim's words allow: exact arithmetic, a hedged or a stated value."""
    if exact:
        return EXACT_TOLERANCE
    return HEDGED_TOLERANCE if HEDGES.search(quote) else STATED_TOLERANCE


@dataclass(frozen=True, kw_only=True)
class ClaimResult:
    """The verdict on one claim."""

    verdict: str
    """:data:`HELD`, :data:`FAILED` or :data:`UNDECIDED`."""
    expected: str
    """The claimed value or range, as text with its unit and tolerance."""
    reason: str
    """One sentence: what was compared with what, and at which confidence."""
    probability: float
    """Share of samples that satisfy the claim (0 to 1)."""
    confidence: float
    """The confidence the verdict was decided at."""
    rule_verdict: str | None = None
    """The verdict at the rule's tolerance, when the file uses another one."""
    rule_tolerance: float | None = None
    """That tolerance."""

    @property
    def held(self) -> bool:
        """Whether the claim holds."""
        return self.verdict == HELD


def check_claim(
    expect: Expectation,
    samples: Samples,
    summary: Summary,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    scale: float = 1.0,
) -> ClaimResult:
    """Check ``expect`` against an output's samples and its summary in ``expect.unit``; the
    samples are in ``expect.unit`` once multiplied by ``scale`` (> 0), which is folded into
    the claim's bounds rather than applied to every sample."""
    assert scale > 0, "unit conversion factors are positive"
    unit_text = format_unit(expect.unit)
    verdict, probability, reason = _decide(
        expect, expect.tolerance, samples, summary, confidence, scale
    )
    rule = rule_tolerance(expect.quote, expect.exact)
    rule_verdict = None
    if not np.isclose(rule, expect.tolerance):
        rule_verdict, _, _ = _decide(expect, rule, samples, summary, confidence, scale)
        reason += f"; at the rule's {_percent(rule)}: {rule_verdict.upper()}"
    return ClaimResult(
        verdict=verdict,
        expected=_describe(expect, unit_text),
        reason=reason,
        probability=probability,
        confidence=confidence,
        rule_verdict=rule_verdict,
        rule_tolerance=None if rule_verdict is None else rule,
    )


def _bounds(expect: Expectation, t: float) -> tuple[float | None, float | None]:
    low = None if expect.low is None else expect.low - t * abs(expect.low)
    high = None if expect.high is None else expect.high + t * abs(expect.high)
    return low, high


def _decide(
    expect: Expectation,
    t: float,
    samples: Samples,
    summary: Summary,
    confidence: float,
    scale: float = 1.0,
) -> tuple[str, float, str]:
    """(verdict, probability, reason) at tolerance ``t``."""
    unit_text = format_unit(expect.unit)
    low, high = _bounds(expect, t)
    array = np.asarray(samples, dtype=float)
    inside = np.ones(array.shape, dtype=bool)
    if low is not None:
        inside &= array >= low / scale
    if high is not None:
        inside &= array <= high / scale
    probability = float(inside.mean())
    expected = _describe(expect, unit_text, t)
    if expect.check == "interval":
        assert expect.low is not None and expect.high is not None
        matches = abs(summary.p5 - expect.low) <= t * abs(expect.low) and abs(
            summary.p95 - expect.high
        ) <= t * abs(expect.high)
        interval = (
            f"[{format_value(summary.p5, unit_text)}, {format_value(summary.p95, unit_text)}]"
        )
        relation = "matches" if matches else "does not match"
        reason = (
            f"computed 90% interval {interval} {relation} the claimed {expected} "
            "(an interval claim is decided at any confidence)"
        )
        return (HELD if matches else FAILED), probability, reason
    median = format_value(summary.median, unit_text)
    if summary.is_point:
        verdict = HELD if probability == 1.0 else FAILED
        relation = "satisfies" if verdict == HELD else "does not satisfy"
        reason = (
            f"computed {median} {relation} the claimed {expected} "
            "(no spread: decided at any confidence)"
        )
        return verdict, probability, reason
    if probability >= confidence:
        verdict = HELD
    elif probability <= 1 - confidence:
        verdict = FAILED
    else:
        verdict = UNDECIDED
    reason = (
        f"computed median {median}; {probability:.0%} of samples satisfy the claimed "
        f"{expected} ({verdict.upper()} at {confidence:.0%} confidence)"
    )
    return verdict, probability, reason


def _percent(value: float) -> str:
    """A tolerance with the precision it was given (``1.4%``, ``10%``)."""
    return f"{value * 100:.4g}%"


def _describe(expect: Expectation, unit_text: str, tolerance: float | None = None) -> str:
    t = expect.tolerance if tolerance is None else tolerance

    def show(value: float | None) -> str:
        assert value is not None
        return format_value(value, unit_text)

    slack = f" (tolerance {_percent(t)})" if t else ""
    if expect.kind == "value":
        return f"value {show(expect.low)}{slack}"
    if expect.kind == "range":
        return f"range [{show(expect.low)}, {show(expect.high)}]{slack}"
    if expect.kind == "at_least":
        return f"lower bound {show(expect.low)}{slack}"
    return f"upper bound {show(expect.high)}{slack}"
