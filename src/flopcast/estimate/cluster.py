"""Clusters: power, chip counts, peak FLOP/s and H100-equivalents.

First principles: a cluster's power is its chip count times the all-in power per chip
(the chip's share of servers, network and cooling), and its compute is chips times peak
FLOP/s per chip times utilization.
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity


def all_in_power(
    tdp: pint.Quantity, server_overhead: pint.Quantity, pue: pint.Quantity
) -> pint.Quantity:
    """Facility power per chip [W/chip] = TDP [W/chip] x server overhead [1] x PUE [1].

    Server overhead is the server's power per accelerator over the accelerator's TDP (host
    CPUs, memory, NICs, fans, switches; e.g. DGX H100: 10.2 kW / 8 GPUs / 700 W = 1.82).
    PUE (power usage effectiveness) is facility power over IT power (The Green Grid, 2007).
    """
    watts = magnitude(tdp, "W/chip", "tdp")
    return quantity(
        watts * magnitude(server_overhead, "", "server_overhead") * magnitude(pue, "", "pue"),
        "W/chip",
    )


def chips_for_power(power: pint.Quantity, power_per_chip: pint.Quantity) -> pint.Quantity:
    """Chips a power budget supports [chip] = power [W] / all-in power per chip [W/chip]."""
    return quantity(
        magnitude(power, "W", "power") / magnitude(power_per_chip, "W/chip", "power_per_chip"),
        "chip",
    )


def power_for_chips(chips: pint.Quantity, power_per_chip: pint.Quantity) -> pint.Quantity:
    """Facility power [MW] = chips [chip] x all-in power per chip [W/chip] (first principles)."""
    watts = magnitude(chips, "chip", "chips") * magnitude(
        power_per_chip, "W/chip", "power_per_chip"
    )
    return quantity(watts / 1e6, "MW")


def cluster_flops(
    chips: pint.Quantity, peak: pint.Quantity, utilization: pint.Quantity
) -> pint.Quantity:
    """Sustained cluster compute [FLOP/s] = chips [chip] x peak [FLOP/s/chip] x utilization [1]."""
    rate = magnitude(chips, "chip", "chips") * magnitude(peak, "FLOP/s/chip", "peak")
    return quantity(rate * magnitude(utilization, "", "utilization"), "FLOP/s")


def h100_equivalents(
    chips: pint.Quantity, peak: pint.Quantity, reference_peak: pint.Quantity
) -> pint.Quantity:
    """Chips of a reference accelerator with the same peak compute [chip].

    = chips [chip] x peak [FLOP/s/chip] / reference peak [FLOP/s/chip], at one precision
    (e.g. dense BF16). Peak-for-peak: it ignores differences in achievable utilization.
    """
    ratio = magnitude(peak, "FLOP/s/chip", "peak") / magnitude(
        reference_peak, "FLOP/s/chip", "reference_peak"
    )
    return quantity(magnitude(chips, "chip", "chips") * ratio, "chip")
