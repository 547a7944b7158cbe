"""Step-time model functions for scenario expressions.

``plan_step_time(model, accelerator, devices, tp, pp, vpp, seq_len, batch_tokens)`` and its
siblings ``plan_mfu`` and ``plan_tokens_per_s`` predict one plan with the step-time model
(:mod:`flopcast.parallel.steptime`): ``model`` and ``accelerator`` are catalog IDs in quotes,
``devices`` a chip count, ``tp``, ``pp`` and ``vpp`` degrees (data parallelism takes the
devices left), ``seq_len`` and ``batch_tokens`` token counts. Plans use sequence parallelism,
no recomputation, ZeRO-1, BF16 and flash attention; the scenario's catalog and the built-in
calibration. Arguments must be point values (a plan is one layout), and counts positive.
Each takes an optional last argument ``nic_bandwidth``, the scale-out (NIC) bandwidth per
accelerator per direction (``qty("400 Gbit/s")``, ``qty("50 GB/s")`` or an input) in place
of the accelerator's reference system's, so that a sweep can vary the network.

``best_step_time(model, accelerator, devices, seq_len, batch_tokens)`` and ``best_mfu``
run the plan search (:mod:`flopcast.parallel.search`) and report its best plan that fits
memory. ``scale_up_domain(accelerator)`` is the chips of one scale-up domain.

The functions are built for one catalog (:func:`plan_functions`): the scenario's own, with
its ``catalogs:`` applied, or the built-in one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pint

from flopcast.catalog.model import Catalog
from flopcast.errors import InputError
from flopcast.estimate._units import magnitude, quantity
from flopcast.scenario.signature import Function, Parameter, function


def _point(value: pint.Quantity, unit: str, name: str) -> int:
    array = np.asarray(magnitude(value, unit, name))
    if array.size != 1:
        raise InputError(f"argument {name!r} of a plan must be a point value, not a distribution")
    number = round(float(array.reshape(-1)[0]))
    if number < 1:
        raise InputError(f"argument {name!r} of a plan must be at least 1, got {number}")
    return number


#: The optional network argument of every plan function (last, so positions stay fixed).
_NIC = Parameter("nic_bandwidth", required=False)

_PLAN_ARGUMENTS = ("model", "accelerator", "devices", "tp", "pp", "vpp", "seq_len", "batch_tokens")
_SEARCH_ARGUMENTS = ("model", "accelerator", "devices", "seq_len", "batch_tokens")
_PLAN = (*(Parameter(n, text=n in ("model", "accelerator")) for n in _PLAN_ARGUMENTS), _NIC)
_SEARCH = (*(Parameter(n, text=n in ("model", "accelerator")) for n in _SEARCH_ARGUMENTS), _NIC)


def _nic_gbps(rest: tuple[pint.Quantity, ...]) -> float | None:
    """The optional ``nic_bandwidth`` argument in Gbit/s (None: the reference system's)."""
    if not rest:
        return None
    array = np.asarray(magnitude(rest[0], "Gbit/s", "nic_bandwidth"))
    if array.size != 1 or not float(array.reshape(-1)[0]) > 0:
        raise InputError("argument 'nic_bandwidth' of a plan must be one positive value")
    return float(array.reshape(-1)[0])


#: What each plan function reports of a prediction, and in which unit.
_METRICS: list[tuple[str, Callable[[Any], pint.Quantity], str]] = [
    ("plan_step_time", lambda p: quantity(float(p.step_time), "s"),
     "Predicted seconds per optimizer step of one plan."),
    ("plan_mfu", lambda p: quantity(float(p.mfu), ""),
     "Predicted model FLOPs utilization of one plan."),
    ("plan_tokens_per_s", lambda p: quantity(float(p.tokens_per_s_per_device), "token/s/chip"),
     "Predicted tokens per second per device of one plan."),
]  # fmt: skip


def plan_functions(catalog: Catalog | None) -> tuple[Function, ...]:
    """The step-time model's expression functions, looking up ``catalog`` (built-in: None)."""

    def lookup() -> Catalog:
        from flopcast.catalog.loader import builtin_catalog

        return catalog or builtin_catalog()

    def prediction(model: str, accelerator: str, *numbers: pint.Quantity) -> Any:
        from flopcast.parallel.calibration import default_calibration
        from flopcast.parallel.layout import build_plan, resolve
        from flopcast.parallel.steptime import predict

        devices, tp, pp, vpp, seq_len, batch, *rest = numbers
        nic = _nic_gbps(tuple(rest))
        architecture, hardware, _ = resolve(lookup(), model, accelerator, nic_gbps=nic)
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

    def best(model: str, accelerator: str, *numbers: pint.Quantity) -> Any:
        from flopcast.parallel.calibration import default_calibration
        from flopcast.parallel.layout import resolve
        from flopcast.parallel.search import search

        devices, seq_len, batch, *rest = numbers
        nic = _nic_gbps(tuple(rest))
        architecture, hardware, _ = resolve(lookup(), model, accelerator, nic_gbps=nic)
        seq = _point(seq_len, "token", "seq_len")
        sequences = _point(batch, "token", "batch_tokens") // seq
        if sequences < 1:
            raise InputError("argument 'batch_tokens' is less than one sequence")
        count = _point(devices, "chip", "devices")
        result = search(architecture, hardware, default_calibration(), devices=count,
                        seq_len=seq, global_batches=[sequences], keep=1)  # fmt: skip
        if result.feasible == 0:
            raise InputError(f"no plan of {architecture.name} fits on {hardware.name}")
        return result

    def metric(pick: Callable[[Any], pint.Quantity]) -> Callable[..., pint.Quantity]:
        return lambda *arguments: pick(prediction(*arguments))

    def scale_up_domain(accelerator: str) -> pint.Quantity:
        """Chips in one scale-up (NVLink, ICI) domain of an accelerator."""
        from flopcast.parallel.hardware import hardware_from_catalog

        entry = lookup().entry(accelerator, "accelerator")
        return quantity(float(hardware_from_catalog(entry, lookup()).scale_up_domain), "chip")

    return (
        *(function(name, metric(pick), doc=doc, params=_PLAN) for name, pick, doc in _METRICS),
        function("best_step_time", lambda *a: quantity(float(best(*a).step_time[0]), "s"),
                 doc="Step time of the best plan the search finds.", params=_SEARCH),
        function("best_mfu", lambda *a: quantity(float(best(*a).mfu[0]), ""),
                 doc="MFU of the best plan the search finds.", params=_SEARCH),
        function("scale_up_domain", scale_up_domain),
    )  # fmt: skip
