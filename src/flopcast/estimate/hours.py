"""GPU-hour and throughput arithmetic: what model cards and papers actually report.

Sources report accelerator-hours (Llama 3.1: 30.84M H100-hours), tokens per second per GPU
(LLaMA: 380 tokens/s/GPU) or a forward cost per token (2 N); these turn them into
utilization, time and cost. FLOP per token for training is 6 N (Kaplan et al. 2020,
arXiv:2001.08361, sec. 2.1), for a forward pass 2 N; utilization is against the dense peak
(MFU, Chowdhery et al. 2022, "PaLM", arXiv:2204.02311, app. B).
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity
from flopcast.estimate.flop_convention import FORWARD_FLOP_PER_WEIGHT


def utilization_from_hours(
    compute: pint.Quantity, chip_hours: pint.Quantity, peak: pint.Quantity
) -> pint.Quantity:
    """Share of peak used over reported hours [1] = compute [FLOP] / (accelerator-hours
    [chip*hour] x peak [FLOP/s/chip])."""
    delivered = magnitude(chip_hours, "chip*s", "chip_hours") * magnitude(
        peak, "FLOP/s/chip", "peak"
    )
    return quantity(magnitude(compute, "FLOP", "compute") / delivered, "")


def hours_for_compute(
    compute: pint.Quantity, peak: pint.Quantity, utilization: pint.Quantity
) -> pint.Quantity:
    """Accelerator-hours a compute budget takes [chip*hour] = compute [FLOP] / (peak
    [FLOP/s/chip] x utilization [1])."""
    rate = magnitude(peak, "FLOP/hour/chip", "peak") * magnitude(utilization, "", "utilization")
    return quantity(magnitude(compute, "FLOP", "compute") / rate, "chip*hour")


def cost_from_hours(chip_hours: pint.Quantity, price: pint.Quantity) -> pint.Quantity:
    """Cost of reported hours [USD] = accelerator-hours [chip*hour] x price [USD/chip/hour]
    (DeepSeek-V3, arXiv:2412.19437, sec. 1: 2.788M H800-hours x $2 = $5.576M)."""
    hours = magnitude(chip_hours, "chip*hour", "chip_hours")
    return quantity(hours * magnitude(price, "USD/chip/hour", "price"), "USD")


def mfu_from_rate(
    tokens_per_s: pint.Quantity, flops_per_token: pint.Quantity, peak: pint.Quantity
) -> pint.Quantity:
    """Model FLOP utilization [1] = tokens per second per accelerator [token/s/chip] x FLOP
    per token [FLOP/token] / peak [FLOP/s/chip]."""
    achieved = magnitude(tokens_per_s, "token/s/chip", "tokens_per_s") * magnitude(
        flops_per_token, "FLOP/token", "flops_per_token"
    )
    return quantity(achieved / magnitude(peak, "FLOP/s/chip", "peak"), "")


def duration_from_rate(
    tokens: pint.Quantity, tokens_per_s: pint.Quantity, chips: pint.Quantity
) -> pint.Quantity:
    """Wall time [day] = tokens [token] / (tokens per second per accelerator [token/s/chip]
    x accelerators [chip])."""
    rate = magnitude(tokens_per_s, "token/day/chip", "tokens_per_s") * magnitude(
        chips, "chip", "chips"
    )
    return quantity(magnitude(tokens, "token", "tokens") / rate, "day")


def forward_flops_per_token(params: pint.Quantity) -> pint.Quantity:
    """Forward-pass FLOP per token [FLOP/token] = 2 x parameters [parameter] (one multiply
    and one add per weight; attention over the context excluded)."""
    return quantity(
        FORWARD_FLOP_PER_WEIGHT * magnitude(params, "parameter", "params"), "FLOP/token"
    )
