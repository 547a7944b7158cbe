"""When a claim holds.

A claim is an output with an ``expect`` block. With ``t`` the tolerance (a relative slack,
0 by default) and the output converted to the claim's unit:

============  ==================  =========================================================
kind          check               holds when
============  ==================  =========================================================
value v       median (default)    ``|median - v| <= t |v|``
range [a, b]  median (default)    ``a - t|a| <= median <= b + t|b|``
range [a, b]  interval            ``|p5 - a| <= t|a|`` and ``|p95 - b| <= t|b|``: the computed
                                  90% interval is the claimed range
at_least a    median              ``median >= a - t|a|``
at_most b     median              ``median <= b + t|b|``
============  ==================  =========================================================

The median is the test, not the mean, because outputs are often lognormal and a claim is
a statement about a typical value. Beside the verdict, the result reports the probability
that the output lies in the (widened) claimed range, so a claim that holds at the median but
with low probability is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flopcast.quantity.distributions import Samples
from flopcast.quantity.format import format_value
from flopcast.quantity.summary import Summary
from flopcast.quantity.units import format_unit
from flopcast.scenario.model import Expectation


@dataclass(frozen=True, kw_only=True)
class ClaimResult:
    """The verdict on one claim."""

    held: bool
    """Whether the claim holds under the rule above."""
    expected: str
    """The claimed value or range, as text with its unit and tolerance."""
    reason: str
    """One sentence: what was compared with what."""
    probability: float
    """Share of samples inside the widened claimed range (0 to 1)."""


def check_claim(expect: Expectation, samples: Samples, summary: Summary) -> ClaimResult:
    """Check ``expect`` against an output's samples and summary, both in ``expect.unit``."""
    unit_text = format_unit(expect.unit)
    t = expect.tolerance
    low = None if expect.low is None else expect.low - t * abs(expect.low)
    high = None if expect.high is None else expect.high + t * abs(expect.high)
    expected = _describe(expect, unit_text)
    median_text = format_value(summary.median, unit_text)
    if expect.check == "interval":
        assert expect.low is not None and expect.high is not None
        held = abs(summary.p5 - expect.low) <= t * abs(expect.low) and abs(
            summary.p95 - expect.high
        ) <= t * abs(expect.high)
        interval = (
            f"[{format_value(summary.p5, unit_text)}, {format_value(summary.p95, unit_text)}]"
        )
        relation = "matches" if held else "does not match"
        reason = f"computed 90% interval {interval} {relation} the claimed {expected}"
    else:
        held = (low is None or summary.median >= low) and (high is None or summary.median <= high)
        relation = "satisfies" if held else "does not satisfy"
        reason = f"computed median {median_text} {relation} the claimed {expected}"
    array = np.asarray(samples, dtype=float)
    inside = np.ones(array.shape, dtype=bool)
    if low is not None:
        inside &= array >= low
    if high is not None:
        inside &= array <= high
    return ClaimResult(
        held=bool(held), expected=expected, reason=reason, probability=float(inside.mean())
    )


def _describe(expect: Expectation, unit_text: str) -> str:
    def show(value: float | None) -> str:
        assert value is not None
        return format_value(value, unit_text)

    slack = f" (tolerance {expect.tolerance:.0%})" if expect.tolerance else ""
    if expect.kind == "value":
        return f"value {show(expect.low)}{slack}"
    if expect.kind == "range":
        return f"range [{show(expect.low)}, {show(expect.high)}]{slack}"
    if expect.kind == "at_least":
        return f"lower bound {show(expect.low)}{slack}"
    return f"upper bound {show(expect.high)}{slack}"
