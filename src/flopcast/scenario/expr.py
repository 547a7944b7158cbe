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
import difflib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from flopcast.errors import ExpressionError, UnitError, UnknownNameError
from flopcast.quantity.units import DIMENSIONLESS, Quantity, describe_unit
from flopcast.scenario.signature import Function

#: Longest expression accepted, in characters: far beyond any real formula, and it keeps
#: the parser's memory and recursion bounded on hostile input.
MAX_EXPRESSION_LENGTH = 4000

#: Largest power a quantity with a unit may be raised to (units such as m**1000 mean nothing
#: and make pint's unit arithmetic slow).
MAX_UNIT_POWER = 12

#: Deepest nesting accepted (parentheses, calls, conditionals; a chain ``a + b + ... + z``
#: is flat): keeps the checker's and evaluator's recursion far below Python's limit.
MAX_DEPTH = 100

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
    depth = _depth(tree.body)
    if depth > MAX_DEPTH:
        raise ExpressionError(f"expression nests {depth} levels deep; at most {MAX_DEPTH}")
    names: set[str] = set()
    _check(tree.body, functions, names, text)
    return Expression(text=text, tree=tree, names=frozenset(names))


def _depth(root: ast.AST) -> int:
    """Nesting depth, a left-deep chain of binary operators counting as one level; walked
    with an explicit stack (no recursion)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, ast.BinOp):
            while isinstance(node, ast.BinOp):
                stack.append((node.right, level + 1))
                node = node.left
            stack.append((node, level + 1))
        else:
            stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _short(text: str) -> str:
    """An expression for a message, cut to a readable length."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


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
        spine: ast.AST = node
        while isinstance(spine, ast.BinOp):
            if type(spine.op) not in _ARITHMETIC:
                hint = " (use ** for powers)" if isinstance(spine.op, ast.BitXor) else ""
                raise ExpressionError(
                    f"operator {type(spine.op).__name__} is not allowed{hint}; "
                    f"expected one of + - * / **: {_short(text)}"
                )
            _check(spine.right, functions, names, text)
            spine = spine.left
        _check(spine, functions, names, text)
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
        raise ExpressionError(f"only named functions can be called: {_short(text)}")
    function = functions.get(node.func.id)
    if function is None:
        close = difflib.get_close_matches(node.func.id, sorted(functions), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UnknownNameError(
            f"unknown function {node.func.id!r}{hint}; `flopcast functions` lists them"
        )
    keywords = [k.arg for k in node.keywords]
    if None in keywords:
        raise ExpressionError(f"star arguments are not allowed: {_short(text)}")
    order = function.bind(len(node.args), [str(k) for k in keywords])
    given = _arguments(node)
    for position, slot in enumerate(order):
        argument = given[slot]
        parameter = function.parameter(position)
        quoted = _quoted(argument)
        if parameter.text and quoted is None:
            raise ExpressionError(
                f"argument {parameter.name!r} of {function.signature} must be quoted text"
            )
        if not parameter.text and quoted is not None:
            raise ExpressionError(
                f"argument {parameter.name!r} of {function.signature} must be a number or a "
                f"name, not the text {quoted!r}"
            )
        if quoted is None:
            _check(argument, functions, names, text)


def _quoted(argument: ast.expr) -> str | None:
    """The text of a quoted argument, or None."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


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
            return Value(_flag(np.logical_not(_truth(operand))), None)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return Value(operand.quantity * sign, operand.monomial)

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        # A left-deep chain (a + b + ... + z) is evaluated left to right without recursion.
        steps: list[ast.BinOp] = []
        spine: ast.AST = node
        while isinstance(spine, ast.BinOp):
            steps.append(spine)
            spine = spine.left
        result = self.visit(spine)
        for step in reversed(steps):
            result = self._apply(step, result, self.visit(step.right))
        return result

    def _apply(self, node: ast.BinOp, left: Value, right: Value) -> Value:
        symbol = _ARITHMETIC[type(node.op)]
        try:
            result = _arithmetic(symbol, left, right)
        except ZeroDivisionError:
            raise ExpressionError(f"division by zero in {_source(node)}") from None
        except (OverflowError, FloatingPointError):
            raise ExpressionError(f"result overflows in {_source(node)}") from None
        except pint.DimensionalityError:
            raise UnitError(
                f"cannot combine {describe_unit(left.quantity.units)} {symbol} "
                f"{describe_unit(right.quantity.units)} in {_source(node)}"
            ) from None
        if np.iscomplexobj(result.quantity.magnitude):
            raise ExpressionError(
                f"{_source(node)} has no real value (a negative number to a fractional power)"
            )
        return result

    def visit_Compare(self, node: ast.Compare) -> Value:
        result: np.ndarray | bool = True
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            lhs, rhs = _same_unit(left, right, _source(node))
            result = np.logical_and(result, _COMPARISONS[type(op)](lhs, rhs))
            left = right
        return Value(_flag(result), None)

    def visit_BoolOp(self, node: ast.BoolOp) -> Value:
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        truths = [_truth(self.visit(value)) for value in node.values]
        result = truths[0]
        for truth in truths[1:]:
            result = combine(result, truth)
        return Value(_flag(result), None)

    def visit_IfExp(self, node: ast.IfExp) -> Value:
        condition = _truth(self.visit(node.test))
        when_true, when_false = self.visit(node.body), self.visit(node.orelse)
        true_magnitude, false_magnitude = _same_unit(when_true, when_false, _source(node))
        chosen = np.where(condition, true_magnitude, false_magnitude)
        return Value(Quantity(chosen, when_true.quantity.units), None)

    def visit_Call(self, node: ast.Call) -> Value:
        assert isinstance(node.func, ast.Name)
        function = self.functions[node.func.id]
        order = function.bind(len(node.args), [str(k.arg) for k in node.keywords])
        given = _arguments(node)
        arguments: list[object] = []
        monomials: list[Monomial] = []
        for slot in order:
            argument = given[slot]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                arguments.append(argument.value)
                continue
            value = self.visit(argument)
            arguments.append(value.quantity)
            monomials.append(value.monomial)
        result = _call(function, arguments)
        return Value(result, _call_monomial(function, monomials))


def _call(function: Function, arguments: list[object]) -> pint.Quantity:
    """``function`` on ``arguments``: arithmetic faults and non-real or non-finite results
    become errors naming the function."""
    try:
        with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
            result = function.call(*arguments)
    except pint.DimensionalityError as err:
        raise UnitError(f"{function.signature}: {err}") from None
    except (ZeroDivisionError, FloatingPointError) as err:
        raise ExpressionError(
            f"{function.signature}: the result is not finite ({err}: a division by zero, or an "
            "argument outside its domain such as the logarithm of 0?)"
        ) from None
    except OverflowError:
        raise ExpressionError(f"{function.signature}: the result overflows") from None
    if not isinstance(result, pint.Quantity):
        result = Quantity(result, DIMENSIONLESS)
    magnitude = result.magnitude
    if np.iscomplexobj(magnitude):
        raise ExpressionError(f"{function.signature} has no real value for these arguments")
    bad = np.size(magnitude) - np.count_nonzero(np.isfinite(magnitude))
    if bad:
        raise ExpressionError(f"{function.signature}: {bad} results are not finite")
    return result


def _arguments(node: ast.Call) -> dict[int | str, ast.expr]:
    """A call's arguments by position and keyword."""
    given: dict[int | str, ast.expr] = dict(enumerate(node.args))
    given.update({str(k.arg): k.value for k in node.keywords})
    return given


def _flag(truth: Any) -> pint.Quantity:
    """A condition's truth as 1.0 and 0.0, so that it can be added or multiplied."""
    return Quantity(np.asarray(truth, dtype=float), DIMENSIONLESS)


def _source(node: ast.AST) -> str:
    """A node's text for a message (cut short; a deep tree cannot be printed)."""
    try:
        return _short(ast.unparse(node))
    except RecursionError:
        return "the expression"


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
        if not base.quantity.dimensionless and abs(scalar) > MAX_UNIT_POWER:
            raise UnitError(
                f"a quantity with a unit can be raised to powers from -{MAX_UNIT_POWER} to "
                f"{MAX_UNIT_POWER}, got {scalar:g}"
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
    """A dimensionless value as truth (non-zero is true)."""
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
