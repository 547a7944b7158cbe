"""Quotes checked against the text they quote.

A claim file may name its ``source_text`` (the text it quotes) and each claim its ``lines``.
A quote stands when every fragment of it (fragments are separated by ``...``, ``…`` or
``[...]`` elisions) appears, in order, in the cited lines joined by spaces, with runs of
whitespace counted as one space. Nothing else is normalised: the quote is the text's own
words, apostrophes and all.
"""

from __future__ import annotations

import re
from functools import cache

from flopcast.files import read_text
from flopcast.scenario.model import Scenario

_ELISION = re.compile(r"\s*(?:\[\.\.\.\]|\.\.\.|…)\s*")


@cache
def _lines(path: str) -> tuple[str, ...]:
    return tuple(read_text(path).splitlines())


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def quote_stands(quote: str, text: str) -> bool:
    """Whether ``quote``'s fragments appear in ``text`` in order (whitespace-insensitive)."""
    haystack, start = _squeeze(text), 0
    for fragment in (_squeeze(f) for f in _ELISION.split(quote)):
        if not fragment:
            continue
        found = haystack.find(fragment, start)
        if found < 0:
            return False
        start = found + len(fragment)
    return True


def quote_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """(field, problem) for each claim whose quote does not stand on its cited lines."""
    if scenario.source_text is None:
        return []
    lines = _lines(scenario.source_text)
    problems = []
    for name, output in scenario.outputs.items():
        expect = output.expect
        if expect is None:
            continue
        field = f"outputs.{name}.expect"
        if not expect.lines:
            problems.append((f"{field}.lines", "the claim names no lines of its source text"))
            continue
        if any(not 1 <= line <= len(lines) for line in expect.lines):
            problems.append((f"{field}.lines", f"the source text has {len(lines)} lines"))
            continue
        cited = " ".join(lines[line - 1] for line in expect.lines)
        if not quote_stands(expect.quote, cited):
            problems.append(
                (
                    f"{field}.quote",
                    f"the quote does not stand verbatim on line(s) "
                    f"{', '.join(map(str, expect.lines))} of the source text",
                )
            )
    return problems
