import math

import pytest

from flopcast.errors import UnitError
from flopcast.quantity.units import convert, format_unit, parse_quantity, parse_unit, ureg


def test_domain_units_convert():
    assert parse_quantity("1 PFLOP/s").to("FLOP/s").magnitude == pytest.approx(1e15)
    assert parse_quantity("2 month").to("day").magnitude == pytest.approx(60.88)
    assert parse_quantity("1 year").to("day").magnitude == pytest.approx(365.25)
    assert parse_quantity("12 Tbps").to("TB/s").magnitude == pytest.approx(1.5)
    assert parse_quantity("1 GiB").to("byte").magnitude == 2**30
    assert parse_quantity("1 GB").to("byte").magnitude == 1e9


def test_counting_units_are_distinct_dimensions():
    for a, b in [("token", "parameter"), ("sequence", "token"), ("chip", "FLOP"), ("USD", "W")]:
        with pytest.raises(UnitError):
            convert(parse_quantity(f"1 {a}"), b)


def test_per_chip_quantities_cancel():
    total = parse_quantity("200000 chip") * parse_quantity("800 W/chip")
    assert convert(total, "MW").magnitude == pytest.approx(160)


def test_percent_reads_as_fraction():
    assert parse_quantity("40%").magnitude == pytest.approx(0.4)
    assert parse_quantity("40%").dimensionless


def test_dollars():
    price = parse_quantity("$2.50")
    assert price.magnitude == pytest.approx(2.5)
    assert format_unit(price.units) == "USD"
    hourly = parse_quantity("$2/hour") * parse_quantity("1 day")
    assert convert(hourly, "USD").magnitude == pytest.approx(48)


def test_dimension_error_names_both_sides():
    with pytest.raises(UnitError) as err:
        convert(parse_quantity("3 MW"), "FLOP")
    message = str(err.value)
    assert "MW" in message and "FLOP" in message and "[flop]" in message


@pytest.mark.parametrize("text", ["3 furlongz", "1 )(", "$$", "1 FLOP/", ""])
def test_bad_quantities_raise_unit_error(text):
    with pytest.raises(UnitError):
        parse_quantity(text)


def test_unknown_unit():
    with pytest.raises(UnitError, match="megaflurb"):
        parse_unit("megaflurb")


def test_one_registry():
    assert parse_quantity("1 FLOP")._REGISTRY is ureg
    assert math.isclose(parse_quantity("1e26 FLOP").magnitude, 1e26)
