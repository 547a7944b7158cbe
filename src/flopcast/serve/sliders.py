"""Sliders for a scenario's inputs, and the edits they make to its YAML text.

The playground keeps the scenario's YAML as the one source of truth: moving a slider rewrites
the number it stands for *in the text*, at the position PyYAML's composer reports for that
scalar, so comments, order and quoting elsewhere are kept and what is saved is what was seen.

Every point input (``value: 40%``, ``value: 50000``) gets one slider; every range end
(``range: [1, 2]``, ``value: "2 to 4 month"``) one slider each; a catalog point value
(``catalog: h100-sxm.dense_bf16``) one slider which, once moved, replaces the catalog
reference by ``value`` and a ``source`` saying where the number came from. Other forms (a
normal's mean and sd, a lognormal, values by year, growth) are edited in the text.

A slider spans a tenth to ten times its value on a log scale (a percentage: 0% to at least
100%, linearly), fixed when the slider is made, so that dragging does not move its ends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import yaml

from flopcast.errors import FlopcastError
from flopcast.quantity.grammar import parse_number_text
from flopcast.quantity.units import format_unit
from flopcast.scenario.model import Scenario

#: How many times smaller and larger than its value a log-scale slider reaches.
LOG_SPAN = 10.0

#: Significant digits of a number a slider writes.
DIGITS = 4

#: Magnitudes written as plain decimals rather than with an exponent.
PLAIN_LOW, PLAIN_HIGH = 1e-3, 1e7

#: The separator of an interval written as one string (``"2 to 4 month"``).
TO = " to "

#: The ``source`` written when a slider replaces a catalog value.
CATALOG_SOURCE = "catalog {ref}, set in flopcast serve"


@dataclass(frozen=True)
class Slider:
    """One number of the scenario's text that a slider moves."""

    id: str
    """``NAME`` for a point, ``NAME.low`` / ``NAME.high`` for a range end."""
    input: str
    """The input it belongs to."""
    number: float
    """Its value now, in the unit written (``40`` for ``40%``)."""
    unit: str
    """The unit written after the number ('' when the input's ``unit`` field gives it)."""
    low: float
    """The slider's left end."""
    high: float
    """The slider's right end."""
    log: bool
    """Whether the slider moves on a log scale."""

    def as_dict(self) -> dict[str, Any]:
        """The slider for the page's script."""
        return {"id": self.id, "input": self.input, "number": self.number, "unit": self.unit,
                "low": self.low, "high": self.high, "log": self.log}  # fmt: skip


@dataclass(frozen=True)
class _Place:
    """Where a slider's number lies in the text, and how to write a new one there."""

    slider: Slider
    start: int
    end: int
    pieces: tuple[str, ...]
    """The span's new text in pieces: literal text, and each slider's id as ``{id}``."""
    quote: str
    """The scalar's quoting style: ``'``, ``"`` or '' (plain)."""
    old: dict[str, str]
    """The number text now at each slider id of the span (for ends that do not move)."""


def number_text(number: float) -> str:
    """``number`` to :data:`DIGITS` significant digits as the unit grammar reads it: plain
    decimals from 0.001 to 1e7 (``75000``, ``0.4``), else ``2.517e7``."""
    rounded = float(f"{number:.{DIGITS}g}")
    if rounded == 0 or PLAIN_LOW <= abs(rounded) < PLAIN_HIGH:
        text = f"{rounded:f}".rstrip("0").rstrip(".")
        return text if text not in ("", "-") else "0"
    mantissa, _, exponent = f"{rounded:.{DIGITS - 1}e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def _domain(number: float, unit: str) -> tuple[float, float, bool]:
    """A slider's ends and scale for a value written as ``number unit``."""
    if unit == "%" and number >= 0:
        return 0.0, max(100.0, 2 * number), False
    if number > 0:
        return number / LOG_SPAN, number * LOG_SPAN, True
    reach = LOG_SPAN * max(abs(number), 1.0)
    return number - reach, number + reach, False


def _slider(slider_id: str, name: str, number: float, unit: str) -> Slider:
    low, high, log = _domain(number, unit)
    return Slider(slider_id, name, number, unit, low, high, log)


def _split(text: str) -> tuple[str, float, str] | None:
    """``"$2/h"`` as ``("$", 2.0, "/h")``; None when the text does not start with a number."""
    body = text.strip()
    prefix = "$" if body.startswith("$") else ""
    try:
        number, rest = parse_number_text(body[len(prefix) :].lstrip())
    except FlopcastError:
        return None
    return prefix, number, rest


def _quoted(style: str, text: str) -> str:
    """``text`` in a scalar's quoting style (so a quoted scalar stays quoted)."""
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    return text


