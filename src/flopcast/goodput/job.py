"""The goodput of one training job: its failure rate, checkpoint cost and recovery mode in,
its mean time to failure, best checkpoint interval and effective training time out.

A checkpoint holds the model state a restart needs: BF16 weights and mixed-precision Adam's
FP32 master weights and two moments, ``WEIGHT_BYTES + OPTIMIZER_BYTES`` = 14 bytes per
parameter (ZeRO, Rajbhandari et al. 2020, sec. 3.1; gradients are not kept). Writing it to
storage blocks training for ``bytes / bandwidth``; an in-memory (or peer) checkpoint blocks
only for the copy out of HBM and is written to storage in the background.
"""

from __future__ import annotations

from dataclasses import dataclass

from flopcast.errors import InputError
from flopcast.goodput.checkpoint import daly_interval, young_interval
from flopcast.goodput.ettr import (
    ettr_closed_form,
    ettr_exact,
    ettr_monte_carlo,
    ettr_replicas,
    ettr_replicas_first_order,
    ettr_replicas_monte_carlo,
)
from flopcast.goodput.failures import FailureRate
from flopcast.parallel.memory import OPTIMIZER_BYTES, WEIGHT_BYTES

#: Bytes per parameter of a restartable checkpoint: BF16 weights and Adam's FP32 state.
CHECKPOINT_BYTES_PER_PARAMETER = WEIGHT_BYTES + OPTIMIZER_BYTES


def checkpoint_bytes(params: float) -> float:
    """Bytes of a model's restartable checkpoint."""
    return params * CHECKPOINT_BYTES_PER_PARAMETER


@dataclass(frozen=True, kw_only=True)
class Recovery:
    """How a job recovers from a failure."""

    restart: float
    """Seconds from a failure until a synchronous job trains again (detect, reschedule or
    swap in a spare, reload the checkpoint, first step)."""
    write: float
    """Seconds a checkpoint blocks training."""
    interval: float | None = None
    """Compute seconds between checkpoints; None for Daly's optimum."""
    replicas: int = 1
    """Data-parallel replicas that fail independently (1: no replica-level fault tolerance)."""
    stall: float = 0.0
    """With replicas: seconds a failure stops every replica."""
    recovery: float = 0.0
    """With replicas: seconds the failed replica takes to rejoin while the others train."""
    spares: float = 0.0
    """Spare accelerators held idle to replace failed ones, as a share of the job's."""

    def __post_init__(self) -> None:
        for name in ("restart", "write", "stall", "recovery", "spares"):
            if not getattr(self, name) >= 0:
                raise InputError(f"{name} must be at least 0, got {getattr(self, name)}")
        if self.interval is not None and not self.interval > 0:
            raise InputError(f"interval must be positive, got {self.interval}")
        if self.replicas < 1:
            raise InputError(f"replicas must be at least 1, got {self.replicas}")


@dataclass(frozen=True)
class Goodput:
    """A job's goodput, two ways."""

    chips: float
    mttf: float
    """Mean time to failure of the whole job [s]."""
    interval: float
    """Compute between checkpoints used [s]."""
    young_interval: float
    """Young's optimum [s]."""
    daly_interval: float
    """Daly's optimum [s]."""
    exact: float
    """ETTR of the renewal model (Poisson failures), in closed form."""
    first_order: float
    """ETTR to first order in the failure rate (Kokolis eq. 10, or the replica form): the
    arithmetic of published figures."""
    monte_carlo: float
    """ETTR by simulating the failure process (checks ``exact``)."""
    spares: float
    """Idle spare share; goodput per accelerator paid for is ETTR / (1 + spares)."""

    @property
    def per_chip_paid(self) -> float:
        """Effective training time per accelerator held, spares included."""
        return self.exact / (1 + self.spares)


def job_goodput(chips: float, rate: FailureRate, recovery: Recovery, seed: int = 0) -> Goodput:
    """Goodput of a job on ``chips`` accelerators failing at ``rate`` and recovering so."""
    job_rate = float(rate.job_rate(chips))
    mttf = 1 / job_rate
    young = float(young_interval(recovery.write, mttf))
    daly = float(daly_interval(recovery.write, mttf))
    interval = recovery.interval or max(daly, 1e-9)
    if recovery.replicas > 1:
        failure = (job_rate, recovery.stall, recovery.recovery, recovery.replicas)
        exact = float(ettr_replicas(*failure, interval, recovery.write))
        first = float(ettr_replicas_first_order(*failure, interval, recovery.write))
        simulated = ettr_replicas_monte_carlo(*failure, seed=seed) / (1 + recovery.write / interval)
    else:
        arguments = (job_rate, recovery.restart, interval, recovery.write)
        exact = float(ettr_exact(*arguments))
        first = float(ettr_closed_form(*arguments))
        simulated = ettr_monte_carlo(*arguments, seed=seed)
    return Goodput(chips, mttf, interval, young, daly, exact, first, simulated, recovery.spares)
