"""Text from files, made safe to show: on a terminal, in rich tables, in Markdown.

Titles, sources, notes, catalog names and error messages come from files a user may not
have written. On a terminal, raw escape sequences could recolour, hide or rewrite output and
rich markup (``[link=...]``) could make hidden hyperlinks; in Markdown, HTML such as
``<script>`` would run where the Markdown is rendered. These functions remove or escape
them; flopcast's own markup is added around the escaped text only.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: ANSI escape sequences (CSI, OSC and single-character escapes), then any other control
#: character (C0, DEL, C1).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(text: object) -> str:
    """``text`` without escape sequences or control characters (each becomes a space)."""
    return _CONTROLS.sub(" ", _ESCAPES.sub("", str(text)))


def rich_text(text: object) -> Any:
    """``text`` as a rich ``Text``, which rich never reads as markup."""
    from rich.text import Text

    return Text(plain(text))


def rich_markup(text: object) -> str:
    """``text`` escaped for use inside a rich markup string."""
    from rich.markup import escape

    return escape(plain(text))


def markdown_text(text: object) -> str:
    """``text`` for Markdown: HTML escaped, one line."""
    return html.escape(" ".join(plain(text).split()), quote=False)


def markdown_cell(text: object) -> str:
    """``text`` for a Markdown table cell (pipes escaped too)."""
    return markdown_text(text).replace("|", "\\|")
