"""Reading the files users give: bounded, regular files only, and YAML as plain data.

One reader for every YAML file flopcast reads (scenarios, claims, catalogs), so the rules
are the same everywhere:

* only regular files are opened (a FIFO would block forever, ``/dev/zero`` never ends), and
  at most :data:`MAX_FILE_BYTES` are read, counted while reading (a device's size reads 0);
* the text must be UTF-8 without NUL bytes;
* YAML is read by PyYAML's safe loader (libyaml's C parser when available), which builds
  only plain data; duplicate keys are errors (PyYAML would keep the last one silently);
  anchors and aliases are errors (a few bytes of aliases can expand into millions of
  values); integers too long to convert are errors.

Every failure is an :class:`~flopcast.errors.InputError` naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from flopcast.errors import FlopcastError, InputError

#: Largest file read, in bytes; a real scenario or catalog is a few kB to a few hundred kB.
MAX_FILE_BYTES = 2_000_000

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_text(name: str, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file ``name`` (at most ``limit`` bytes)."""
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except OSError as err:
        raise InputError(f"cannot read the file ({err.strerror})", file=name) from None
    if not stat.S_ISREG(mode):
        found = next((label for test, label in _KINDS if test(mode)), "not a regular file")
        raise InputError(f"expected a regular file, found {found}", file=name)
    try:
        with open(name, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as err:
        raise InputError(f"cannot read the file ({err.strerror})", file=name) from None
    if len(data) > limit:
        raise InputError(f"file is larger than {limit:,} bytes", file=name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"expected UTF-8 text, found undecodable bytes at offset {err.start}", file=name
        ) from None
    if "\x00" in text:
        raise InputError("expected text, found NUL bytes (a binary file?)", file=name)
    return text


#: libyaml's parser when PyYAML was built with it (about 5x faster), else the Python one.
FAST_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(FAST_SAFE_LOADER):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys and aliases."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias is a node met a second time: refuse it before it is expanded.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise InputError(
                f"anchors and aliases (&name, *name) are not allowed (line "
                f"{node.start_mark.line + 1})"
            )
        return super().construct_object(node, deep=deep)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key (a list or mapping as a key)
            raise InputError(
                f"mapping keys must be text or numbers (line {key_node.start_mark.line + 1})"
            ) from None
        if duplicate:
            raise InputError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return {key: value for key, value in _pairs(loader, node)}


def _pairs(loader: Any, node: yaml.MappingNode) -> list[tuple[Any, Any]]:
    # Keys were constructed while checking them; construct_object returns the cached object.
    loader.flatten_mapping(node)
    return [
        (loader.constructed_objects[k], loader.construct_object(v, deep=True))
        for k, v in node.value
    ]


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, origin: str) -> Any:
    """The YAML document in ``text`` as plain data; errors name ``origin``."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a safe loader: plain data only
    except yaml.YAMLError as err:
        raise InputError(_yaml_problem(err), file=origin) from None
    except FlopcastError as err:
        raise err.located(file=origin) from None
    except RecursionError:
        raise InputError("YAML is nested too deeply", file=origin) from None
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        raise InputError(f"a value cannot be read ({err})", file=origin) from None


def _yaml_problem(err: yaml.YAMLError) -> str:
    """``invalid YAML at line N: problem``, at the construct that went wrong (the context)
    when PyYAML names one, else where the problem was found."""
    problem = getattr(err, "problem", None) or "not valid YAML"
    context, mark = getattr(err, "context", None), getattr(err, "problem_mark", None)
    context_mark = getattr(err, "context_mark", None)
    if context_mark is not None:
        found = f", found at line {mark.line + 1}" if mark is not None else ""
        return f"invalid YAML at line {context_mark.line + 1} ({context}): {problem}{found}"
    if mark is not None:
        return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"invalid YAML: {problem}"


def read_yaml(name: str | Path) -> Any:
    """The YAML document in the regular file ``name`` as plain data."""
    path = str(name)
    return load_yaml(read_text(path), path)
