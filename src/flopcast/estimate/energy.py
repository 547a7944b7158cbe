"""Energy and emissions of a training run, as model cards and Patterson et al. compute them.

Energy [MWh] = accelerator-hours x power per accelerator x PUE: the power is the chip's TDP
in most model cards (Llama 2, Table 2: "peak power capacity per GPU device ... adjusted for
power usage efficiency"), or measured system power (Patterson et al. 2021, "Carbon Emissions
and Large Neural Network Training", arXiv:2104.10350, sec. 2 and Table 4: MWh = hours x
processors x average power x PUE). Emissions [t CO2e] = energy x the grid's carbon
intensity [g CO2e/kWh] (Patterson et al. eq. 2; location-based, before offsets).
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity


def training_energy(
    chip_hours: pint.Quantity, power_per_chip: pint.Quantity, pue: pint.Quantity
) -> pint.Quantity:
    """Facility energy of a run [MWh] = accelerator-hours [chip*hour] x power [W/chip] x PUE
    [1] (Patterson et al. 2021, sec. 2; Llama 2 Table 2 uses TDP and a PUE factor)."""
    hours = magnitude(chip_hours, "chip*hour", "chip_hours")
    power = magnitude(power_per_chip, "MW/chip", "power_per_chip")
    return quantity(hours * power * magnitude(pue, "", "pue"), "MWh")


def emissions(energy: pint.Quantity, intensity: pint.Quantity) -> pint.Quantity:
    """Location-based emissions [t CO2e] = energy [MWh] x grid carbon intensity [g/kWh]
    (Patterson et al. 2021, eq. 2; 1 g/kWh = 1 kg/MWh = 0.001 t/MWh)."""
    tonnes = magnitude(energy, "kWh", "energy") * magnitude(intensity, "t/kWh", "intensity")
    return quantity(tonnes, "t")
