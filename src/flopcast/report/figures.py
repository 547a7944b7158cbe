"""Figures as inline SVG text (matplotlib, Agg backend), so reports need no files or network.

matplotlib is imported on first use: the other commands never pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

#: An output spans "orders of magnitude" (log axis) when its 99th percentile is this many
#: times its 1st.
LOG_AXIS_SPREAD = 30.0

#: Figure size [inches] and resolution for SVG text.
FIGURE_SIZE = (6.0, 2.6)

#: Histogram bins for distribution figures.
BINS = 60

#: Samples whose range is at most this share of their median are drawn as one value (a
#: histogram cannot bin a range at the limit of floating-point resolution).
CONSTANT_SPREAD = 1e-9

#: Series colours: Okabe and Ito's colour-blind-safe palette ("Color Universal Design",
#: 2008; Wong, Nature Methods 8:441, 2011) without its yellow (1.3:1 on white), darkest
#: first so that figures of five series or fewer keep 3:1 against white (WCAG 1.4.11).
PALETTE = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")

#: Marker shapes, one more than the colours: with coprime cycle lengths, series ``i`` and
#: ``j`` share both colour and shape only when ``i - j`` is a multiple of 7 x 8 = 56.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Edge colour of markers and bars, so that pale fills still stand out on white.
EDGE = "#222222"

#: Hatches that tell apart bar segments once the colours repeat.
HATCHES = ("", "//", "..", "xx")

#: Unit prefixes for scaled linear axes, by power of 1000, up to exa (the field writes
#: "1e24 FLOP", not "1 YFLOP"); money in the finance style.
SI_PREFIXES = {3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
MONEY_PREFIXES = {3: "k", 6: "M", 9: "B", 12: "T"}


def series_style(index: int) -> dict[str, str]:
    """Colour, marker and hatch of series number ``index`` (from 0)."""
    return {
        "color": PALETTE[index % len(PALETTE)],
        "marker": MARKERS[index % len(MARKERS)],
        "hatch": HATCHES[(index // len(PALETTE)) % len(HATCHES)],
    }


def scaled_unit(values: Any, unit: str) -> tuple[float, str]:
    """A divisor for a linear axis and the unit it leaves: ``("USD", 3e9)`` gives
    ``(1e9, "$B")``, ``("FLOP/s", 4e15)`` gives ``(1e15, "PFLOP/s")``, so that ticks read
    1-999 and the unit says the scale (never a bare ``1e9`` in the corner)."""
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if not finite.size or unit in ("%", ""):
        return 1.0, unit
    largest = float(finite.max())
    power = int(np.floor(np.log10(largest) / 3) * 3)
    power += 3 if largest / 10.0**power >= 1000 else -3 if largest / 10.0**power < 1 else 0
    if unit == "USD" and power in MONEY_PREFIXES:
        return 10.0**power, "$" + MONEY_PREFIXES[power]
    if unit == "USD":
        return 1.0, "$"
    if power in SI_PREFIXES and unit[0].isalpha() and "*" not in unit:
        return 10.0**power, SI_PREFIXES[power] + unit
    if power > 0:
        return 10.0**power, f"1e{power} {unit}"
    return 1.0, unit


def _pyplot() -> Any:
    import matplotlib
    from cycler import cycler

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A fixed hash salt and no date make the SVG text the same from run to run.
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "flopcast",
                         "axes.prop_cycle": cycler(color=PALETTE),
                         "axes.formatter.useoffset": False})  # fmt: skip
    return plt


def label(text: object) -> str:
    """Text from files made safe for a matplotlib label (``$`` would start mathtext)."""
    from flopcast.report.escape import plain

    return plain(text).replace("$", r"\$")


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def distribution_svg(
    samples: Any, unit: str, title: str, claimed: tuple[float | None, float | None] | None
) -> str:
    """Histogram of an output's samples, its median and 90% interval, and a claimed range."""
    plt = _pyplot()
    values = np.asarray(samples, dtype=float).reshape(-1)
    figure, axis = plt.subplots(figsize=FIGURE_SIZE)
    positive = bool(np.all(values > 0))
    spread = np.percentile(values, 99) / max(np.percentile(values, 1), 1e-300) if positive else 1.0
    divisor = 1.0
    if not (positive and spread > LOG_AXIS_SPREAD):
        divisor, unit = scaled_unit(values, unit)
        values = values / divisor
        if claimed is not None:
            claimed = tuple(None if end is None else end / divisor for end in claimed)  # type: ignore[assignment]
    low, median, high = np.percentile(values, [5, 50, 95])
    if np.ptp(values) <= CONSTANT_SPREAD * max(abs(median), np.finfo(float).tiny):
        axis.axvline(median, color="#1f4e79", linewidth=2, label="value")
        axis.set_yticks([])
    else:
        bins: Any = BINS
        if positive and spread > LOG_AXIS_SPREAD:
            bins = np.logspace(np.log10(values.min()), np.log10(values.max()), BINS)
            axis.set_xscale("log")
        axis.hist(values, bins=bins, color="#9ecae1", edgecolor="none")
        axis.axvline(median, color="#1f4e79", linewidth=1.5, label="median")
        axis.axvspan(low, high, color="#1f4e79", alpha=0.08, label="90% interval")
    if claimed is not None:
        claim_low, claim_high = claimed
        start = claim_low if claim_low is not None else axis.get_xlim()[0]
        end = claim_high if claim_high is not None else axis.get_xlim()[1]
        axis.axvspan(start, end, color="#e6550d", alpha=0.15, label="claimed")
    axis.set_xlabel(label(unit) or "value")
    axis.set_title(label(title), loc="left", fontsize=10)
    axis.legend(loc="upper right", fontsize=8, frameon=False)
    return _svg(figure)


