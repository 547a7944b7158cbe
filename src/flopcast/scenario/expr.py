"""A safe evaluator for scenario expressions such as ``chips * peak * utilization * duration``.

User text is parsed with :func:`ast.parse` (which only builds a syntax tree; it runs nothing)
and then walked by this module, which accepts a small whitelist of node types and rejects
everything else with a message that names the construct. Nothing is ever passed to ``eval``
or ``exec``. Accepted:

* numbers; strings only as function arguments (``to(x, "MW")``, ``qty("3 TB/s")``);
* names of inputs and outputs;
* ``+ - * / **``, unary ``-``/``+``, comparisons, ``and``/``or``/``not``,
  ``a if condition else b`` (elementwise over samples);
* calls of registered functions by plain name (see :mod:`flopcast.scenario.functions`).

Values are :class:`Value`: a pint Quantity (its magnitude a float or a NumPy sample array)
plus, when the expression is a product of powers of inputs, its exponents. Those exponents
let the sensitivity step give exact log-variance shares.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pint

from flopcast.errors import ExpressionError, UnitError, UnknownNameError
from flopcast.quantity.units import DIMENSIONLESS, Quantity, describe_unit

#: Longest expression accepted, in characters: far beyond any real formula, and it keeps
#: the parser's memory and recursion bounded on hostile input.
MAX_EXPRESSION_LENGTH = 4000

#: Exponents of inputs in a product of powers; ``{}`` is a constant; None is "not a product".
Monomial = dict[str, float] | None

_FORBIDDEN = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[b])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "f-strings",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Starred: "star arguments",
    ast.Await: "await",
    ast.Yield: "yield",
}

_ARITHMETIC = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}

_COMPARISONS: dict[type, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


@dataclass(frozen=True, slots=True)
class Value:
    """An intermediate result: a quantity and, where known, its exponents in the inputs."""

    quantity: pint.Quantity
    monomial: Monomial


@dataclass(frozen=True, kw_only=True)
class Function:
    """A function callable from expressions."""

    name: str
    """Name used in expressions."""
    call: Callable[..., pint.Quantity]
    """Implementation: takes pint Quantities (and strings where documented)."""
    doc: str
    """One line for the function list in the README and error messages."""
    min_args: int
    """Fewest positional arguments."""
    max_args: int | None
    """Most positional arguments (None: any number)."""
    exponents: tuple[float, ...] | None = None
    """When the result is a constant times a product of powers of the (non-text)
    arguments, those powers (``sqrt``: (0.5,); ``a * b / c``-like estimators: (1, 1, -1)).
    They let sensitivity stay exact through the call. None otherwise."""


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression, ready to evaluate many times."""

    text: str
    tree: ast.Expression
    names: frozenset[str]
    """Every input or output name the expression reads."""

    def evaluate(self, lookup: Callable[[str], Value], functions: Mapping[str, Function]) -> Value:
        """Evaluate over samples; ``lookup`` gives the value of a name."""
        return _Evaluator(lookup, functions).visit(self.tree.body)


