"""Inference economics: API price per token <-> active parameters, both ways.

First principles: a forward pass costs about 2 FLOP per active parameter per token
(Kaplan et al. 2020, sec. 2.1). At a sustained share ``utilization`` of an accelerator's peak,
one chip-second serves peak x utilization / (2 N) tokens, so the cost per token is
2 N / (peak x utilization) x price per chip-second, and the price adds a margin.

Calibrated alternative: if reference models of known size sell at known prices on similar
hardware, price is roughly proportional to active parameters, so N = price x N_ref / price_ref.
"""

from __future__ import annotations

import pint

from flopcast.estimate._units import magnitude, quantity

#: Inference FLOP per active parameter per token (one forward pass; Kaplan et al. 2020).
INFERENCE_FLOP_PER_PARAMETER_TOKEN = 2.0


def price_per_token(
    active_params: pint.Quantity,
    chip_price: pint.Quantity,
    peak: pint.Quantity,
    utilization: pint.Quantity,
    margin: pint.Quantity,
) -> pint.Quantity:
    """API price [USD/Mtoken] for a model of ``active_params`` [parameter].

    = 2 N / (peak [FLOP/s/chip] x utilization) [chip*s/token] x chip price [USD/chip/s]
    x (1 + margin) x 1e6 tokens.
    """
    seconds_per_token = (
        INFERENCE_FLOP_PER_PARAMETER_TOKEN
        * magnitude(active_params, "parameter", "active_params")
        / (magnitude(peak, "FLOP/s/chip", "peak") * magnitude(utilization, "", "utilization"))
    )
    usd_per_token = seconds_per_token * magnitude(chip_price, "USD/chip/s", "chip_price")
    usd_per_token = usd_per_token * (1 + magnitude(margin, "", "margin"))
    return quantity(usd_per_token, "USD/token").to("USD/Mtoken")


def active_params_for_price(
    price: pint.Quantity,
    chip_price: pint.Quantity,
    peak: pint.Quantity,
    utilization: pint.Quantity,
    margin: pint.Quantity,
) -> pint.Quantity:
    """Active parameters [parameter] implied by an API price [USD/token]: the inverse of
    :func:`price_per_token`."""
    per_parameter = price_per_token(
        quantity(1.0, "parameter"), chip_price, peak, utilization, margin
    )
    ratio = magnitude(price, "USD/Mtoken", "price") / magnitude(
        per_parameter, "USD/Mtoken", "price"
    )
    return quantity(ratio, "parameter")


def active_params_from_reference(
    price: pint.Quantity, reference_price: pint.Quantity, reference_params: pint.Quantity
) -> pint.Quantity:
    """Active parameters [parameter] = price / reference price x reference active parameters.

    Assumes price proportional to active parameters (same hardware, utilization and margin).
    """
    ratio = magnitude(price, "USD/Mtoken", "price") / magnitude(
        reference_price, "USD/Mtoken", "reference_price"
    )
    return quantity(
        ratio * magnitude(reference_params, "parameter", "reference_params"), "parameter"
    )