def _scalar_places(name: str, node: yaml.ScalarNode, ids: tuple[str, ...]) -> list[_Place]:
    """Sliders for a scalar holding one number, or ``"LOW to HIGH unit"`` (two ids)."""
    parts = node.value.split(TO) if len(ids) == 2 else [node.value]
    split = [_split(part) for part in parts]
    if len(parts) != len(ids) or any(found is None for found in split):
        return []
    found = [s for s in split if s is not None]
    pieces: list[str] = []
    for index, ((prefix, _, rest), slider_id) in enumerate(zip(found, ids, strict=True)):
        pieces += [TO] if index else []
        pieces += [prefix, "{" + slider_id + "}", rest]
    shared_unit = found[-1][2].strip()  # "2 to 4 month": the unit written once, at the end
    style = node.style if node.style in ("'", '"') else ""
    pairs = list(zip(found, ids, strict=True))
    old = {slider_id: number_text(number) for (_, number, _), slider_id in pairs}
    start, end = node.start_mark.index, node.end_mark.index
    return [
        _Place(_slider(slider_id, name, number, rest.strip() or shared_unit),
               start, end, tuple(pieces), style, old)
        for (_, number, rest), slider_id in pairs
    ]  # fmt: skip


def _catalog_place(
    name: str, mapping: yaml.MappingNode, key: yaml.Node, ref: yaml.Node, scenario: Scenario
) -> list[_Place]:
    """A slider replacing a catalog point value by ``value`` and ``source``."""
    definition = scenario.inputs.get(name)
    value = getattr(definition.distribution, "value", None) if definition else None
    if definition is None or value is None or not isinstance(ref, yaml.ScalarNode):
        return []
    unit = format_unit(definition.unit)
    keys = {k.value for k, _ in mapping.value if isinstance(k, yaml.ScalarNode)}
    between = ", " if mapping.flow_style else "\n" + " " * key.start_mark.column
    pieces = ["value: ", "{" + name + "}", ("" if unit in ("", "%") else " ") + unit]
    if "source" not in keys:
        source = CATALOG_SOURCE.format(ref=ref.value)
        pieces.append(between + "source: " + _quoted('"', source))
    slider = _slider(name, name, float(value), unit)
    old = {name: number_text(float(value))}
    return [_Place(slider, key.start_mark.index, ref.end_mark.index, tuple(pieces), "", old)]


def _input_places(name: str, node: yaml.Node, scenario: Scenario) -> list[_Place]:
    """The sliders of one input, their unit shown as the ``unit`` field's where unwritten."""
    declared = format_unit(scenario.inputs[name].unit)
    return [
        place if place.slider.unit else replace(place, slider=replace(place.slider, unit=declared))
        for place in _written_places(name, node, scenario)
    ]


def _written_places(name: str, node: yaml.Node, scenario: Scenario) -> list[_Place]:
    if not isinstance(node, yaml.MappingNode):
        return []
    fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if {"by_year", "growth", "components"} & fields.keys():
        return []
    if "catalog" in fields and "value" not in fields and "range" not in fields:
        return _catalog_place(name, node, *fields["catalog"], scenario)
    if "value" in fields and isinstance(fields["value"][1], yaml.ScalarNode):
        scalar = fields["value"][1]
        ids = (f"{name}.low", f"{name}.high") if TO in scalar.value else (name,)
        return _scalar_places(name, scalar, ids)
    if "range" in fields and isinstance(fields["range"][1], yaml.SequenceNode):
        ends = fields["range"][1].value
        if len(ends) == 2 and all(isinstance(end, yaml.ScalarNode) for end in ends):
            return [
                place
                for end, side in zip(ends, ("low", "high"), strict=True)
                for place in _scalar_places(name, end, (f"{name}.{side}",))
            ]
    return []


def _places(text: str, scenario: Scenario) -> list[_Place]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # character offsets, unlike libyaml's
    except RecursionError:  # nested deeper than Python's composer goes: no sliders
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "inputs":
            if not isinstance(value, yaml.MappingNode):
                return []
            return [
                place
                for name, node in value.value
                if isinstance(name, yaml.ScalarNode) and name.value in scenario.inputs
                for place in _input_places(name.value, node, scenario)
            ]
    return []


def _is_slot(piece: str, place: _Place) -> bool:
    """Whether ``piece`` is the ``{id}`` slot of a slider of ``place``'s span."""
    return piece.startswith("{") and piece.endswith("}") and piece[1:-1] in place.old


def sliders(text: str, scenario: Scenario) -> list[Slider]:
    """The sliders of the scenario whose (already checked) YAML text is ``text``."""
    return [place.slider for place in _places(text, scenario)]


def move(text: str, scenario: Scenario, moves: dict[str, float]) -> str:
    """``text`` with each slider in ``moves`` (id to number) set to its number.

    Ids that name no slider are ignored (the text may have changed under the page); the
    edits are made from the end of the text backwards, so earlier offsets stay valid.
    """
    chosen = [place for place in _places(text, scenario) if place.slider.id in moves]
    # Two ends of one "LOW to HIGH" string share a span and are written as one edit.
    spans = {(place.start, place.end): place for place in chosen}
    for (start, end), place in sorted(spans.items(), reverse=True):
        numbers = {**place.old, **{k: number_text(v) for k, v in moves.items()}}
        new = "".join(
            numbers[piece[1:-1]] if _is_slot(piece, place) else piece for piece in place.pieces
        )
        text = text[:start] + _quoted(place.quote, new) + text[end:]
    return text
