"""Text colours of reports and the playground meet WCAG 2.1 AA contrast (4.5:1 for body text),
in light and dark mode, on the page and on table headers."""

import re
from importlib.resources import files

import pytest

from flopcast.report.html import STYLE

#: WCAG 2.1 success criterion 1.4.3 (contrast, minimum): 4.5:1 for normal text.
AA_TEXT = 4.5

PLAYGROUND = files("flopcast.serve").joinpath("static", "playground.css").read_text()


def _linear(channel: float) -> float:
    """sRGB channel (0-1) to linear light (WCAG 2.1's relative luminance definition)."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rgb`` or ``#rrggbb`` (WCAG 2.1)."""
    digits = colour.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    red, green, blue = (_linear(int(digits[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _split(css: str) -> tuple[str, str]:
    """The rules outside and inside ``@media (prefers-color-scheme:dark)``."""
    start = css.index("@media (prefers-color-scheme:dark)")
    return css[:start], css[start:]


def _text_colours(css: str) -> set[str]:
    return set(re.findall(r"(?<![-\w])color:(#[0-9a-fA-F]{3,6})\b", css))


def _backgrounds(css: str) -> set[str]:
    """Backgrounds text is set on (figures keep a white plate of their own: not text)."""
    return {
        colour
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if "svg" not in selector
        for colour in re.findall(r"background:(#[0-9a-fA-F]{3,6})\b", body)
    }


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_text_colour_meets_aa_on_every_background(mode):
    light, dark = (_split(STYLE)[i] + _split(PLAYGROUND)[i] for i in (0, 1))
    css = light if mode == "light" else dark
    backgrounds = (_backgrounds(css) | {"#ffffff"}) if mode == "light" else _backgrounds(css)
    colours = _text_colours(css)
    assert len(colours) >= 5 and backgrounds
    weak = [(c, b, round(contrast(c, b), 2)) for c in colours for b in backgrounds
            if contrast(c, b) < AA_TEXT]  # fmt: skip
    assert weak == []


def test_the_check_catches_a_grey_that_fails():
    assert contrast("#777", "#ffffff") < AA_TEXT < contrast("#666", "#ffffff")
    assert contrast("#000", "#fff") == pytest.approx(21.0)