def parse_expression(text: str, functions: Mapping[str, Function]) -> Expression:
    """Parse and check ``text``; raises :class:`ExpressionError` on forbidden syntax."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("expected a non-empty expression")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ExpressionError(f"invalid syntax in {text!r}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"expression {text[:40]!r}... is nested too deeply") from None
    names: set[str] = set()
    _check(tree.body, functions, names, text)
    return Expression(text=text, tree=tree, names=frozenset(names))


def _check(node: ast.AST, functions: Mapping[str, Function], names: set[str], text: str) -> None:
    """Walk the tree, rejecting every construct outside the whitelist."""
    for kind, label in _FORBIDDEN.items():
        if isinstance(node, kind):
            raise ExpressionError(f"{label} is not allowed in expressions: {text!r}")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(
                f"only numbers are allowed as constants outside function arguments: {text!r}"
            )
        if not abs(node.value) <= sys.float_info.max:
            raise ExpressionError(f"number {node.value!r} is out of range: {text!r}")
    elif isinstance(node, ast.Name):
        if node.id.startswith("__"):
            raise ExpressionError(f"names starting with '__' are not allowed: {text!r}")
        names.add(node.id)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _ARITHMETIC:
            hint = " (use ** for powers)" if isinstance(node.op, ast.BitXor) else ""
            raise ExpressionError(
                f"operator {type(node.op).__name__} is not allowed{hint}; "
                f"expected one of + - * / **: {text!r}"
            )
        _check(node.left, functions, names, text)
        _check(node.right, functions, names, text)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
            raise ExpressionError(f"unary operator {type(node.op).__name__} is not allowed")
        _check(node.operand, functions, names, text)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARISONS:
                raise ExpressionError(f"comparison {type(op).__name__} is not allowed: {text!r}")
        for child in (node.left, *node.comparators):
            _check(child, functions, names, text)
    elif isinstance(node, ast.BoolOp | ast.IfExp):
        for part in ast.iter_child_nodes(node):
            if not isinstance(part, ast.boolop):
                _check(part, functions, names, text)
    elif isinstance(node, ast.Call):
        _check_call(node, functions, names, text)
    else:
        raise ExpressionError(f"{type(node).__name__} is not allowed in expressions: {text!r}")


def _check_call(
    node: ast.Call, functions: Mapping[str, Function], names: set[str], text: str
) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(f"only named functions can be called: {text!r}")
    function = functions.get(node.func.id)
    if function is None:
        valid = ", ".join(sorted(functions))
        raise UnknownNameError(f"unknown function {node.func.id!r}; expected one of: {valid}")
    if node.keywords:
        raise ExpressionError(f"keyword arguments are not allowed: {text!r}")
    count = len(node.args)
    if count < function.min_args or (function.max_args is not None and count > function.max_args):
        most = "any number of" if function.max_args is None else f"at most {function.max_args}"
        raise ExpressionError(
            f"{function.name}() takes at least {function.min_args} and {most} arguments, "
            f"got {count}: {text!r}"
        )
    for argument in node.args:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            continue
        _check(argument, functions, names, text)


class _Evaluator:
    """Evaluates a checked tree; every node type here was whitelisted by :func:`_check`."""

    def __init__(self, lookup: Callable[[str], Value], functions: Mapping[str, Function]):
        self.lookup = lookup
        self.functions = functions

    def visit(self, node: ast.AST) -> Value:
        method = getattr(self, f"visit_{type(node).__name__}")
        result: Value = method(node)
        return result

    def visit_Constant(self, node: ast.Constant) -> Value:
        assert isinstance(node.value, int | float)  # strings are consumed by visit_Call
        return Value(Quantity(float(node.value), DIMENSIONLESS), {})

    def visit_Name(self, node: ast.Name) -> Value:
        return self.lookup(node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Value:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return Value(Quantity(np.logical_not(_truth(operand)), DIMENSIONLESS), None)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return Value(operand.quantity * sign, operand.monomial)

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        left, right = self.visit(node.left), self.visit(node.right)
        symbol = _ARITHMETIC[type(node.op)]
        try:
            return _arithmetic(symbol, left, right)
        except ZeroDivisionError:
            raise ExpressionError(f"division by zero in {ast.unparse(node)!r}") from None
        except OverflowError:
            raise ExpressionError(f"result overflows in {ast.unparse(node)!r}") from None
        except pint.DimensionalityError:
            raise UnitError(
                f"cannot combine {describe_unit(left.quantity.units)} {symbol} "
                f"{describe_unit(right.quantity.units)} in {ast.unparse(node)!r}"
            ) from None

    def visit_Compare(self, node: ast.Compare) -> Value:
        result: np.ndarray | bool = True
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            lhs, rhs = _same_unit(left, right, ast.unparse(node))
            result = np.logical_and(result, _COMPARISONS[type(op)](lhs, rhs))
            left = right
        return Value(Quantity(result, DIMENSIONLESS), None)

    def visit_BoolOp(self, node: ast.BoolOp) -> Value:
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        truths = [_truth(self.visit(value)) for value in node.values]
        result = truths[0]
        for truth in truths[1:]:
            result = combine(result, truth)
        return Value(Quantity(result, DIMENSIONLESS), None)

    def visit_IfExp(self, node: ast.IfExp) -> Value:
        condition = _truth(self.visit(node.test))
        when_true, when_false = self.visit(node.body), self.visit(node.orelse)
        true_magnitude, false_magnitude = _same_unit(when_true, when_false, ast.unparse(node))
        chosen = np.where(condition, true_magnitude, false_magnitude)
        return Value(Quantity(chosen, when_true.quantity.units), None)

    def visit_Call(self, node: ast.Call) -> Value:
        assert isinstance(node.func, ast.Name)
        function = self.functions[node.func.id]
        arguments: list[object] = []
        monomials: list[Monomial] = []
        for argument in node.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                arguments.append(argument.value)
                continue
            value = self.visit(argument)
            arguments.append(value.quantity)
            monomials.append(value.monomial)
        try:
            result = function.call(*arguments)
        except pint.DimensionalityError as err:
            raise UnitError(f"{function.name}(): {err}") from None
        return Value(result, _call_monomial(function, monomials))


def _arithmetic(symbol: str, left: Value, right: Value) -> Value:
    a, b = left.quantity, right.quantity
    if symbol == "+":
        return Value(a + b, {} if left.monomial == {} == right.monomial else None)
    if symbol == "-":
        return Value(a - b, {} if left.monomial == {} == right.monomial else None)
    if symbol == "*":
        return Value(a * b, _combine(left.monomial, right.monomial, 1.0))
    if symbol == "/":
        return Value(a / b, _combine(left.monomial, right.monomial, -1.0))
    return _power(left, right)


def _power(base: Value, exponent: Value) -> Value:
    """``base ** exponent``; a dimensioned base needs a constant, dimensionless exponent."""
    if not exponent.quantity.dimensionless:
        raise UnitError(
            f"an exponent must be dimensionless, got {describe_unit(exponent.quantity.units)}"
        )
    power = np.asarray(exponent.quantity.to(DIMENSIONLESS).magnitude)
    if power.ndim == 0:
        scalar = float(power)
        monomial = (
            None if base.monomial is None else {k: v * scalar for k, v in base.monomial.items()}
        )
        return Value(base.quantity**scalar, monomial)
    if not base.quantity.dimensionless:
        raise UnitError("an uncertain exponent needs a dimensionless base")
    magnitude = np.power(base.quantity.to(DIMENSIONLESS).magnitude, power)
    return Value(Quantity(magnitude, DIMENSIONLESS), None)


def _combine(left: Monomial, right: Monomial, sign: float) -> Monomial:
    if left is None or right is None:
        return None
    merged = dict(left)
    for name, exponent in right.items():
        merged[name] = merged.get(name, 0.0) + sign * exponent
    return {name: exponent for name, exponent in merged.items() if exponent != 0}


def _call_monomial(function: Function, monomials: list[Monomial]) -> Monomial:
    if all(monomial == {} for monomial in monomials):
        return {}
    exponents = function.exponents
    if exponents is None or len(exponents) != len(monomials):
        return None
    result: Monomial = {}
    for monomial, power in zip(monomials, exponents, strict=True):
        if monomial is None:
            return None
        result = _combine(result, {name: e * power for name, e in monomial.items()}, 1.0)
    return result


def _truth(value: Value) -> np.ndarray:
    if not value.quantity.dimensionless:
        raise UnitError(
            f"a condition must be dimensionless, got {describe_unit(value.quantity.units)}"
        )
    return np.asarray(value.quantity.to(DIMENSIONLESS).magnitude, dtype=bool)


def _same_unit(left: Value, right: Value, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Both magnitudes in the left side's unit, or a UnitError naming both sides."""
    try:
        converted = right.quantity.to(left.quantity.units)
    except pint.DimensionalityError:
        raise UnitError(
            f"cannot compare {describe_unit(left.quantity.units)} with "
            f"{describe_unit(right.quantity.units)} in {where!r}"
        ) from None
    return np.asarray(left.quantity.magnitude), np.asarray(converted.magnitude)
