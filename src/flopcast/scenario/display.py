"""How a run shows itself in Jupyter, filled in by the layer that knows how.

The scenario layer never imports the report layer (DESIGN.md's import direction); the report
layer registers its renderers here when it loads, so a
:class:`~flopcast.scenario.evaluate.ScenarioResult` shows as HTML tables once
``flopcast.report`` is imported (and as its plain repr before). Imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Renderers by MIME type (``"text/html"``), each taking a run and returning text.
RENDERERS: dict[str, Callable[[Any], str]] = {}
