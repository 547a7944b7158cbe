"""Load catalog files: the built-in ones in ``catalog/data/`` and users' own (``--catalog``).

The format is in ``catalog/FORMAT.md``. Every number needs ``value`` or ``range``, ``unit``
and ``source`` (and ``date`` for prices); fields with a known meaning must have a unit of the
right dimension (:data:`FIELD_UNITS`); IDs are unique. A user's file overrides built-in
entries field by field: an entry with a built-in ID replaces the fields it gives and keeps
the rest; a new ID adds an entry. Any violation is an InputError or UnitError naming the
file, the entry and the field.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from flopcast import __version__
from flopcast.catalog.model import KINDS, Catalog, CatalogEntry, CatalogValue
from flopcast.errors import FlopcastError, InputError, UnitError
from flopcast.files import FAST_SAFE_LOADER, load_yaml, read_text
from flopcast.quantity.units import convert, parse_quantity, parse_unit

#: Built-in catalog files, in ``flopcast/catalog/data``.
BUILTIN_FILES = (
    "accelerators.yaml",
    "models.yaml",
    "clusters.yaml",
    "prices.yaml",
    "currencies.yaml",
    "energy.yaml",
    "networks.yaml",
    "reliability.yaml",
    "trends.yaml",
)

#: Units that fields with a known meaning must convert to (checked on every catalog).
FIELD_UNITS = {
    "dense_bf16": "FLOP/s/chip",
    "dense_fp8": "FLOP/s/chip",
    "dense_fp4": "FLOP/s/chip",
    "hbm_capacity": "byte/chip",
    "hbm_bandwidth": "byte/s/chip",
    "scale_up_bandwidth": "byte/s/chip",
    "scale_out_bandwidth": "bit/s/chip",
    "scale_up_domain": "chip",
    "tdp": "W/chip",
    "all_in_power": "W/chip",
    "server_power": "W/chip",
    "it_power": "W/chip",
    "facility_power": "W/chip",
    "rental_price": "USD/chip/hour",
    "total_params": "parameter",
    "active_params": "parameter",
    "training_tokens": "token",
    "training_compute": "FLOP",
    "chips": "chip",
    "power": "W",
}

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
_NUMBER_KEYS = {"value", "range", "unit", "source", "note", "derived", "date"}


@cache
def builtin_catalog() -> Catalog:
    """The catalogs shipped with flopcast (loaded once per process).

    They are read without the duplicate-key check, which doubles YAML construction time on
    every run; the test suite reads them with it (``strict=True``). Their parsed YAML is
    kept on disk between runs (:func:`_parsed_builtin_files`).
    """
    files = [parse_catalog_data(data, origin) for data, origin in _parsed_builtin_files()]
    return _merge(Catalog(), files, False)


def _parsed_builtin_files() -> list[tuple[Any, str]]:
    """(parsed YAML, origin) of each built-in file, from a cache named by a hash of the
    files' text, flopcast's version and Python's (so that it is never stale), in
    ``$XDG_CACHE_HOME/flopcast`` or ``~/.cache/flopcast``. Building the entries is cheap;
    constructing ~200 KB of YAML costs ~30 ms a run, reading it back with ``marshal`` 0.4 ms.
    Any problem with the cache (a read-only home, a corrupt file) falls back to parsing."""
    texts = builtin_texts()
    digest = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for text, origin in texts:
        digest.update(origin.encode() + b"\0" + text.encode())
    cache_file = _cache_folder() / f"catalog-{digest.hexdigest()[:24]}.marshal"
    try:
        cached = marshal.loads(cache_file.read_bytes())
        if isinstance(cached, list) and len(cached) == len(texts):
            return [(data, origin) for data, (_, origin) in zip(cached, texts, strict=True)]
    except (OSError, ValueError, EOFError, TypeError):
        pass
    parsed = [yaml.load(text, Loader=FAST_SAFE_LOADER) for text, _ in texts]
    with contextlib.suppress(ValueError):  # a value marshal cannot hold (a YAML date)
        _write_cache(cache_file, marshal.dumps(parsed))
    return [(data, origin) for data, (_, origin) in zip(parsed, texts, strict=True)]


def _cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flopcast"


def _write_cache(path: Path, payload: bytes) -> None:
    """Write ``payload`` atomically; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(payload)
        os.replace(partial, path)
    except OSError:
        pass


