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
``bit``, ``byte``        information as its own dimension (pint's are dimensionless); ``B``
``bps``                 bit per second (``Tbps`` = 1e12 bit/s)
``month``               30.44 days (a mean Gregorian month, 365.25 / 12 rounded as stated
                        in the project's conventions)
``year``                365.25 days (pint's Julian year)
``%``                   0.01, converted to a plain number when a value is read
======================  ====================================================================

The registry caches pint's parsed default definitions on disk (``cache_folder=":auto:"``)
because building it from text takes ~0.4 s, a third of a short run's start-up.
"""

from __future__ import annotations

import functools
import re

import pint

from flopcast.errors import UnitError

#: Definitions added to pint's defaults, in pint's definition syntax
#: (``name = value = symbol = aliases``; ``_`` means "no symbol").
DOMAIN_DEFINITIONS = (
    "flop = [flop] = FLOP = flops = FLOPs",
    "token = [token] = _ = tokens = tok",
    "parameter = [parameter] = _ = parameters = param = params",
    "sequence = [sequence] = _ = sequences = seq",
    "chip = [chip] = _ = chips = device = devices = gpu = gpus = GPU = GPUs = accelerator",
    "USD = [currency] = _ = usd = dollar = dollars",
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
    except OSError:  # read-only home: fall back to parsing the definitions each start
        registry = pint.UnitRegistry(on_redefinition="ignore")
    for definition in DOMAIN_DEFINITIONS:
        registry.define(definition)
    registry.formatter.default_format = "~C"
    return registry


ureg = _make_registry()
Quantity = ureg.Quantity
Unit = ureg.Unit
DIMENSIONLESS = ureg.dimensionless

_DOLLAR_NUMBER = re.compile(r"\$\s*([0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?)")


def _normalise(text: str) -> str:
    """Rewrite the spellings pint's tokenizer cannot read: ``$2`` and a bare ``$``."""
    text = _DOLLAR_NUMBER.sub(lambda m: f"{m.group(1).replace(',', '')} USD ", text)
    return text.replace("$", "USD").strip()


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string such as ``"FLOP/s"``, ``"MW"`` or ``"USD/chip/hour"``.

    An empty string is dimensionless. Raises :class:`UnitError` naming the text. Results
    are cached: catalogs repeat a few dozen unit strings hundreds of times.
    """
    return _parse_unit_cached(text)


@functools.lru_cache(maxsize=1024)
def _parse_unit_cached(text: str) -> pint.Unit:
    cleaned = _normalise(text)
    if cleaned in ("", "1"):
        return DIMENSIONLESS
    try:
        unit = ureg.parse_units(cleaned)
    except (pint.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError) as err:
        raise UnitError(f"unknown unit {text!r} ({err})") from None
    except Exception as err:  # pint raises assorted tokenizer errors on garbage
        raise UnitError(f"cannot read {text!r} as a unit ({type(err).__name__})") from None
    return unit


def parse_quantity(text: str | float | int) -> pint.Quantity:
    """Parse ``"1e15 FLOP/s"``, ``"40%"``, ``"$2/hour"`` or a plain number into a Quantity.

    Percentages become plain fractions (``"40%"`` is 0.4). Raises :class:`UnitError` when
    the text is not a number followed by a known unit.
    """
    if isinstance(text, bool):
        raise UnitError(f"expected a number with a unit, got the boolean {text}")
    if isinstance(text, int | float):
        return Quantity(float(text), DIMENSIONLESS)
    cleaned = _normalise(text)
    if not cleaned:
        raise UnitError("expected a number with a unit, got an empty string")
    try:
        value = ureg.parse_expression(cleaned)
    except pint.UndefinedUnitError as err:
        raise UnitError(f"unknown unit in {text!r} ({err})") from None
    except Exception as err:  # tokenizer and syntax errors from pint
        raise UnitError(f"cannot read {text!r} as a quantity ({type(err).__name__})") from None
    if not isinstance(value, pint.Quantity):  # a bare number
        value = Quantity(float(value), DIMENSIONLESS)
    if value.units == ureg.percent:
        value = value.to(DIMENSIONLESS)
    return Quantity(float(value.magnitude), value.units)


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


def format_unit(unit: pint.Unit) -> str:
    """Compact unit text for tables: ``FLOP/s``, ``MW``, ``USD/chip/h``; '' if dimensionless."""
    if unit == DIMENSIONLESS:
        return ""
    return f"{unit:~C}"
