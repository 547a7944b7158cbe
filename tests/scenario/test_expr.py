import numpy as np
import pytest

from flopcast.errors import ExpressionError, UnitError, UnknownNameError
from flopcast.quantity.units import Quantity, convert, parse_quantity
from flopcast.scenario.expr import Value, parse_expression
from flopcast.scenario.functions import function_table

FUNCTIONS = function_table()

NAMES = {
    "power": Value(parse_quantity("2 MW"), {"power": 1.0}),
    "chips": Value(parse_quantity("1000 chip"), {"chips": 1.0}),
    "flops": Value(parse_quantity("1e15 FLOP/s/chip"), {"flops": 1.0}),
    "share": Value(Quantity(np.array([0.2, 0.5, 0.8]), ""), {"share": 1.0}),
}


def evaluate(text):
    return parse_expression(text, FUNCTIONS).evaluate(NAMES.__getitem__, FUNCTIONS)


def test_arithmetic_with_units():
    value = evaluate("chips * flops * share * qty('1 day')")
    assert convert(value.quantity, "FLOP").magnitude == pytest.approx(
        1000 * 1e15 * np.array([0.2, 0.5, 0.8]) * 86400
    )
    assert value.monomial == {"chips": 1.0, "flops": 1.0, "share": 1.0}


def test_monomial_tracks_powers_and_division():
    value = evaluate("sqrt(power / chips) ** 2 * power")
    assert value.monomial == pytest.approx({"power": 2.0, "chips": -1.0})
    assert evaluate("power + power").monomial is None
    assert evaluate("to(power, 'kW') * 3").monomial == {"power": 1.0}


def test_functions():
    assert evaluate("to(power, 'kW')").quantity.magnitude == pytest.approx(2000)
    assert evaluate("max(power, qty('3000 kW'))").quantity.to("MW").magnitude == pytest.approx(3)
    assert evaluate("min(share, 0.5)").quantity.magnitude.tolist() == [0.2, 0.5, 0.5]
    assert evaluate("ceil(share * 10)").quantity.magnitude.tolist() == [2, 5, 8]
    assert evaluate("floor(share * 10)").quantity.magnitude.tolist() == [2, 5, 8]
    assert evaluate("exp(log(share))").quantity.magnitude == pytest.approx([0.2, 0.5, 0.8])


def test_conditionals_and_comparisons():
    value = evaluate("share * 2 if share > 0.4 else share")
    assert value.quantity.magnitude.tolist() == pytest.approx([0.2, 1.0, 1.6])
    assert evaluate("power > qty('1500 kW')").quantity.magnitude.all()
    both = evaluate("share > 0.3 and share < 0.7").quantity.magnitude
    assert both.tolist() == [False, True, False]
    assert evaluate("not (share > 0.3)").quantity.magnitude.tolist() == [True, False, False]


def test_dimension_error_names_both_sides():
    with pytest.raises(UnitError) as err:
        evaluate("power + flops")
    assert "MW" in str(err.value) and "FLOP" in str(err.value)


def test_log_of_dimensioned_value_is_an_error():
    with pytest.raises(UnitError, match="dimensionless"):
        evaluate("log(power)")


def test_division_by_zero_is_reported():
    with pytest.raises(ExpressionError, match="division by zero"):
        evaluate("power / 0")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os').system('echo hi')", "named functions"),
        ("__import__('os')", "__import__"),
        ("power.__class__", "attribute access"),
        ("(lambda: 1)()", "named functions"),
        ("lambda: 1", "lambda"),
        ("[x for x in (1, 2)]", "comprehensions"),
        ("power[0]", "indexing"),
        ("open('/etc/passwd')", "unknown function"),
        ("eval('1')", "unknown function"),
        ("f'{power}'", "f-strings"),
        ("(x := 3)", "assignment"),
        ("power ^ 2", "use ** for powers"),
        ("power // 2", "not allowed"),
        ("'text'", "only numbers"),
        ("max(power, key=1)", "no parameter 'key'"),
        ("to(power, unit='MW', unit='kW')", "given twice"),
        ("to(power)", "missing 'unit'"),
        ("sqrt('4')", "not the text '4'"),
        ("to(power, power)", "must be quoted text"),
        ("sqrt(power, power)", "at most 1"),
        ("1 +", "invalid syntax"),
        ("", "non-empty"),
        ("1e999", "out of range"),
        ("power" + " + power" * 3000, "longer than"),
    ],
)
def test_forbidden_and_malformed_expressions(text, fragment):
    with pytest.raises((ExpressionError, UnknownNameError)) as err:
        parse_expression(text, FUNCTIONS)
    assert fragment in str(err.value)


def test_deep_nesting_is_rejected_not_crashing():
    with pytest.raises(ExpressionError):
        parse_expression("(" * 1000 + "1" + ")" * 1000, FUNCTIONS)


def test_names_are_collected():
    assert parse_expression("a * b + max(c, 1)", FUNCTIONS).names == {"a", "b", "c"}


def test_keyword_arguments_and_names_that_are_also_functions():
    assert evaluate("to(unit='kW', value=power)").quantity.magnitude == pytest.approx(2000)
    names = {**NAMES, "max": Value(parse_quantity("3 MW"), {"max": 1.0})}
    value = parse_expression("max(max, power)", FUNCTIONS).evaluate(names.__getitem__, FUNCTIONS)
    assert value.quantity.to("MW").magnitude == pytest.approx(3)


def test_long_chains_do_not_recurse_and_deep_nesting_is_refused():
    chain = " + ".join(["power"] * 490)  # under the length limit, deeper than the stack
    assert evaluate(chain).quantity.to("MW").magnitude == pytest.approx(980)
    with pytest.raises(ExpressionError, match="nests"):
        parse_expression("-" * 300 + "power", FUNCTIONS)


def test_comparisons_are_numbers_and_complex_results_are_errors():
    assert evaluate("(share > 0.3) - (share > 0.6)").quantity.magnitude.tolist() == [0, 1, 0]
    with pytest.raises(ExpressionError, match="no real value"):
        evaluate("(0 - 8) ** 0.5")
    with pytest.raises(ExpressionError, match="not finite"):
        evaluate("log(share - share)")
