"""Step-time model functions for scenario expressions.

``plan_step_time(model, accelerator, devices, tp, pp, vpp, seq_len, batch_tokens)`` and its
siblings ``plan_mfu`` and ``plan_tokens_per_s`` predict one plan with the step-time model
(:mod:`flopcast.parallel.steptime`): ``model`` and ``accelerator`` are catalog IDs in quotes,
``devices`` a chip count, ``tp``, ``pp`` and ``vpp`` degrees (data parallelism takes the
devices left), ``seq_len`` and ``batch_tokens`` token counts. Plans use sequence parallelism,
no recomputation, ZeRO-1 and BF16; the scenario's catalog and the built-in calibration.
Arguments must be point values (a plan is one layout).

``best_step_time(model, accelerator, devices, seq_len, batch_tokens)`` and ``best_mfu``
run the plan search (:mod:`flopcast.parallel.search`) and report its best plan that fits
memory. ``scale_up_domain(accelerator)`` is the chips of one scale-up domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pint

from flopcast.errors import InputError
from flopcast.estimate._units import magnitude, quantity
from flopcast.scenario.functions import ACTIVE_CATALOG, register


def _catalog() -> Any:
    """The evaluating scenario's catalog, or the built-in one."""
    from flopcast.catalog.loader import builtin_catalog

    return ACTIVE_CATALOG.get() or builtin_catalog()


def _point(value: pint.Quantity, unit: str, name: str) -> int:
    array = np.asarray(magnitude(value, unit, name))
    if array.size != 1:
        raise InputError(f"argument {name!r} of a plan must be a point value, not a distribution")
    return round(float(array.reshape(-1)[0]))


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"argument {name!r} must be a quoted catalog ID")
    return value


def _prediction(model: object, accelerator: object, *numbers: pint.Quantity) -> Any:
    from flopcast.parallel.calibration import default_calibration
    from flopcast.parallel.layout import build_plan, resolve
    from flopcast.parallel.steptime import predict

    devices, tp, pp, vpp, seq_len, batch = numbers
    architecture, hardware, _ = resolve(
        _catalog(),
        _text(model, "model"),
        _text(accelerator, "accelerator"),
    )
    plan = build_plan(
        architecture,
        devices=_point(devices, "chip", "devices"),
        tp=_point(tp, "", "tp"),
        pp=_point(pp, "", "pp"),
        vpp=_point(vpp, "", "vpp"),
        seq_len=_point(seq_len, "token", "seq_len"),
        global_batch_tokens=_point(batch, "token", "batch_tokens"),
    )
    return predict(architecture, hardware, plan, default_calibration())


def _metric(pick: Callable[[Any], pint.Quantity]) -> Callable[..., pint.Quantity]:
    def call(*arguments: Any) -> pint.Quantity:
        return pick(_prediction(*arguments))

    return call


_SIGNATURE = "(model, accelerator, devices, tp, pp, vpp, seq_len, batch_tokens)"

_METRICS: list[tuple[str, Callable[[Any], pint.Quantity], str]] = [
    ("plan_step_time", lambda p: quantity(float(p.step_time), "s"),
     "predicted seconds per optimizer step"),
    ("plan_mfu", lambda p: quantity(float(p.mfu), ""), "predicted model FLOPs utilization"),
    ("plan_tokens_per_s", lambda p: quantity(float(p.tokens_per_s_per_device), "token/s/chip"),
     "predicted tokens per second per device"),
]  # fmt: skip

for _name, _pick, _doc in _METRICS:
    register(_name, _metric(_pick), doc=f"{_doc} {_SIGNATURE}", min_args=8, max_args=8)


def _search(model: object, accelerator: object, *numbers: pint.Quantity) -> Any:
    from flopcast.parallel.calibration import default_calibration
    from flopcast.parallel.layout import resolve
    from flopcast.parallel.search import search

    devices, seq_len, batch = numbers
    catalog = _catalog()
    architecture, hardware, _ = resolve(
        catalog, _text(model, "model"), _text(accelerator, "accelerator")
    )
    seq = _point(seq_len, "token", "seq_len")
    result = search(
        architecture, hardware, default_calibration(), devices=_point(devices, "chip", "devices"),
        seq_len=seq, global_batches=[_point(batch, "token", "batch_tokens") // seq],
    )  # fmt: skip
    if result.feasible == 0:
        raise InputError(f"no plan of {architecture.name} fits on {hardware.name}")
    return result


_SEARCH_SIGNATURE = "(model, accelerator, devices, seq_len, batch_tokens)"

register(
    "best_step_time",
    lambda *a: quantity(float(_search(*a).step_time[0]), "s"),
    doc=f"step time of the best plan the search finds {_SEARCH_SIGNATURE}",
    min_args=5,
    max_args=5,
)
register(
    "best_mfu",
    lambda *a: quantity(float(_search(*a).mfu[0]), ""),
    doc=f"MFU of the best plan the search finds {_SEARCH_SIGNATURE}",
    min_args=5,
    max_args=5,
)


def _scale_up_domain(accelerator: object) -> pint.Quantity:
    from flopcast.parallel.hardware import hardware_from_catalog

    catalog = _catalog()
    entry = catalog.entry(_text(accelerator, "accelerator"), "accelerator")
    return quantity(float(hardware_from_catalog(entry, catalog).scale_up_domain), "chip")


register(
    "scale_up_domain",
    _scale_up_domain,
    doc="chips in one scale-up (NVLink, ICI) domain of an accelerator",
    min_args=1,
    max_args=1,
)
