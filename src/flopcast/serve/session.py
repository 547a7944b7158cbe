"""What the playground does with a scenario's text: move sliders, evaluate, save.

Each call takes the whole YAML text (the page's editor is the one source of truth) and
answers with plain data for the page: the text (rewritten where sliders moved), the sliders,
each output in brief, the results as HTML, and the errors, each with the field and line it
concerns. Nothing here raises for bad input: a bad scenario is an answer with ``errors``.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flopcast.errors import FlopcastError, InputError
from flopcast.files import MAX_FILE_BYTES, load_yaml
from flopcast.quantity.format import format_value
from flopcast.report.data import output_cell
from flopcast.report.html import scenario_body, wide_tables
from flopcast.report.output import write_atomically
from flopcast.report.trajectory import trajectory_body
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import scenario_from_data
from flopcast.scenario.model import Scenario
from flopcast.scenario.trajectory import TrajectoryResult
from flopcast.serve.sliders import move, sliders

#: matplotlib's pyplot keeps global state, and the app answers requests on several threads:
#: figures are drawn one request at a time.
_DRAWING = threading.Lock()

#: ``line N`` in a YAML parser's message.
_LINE = re.compile(r"\bline (\d+)")

#: A field path's parts: ``inputs.a.range[0]`` is ``inputs``, ``a``, ``range``, ``0``.
_FIELD_PART = re.compile(r"[^.\[\]]+")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How the playground evaluates."""

    samples: int
    """Samples drawn per input at each evaluation."""
    seed: int
    """Seed of every evaluation (the same at every change, so differences come from edits)."""


def _error(err: FlopcastError, text: str) -> dict[str, Any]:
    """An error for the page: message, field and the line of the text it points at."""
    field = err.field or ""
    found = _LINE.search(err.message)
    line = int(found.group(1)) if found else _line_of(text, field)
    return {"field": field, "line": line, "message": err.message}


def _line_of(text: str, field: str) -> int | None:
    """The 1-based line of the deepest node of ``text`` that ``field`` reaches."""
    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):  # RecursionError: nested too deeply
        return None
    line = None
    for part in _FIELD_PART.findall(field):
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not found:
                break
            line, node = found[0][0].start_mark.line + 1, found[0][1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _load(path: Path, text: str) -> Scenario:
    if len(text.encode()) > MAX_FILE_BYTES:
        raise InputError(f"the text is over {MAX_FILE_BYTES:,} bytes")
    return scenario_from_data(str(path), load_yaml(text, str(path)))


def _outputs(result: Any) -> list[dict[str, Any]]:
    """Each output's median as text, its brief (median, 90% interval, unit, verdict), and for
    a scenario over years the last year's."""
    last = result.per_year[-1] if hasattr(result, "per_year") else result
    return [
        {"name": output.definition.name, **output_cell(output),
         "text": format_value(output.summary.median, output.unit_text)}
        for output in last.outputs
    ]  # fmt: skip


def evaluate_text(
    path: Path, text: str, moves: dict[str, float], settings: Settings, *, render: bool = True
) -> dict[str, Any]:
    """Apply ``moves`` (slider id to number) to ``text``, evaluate it, and describe the result:
    with ``render`` the tables and figures as HTML too (matplotlib's figures take most of the
    time, so the page asks for them when a slider is released, not while it is dragged)."""
    answer: dict[str, Any] = {"text": text, "sliders": [], "outputs": [], "html": "",
                              "errors": []}  # fmt: skip
    try:
        scenario = _load(path, text)
        finite = {key: value for key, value in moves.items() if math.isfinite(value)}
        if finite:
            text = move(text, scenario, finite)
            answer["text"] = text
            scenario = _load(path, text)
        result = evaluate(scenario, samples=settings.samples, seed=settings.seed)
        answer["sliders"] = [slider.as_dict() for slider in sliders(text, scenario)]
        answer["outputs"] = _outputs(result)
        if not render:
            return answer
        with _DRAWING:
            if isinstance(result, TrajectoryResult):  # evaluate's result over years
                body = trajectory_body(result)
            else:
                body = scenario_body(result)
        answer["html"] = wide_tables(body)
    except FlopcastError as err:
        answer["errors"] = [_error(err, text)]
    return answer


def save_text(path: Path, text: str) -> dict[str, Any]:
    """Write ``text`` to ``path`` if it is a valid scenario (atomically: all or nothing)."""
    try:
        _load(path, text)
    except FlopcastError as err:
        return {"saved": False, "errors": [_error(err, text)]}
    write_atomically(path, text)
    return {"saved": True, "errors": []}
