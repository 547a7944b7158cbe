"""The derivation graph of a scenario (which inputs feed which outputs) as inline SVG.

Inputs stand in the first column; each output stands one column right of the deepest
quantity it reads; arrows run from what is read to what reads it.
"""

from __future__ import annotations

import html

from flopcast.scenario.model import Scenario

#: Layout of the drawing [px].
COLUMN_WIDTH, ROW_HEIGHT, BOX_WIDTH, BOX_HEIGHT, MARGIN = 190, 34, 160, 24, 10


def depths(scenario: Scenario) -> dict[str, int]:
    """Column of each quantity: 0 for inputs, 1 + the deepest dependency for outputs."""
    depth = dict.fromkeys(scenario.inputs, 0)
    for name in scenario.order:
        reads = scenario.outputs[name].expression.names
        depth[name] = 1 + max((depth[r] for r in reads if r in depth), default=0)
    return depth


def graph_svg(scenario: Scenario) -> str:
    """The graph as an ``<svg>`` element."""
    depth = depths(scenario)
    columns: dict[int, list[str]] = {}
    for name, column in depth.items():
        columns.setdefault(column, []).append(name)
    position = {
        name: (MARGIN + column * COLUMN_WIDTH, MARGIN + row * ROW_HEIGHT)
        for column, names in columns.items()
        for row, name in enumerate(names)
    }
    width = MARGIN * 2 + (max(columns) + 1) * COLUMN_WIDTH
    height = MARGIN * 2 + max(len(names) for names in columns.values()) * ROW_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="derivation graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>',
    ]
    for name in scenario.order:
        x2, y2 = position[name]
        for source in sorted(scenario.outputs[name].expression.names):
            if source in position:
                x1, y1 = position[source]
                parts.append(
                    f'<line x1="{x1 + BOX_WIDTH}" y1="{y1 + BOX_HEIGHT / 2}" x2="{x2}" '
                    f'y2="{y2 + BOX_HEIGHT / 2}" stroke="#999" marker-end="url(#arrow)"/>'
                )
    for name, (x, y) in position.items():
        fill = "#deebf7" if name in scenario.inputs else "#fdd0a2"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="4" '
            f'fill="{fill}" stroke="#555"/><text x="{x + 6}" y="{y + 16}" font-size="11" '
            f'font-family="sans-serif">{html.escape(name[:24])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
