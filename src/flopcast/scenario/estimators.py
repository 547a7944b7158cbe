"""The estimate layer's functions, registered for scenario expressions.

Each row: expression name, function, how many arguments, and (for functions that are a
constant times a product of powers of their arguments) the powers, which keep sensitivity
exact. Text arguments (a scaling fit's name) do not count among the powers.
"""

from __future__ import annotations

from collections.abc import Callable

import pint

from flopcast.estimate import cluster, cost, inference, projection, scaling, training
from flopcast.scenario.functions import register

_Row = tuple[str, Callable[..., pint.Quantity], int, int, tuple[float, ...] | None]

_ROWS: list[_Row] = [
    ("all_in_power", cluster.all_in_power, 3, 3, (1, 1, 1)),
    ("chips_for_power", cluster.chips_for_power, 2, 2, (1, -1)),
    ("power_for_chips", cluster.power_for_chips, 2, 2, (1, 1)),
    ("cluster_flops", cluster.cluster_flops, 3, 3, (1, 1, 1)),
    ("h100_equivalents", cluster.h100_equivalents, 3, 3, (1, 1, -1)),
    ("dense_training_flops", training.dense_training_flops, 2, 2, (1, 1)),
    ("attention_flops", training.attention_flops, 5, 5, None),
    ("hardware_flops", training.hardware_flops, 4, 4, (1, 1, 1, 1)),
    ("solve_utilization", training.solve_utilization, 4, 4, (1, -1, -1, -1)),
    ("solve_duration", training.solve_duration, 4, 4, (1, -1, -1, -1)),
    ("solve_chips", training.solve_chips, 4, 4, (1, -1, -1, -1)),
    ("solve_tokens", training.solve_tokens, 2, 2, (1, -1)),
    ("solve_params", training.solve_params, 2, 2, (1, -1)),
    ("chip_hours", cost.chip_hours, 2, 2, (1, 1)),
    ("rental_cost", cost.rental_cost, 3, 3, (1, 1, 1)),
    ("ownership_cost", cost.ownership_cost, 6, 6, None),
    ("budget_chip_hours", cost.budget_chip_hours, 2, 2, (1, -1)),
    ("budget_flops", cost.budget_flops, 4, 4, (1, -1, 1, 1)),
    ("chinchilla_params", scaling.chinchilla_params, 1, 2, None),
    ("chinchilla_tokens", scaling.chinchilla_tokens, 1, 2, None),
    ("optimal_size_growth", scaling.optimal_size_growth, 1, 2, None),
    ("price_per_token", inference.price_per_token, 5, 5, None),
    ("active_params_for_price", inference.active_params_for_price, 5, 5, None),
    ("active_params_from_reference", inference.active_params_from_reference, 3, 3, (1, -1, 1)),
    ("power_budget_flops", projection.power_budget_flops, 5, 5, (1, -1, 1, 1, 1)),
    ("compute_multiple", projection.compute_multiple, 2, 2, (1, -1)),
]

for _name, _function, _least, _most, _powers in _ROWS:
    _doc = (_function.__doc__ or _name).strip().splitlines()[0]
    register(
        _name,
        _function,
        doc=_doc,
        min_args=_least,
        max_args=_most,
        exponents=None if _powers is None else tuple(float(p) for p in _powers),
    )
