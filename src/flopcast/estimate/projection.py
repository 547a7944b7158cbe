"""Projections: what a power budget trains, as a multiple of a reference model's compute.

First principles: chips = power / all-in power per chip; compute = chips x peak x
utilization x duration (see :mod:`flopcast.estimate.cluster` and :mod:`.training`).
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity
from flopcast.estimate.cluster import chips_for_power
from flopcast.estimate.training import hardware_flops


def power_budget_flops(
    power: pint.Quantity,
    power_per_chip: pint.Quantity,
    peak: pint.Quantity,
    utilization: pint.Quantity,
    duration: pint.Quantity,
) -> pint.Quantity:
    """Training compute [FLOP] a facility of ``power`` [W] delivers over ``duration`` [s].

    = power / all-in power per chip [W/chip] x peak [FLOP/s/chip] x utilization x time.
    """
    chips = chips_for_power(power, power_per_chip)
    return hardware_flops(chips, peak, utilization, duration)


def compute_multiple(compute: pint.Quantity, reference: pint.Quantity) -> pint.Quantity:
    """How many times a reference run's compute [1] = compute [FLOP] / reference [FLOP]."""
    return quantity(
        magnitude(compute, "FLOP", "compute") / magnitude(reference, "FLOP", "reference"), ""
    )
