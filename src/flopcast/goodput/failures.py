"""How often a job of N accelerators fails.

Failures of different nodes are independent and rare, so a job's failures form a Poisson
process whose rate is the sum of its nodes' rates: ``rate_job = N_nodes x r_f`` and
``MTTF = 1 / rate_job`` (Kokolis et al. 2024, arXiv:2410.21680, sec. 4: MTTF is proportional
to 1 / N_GPUs). The catalog keeps rates as the sources state them, per node-day, with the
node's accelerator count.
"""

from __future__ import annotations

from dataclasses import dataclass

from flopcast.catalog.model import Catalog, CatalogEntry
from flopcast.errors import InputError
from flopcast.quantity.arrays import Numeric
from flopcast.quantity.units import convert

#: Seconds per day.
DAY = 86_400.0

#: Prefix of the catalog fields that count unexpected interruptions by cause.
CAUSE_PREFIX = "unexpected_"


@dataclass(frozen=True)
class FailureRate:
    """A failure rate per accelerator, and where it came from."""

    per_chip: float
    """Failures per accelerator-second [1/s]."""
    source: str
    """What the rate was read from."""

    def job_rate(self, chips: Numeric) -> Numeric:
        """Failures per second of a job on ``chips`` accelerators."""
        return chips * self.per_chip

    def mttf(self, chips: Numeric) -> Numeric:
        """Mean time to failure [s] of a job on ``chips`` accelerators."""
        return 1 / self.job_rate(chips)


def _number(entry: CatalogEntry, field: str, unit: str) -> float:
    value = entry.number(field)
    low = float(convert(value.low * value.unit, unit).magnitude)
    high = float(convert(value.high * value.unit, unit).magnitude)
    return (low * high) ** 0.5 if low > 0 else (low + high) / 2


def catalog_failure_rate(catalog: Catalog, entry_id: str) -> FailureRate:
    """The failure rate of a catalog reliability entry: its ``failure_rate`` per node and
    ``node_size``; its job ``mttf`` at ``chips``; or its unexpected interruptions over its
    ``window`` and ``chips``."""
    entry = catalog.entry(entry_id, "reliability")
    if "failure_rate" in entry.numbers:
        per_node = _number(entry, "failure_rate", "1/s")
        return FailureRate(per_node / _number(entry, "node_size", "chip"), f"catalog {entry_id}")
    if "mttf" in entry.numbers and "chips" in entry.numbers:
        chip_seconds = _number(entry, "mttf", "s") * _number(entry, "chips", "chip")
        return FailureRate(1 / chip_seconds, f"catalog {entry_id} (job MTTF)")
    counts = interruption_counts(entry)
    if not counts or "window" not in entry.numbers or "chips" not in entry.numbers:
        raise InputError(
            f"reliability entry {entry_id!r} has no failure_rate, no mttf with chips, and no "
            "interruption counts with a window and a chip count",
            field=entry_id,
        )
    chip_seconds = _number(entry, "window", "s") * _number(entry, "chips", "chip")
    return FailureRate(sum(counts.values()) / chip_seconds, f"catalog {entry_id} (counts)")


def interruption_counts(entry: CatalogEntry) -> dict[str, int]:
    """Unexpected interruptions by cause (the ``unexpected_*`` fields), largest first."""
    counts = {
        name.removeprefix(CAUSE_PREFIX): round(value.low)
        for name, value in entry.numbers.items()
        if name.startswith(CAUSE_PREFIX)
    }
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def interruption_shares(entry: CatalogEntry) -> dict[str, float]:
    """Each cause's share of the unexpected interruptions, recomputed from the counts."""
    counts = interruption_counts(entry)
    total = sum(counts.values())
    return {cause: count / total for cause, count in counts.items()}