def tornado_svg(shares: list[tuple[str, float]], title: str) -> str:
    """Horizontal bars: the share of an output's spread each input drives."""
    plt = _pyplot()
    names = [name for name, _ in shares][::-1]
    values = [share for _, share in shares][::-1]
    height = max(1.2, 0.35 * len(names) + 0.6)
    figure, axis = plt.subplots(figsize=(FIGURE_SIZE[0], height))
    axis.barh([label(n) for n in names], values, color="#3182bd")
    axis.set_xlim(0, 1)
    axis.set_xlabel("share of spread")
    axis.set_title(label(title), loc="left", fontsize=10)
    return _svg(figure)


def scatter_svg(
    points: dict[str, tuple[list[float], list[float]]], title: str, xlabel: str, ylabel: str
) -> str:
    """Log-log scatter of predicted (y) against measured (x), one colour per group."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6.0, 5.0))
    every = [v for xs, ys in points.values() for v in (*xs, *ys) if v > 0]
    low, high = min(every) / 1.5, max(every) * 1.5
    axis.plot([low, high], [low, high], color="black", linewidth=0.8)
    axis.fill_between([low, high], [low * 0.8, high * 0.8], [low * 1.2, high * 1.2],
                      color="grey", alpha=0.15, label="within 20%")  # fmt: skip
    for index, (name, (xs, ys)) in enumerate(points.items()):
        style = series_style(index)
        axis.scatter(xs, ys, s=18, label=label(name), color=style["color"],
                     marker=style["marker"], edgecolors=EDGE, linewidths=0.4)  # fmt: skip
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlim(low, high)
    axis.set_ylim(low, high)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.set_title(label(title), loc="left", fontsize=10)
    axis.legend(fontsize=7, frameon=False, loc="upper left")
    return _svg(figure)


def stacked_bars_svg(labels: list[str], parts: dict[str, list[float]], title: str) -> str:
    """One horizontal bar per label, split into named parts (a time breakdown)."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(7.0, max(1.5, 0.4 * len(labels) + 0.8)))
    left = np.zeros(len(labels))
    drawn = 0
    for name, values in parts.items():
        array = np.asarray(values, dtype=float)
        if np.any(array > 0):
            style = series_style(drawn)
            axis.barh(
                [label(x) for x in labels[::-1]],
                array[::-1],
                left=left[::-1],
                label=label(name.replace("_", " ")),
                color=style["color"],
                hatch=style["hatch"],
                edgecolor=EDGE,
                linewidth=0.3,
            )
            left += array
            drawn += 1
    axis.set_xlabel("seconds per step")
    axis.set_title(label(title), loc="left", fontsize=10)
    axis.legend(fontsize=7, frameon=False, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    return _svg(figure)


def goodput_svg(sizes: dict[str, list[dict[str, float]]], chips: float) -> str:
    """Goodput against cluster size, one line per recovery option (dots: the simulation),
    with the job's size marked; below it, Daly's optimal checkpoint interval."""
    plt = _pyplot()
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(6.0, 5.0), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )
    for name, rows in sizes.items():
        xs = [row["chips"] for row in rows]
        (line,) = top.plot(xs, [row["goodput"] for row in rows], label=label(name))
        top.scatter(xs, [row["goodput_simulated"] for row in rows], s=10, color=line.get_color())
        bottom.plot(xs, [row["daly_interval_min"] for row in rows], color=line.get_color())
    for axis in (top, bottom):
        axis.axvline(chips, color="grey", linewidth=0.8, linestyle=":")
        axis.set_xscale("log")
    top.set_ylim(0, 1)
    top.set_ylabel("goodput")
    top.legend(fontsize=7, frameon=False)
    bottom.set_yscale("log")
    bottom.set_ylabel("checkpoint every [min]")
    bottom.set_xlabel("accelerators")
    top.set_title("effective training time against cluster size", loc="left", fontsize=10)
    return _svg(figure)


