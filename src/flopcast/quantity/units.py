"""The one pint unit registry of flopcast, and parsing of unit and quantity strings.

pint supplies SI and binary prefixes, time, power, energy and data units. flopcast adds the
units its domain counts in:

======================  ====================================================================
unit                    meaning
======================  ====================================================================
``flop`` (``FLOP``)     one floating-point operation; ``FLOP/s`` is a rate, ``PFLOP/s`` works
``token``               one token of text
``parameter``           one model parameter (weight)
``sequence``            one training sequence (a row of a minibatch)
``chip``                one accelerator (aliases ``device``, ``gpu``, ``accelerator``), so
                        that "kW per chip" times chips is kW
``USD``                 US dollars; ``$2`` in a value string is read as ``2 USD``
``CNY``, ``EUR``, ``GBP``  other currencies, each its own dimension: a conversion multiplies by
                        a dated exchange rate from the catalog (``fx-cny-2024-10.rate``)
``bit``, ``byte``        information as its own dimension (pint's are dimensionless); ``B``
``bps``                 bit per second (``Tbps`` = 1e12 bit/s)
``month``               30.44 days (a mean Gregorian month, 365.25 / 12 rounded as stated
                        in the project's conventions)
``year``                365.25 days (pint's Julian year)
``%``                   0.01, converted to a plain number when a value is read
======================  ====================================================================

The registry caches pint's parsed default definitions on disk (``cache_folder=":auto:"``)
because building it from text takes ~0.4 s, a third of a short run's start-up. Without a
usable cache (a read-only home, a stale or corrupt cache file) it parses them afresh, and
the result is the same either way (a test runs the seed claims under each).
"""

from __future__ import annotations

import functools
import math

import pint

from flopcast.errors import UnitError
from flopcast.quantity.grammar import UnitTerm, parse_quantity_text, parse_unit_text

#: Definitions added to pint's defaults, in pint's definition syntax
#: (``name = value = symbol = aliases``; ``_`` means "no symbol").
DOMAIN_DEFINITIONS = (
    "flop = [flop] = FLOP = flops = FLOPs",
    "token = [token] = _ = tokens = tok",
    "parameter = [parameter] = _ = parameters = param = params",
    "sequence = [sequence] = _ = sequences = seq",
    "chip = [chip] = _ = chips = device = devices = gpu = gpus = GPU = GPUs = accelerator",
    "USD = [currency] = _ = usd = dollar = dollars",
    # Other currencies are dimensions of their own: rates change, so a conversion multiplies by
    # a dated rate from the catalog (currencies.yaml) instead of a constant built in here.
    "CNY = [currency_cny] = _ = yuan = RMB = renminbi",
    "EUR = [currency_eur] = _ = euro = euros",
    "GBP = [currency_gbp] = _ = pound_sterling",
    # pint makes bits dimensionless; here information is a dimension, so a byte count is
    # never silently taken for a plain number (or "MW + B" accepted).
    "bit = [information]",
    "byte = 8 * bit = B = octet",
    "bps = bit / second",
    "month = 30.44 * day = _ = months",
)


def _make_registry() -> pint.UnitRegistry:
    """Build the registry, from pint's on-disk cache when the cache folder is writable."""
    try:
        registry = pint.UnitRegistry(cache_folder=":auto:", on_redefinition="ignore")
    except Exception:  # a read-only home, or a stale or corrupt cache file
        # (left by a deleted environment): parse the definitions afresh, same result.
        registry = pint.UnitRegistry(on_redefinition="ignore")
    for definition in DOMAIN_DEFINITIONS:
        registry.define(definition)
    # Without a usable disk cache pint computes every unit's dimensionality before our
    # definitions arrive and keeps the stale entries (bit and byte stay dimensionless); with
    # one it fills that cache lazily. Starting from an empty cache makes both paths equal.
    registry._cache = type(registry._cache)()
    registry.formatter.default_format = "~C"
    return registry


