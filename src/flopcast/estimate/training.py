"""Training compute two ways, and solving for the one unknown.

*Operation counting* (Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
arXiv:2001.08361, sec. 2.1): a dense transformer spends about 6 FLOP per parameter per token
in training (2 forward, 4 backward), so C = 6 N D; for MoE models N is the active
parameters. Attention over the context adds 12 L d_attn s FLOP per token for full attention
(PaLM, Chowdhery et al. 2022, arXiv:2204.02311, appendix B: 6N + 12 L H Q T), half that for
causal attention, which only attends to earlier positions.

*Hardware-time*: C = chips x peak FLOP/s per chip x utilization x time.
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity
from flopcast.estimate.flop_convention import (
    ATTENTION_FLOP_FACTOR,
    CAUSAL_SHARE,
    TRAINING_FLOP_PER_PARAMETER_TOKEN,
)


def dense_training_flops(params: pint.Quantity, tokens: pint.Quantity) -> pint.Quantity:
    """Training compute [FLOP] = 6 [FLOP/parameter/token] x N [parameter] x D [token].

    Use active parameters for MoE models. Source: Kaplan et al. 2020, sec. 2.1.
    """
    product = magnitude(params, "parameter", "params") * magnitude(tokens, "token", "tokens")
    return quantity(TRAINING_FLOP_PER_PARAMETER_TOKEN * product, "FLOP")


def attention_flops(
    layers: pint.Quantity,
    attention_width: pint.Quantity,
    seq_len: pint.Quantity,
    tokens: pint.Quantity,
    causal: pint.Quantity,
) -> pint.Quantity:
    """Attention training compute [FLOP] beyond 6ND.

    = 12 x layers [1] x attention width (heads x head dim) [1] x sequence length [token]
    x tokens [token] x (1/2 if ``causal`` else 1). Source: PaLM (arXiv:2204.02311), app. B.
    """
    share = 1 - (1 - CAUSAL_SHARE) * (magnitude(causal, "", "causal") != 0)
    per_token = (
        ATTENTION_FLOP_FACTOR
        * magnitude(layers, "", "layers")
        * magnitude(attention_width, "", "attention_width")
        * magnitude(seq_len, "token", "seq_len")
    )
    return quantity(per_token * magnitude(tokens, "token", "tokens") * share, "FLOP")


def hardware_flops(
    chips: pint.Quantity, peak: pint.Quantity, utilization: pint.Quantity, duration: pint.Quantity
) -> pint.Quantity:
    """Compute delivered [FLOP] = chips [chip] x peak [FLOP/s/chip] x utilization [1] x time [s]."""
    rate = magnitude(chips, "chip", "chips") * magnitude(peak, "FLOP/s/chip", "peak")
    delivered = (
        rate * magnitude(utilization, "", "utilization") * magnitude(duration, "s", "duration")
    )
    return quantity(delivered, "FLOP")


def solve_utilization(
    flops: pint.Quantity, chips: pint.Quantity, peak: pint.Quantity, duration: pint.Quantity
) -> pint.Quantity:
    """Utilization [1] = compute [FLOP] / (chips x peak [FLOP/s/chip] x time [s])."""
    capacity = hardware_flops(chips, peak, quantity(1.0, ""), duration).magnitude
    return quantity(magnitude(flops, "FLOP", "flops") / capacity, "")


def solve_duration(
    flops: pint.Quantity, chips: pint.Quantity, peak: pint.Quantity, utilization: pint.Quantity
) -> pint.Quantity:
    """Training time [day] = compute [FLOP] / (chips x peak [FLOP/s/chip] x utilization)."""
    per_second = hardware_flops(chips, peak, utilization, quantity(1.0, "s")).magnitude
    return quantity(magnitude(flops, "FLOP", "flops") / per_second, "s").to("day")


def solve_chips(
    flops: pint.Quantity, peak: pint.Quantity, utilization: pint.Quantity, duration: pint.Quantity
) -> pint.Quantity:
    """Chips needed [chip] = compute [FLOP] / (peak [FLOP/s/chip] x utilization x time [s])."""
    per_chip = hardware_flops(quantity(1.0, "chip"), peak, utilization, duration).magnitude
    return quantity(magnitude(flops, "FLOP", "flops") / per_chip, "chip")


def solve_tokens(flops: pint.Quantity, params: pint.Quantity) -> pint.Quantity:
    """Training tokens [token] = compute [FLOP] / (6 x N [parameter]) (Kaplan et al. 2020)."""
    per_token = TRAINING_FLOP_PER_PARAMETER_TOKEN * magnitude(params, "parameter", "params")
    return quantity(magnitude(flops, "FLOP", "flops") / per_token, "token")


def solve_params(flops: pint.Quantity, tokens: pint.Quantity) -> pint.Quantity:
    """Parameters [parameter] = compute [FLOP] / (6 x D [token]) (Kaplan et al. 2020)."""
    per_parameter = TRAINING_FLOP_PER_PARAMETER_TOKEN * magnitude(tokens, "token", "tokens")
    return quantity(magnitude(flops, "FLOP", "flops") / per_parameter, "parameter")
