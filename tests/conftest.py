"""Shared helpers: write scenario files into a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# CI machines are shared and noisy: properties are checked, not per-example timing.
settings.register_profile("flopcast", deadline=None)
settings.load_profile("flopcast")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(text, name="s.yaml") -> path of a file holding the dedented text."""

    def _write(text: str | bytes, name: str = "s.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))
        return path

    return _write
