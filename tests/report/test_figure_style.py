"""Figures that colour-blind readers can read, and axes that say their scale in the unit."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.report.figures import (
    EDGE,
    MARKERS,
    PALETTE,
    distribution_svg,
    scaled_unit,
    scatter_svg,
    series_style,
)
from tests.report.test_contrast import contrast

WHITE = "#ffffff"


def _series_in_svg(svg: str) -> list[tuple[str, str]]:
    """(marker outline, fill colour) of each scatter series drawn in a matplotlib SVG."""
    shapes = {m: " ".join(d.split()) for m, d in re.findall(r'<path id="(m\w+)" d="([^"]+)"', svg)}
    found = []
    for start in [m.end() for m in re.finditer(r'<g id="PathCollection_\d+">', svg)]:
        use = re.search(r'<use xlink:href="#(m\w+)"[^>]*>', svg[start:])
        assert use is not None
        fill = re.search(r"fill: (#[0-9a-f]{6})", use.group(0))
        # SVG's default fill is black, and matplotlib leaves it out.
        found.append((shapes[use.group(1)], fill.group(1) if fill else "#000000"))
    return found


def test_thirteen_sources_get_thirteen_different_colour_and_marker_pairs():
    # The validate figure's case: more sources than a 10-colour cycle has colours.
    points = {f"source {i}": ([1.0 + i, 2.0 + i], [1.1 + i, 2.1 + i]) for i in range(13)}
    drawn = _series_in_svg(scatter_svg(points, "t", "measured", "predicted"))
    plotted, legend = drawn[:13], drawn[13:]
    assert len(set(plotted)) == 13
    assert legend == plotted  # each legend entry shows its series' own colour and shape
    assert {fill for _, fill in drawn} <= {c.lower() for c in PALETTE}


def test_styles_repeat_only_after_every_colour_and_marker_pair():
    pairs = [(series_style(i)["color"], series_style(i)["marker"]) for i in range(56)]
    assert len(set(pairs)) == 56 == len(PALETTE) * len(MARKERS)
    assert series_style(56)["color"] == series_style(0)["color"]


def test_palette_has_no_colour_a_colour_blind_reader_confuses_with_yellow_on_white():
    # The palette's fills: the five first reach 3:1 on white (WCAG 1.4.11, non-text); every
    # marker and bar has the dark edge, which does for all.
    assert all(contrast(colour, WHITE) >= 3.0 for colour in PALETTE[:5])
    assert contrast(EDGE, WHITE) >= 3.0
    assert "#F0E442" not in PALETTE  # Okabe-Ito's yellow: 1.3:1 on white


@pytest.mark.parametrize(
    ("values", "unit", "expected"),
    [([3e9, 1e9], "USD", (1e9, "$B")), ([4.2e15], "FLOP/s", (1e15, "PFLOP/s")),
     ([250e3], "USD", (1e3, "$k")), ([40.0], "%", (1.0, "%")), ([0.5], "s", (1.0, "s")),
     ([2e26], "FLOP", (1e24, "1e24 FLOP")), ([3e18], "FLOP", (1e18, "EFLOP")),
     ([3e30], "FLOP", (1e30, "1e30 FLOP")),
     ([5e6], "token/chip/s", (1e6, "Mtoken/chip/s"))],
)  # fmt: skip
def test_axes_take_a_scale_into_their_unit(values, unit, expected):
    assert scaled_unit(np.array(values), unit) == expected


@given(st.floats(min_value=1.0, max_value=1e27), st.sampled_from(["W", "USD", "FLOP", "byte"]))
def test_scaled_ticks_read_below_a_thousand(largest, unit):
    divisor, _ = scaled_unit(np.array([largest / 2, largest]), unit)
    assert 1.0 <= largest / divisor < 1000.0 or divisor == 1.0


def test_a_money_histogram_says_billions_of_dollars_and_no_offset():
    svg = distribution_svg(np.linspace(2e9, 4e9, 1000), "USD", "cost", None)
    assert "$B" in svg
    assert "1e9" not in svg and "1e+09" not in svg
