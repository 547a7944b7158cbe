"""The ``goodput`` command's output: JSON data, text lines, and an HTML page with goodput
against cluster size for each recovery option and the optimal checkpoint interval."""

from __future__ import annotations

import html
from typing import Any

from flopcast.goodput.failures import FailureRate
from flopcast.goodput.job import Goodput
from flopcast.goodput.planning import days_to_train

#: Seconds per hour and per minute, for display.
HOUR, MINUTE = 3600.0, 60.0


def _row(result: Goodput) -> dict[str, float]:
    return {
        "chips": result.chips,
        "mttf_h": result.mttf / HOUR,
        "young_interval_min": result.young_interval / MINUTE,
        "daly_interval_min": result.daly_interval / MINUTE,
        "interval_min": result.interval / MINUTE,
        "goodput": result.exact,
        "goodput_first_order": result.first_order,
        "goodput_simulated": result.monte_carlo,
        "goodput_per_chip_paid": result.per_chip_paid,
    }


def goodput_data(
    table: dict[str, list[Goodput]],
    chips: int,
    rate: FailureRate,
    throughput: float | None,
    train_tokens: float | None,
) -> dict[str, Any]:
    """The job's goodput under each option, the table across sizes, and days to train."""
    job = {name: next(r for r in results if r.chips == chips) for name, results in table.items()}
    data: dict[str, Any] = {
        "chips": chips,
        "failure_rate_per_chip_day": rate.per_chip * 86_400,
        "failure_rate_source": rate.source,
        "job": {name: _row(result) for name, result in job.items()},
        "sizes": {name: [_row(r) for r in results] for name, results in table.items()},
    }
    if throughput is not None and train_tokens is not None:
        data["train_tokens"] = train_tokens
        data["tokens_per_s"] = throughput
        data["days_without_failures"] = days_to_train(train_tokens, throughput, 1.0)
        data["days"] = {
            name: days_to_train(train_tokens, throughput, result.exact)
            for name, result in job.items()
        }
    return data


def goodput_lines(data: dict[str, Any]) -> list[str]:
    """The job's figures and the table across sizes, as text."""
    lines = [
        f"{data['chips']:,} accelerators at {data['failure_rate_per_chip_day']:.3g} failures "
        f"per accelerator-day ({data['failure_rate_source']})"
    ]
    for name, row in data["job"].items():
        lines.append(
            f"{name:<12} MTTF {row['mttf_h']:.3g} h; checkpoint every {row['interval_min']:.3g} "
            f"min (Young {row['young_interval_min']:.3g}, Daly {row['daly_interval_min']:.3g}); "
            f"goodput {row['goodput']:.1%} (simulated {row['goodput_simulated']:.1%}; first "
            f"order {row['goodput_first_order']:.1%})"
        )
    if "days" in data:
        lines.append(
            f"{data['train_tokens']:.3g} tokens at {data['tokens_per_s']:.3g} tokens/s: "
            f"{data['days_without_failures']:.1f} days without failures; "
            + "; ".join(f"{name} {days:.1f} days" for name, days in data["days"].items())
        )
    names = list(data["sizes"])
    lines.append(f"{'accelerators':>12} {'MTTF h':>8} " + " ".join(f"{n:>12}" for n in names))
    for index, row in enumerate(data["sizes"][names[0]]):
        cells = " ".join(f"{data['sizes'][n][index]['goodput']:>12.1%}" for n in names)
        lines.append(f"{row['chips']:>12,.0f} {row['mttf_h']:>8.3g} {cells}")
    return lines


def goodput_html(data: dict[str, Any]) -> str:
    """A page with goodput against cluster size per option, and the optimal interval."""
    from flopcast.report.figures import goodput_svg
    from flopcast.report.html import figure_html, page

    svg = goodput_svg(data["sizes"], data["chips"])
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in goodput_lines(data)[:3])
    caption = (
        "goodput (lines: Poisson failures in closed form; dots: simulation) against cluster "
        "size; below, Daly's optimal "
        "compute time between checkpoints"
    )
    return page("flopcast goodput", "<h1>flopcast goodput</h1>" + lines + figure_html(svg, caption))
