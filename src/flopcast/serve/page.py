"""The playground's one page: editor, sliders and results, with its script and styles inline
(the page loads nothing from elsewhere)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from flopcast.report.html import STYLE


@cache
def _static(name: str) -> str:
    return files("flopcast.serve").joinpath("static", name).read_text(encoding="utf-8")


def playground_page(names: list[str]) -> str:
    """The page, offering the scenario files ``names``."""
    # JSON inside <script> must not close the element: escape '<' everywhere.
    data = json.dumps(names).replace("<", "\\u003c")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>flopcast playground</title><style>{STYLE}{_static('playground.css')}</style>"
        "</head><body data-state=loading><header><h1>flopcast playground</h1>"
        "<label for=file>file</label> <select id=file></select> <button id=save type=button>"
        "Save</button> <span id=status role=status aria-live=polite>loading…</span></header>"
        "<main><section aria-label=scenario><textarea id=editor spellcheck=false wrap=off "
        'aria-label="scenario YAML" aria-describedby=errors></textarea>'
        "<ul id=errors role=alert></ul><h2>Inputs</h2><div id=sliders></div></section>"
        "<section aria-label=results><h2>Outputs</h2><dl id=outputs></dl><div id=results>"
        "</div></section></main>"
        f'<script type="application/json" id=files-data>{data}</script>'
        f"<script>{_static('playground.js')}</script></body></html>\n"
    )