ureg = _make_registry()
Quantity = ureg.Quantity
Unit = ureg.Unit
DIMENSIONLESS = ureg.dimensionless


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string such as ``"FLOP/s"``, ``"MW"`` or ``"USD/chip/hour"``.

    Read by :mod:`flopcast.quantity.grammar` (names, ``*``, ``/``, small integer powers,
    parentheses), never by pint's expression parser. An empty string is dimensionless.
    Raises :class:`UnitError` naming the text. Results are cached: catalogs repeat a few
    dozen unit strings hundreds of times.
    """
    if not isinstance(text, str):
        raise UnitError(f"expected a unit as text, got {type(text).__name__}")
    return _parse_unit_cached(text)


@functools.lru_cache(maxsize=1024)
def _parse_unit_cached(text: str) -> pint.Unit:
    return _combine(parse_unit_text(text), text)


def _combine(terms: tuple[UnitTerm, ...], text: str) -> pint.Unit:
    unit = DIMENSIONLESS
    for term in terms:
        unit = unit * _named_unit(term.name, text) ** term.power
    return unit


@functools.lru_cache(maxsize=1024)
def _named_unit(name: str, text: str) -> pint.Unit:
    """One unit name from the registry (a single identifier: nothing to evaluate)."""
    try:
        return ureg.Unit(name)
    except pint.UndefinedUnitError:
        raise UnitError(f"unknown unit {name!r} in {text!r}") from None
    except Exception as err:  # pint raises assorted errors on odd names
        raise UnitError(
            f"cannot read {name!r} in {text!r} as a unit ({type(err).__name__})"
        ) from None


def parse_quantity(text: str | float | int) -> pint.Quantity:
    """Parse ``"1e15 FLOP/s"``, ``"40%"``, ``"$2/hour"`` or a plain number into a Quantity.

    Read by :mod:`flopcast.quantity.grammar`: a number, then ``%`` or a unit; nothing is
    evaluated. Percentages become plain fractions (``"40%"`` is 0.4). Raises
    :class:`UnitError` when the text is not a finite number followed by a known unit.
    """
    if isinstance(text, bool):
        raise UnitError(f"expected a number with a unit, got the boolean {text}")
    if isinstance(text, int | float):
        value = float(text)
        if not math.isfinite(value):
            raise UnitError(f"expected a finite number, got {text}")
        return Quantity(value, DIMENSIONLESS)
    if not isinstance(text, str):
        raise UnitError(f"expected a number with a unit, got {type(text).__name__}")
    if not text.strip():
        raise UnitError("expected a number with a unit, got an empty string")
    parsed = parse_quantity_text(text)
    if parsed.terms == (UnitTerm("percent", 1),):
        return Quantity(parsed.value / 100, DIMENSIONLESS)
    return Quantity(parsed.value, _combine(parsed.terms, text))


def convert(value: pint.Quantity, unit: pint.Unit | str) -> pint.Quantity:
    """Convert ``value`` to ``unit``, raising :class:`UnitError` that names both sides."""
    target = parse_unit(unit) if isinstance(unit, str) else unit
    try:
        return value.to(target)
    except pint.DimensionalityError:
        raise UnitError(
            f"cannot convert {describe_unit(value.units)} to {describe_unit(target)}"
        ) from None


def describe_unit(unit: pint.Unit) -> str:
    """A unit with its dimensions, e.g. ``'MW' ([mass] * [length] ** 2 / [time] ** 3)``."""
    return f"'{format_unit(unit)}' ({unit.dimensionality})"


#: Symbols pint abbreviates past recognition, written out.
_READABLE_SYMBOLS = {"a": "year", "d": "day"}


@functools.cache
def format_unit(unit: pint.Unit) -> str:
    """Compact unit text for tables: ``FLOP/s``, ``MW``, ``USD/chip/h``, ``PFLOP/s*day``;
    '' if dimensionless. Symbols, except ``year`` and ``day`` (pint's ``a`` and ``d``); in
    the numerator other units come before times, in the denominator ``chip`` first."""
    if unit == DIMENSIONLESS:
        return ""

    def term(name: str, power: float) -> str:
        symbol = ureg.get_symbol(name)
        symbol = _READABLE_SYMBOLS.get(symbol, symbol)
        size = abs(power)
        return symbol if size == 1 else f"{symbol}**{size:g}"

    def is_time(name: str) -> bool:
        return bool(ureg.get_dimensionality(name) == {"[time]": 1})

    above = [(n, p) for n, p in unit._units.items() if p > 0]
    times = [(n, p) for n, p in above if is_time(n)]
    rates = [(n, p) for n, p in above if not is_time(n)]
    below = [(n, p) for n, p in unit._units.items() if p < 0]
    below.sort(key=lambda item: (item[0] != "chip", is_time(item[0])))
    per_time = any(is_time(n) for n, _ in below)
    numerator = rates if per_time else rates + times
    text = "*".join(term(n, p) for n, p in numerator) or "1"
    text += "".join(f"/{term(n, p)}" for n, p in below)
    if per_time and times:
        # A rate times a time reads as the rate first: PFLOP/s*day.
        text = ("" if text == "1" else text + "*") + "*".join(term(n, p) for n, p in times)
    return text