def builtin_texts() -> list[tuple[str, str]]:
    """(text, origin) of each built-in catalog file."""
    data = Path(__file__).parent / "data"  # not importlib.resources: 5 ms of imports a run
    return [
        ((data / name).read_text(encoding="utf-8"), f"flopcast/catalog/data/{name}")
        for name in BUILTIN_FILES
    ]


def load_catalog(user_files: Iterable[str] = (), base: Catalog | None = None) -> Catalog:
    """``base`` (the built-in catalog by default) with each user file applied on top, in
    order, field by field (:func:`override_catalog`)."""
    catalog = base if base is not None else builtin_catalog()
    for path in user_files:
        catalog = override_catalog(catalog, read_catalog_file(path))
    return catalog


def override_catalog(base: Catalog, entries: list[CatalogEntry]) -> Catalog:
    """``base`` with ``entries`` on top: a known ID keeps the fields the entry does not give
    (and must keep its kind); a new ID adds an entry. The one merge rule of user catalogs,
    whether given on the command line or in a scenario's ``catalogs:``."""
    return _merge(base, [entries], True)


def read_catalog_file(path: str) -> list[CatalogEntry]:
    """Entries of one user catalog file."""
    return parse_catalog_text(read_text(path), path)


def parse_catalog_text(text: str, origin: str, *, strict: bool = True) -> list[CatalogEntry]:
    """Entries of one catalog file's text; errors name ``origin``, the entry and the field.

    ``strict`` refuses duplicate keys (PyYAML would keep the last one silently).
    """
    # The built-in files are checked strictly by the test suite; at run time they skip the
    # duplicate-key and alias checks, which double YAML construction time.
    data = load_yaml(text, origin) if strict else yaml.load(text, Loader=FAST_SAFE_LOADER)
    return parse_catalog_data(data, origin)


def parse_catalog_data(data: Any, origin: str) -> list[CatalogEntry]:
    """Entries of one catalog file's parsed YAML; errors name ``origin``."""
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise InputError(
            f"expected a mapping with 'kind' (one of {', '.join(KINDS)}) and 'entries'",
            file=origin,
            field="kind",
        )
    entries = data.get("entries")
    if not isinstance(entries, dict) or not entries:
        raise InputError(
            "expected 'entries': a mapping of ID to entry", file=origin, field="entries"
        )
    unknown = set(data) - {"kind", "entries", "description"}
    if unknown:
        raise InputError(
            f"{len(unknown)} unexpected top-level keys; a catalog file has only kind, entries "
            "and description",
            file=origin,
            field="kind",
        )
    return [_entry(str(key), value, data["kind"], origin) for key, value in entries.items()]


