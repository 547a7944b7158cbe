"""The estimate layer's functions, registered for scenario expressions.

Each row: expression name, function, and (for functions that are a constant times a product
of powers of their arguments) the powers, which keep sensitivity exact. Parameters, their
names and which are text come from the functions' signatures. Text arguments (a scaling
fit's name) do not count among the powers.
"""

from __future__ import annotations

from collections.abc import Callable

import pint

from flopcast.estimate import (
    cluster,
    cost,
    energy,
    growth,
    hours,
    inference,
    projection,
    scaling,
    training,
)
from flopcast.scenario.signature import Function, function

_Row = tuple[str, Callable[..., pint.Quantity], tuple[float, ...] | None]

_ROWS: list[_Row] = [
    ("all_in_power", cluster.all_in_power, (1, 1, 1)),
    ("chips_for_power", cluster.chips_for_power, (1, -1)),
    ("power_for_chips", cluster.power_for_chips, (1, 1)),
    ("cluster_flops", cluster.cluster_flops, (1, 1, 1)),
    ("h100_equivalents", cluster.h100_equivalents, (1, 1, -1)),
    ("dense_training_flops", training.dense_training_flops, (1, 1)),
    ("attention_flops", training.attention_flops, None),
    ("hardware_flops", training.hardware_flops, (1, 1, 1, 1)),
    ("solve_utilization", training.solve_utilization, (1, -1, -1, -1)),
    ("solve_duration", training.solve_duration, (1, -1, -1, -1)),
    ("solve_chips", training.solve_chips, (1, -1, -1, -1)),
    ("solve_tokens", training.solve_tokens, (1, -1)),
    ("solve_params", training.solve_params, (1, -1)),
    ("chip_hours", cost.chip_hours, (1, 1)),
    ("rental_cost", cost.rental_cost, (1, 1, 1)),
    ("ownership_cost", cost.ownership_cost, None),
    ("budget_chip_hours", cost.budget_chip_hours, (1, -1)),
    ("budget_flops", cost.budget_flops, (1, -1, 1, 1)),
    ("chinchilla_params", scaling.chinchilla_params, None),
    ("chinchilla_tokens", scaling.chinchilla_tokens, None),
    ("optimal_size_growth", scaling.optimal_size_growth, None),
    ("price_per_token", inference.price_per_token, None),
    ("active_params_for_price", inference.active_params_for_price, None),
    ("active_params_from_reference", inference.active_params_from_reference, (1, -1, 1)),
    ("power_budget_flops", projection.power_budget_flops, (1, -1, 1, 1, 1)),
    ("compute_multiple", projection.compute_multiple, (1, -1)),
    ("training_energy", energy.training_energy, (1, 1, 1)),
    ("emissions", energy.emissions, (1, 1)),
    ("utilization_from_hours", hours.utilization_from_hours, (1, -1, -1)),
    ("hours_for_compute", hours.hours_for_compute, (1, -1, -1)),
    ("cost_from_hours", hours.cost_from_hours, (1, 1)),
    ("mfu_from_rate", hours.mfu_from_rate, (1, 1, -1)),
    ("duration_from_rate", hours.duration_from_rate, (1, -1, -1)),
    ("forward_flops_per_token", hours.forward_flops_per_token, (1,)),
    ("grow", growth.grow, None),
    ("doubling", growth.doubling, None),
    ("declining_balance", growth.declining_balance, None),
]

#: The estimate layer's functions, as expression functions.
ESTIMATORS: tuple[Function, ...] = tuple(
    function(name, call, exponents=powers) for name, call, powers in _ROWS
)
