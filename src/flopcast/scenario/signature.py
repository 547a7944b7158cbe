"""Functions callable from expressions: their parameters, and binding a call's arguments.

A :class:`Function` knows its parameters by name, which are quoted text (a unit, a catalog
ID, a fit's name) and which optional, so that a call can use keywords
(``ownership_cost(price=..., years=3, ...)``), and a wrong call is an error that names the
parameters. Parameters are read from the Python signature of the implementation (text when
annotated ``str`` or ``object``, optional when they have a default) unless given.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pint

from flopcast.errors import ExpressionError

#: Annotations that mark a text parameter (as written, since annotations are strings).
_TEXT_ANNOTATIONS = ("str", "object", "str | None")


@dataclass(frozen=True)
class Parameter:
    """One parameter of an expression function."""

    name: str
    text: bool = False
    """True when the argument is quoted text, not a number."""
    required: bool = True
    """False when the parameter has a default."""


@dataclass(frozen=True, kw_only=True)
class Function:
    """A function callable from expressions."""

    name: str
    """Name used in expressions."""
    call: Callable[..., pint.Quantity]
    """Implementation: takes pint Quantities (and strings for text parameters)."""
    doc: str
    """One line for ``flopcast functions``, the README and error messages."""
    params: tuple[Parameter, ...]
    """Parameters in order."""
    variadic: bool = False
    """True when any number of further arguments like the last parameter may follow."""
    exponents: tuple[float, ...] | None = None
    """When the result is a constant times a product of powers of the (non-text)
    arguments, those powers (``sqrt``: (0.5,); ``a * b / c``-like estimators: (1, 1, -1)).
    They let sensitivity stay exact through the call. None otherwise."""
    description: str = ""
    """The implementation's whole docstring (units and sources), for ``flopcast functions``."""

    @property
    def signature(self) -> str:
        """``name(a, b, [c])`` with optional parameters in brackets."""
        parts = [
            (f'"{p.name}"' if p.text else p.name) if p.required else f"[{p.name}]"
            for p in self.params
        ]
        if self.variadic:
            parts.append("...")
        return f"{self.name}({', '.join(parts)})"

    def bind(self, positional: int, keywords: Sequence[str]) -> list[int | str]:
        """For each parameter in order, the index of its positional argument or the keyword
        that gives it; an ExpressionError naming the parameters when the call is wrong."""
        count = len(self.params)
        if positional > count and not self.variadic:
            raise ExpressionError(
                f"{self.signature} takes at most {count} arguments, got {positional}"
            )
        names = [p.name for p in self.params]
        slots: list[int | str | None] = [i if i < positional else None for i in range(count)]
        slots += list(range(count, positional))
        for keyword in keywords:
            if keyword not in names:
                raise ExpressionError(
                    f"{self.signature} has no parameter {keyword!r}; its parameters are "
                    f"{', '.join(names) or 'none'}"
                )
            index = names.index(keyword)
            if slots[index] is not None:
                raise ExpressionError(f"{self.signature}: {keyword!r} is given twice")
            slots[index] = keyword
        missing = [p.name for p, slot in zip(self.params, slots, strict=False) if p.required
                   and slot is None]  # fmt: skip
        if missing:
            raise ExpressionError(
                f"{self.signature}: missing {', '.join(repr(m) for m in missing)}"
            )
        return [slot for slot in slots if slot is not None]

    def parameter(self, position: int) -> Parameter:
        """The parameter an argument in ``position`` of the bound order fills."""
        return self.params[min(position, len(self.params) - 1)]


def function(
    name: str,
    call: Callable[..., Any],
    *,
    doc: str | None = None,
    params: Sequence[Parameter] | None = None,
    variadic: bool = False,
    exponents: Sequence[float] | None = None,
) -> Function:
    """A :class:`Function`; parameters from ``call``'s signature unless ``params`` is given,
    the first docstring line as ``doc`` unless given."""
    found, found_variadic = _parameters(call) if params is None else (tuple(params), variadic)
    description = inspect.cleandoc(call.__doc__ or "") if call.__doc__ else ""
    return Function(
        name=name,
        call=call,
        doc=doc or _first_sentence(description) or name,
        params=found,
        variadic=found_variadic or variadic,
        exponents=None if exponents is None else tuple(float(e) for e in exponents),
        description=description,
    )


#: Words a period ends without ending the sentence ("Kaplan et al. 2020", "sec. 2").
_ABBREVIATIONS = {"al", "sec", "eq", "e.g", "i.e", "app", "fig", "vs", "no", "cf", "approx"}


def _first_sentence(description: str) -> str:
    """The docstring's first sentence, on one line (its first paragraph when that has no
    sentence end)."""
    paragraph = " ".join(description.split("\n\n")[0].split())
    for match in re.finditer(r"\.\s+(?=[A-Z(])", paragraph):
        before = paragraph[: match.start()].rsplit(" ", 1)[-1].lower()
        if before not in _ABBREVIATIONS:
            return paragraph[: match.start() + 1]
    return paragraph


def _parameters(call: Callable[..., Any]) -> tuple[tuple[Parameter, ...], bool]:
    params, variadic = [], False
    for parameter in inspect.signature(call).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            variadic = True
            params.append(Parameter(parameter.name))
            continue
        annotation = parameter.annotation
        text = isinstance(annotation, str) and annotation in _TEXT_ANNOTATIONS
        params.append(
            Parameter(
                parameter.name,
                text=text or annotation in (str, object),
                required=parameter.default is inspect.Parameter.empty,
            )
        )
    return tuple(params), variadic
