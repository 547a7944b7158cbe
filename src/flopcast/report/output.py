"""Writing reports without losing anyone's files.

* :func:`check_output` runs before any work: the folder must exist and be writable, the
  target must not be a folder or a special file, must not be one of the command's inputs, and
  a Markdown report's figure folder must be absent or one that flopcast made (it holds the
  :data:`MARKER` file); otherwise an InputError says why and nothing is written.
* :func:`write_atomically` writes through a temporary file beside the target and renames it
  over the target, so the target is never half-written; the temporary file has a fixed name
  per target (``.NAME.flopcast-tmp``), is removed on every exit that runs Python's cleanup
  (errors, Ctrl-C, SIGTERM: :func:`install_signal_cleanup`), and is reused after a kill.
* :func:`write_figure_folder` writes a Markdown report's figures under names made from their
  content, then the Markdown, then removes only the figures of earlier reports that the new
  one no longer uses: a reader (or a kill) at any moment sees a Markdown file whose figures
  all exist.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from collections.abc import Iterable
from pathlib import Path

from flopcast.errors import InputError

#: File that marks a figure folder as flopcast's (its figures may be replaced).
MARKER = ".flopcast-figures"

#: Permissions of written files before the umask (as ``open`` would create them).
_FILE_MODE = 0o666


def figure_folder(path: str | Path) -> Path:
    """The folder beside a Markdown report that holds its figures: ``NAME_files``."""
    target = Path(path)
    return target.parent / f"{target.stem}_files"


def check_output(path: str, inputs: Iterable[str] = (), *, figures: bool = False) -> None:
    """Refuse an output path that cannot be written safely (see the module docstring)."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"cannot write here: folder {str(folder)!r} does not exist", file=path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write here: folder {str(folder)!r} is not writable", file=path)
    if target.is_dir():
        raise InputError("cannot write here: it is a folder", file=path)
    if target.exists() and not target.is_file():
        raise InputError("cannot write here: it is not a regular file", file=path)
    for source in inputs:
        if _same_file(target, Path(source)):
            raise InputError(f"refusing to overwrite the input {source!r}", file=path)
    if figures:
        images = figure_folder(target)
        if images.exists() and not (images / MARKER).is_file():
            raise InputError(
                f"refusing to write figures into {str(images)!r}: that folder exists and "
                "flopcast did not make it",
                file=path,
            )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _temporary(target: Path) -> Path:
    return target.parent / f".{target.name}.flopcast-tmp"


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it."""
    target = Path(path)
    temporary = _temporary(target)
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, _FILE_MODE & ~_current_umask())
        os.replace(temporary, target)
    except OSError as err:
        raise InputError(f"cannot write the file ({err.strerror})", file=str(path)) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_figure_folder(path: str | Path, markdown: str, figures: list[tuple[str, str]]) -> None:
    """Write a Markdown report and its figures (``(stem, svg)``: ``stem-HASH.svg`` files);
    ``markdown`` refers to each figure as ``{stem}`` and gets the final names."""
    target = Path(path)
    folder = figure_folder(target)
    try:
        folder.mkdir(exist_ok=True)
        (folder / MARKER).write_text(
            "This folder holds the figures of a flopcast report; flopcast replaces them.\n"
        )
    except OSError as err:
        raise InputError(f"cannot make {str(folder)!r} ({err.strerror})", file=str(path)) from None
    names = {}
    for stem, svg in figures:
        digest = hashlib.sha256(svg.encode()).hexdigest()[:12]
        name = f"{stem}-{digest}.svg"
        names[stem] = name
        if not (folder / name).is_file():
            write_atomically(folder / name, svg)
    text = markdown
    for stem, name in names.items():
        text = text.replace("{" + stem + "}", f"{folder.name}/{name}")
    write_atomically(target, text)
    for old in folder.glob("*.svg"):
        if old.name not in names.values() and _made_by_us(old.name):
            old.unlink(missing_ok=True)


def _made_by_us(name: str) -> bool:
    stem, _, rest = name.rpartition("-")
    return bool(stem) and len(rest) == len("0123456789ab.svg") and rest.endswith(".svg")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def install_signal_cleanup() -> None:
    """Turn SIGTERM into a normal exit, so that ``finally`` blocks remove temporary files."""

    def leave(signum: int, _frame: object) -> None:
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
