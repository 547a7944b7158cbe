"""Catalog entries: sourced numbers (accelerators, models, clusters, prices) and their text.

A catalog number is a :class:`CatalogValue`: a value or a range (read as a 90% interval),
a unit, and a source. Entries are looked up by ID, and a number by ``"ID.field"``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import pint

from flopcast.catalog.kinds import KINDS
from flopcast.errors import UnknownNameError
from flopcast.quantity import distributions as d

__all__ = ["KINDS", "Catalog", "CatalogEntry", "CatalogValue"]


@dataclass(frozen=True, kw_only=True)
class CatalogValue:
    """One sourced number."""

    low: float
    """The value, or the low end of its range, in ``unit``."""
    high: float
    """The value (again), or the high end of its range, in ``unit``."""
    unit: pint.Unit
    """Unit of ``low`` and ``high``."""
    source: str
    """Document and table, or URL."""
    note: str | None = None
    """Caveats."""
    derived: str | None = None
    """How the value was computed from others, when it was."""
    date: str | None = None
    """When the value held (prices)."""

    @property
    def is_range(self) -> bool:
        """True when sources disagree or the number is an estimate."""
        return self.low != self.high

    def distribution(self) -> d.Distribution:
        """A point, or the range as a 90% interval (:func:`flopcast.quantity.distributions.to`)."""
        return d.to(self.low, self.high)


@dataclass(frozen=True, kw_only=True)
class CatalogEntry:
    """One accelerator, model, cluster or price."""

    id: str
    """Lowercase ID with hyphens, unique across all catalogs."""
    kind: str
    """One of :data:`KINDS`."""
    numbers: dict[str, CatalogValue]
    """Sourced numbers by field name."""
    text: dict[str, object]
    """Descriptive fields (name, vendor, aliases, architecture words)."""
    origin: str
    """The file the entry (or its last override) came from."""

    @property
    def name(self) -> str:
        """Display name (the ID when the entry has none)."""
        return str(self.text.get("name", self.id))

    def number(self, field_name: str) -> CatalogValue:
        """The number ``field_name``, or UnknownNameError listing the fields there are."""
        try:
            return self.numbers[field_name]
        except KeyError:
            raise UnknownNameError(
                f"{self.kind} {self.id!r} has no number {field_name!r}; it has: "
                f"{', '.join(sorted(self.numbers)) or 'none'}"
            ) from None


@dataclass(frozen=True)
class Catalog:
    """All entries, by ID."""

    entries: dict[str, CatalogEntry] = field(default_factory=dict)

    def entry(self, entry_id: str, kind: str | None = None) -> CatalogEntry:
        """The entry ``entry_id`` (of ``kind``, if given), also found by its name or an alias
        (``B200``, ``LLAMA3-70B``: case ignored); unknown IDs list the closest ones."""
        found = self.entries.get(entry_id)
        if found is not None and (kind is None or found.kind == kind):
            return found
        for each in [kind] if kind else sorted({e.kind for e in self.entries.values()}):
            aliased = self.by_alias(entry_id, each)
            if aliased is not None:
                return aliased
        candidates = [e.id for e in self.entries.values() if kind is None or e.kind == kind]
        close = difflib.get_close_matches(entry_id, candidates, n=4, cutoff=0.4)
        hint = f"; closest: {', '.join(close)}" if close else ""
        what = kind or "catalog entry"
        raise UnknownNameError(f"unknown {what} ID {entry_id!r}{hint}")

    def value(self, reference: str) -> CatalogValue:
        """The number named ``"ID.field"``, e.g. ``"h100-sxm.dense_bf16"``."""
        entry_id, dot, field_name = reference.rpartition(".")  # IDs may hold dots (qwen2.5)
        if not dot or not field_name:
            raise UnknownNameError(
                f"expected a catalog reference 'ID.field' such as 'h100-sxm.dense_bf16', "
                f"got {reference!r}"
            )
        return self.entry(entry_id).number(field_name)

    def of_kind(self, kind: str) -> list[CatalogEntry]:
        """Entries of one kind, sorted by ID."""
        return sorted((e for e in self.entries.values() if e.kind == kind), key=lambda e: e.id)

    def by_alias(self, text: str, kind: str) -> CatalogEntry | None:
        """The entry of ``kind`` whose ID, name or one of whose aliases equals ``text``
        (case and surrounding spaces ignored), or None."""
        wanted = text.strip().lower()
        for entry in self.of_kind(kind):
            aliases = entry.text.get("aliases", [])
            names = [entry.id, entry.name, *(aliases if isinstance(aliases, list) else [])]
            if any(str(name).strip().lower() == wanted for name in names):
                return entry
        return None
