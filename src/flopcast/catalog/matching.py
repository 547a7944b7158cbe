"""Match free-text hardware names ("A100-SXM4-80GB (Jean Zay)", "NVIDIA GB200 NVL72 186GB")
to catalog entries, in steps a reader can follow:

1. an ID, name or alias equal to the text (case and surrounding spaces ignored);
2. the same after dropping parenthetical descriptions ("(DGX H100)", "(Jean Zay)");
3. the base name: vendor prefixes (NVIDIA, AMD, Google, AWS, Intel), form factors (SXM4,
   SXM5, SXM, OAM, NVL72) and memory suffixes ("80GB", "186GB HBM3e") removed from the text
   and from every alias; when several entries share the base name, the stated memory picks
   the one whose HBM capacity is within :data:`MEMORY_TOLERANCE` of it.

An unmatched text gets the nearest catalog IDs and names for its message.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from flopcast.catalog.model import Catalog, CatalogEntry
from flopcast.quantity.units import convert

#: Relative difference between a stated memory size and a catalog HBM capacity that still
#: counts as the same part (HBM is sold in GB and reported in GiB or as usable capacity:
#: 180 GB usable on a 192 GB B200, 186 GB on GB200).
MEMORY_TOLERANCE = 0.1

_PARENTHETICAL = re.compile(r"\([^()]*\)")
_VENDOR = re.compile(r"\b(nvidia|amd|google|aws|amazon|intel|habana|cloud)\b")
_FORM = re.compile(r"\b(sxm\d?|oam|nvl\d+|pcie|hgx|dgx|superchip|gpu|accelerator|instinct)\b")
_MEMORY = re.compile(r"(\d+(?:\.\d+)?)\s*gb\b(?:\s*hbm\w*)?")
_SEPARATORS = re.compile(r"[\s_\-/,]+")


@dataclass(frozen=True)
class Match:
    """A catalog entry for a text, and how it was found."""

    entry: CatalogEntry
    how: str
    """``alias``, ``alias without parenthetical`` or ``base name``, with the memory used."""


def _names(entry: CatalogEntry) -> list[str]:
    aliases = entry.text.get("aliases", [])
    return [entry.id, entry.name, *(aliases if isinstance(aliases, list) else [])]


def _base(text: str) -> tuple[str, float | None]:
    """The base name of a hardware text and the memory it states [GB], if any."""
    lowered = _PARENTHETICAL.sub(" ", text.lower())
    memory = _MEMORY.search(lowered)
    lowered = _MEMORY.sub(" ", lowered)
    lowered = _FORM.sub(" ", _VENDOR.sub(" ", lowered))
    base = _SEPARATORS.sub(" ", lowered).strip().replace("tpu v", "tpuv").replace(" ", "")
    return base, float(memory.group(1)) if memory else None


def _capacity_gb(entry: CatalogEntry) -> float | None:
    value = entry.numbers.get("hbm_capacity")
    if value is None:
        return None
    return float(convert(value.low * value.unit, "GB/chip").magnitude)


def match_entry(catalog: Catalog, text: str, kind: str) -> Match | None:
    """The entry of ``kind`` that ``text`` names, by the steps in the module docstring."""
    entry = catalog.by_alias(text, kind)
    if entry is not None:
        return Match(entry, "alias")
    stripped = _PARENTHETICAL.sub(" ", text).strip()
    if stripped and stripped != text.strip():
        entry = catalog.by_alias(stripped, kind)
        if entry is not None:
            return Match(entry, "alias without parenthetical")
    base, memory = _base(text)
    if not base:
        return None
    found = [e for e in catalog.of_kind(kind) if any(_base(n)[0] == base for n in _names(e))]
    if memory is not None and len(found) > 1:
        near = [
            e
            for e in found
            if (capacity := _capacity_gb(e)) is not None
            and abs(capacity - memory) <= MEMORY_TOLERANCE * capacity
        ]
        found = near or found
    if len(found) != 1:
        return None
    stated = f", {memory:g} GB" if memory is not None else ""
    return Match(found[0], f"base name {base!r}{stated}")


def nearest(catalog: Catalog, text: str, kind: str, count: int = 3) -> list[str]:
    """The catalog IDs whose names are closest to ``text``."""
    base, _ = _base(text)
    pool = {(_base(name)[0] or entry.id): entry.id for entry in catalog.of_kind(kind)
            for name in _names(entry)}  # fmt: skip
    close = difflib.get_close_matches(base, list(pool), n=count * 3, cutoff=0.3)
    ids: list[str] = []
    for name in close:
        if pool[name] not in ids:
            ids.append(pool[name])
    return ids[:count]
