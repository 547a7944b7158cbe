"""flopcast's own grammar for numbers and units in text, read before pint sees anything.

pint's parser evaluates arithmetic (``"9**9**9"`` never finishes), so user text never reaches
it. This module reads text into plain parts that cannot hide computation:

.. code-block:: text

    quantity := ["$"] number [ws] ["%" | unit]     "1e15 FLOP/s", "40%", "$2/hour", "-3.5"
    number   := digits ["." digits] [("e"|"E") ["+"|"-"] digits]   (also "1,000,000", ".5")
    unit     := factor (("*" | "/") factor)*       "USD/chip/hour", "kg*m/s**2", "1/s"
    factor   := (name | "1" | "(" unit ")") [("**" | "^") power]
    name     := a letter or "_" then letters, digits or "_" (not starting with "_")
    power    := an integer from -MAX_POWER to MAX_POWER

A unit's names are looked up one by one in the registry; the parts are combined by the
caller. Texts are bounded in length and parentheses in depth.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flopcast.errors import UnitError

#: Longest number or unit text read [characters].
MAX_TEXT_LENGTH = 200

#: Largest power a unit may be raised to (and smallest negative one).
MAX_POWER = 6

#: Deepest nesting of parentheses in a unit.
MAX_DEPTH = 4

_NUMBER = re.compile(
    r"[+-]?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)?(?:\.\d+|(?<=\d)\.)?(?:[eE][+-]?\d{1,4})?"
)
_NAME = re.compile(r"[^\W\d_]\w*")
_TOKEN = re.compile(r"\s*(\*\*|\^|\*|/|\(|\)|\d+|[+-]?\d+|[^\W\d]\w*|%|\S)")


@dataclass(frozen=True)
class UnitTerm:
    """One named unit raised to a power."""

    name: str
    power: int


@dataclass(frozen=True)
class ParsedQuantity:
    """A number and the unit terms after it (``%`` is a term named ``percent``)."""

    value: float
    terms: tuple[UnitTerm, ...]


def parse_number_text(text: str) -> tuple[float, str]:
    """The number at the start of ``text`` and the rest; a UnitError when there is none."""
    match = _NUMBER.match(text)
    digits = match.group() if match else ""
    if not re.match(r"[+-]?\.?\d", digits):  # a digit before any exponent
        raise UnitError(f"expected a number at the start of {_short(text)}")
    value = float(digits.replace(",", ""))
    if not math.isfinite(value):
        raise UnitError(f"number {digits!r} is out of range")
    return value, text[len(digits) :]


def parse_quantity_text(text: str) -> ParsedQuantity:
    """Read ``text`` by the module's grammar; a UnitError names what is wrong."""
    _check_length(text)
    rest = text.strip()
    dollars = rest.startswith("$")
    if dollars:
        rest = rest[1:].lstrip()
    value, rest = parse_number_text(rest)
    rest = rest.strip()
    if rest == "%" and not dollars:
        return ParsedQuantity(value, (UnitTerm("percent", 1),))
    if dollars:  # "$2" is 2 USD, "$2/hour" 2 USD/hour
        rest = "USD" + ("" if not rest or rest[0] in "*/" else "*") + rest
    elif rest.startswith("/"):  # "2/s"
        rest = "1" + rest
    terms = parse_unit_text(rest) if rest else ()
    return ParsedQuantity(value, terms)


def parse_unit_text(text: str) -> tuple[UnitTerm, ...]:
    """The terms of a unit expression (empty for ``""`` or ``"1"``)."""
    _check_length(text)
    cleaned = text.strip().replace("$", "USD")
    if cleaned in ("", "1"):
        return ()
    tokens = _tokens(cleaned)
    parser = _UnitParser(tokens, text)
    terms = parser.unit(1, 0)
    if parser.position != len(tokens):
        raise UnitError(f"unexpected {tokens[parser.position]!r} in unit {_short(text)}")
    merged: dict[str, int] = {}
    for term in terms:
        merged[term.name] = merged.get(term.name, 0) + term.power
    return tuple(UnitTerm(name, power) for name, power in merged.items() if power)


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or not match.group(1):
            break
        tokens.append(match.group(1))
        position = match.end()
    if text[position:].strip():
        raise UnitError(f"cannot read {_short(text)} as a unit")
    return tokens


class _UnitParser:
    """Recursive descent over unit tokens, depth-limited."""

    def __init__(self, tokens: list[str], text: str):
        self.tokens, self.text, self.position = tokens, text, 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise UnitError(f"unit {_short(self.text)} ends too early")
        self.position += 1
        return token

    def unit(self, sign: int, depth: int) -> list[UnitTerm]:
        terms = self.factor(sign, depth)
        while self.peek() in ("*", "/"):
            operator = self.take()
            terms += self.factor(sign if operator == "*" else -sign, depth)
        return terms

    def factor(self, sign: int, depth: int) -> list[UnitTerm]:
        token = self.take()
        if token == "(":
            if depth >= MAX_DEPTH:
                raise UnitError(f"unit {_short(self.text)} nests parentheses too deeply")
            inner = self.unit(1, depth + 1)
            if self.take() != ")":
                raise UnitError(f"unbalanced parentheses in unit {_short(self.text)}")
            terms = inner
        elif token == "1":
            terms = []
        elif token == "%":
            terms = [UnitTerm("percent", 1)]
        elif _NAME.fullmatch(token):
            terms = [UnitTerm(token, 1)]
        else:
            raise UnitError(f"unexpected {token!r} in unit {_short(self.text)}")
        power = 1
        if self.peek() in ("**", "^"):
            self.take()
            power = self._power()
        return [UnitTerm(t.name, t.power * power * sign) for t in terms]

    def _power(self) -> int:
        token = self.take()
        if token in ("+", "-"):
            token += self.take()
        if not re.fullmatch(r"[+-]?\d+", token) or abs(int(token)) > MAX_POWER:
            raise UnitError(
                f"unit powers are integers from -{MAX_POWER} to {MAX_POWER}, got {token!r} in "
                f"{_short(self.text)}"
            )
        return int(token)


def _check_length(text: str) -> None:
    if len(text) > MAX_TEXT_LENGTH:
        raise UnitError(f"number or unit text is longer than {MAX_TEXT_LENGTH} characters")


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