def fan_svg(
    series: Sequence[tuple[float, Any]], title: str, x_label: str = "year", unit: str = ""
) -> str:
    """An output over years (or over a swept input, named by ``x_label``): its median and
    the bands holding 50% and 90% of the samples (log axis when it spans orders of
    magnitude), the y axis labelled with ``unit`` (scaled: ``$B``, ``PFLOP/s``)."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=FIGURE_SIZE)
    years = [year for year, _ in series]
    every = [float(v) for _, s in series for v in (s.percentiles.get(5.0, s.median),
                                                   s.percentiles.get(95.0, s.median))]  # fmt: skip
    spread = max(every) / min(every) if min(every) > 0 else 1.0
    divisor, unit = (1.0, unit) if spread > LOG_AXIS_SPREAD else scaled_unit(every, unit)

    def level(summary: Any, percent: float) -> float:
        return float(summary.percentiles.get(percent, summary.median)) / divisor

    low90 = [level(s, 5.0) for _, s in series]
    high90 = [level(s, 95.0) for _, s in series]
    axis.fill_between(years, low90, high90, color=PALETTE[1], alpha=0.18, label="90%")
    axis.fill_between(years, [level(s, 25.0) for _, s in series],
                      [level(s, 75.0) for _, s in series], color=PALETTE[1], alpha=0.35,
                      label="50%")  # fmt: skip
    axis.plot(years, [s.median / divisor for _, s in series], color=PALETTE[1], marker="o",
              markersize=3, label="median")  # fmt: skip
    positive = [v for v in (*low90, *high90) if v > 0]
    if (
        positive
        and len(positive) == len(low90) * 2
        and max(positive) / min(positive) > LOG_AXIS_SPREAD
    ):
        axis.set_yscale("log")
    axis.set_xlabel(label(x_label))
    if unit:
        axis.set_ylabel(label(unit))
    axis.set_title(label(title), loc="left", fontsize=10)
    axis.legend(fontsize=7, frameon=False, loc="upper left")
    return _svg(figure)


def binding_svg(shares: dict[int, dict[str, float]], title: str) -> str:
    """Stacked shares of sample paths in which each limit is the smallest, per year."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=FIGURE_SIZE)
    years = list(shares)
    names = list(next(iter(shares.values())))
    bottom = np.zeros(len(years))
    for index, name in enumerate(names):
        values = np.array([shares[year][name] for year in years])
        style = series_style(index)
        axis.bar(years, values, bottom=bottom, label=label(name), color=style["color"],
                 hatch=style["hatch"], edgecolor=EDGE, linewidth=0.3)  # fmt: skip
        bottom += values
    axis.set_ylim(0, 1)
    axis.set_ylabel("share of paths")
    axis.set_title(label(title), loc="left", fontsize=10)
    axis.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(figure)
