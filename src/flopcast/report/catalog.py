"""Catalog entries as tables and JSON."""

from __future__ import annotations

from typing import Any, TextIO

from flopcast.catalog.model import Catalog, CatalogEntry, CatalogValue
from flopcast.quantity.format import format_number
from flopcast.quantity.units import format_unit
from flopcast.report.escape import rich_markup, rich_text


def value_text(value: CatalogValue) -> str:
    """``989.4e12`` as ``9.89e14``; a range as ``1.3e3 to 1.8e3``."""
    if value.is_range:
        return f"{format_number(value.low)} to {format_number(value.high)}"
    return format_number(value.low)


def entry_data(entry: CatalogEntry) -> dict[str, Any]:
    """One entry as JSON-ready data."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "origin": entry.origin,
        **{key: value for key, value in entry.text.items()},
        "numbers": {
            name: {
                "low": value.low,
                "high": value.high,
                "unit": format_unit(value.unit),
                "source": value.source,
                "derived": value.derived,
                "note": value.note,
                "date": value.date,
            }
            for name, value in entry.numbers.items()
        },
    }


def print_entry_list(catalog: Catalog, kinds: list[str], stream: TextIO) -> None:
    """IDs and names, one table per kind."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, width=max(100, Console(file=stream).width))
    for kind in kinds:
        table = Table("ID", "name", "numbers", title=f"{kind}s", title_justify="left")
        for entry in catalog.of_kind(kind):
            table.add_row(entry.id, rich_text(entry.name), str(len(entry.numbers)))
        console.print(table)


def print_entry(entry: CatalogEntry, stream: TextIO) -> None:
    """Every number of one entry with its unit and source."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, width=max(120, Console(file=stream).width))
    console.print(
        f"[bold]{entry.id}[/bold]: {rich_markup(entry.name)} ({entry.kind}, from "
        f"{rich_markup(entry.origin)})"
    )
    for key, value in entry.text.items():
        if key != "name":
            console.print(f"  {rich_markup(key)}: {rich_markup(value)}")
    table = Table("field", "value", "unit", "source")
    for name, value in entry.numbers.items():
        source = value.source + (f" [derived: {value.derived}]" if value.derived else "")
        if value.date:
            source = f"({value.date}) {source}"
        table.add_row(name, value_text(value), format_unit(value.unit), rich_text(source))
    console.print(table)