def _entry(entry_id: str, body: Any, kind: str, origin: str) -> CatalogEntry:
    if not _ID.match(entry_id):
        raise InputError(
            "IDs are lowercase letters and digits joined by hyphens", file=origin, field=entry_id
        )
    if not isinstance(body, dict):
        raise InputError("expected a mapping of fields", file=origin, field=entry_id)
    numbers: dict[str, CatalogValue] = {}
    text: dict[str, object] = {}
    for name, value in body.items():
        where = f"entries.{entry_id}.{name}"
        try:
            if isinstance(value, dict):
                numbers[str(name)] = _number(value, str(name), kind)
            elif isinstance(value, bool | str) or _is_text_list(value):
                text[str(name)] = value
            else:
                raise InputError(
                    "a number needs a mapping with value (or range), unit and source; "
                    f"got a bare {type(value).__name__}"
                )
        except FlopcastError as err:
            raise err.located(file=origin, field=where) from None
    return CatalogEntry(id=entry_id, kind=kind, numbers=numbers, text=text, origin=origin)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _number(spec: dict[str, Any], name: str, kind: str) -> CatalogValue:
    unknown = set(spec) - _NUMBER_KEYS
    if unknown:
        raise InputError(f"unexpected keys {sorted(unknown)}; expected {sorted(_NUMBER_KEYS)}")
    for required in ("unit", "source"):
        if not isinstance(spec.get(required), str) or not spec[required].strip():
            raise InputError(
                f"missing {required!r}: every catalog number needs a unit and a source"
            )
    if kind == "price" and not spec.get("date"):
        raise InputError("missing 'date': every price needs the date it held")
    if ("value" in spec) == ("range" in spec):
        raise InputError("expected exactly one of 'value' or 'range'")
    unit = parse_unit(spec["unit"])
    expected = FIELD_UNITS.get(name)
    if expected is not None and not _fits(spec["unit"], expected):
        raise UnitError(f"unit {spec['unit']!r} does not fit {name!r}, expected {expected}")
    bounds = spec["range"] if "range" in spec else [spec["value"], spec["value"]]
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise InputError("'range' must be a list [low, high]")
    low, high = (_plain_number(bound) for bound in bounds)
    if low > high:
        raise InputError(f"range low {low} is above high {high}")
    return CatalogValue(
        low=low,
        high=high,
        unit=unit,
        source=" ".join(spec["source"].split()),
        note=spec.get("note"),
        derived=spec.get("derived"),
        date=None if spec.get("date") is None else str(spec["date"]),
    )


@cache
def _fits(unit_text: str, expected: str) -> bool:
    """Whether ``unit_text`` converts to ``expected`` (a few dozen distinct pairs per run)."""
    try:
        convert(1.0 * parse_unit(unit_text), expected)
    except UnitError:
        return False
    return True


def _plain_number(value: Any) -> float:
    """A YAML number (``1e15`` arrives as text from YAML 1.1, so text is parsed too)."""
    if isinstance(value, bool):
        raise InputError(f"expected a number, got {value}")
    if isinstance(value, int | float):
        return float(value)
    quantity = parse_quantity(value) if isinstance(value, str | int | float) else None
    if quantity is None or not quantity.dimensionless:
        raise InputError(f"expected a plain number (the unit goes in 'unit'), got {value!r}")
    return float(quantity.magnitude)


def _merge(base: Catalog, files: list[list[CatalogEntry]], override: bool) -> Catalog:
    """``base`` with the entries of ``files`` added; duplicates are errors unless overriding."""
    merged = dict(base.entries)
    for entries in files:
        seen: set[str] = set()
        for entry in entries:
            old = merged.get(entry.id)
            if entry.id in seen or (old is not None and not override):
                other = entry.origin if entry.id in seen else old.origin  # type: ignore[union-attr]
                raise InputError(
                    f"duplicate ID {entry.id!r} (also in {other})",
                    file=entry.origin,
                    field=entry.id,
                )
            seen.add(entry.id)
            if old is not None and old.kind != entry.kind:
                raise InputError(
                    f"ID {entry.id!r} is of kind {old.kind!r} in the built-in catalog, "
                    f"not {entry.kind!r}",
                    file=entry.origin,
                    field=entry.id,
                )
            merged[entry.id] = entry if old is None else _override(old, entry)
    return Catalog(merged)


def _override(old: CatalogEntry, new: CatalogEntry) -> CatalogEntry:
    return CatalogEntry(
        id=old.id,
        kind=old.kind,
        numbers={**old.numbers, **new.numbers},
        text={**old.text, **new.text},
        origin=new.origin,
    )
