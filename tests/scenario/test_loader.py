"""Bad input: each case names the file and the field, as a FlopcastError."""

import pytest

from flopcast.errors import CycleError, FlopcastError, InputError, UnitError, UnknownNameError
from flopcast.quantity import distributions as d
from flopcast.scenario.loader import load_scenario

GOOD = """
title: t
inputs:
  a: {value: 2 to 4 month, source: s}
  b: {value: 3, unit: chip, source: s}
outputs:
  c: {expr: a * b, unit: chip*day}
"""


def test_good_file_loads(write):
    scenario = load_scenario(write(GOOD))
    assert isinstance(scenario.inputs["a"].distribution, d.LogNormal)
    assert str(scenario.inputs["a"].unit) == "month"
    assert scenario.order == ("c",)


@pytest.mark.parametrize(
    ("spec", "family"),
    [
        ("{value: 3, source: s}", d.Point),
        ("{value: 40%, source: s}", d.Point),
        ("{range: [1, 2], source: s}", d.LogNormal),
        ("{range: [-1, 2], source: s}", d.Normal),
        ("{dist: normal, mean: 1, sd: 0.1, source: s}", d.Normal),
        ("{dist: lognormal, median: 1, gsd: 2, source: s}", d.LogNormal),
        ("{dist: uniform, range: [1, 2], source: s}", d.Uniform),
        ("{dist: loguniform, range: [1, 100], source: s}", d.LogUniform),
        ("{dist: pert, range: [1, 5], mode: 2, source: s}", d.Beta),
        ("{dist: beta, alpha: 2, beta: 3, source: s}", d.Beta),
        (
            "{dist: mixture, source: s, weights: [1, 1],"
            " components: [{value: 1}, {range: [2, 3]}]}",
            d.Mixture,
        ),
    ],
)
def test_distribution_families(write, spec, family):
    text = f"title: t\ninputs:\n  x: {spec}\noutputs:\n  y: {{expr: x}}\n"
    assert isinstance(load_scenario(write(text)).inputs["x"].distribution, family)


def test_units_of_bounds_are_converted(write):
    text = GOOD.replace("2 to 4 month", "24 kW to 27000 W")
    text = text.replace("chip*day", "kW*chip")
    scenario = load_scenario(write(text))
    distribution = scenario.inputs["a"].distribution
    assert "[24, 27]" in distribution.describe()


def _error(write, text):
    path = write(text)
    with pytest.raises(FlopcastError) as err:
        load_scenario(path)
    assert err.value.file == str(path)
    assert str(path) in str(err.value)
    return err.value


@pytest.mark.parametrize(
    ("text", "kind", "field", "fragment"),
    [
        ("title: [unclosed", InputError, None, "invalid YAML at line 1"),
        ("- a\n- b\n", InputError, None, "expected a mapping"),
        ("", InputError, None, "empty file"),
        ("title: t\noutputs: {}\n", InputError, "outputs", "length >= 1"),
        (GOOD + "extra: 1\n", InputError, "extra", "unknown field"),
        (GOOD.replace("source: s}", "}", 1), InputError, "inputs.a.source", "needs a source"),
        (GOOD.replace("month", "fortnightz"), UnitError, "inputs.a.value.high", "fortnightz"),
        (GOOD.replace("2 to 4", "4 to 2"), InputError, "inputs.a", "above"),
        (GOOD.replace("chip*day", "MW"), None, None, None),  # dimension checked at run time
        (GOOD.replace("a * b", "a * bb"), UnknownNameError, "outputs.c.expr", "did you mean b"),
        (GOOD.replace("a * b", "a.b"), Exception, "outputs.c.expr", "attribute access"),
        (
            GOOD.replace("a * b", "__import__('os')"),
            UnknownNameError,
            "outputs.c.expr",
            "unknown function",
        ),
        (
            GOOD + "  d: {expr: e}\n  e: {expr: d * 2}\n",
            CycleError,
            "outputs.d.expr",
            "d -> e -> d",
        ),
        (GOOD.replace("  b:", "  '1b':"), InputError, "inputs.1b", "expected a name"),
        (
            GOOD.replace("unit: chip*day}", "unit: chip*day, expect: {quote: q}}"),
            InputError,
            "outputs.c.expect",
            "exactly one of",
        ),
        (
            GOOD.replace("unit: chip*day}", "unit: chip*day, expect: {quote: q, value: 3 MW}}"),
            UnitError,
            "outputs.c.expect.value",
            "does not fit",
        ),
        (
            GOOD.replace("{value: 3, unit: chip", "{dist: pert, range: [1, 3], unit: chip"),
            InputError,
            "inputs.b.mode",
            "needs mode",
        ),
    ],
)
def test_bad_input(write, text, kind, field, fragment):
    if kind is None:
        load_scenario(write(text))
        return
    error = _error(write, text)
    assert isinstance(error, kind)
    assert error.field == field
    assert fragment in str(error)


def test_random_bytes(write):
    error = _error(write, bytes(range(256)) * 4)
    assert "UTF-8" in str(error) or "NUL" in str(error)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(InputError, match="directory"):
        load_scenario(tmp_path)


def test_python_tags_in_yaml_are_refused(write):
    error = _error(write, "title: !!python/object/apply:os.system ['echo hi']\n")
    assert "invalid YAML" in str(error)
