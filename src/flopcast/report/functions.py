"""The expression functions, listed from the code: ``flopcast functions`` and the generated
``docs/functions.md`` (a test keeps the file equal to what this module writes)."""

from __future__ import annotations

from collections.abc import Mapping

from flopcast.report.escape import markdown_cell
from flopcast.scenario.signature import Function

#: The generated document's heading and how to remake it.
HEADER = (
    "# Expression functions\n\n"
    "Every function a scenario's `expr` may call, with its parameters (quoted ones are text,\n"
    "bracketed ones optional; any may be given by keyword, `rental_cost(price=...)`), units\n"
    "and sources. Generated from the code by `flopcast functions --format markdown`; a test\n"
    "fails when this file and the code disagree.\n"
)


def functions_markdown(table: Mapping[str, Function]) -> str:
    """All functions: a table of signatures and one-line descriptions, then each docstring."""
    rows = "\n".join(
        f"| `{markdown_cell(f.signature)}` | {markdown_cell(f.doc)} |" for f in _sorted(table)
    )
    sections = "\n\n".join(
        f"## {f.name}\n\n`{f.signature}`\n\n{f.description or f.doc}" for f in _sorted(table)
    )
    return f"{HEADER}\n| function | what it gives |\n|---|---|\n{rows}\n\n{sections}\n"


def functions_lines(table: Mapping[str, Function], name: str | None = None) -> list[str]:
    """One line per function, or one function's whole description."""
    if name is not None:
        found = table[name]
        return [found.signature, "", found.description or found.doc]
    width = max(len(f.signature) for f in table.values())
    return [f"{f.signature:<{width}}  {f.doc}" for f in _sorted(table)]


def _sorted(table: Mapping[str, Function]) -> list[Function]:
    return sorted(table.values(), key=lambda f: f.name)
