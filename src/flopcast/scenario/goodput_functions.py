"""Goodput functions for scenario expressions (see :mod:`flopcast.goodput`): units checked
here, the formulas work on plain sample arrays."""

from __future__ import annotations

import numpy as np
import pint

from flopcast.estimate._units import magnitude, quantity
from flopcast.goodput.checkpoint import daly_interval
from flopcast.goodput.ettr import ettr_exact, ettr_replicas
from flopcast.scenario.signature import Function, function

#: Unit of a failure rate per accelerator.
RATE_UNIT = "1/chip/s"


def _job_rate(chips: pint.Quantity, failure_rate: pint.Quantity) -> np.ndarray | float:
    """Failures per second of the whole job."""
    return magnitude(chips, "chip", "chips") * magnitude(failure_rate, RATE_UNIT, "failure_rate")


def job_mttf(chips: pint.Quantity, failure_rate: pint.Quantity) -> pint.Quantity:
    """Mean time to failure [h] of a job of ``chips`` accelerators [chip] failing at
    ``failure_rate`` each [1/chip/time]: 1 / (chips x rate) (Kokolis et al. 2024,
    arXiv:2410.21680, sec. 4)."""
    return quantity(1 / _job_rate(chips, failure_rate) / 3600, "hour")


def checkpoint_interval(write: pint.Quantity, mttf: pint.Quantity) -> pint.Quantity:
    """Daly's (2006) optimal compute time between checkpoints [s] for a checkpoint that blocks
    training ``write`` [time] and a job MTTF ``mttf`` [time]."""
    return quantity(
        daly_interval(magnitude(write, "s", "write"), magnitude(mttf, "s", "mttf")), "s"
    )


def goodput(
    chips: pint.Quantity,
    failure_rate: pint.Quantity,
    restart: pint.Quantity,
    write: pint.Quantity,
    interval: pint.Quantity | None = None,
) -> pint.Quantity:
    """Effective training time ratio [1] of a synchronous job under Poisson failures: the
    renewal model's ``rate interval e^(-rate restart) / expm1(rate (interval + write))``
    (:mod:`flopcast.goodput.ettr`), checkpointing at Daly's optimum unless ``interval`` is
    given. ``restart``, ``write`` and ``interval`` are times."""
    rate = _job_rate(chips, failure_rate)
    seconds = magnitude(write, "s", "write")
    tau = (
        daly_interval(seconds, 1 / rate)
        if interval is None
        else magnitude(interval, "s", "interval")
    )
    return quantity(ettr_exact(rate, magnitude(restart, "s", "restart"), tau, seconds), "")


def goodput_replicas(
    chips: pint.Quantity,
    failure_rate: pint.Quantity,
    stall: pint.Quantity,
    recovery: pint.Quantity,
    replicas: pint.Quantity,
) -> pint.Quantity:
    """Effective training time ratio [1] with replica-level fault tolerance (FT-HSDP,
    arXiv:2602.00277): a failure stalls every replica for ``stall`` [time] and one for
    ``recovery`` [time]; ``e^(-rate stall) (1 - rate recovery / replicas)``."""
    rate = _job_rate(chips, failure_rate)
    return quantity(
        ettr_replicas(
            rate,
            magnitude(stall, "s", "stall"),
            magnitude(recovery, "s", "recovery"),
            magnitude(replicas, "", "replicas"),
        ),
        "",
    )


def time_to_train(
    tokens: pint.Quantity, throughput: pint.Quantity, goodput_ratio: pint.Quantity
) -> pint.Quantity:
    """Wall time [day] to train ``tokens`` [token] at a steady ``throughput`` [token/time]
    of which ``goodput_ratio`` [1] is kept: tokens / (throughput x goodput)."""
    seconds = magnitude(tokens, "token", "tokens") / (
        magnitude(throughput, "token/s", "throughput")
        * magnitude(goodput_ratio, "", "goodput_ratio")
    )
    return quantity(seconds / 86_400, "day")


#: The goodput functions, as expression functions.
GOODPUT_FUNCTIONS: tuple[Function, ...] = (
    function("job_mttf", job_mttf, exponents=(-1.0, -1.0)),
    function("checkpoint_interval", checkpoint_interval),
    function("goodput", goodput),
    function("goodput_replicas", goodput_replicas),
    function("time_to_train", time_to_train, exponents=(1.0, -1.0, -1.0)),
)
