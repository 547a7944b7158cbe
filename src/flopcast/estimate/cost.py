"""Time, accelerator-hours and cost: renting, or owning (amortized capex plus energy).

First principles: rental cost = chips x hours x price per chip-hour; ownership cost over a
run = chips x capex x (run time / useful life) + energy = chips x power x time x price.
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity


def chip_hours(chips: pint.Quantity, duration: pint.Quantity) -> pint.Quantity:
    """Accelerator-hours [chip*hour] = chips [chip] x time [hour]."""
    return quantity(
        magnitude(chips, "chip", "chips") * magnitude(duration, "hour", "duration"), "chip*hour"
    )


def rental_cost(
    chips: pint.Quantity, duration: pint.Quantity, price: pint.Quantity
) -> pint.Quantity:
    """Rental cost [USD] = chips [chip] x time [hour] x price [USD/chip/hour]."""
    hours = chip_hours(chips, duration).magnitude
    return quantity(hours * magnitude(price, "USD/chip/hour", "price"), "USD")


def ownership_cost(
    chips: pint.Quantity,
    duration: pint.Quantity,
    capex_per_chip: pint.Quantity,
    lifetime: pint.Quantity,
    power_per_chip: pint.Quantity,
    energy_price: pint.Quantity,
) -> pint.Quantity:
    """Cost of owning [USD] for a run: amortized capex plus energy.

    = chips [chip] x (capex [USD/chip] x time / lifetime + power [W/chip] x time x energy
    price [USD/kWh]); straight-line depreciation over the hardware's useful life.
    """
    count = magnitude(chips, "chip", "chips")
    hours = magnitude(duration, "hour", "duration")
    capex = (
        magnitude(capex_per_chip, "USD/chip", "capex_per_chip")
        * hours
        / magnitude(lifetime, "hour", "lifetime")
    )
    energy = (
        magnitude(power_per_chip, "kW/chip", "power_per_chip")
        * hours
        * magnitude(energy_price, "USD/kWh", "energy_price")
    )
    return quantity(count * (capex + energy), "USD")


def budget_chip_hours(budget: pint.Quantity, price: pint.Quantity) -> pint.Quantity:
    """Accelerator-hours a budget rents [chip*hour] = budget [USD] / price [USD/chip/hour]."""
    return quantity(
        magnitude(budget, "USD", "budget") / magnitude(price, "USD/chip/hour", "price"), "chip*hour"
    )


def budget_flops(
    budget: pint.Quantity, price: pint.Quantity, peak: pint.Quantity, utilization: pint.Quantity
) -> pint.Quantity:
    """Compute a budget buys [FLOP] = budget / price x peak [FLOP/s/chip] x utilization."""
    seconds = magnitude(budget_chip_hours(budget, price), "chip*s", "budget")
    rate = magnitude(peak, "FLOP/s/chip", "peak") * magnitude(utilization, "", "utilization")
    return quantity(seconds * rate, "FLOP")
