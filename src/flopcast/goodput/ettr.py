"""Effective training time ratio (ETTR, goodput): the share of wall time that becomes kept
training progress when a synchronous job fails, restarts and loses its work since the last
checkpoint.

Symbols: ``rate`` the job's failure rate (its accelerators times the failure rate of one;
1 / MTTF) [1/s]; ``restart`` the time from a failure until training runs again (detect,
reschedule, reload the checkpoint) [s]; ``interval`` the compute between checkpoints [s];
``write`` the time a checkpoint blocks training [s].

The job is a renewal process: failures are a Poisson process; a cycle between two failures,
of length ``X ~ Exp(rate)``, first restarts, then runs blocks of ``interval`` compute and
``write`` checkpointing, and keeps only the completed blocks' compute (a failure during a
restart restarts it; one during a write loses that block).

* Exact (:func:`ettr_exact`): the completed blocks after the restart number
  ``floor(Y / (interval + write))`` with ``Y ~ Exp(rate)`` (memoryless), whose mean is
  ``1 / (e^(rate (interval + write)) - 1)``, so ``ETTR = rate interval e^(-rate restart) /
  (e^(rate (interval + write)) - 1)``: the inverse of Daly's (2006) expected wall time per
  unit of work.
* First order (Kokolis, Kuchnik et al. 2024, "Revisiting Reliability in Large-Scale Machine
  Learning Research Clusters", arXiv:2410.21680, eq. 10, for a long job that never waits in a
  queue): ``ETTR = [1 - rate (restart + interval / 2)] / (1 + write / interval)``: each
  failure costs the restart and half an interval of lost work. It is the exact form to first
  order in ``rate``, and the arithmetic published figures use; at an MTTF not far above the
  restart it undercounts what is kept (a failure during a restart only extends it).
* Monte Carlo (:func:`ettr_monte_carlo`): many simulated cycles, which check both.
* Replica-level fault tolerance (FT-HSDP: Salpekar et al. 2026, "Training LLMs with Fault
  Tolerant HSDP on 100,000 GPUs", arXiv:2602.00277; DiLoCo sites likewise): the data-parallel
  replicas are the failure domains. A failure stalls the whole job for ``stall`` (detect the
  dead replica, reconfigure the all-reduce, redo the step in flight), then only the failed
  replica restarts and catches up from its peers for ``recovery`` while the others train, at
  ``(k - 1) / k`` of the throughput with ``k`` replicas; no work is lost, because the
  surviving replicas hold the state. To first order in the rate, as the paper computes its
  figures, ``ETTR = 1 - rate (stall + recovery / k)`` (:func:`ettr_replicas_first_order`).
  With Poisson failures a stall covers the job with probability ``1 - e^(-rate stall)`` (a
  failure within the last ``stall``), and ``rate x recovery`` replicas are recovering on
  average (Little's law), so ``ETTR = e^(-rate stall) (1 - rate recovery / k)``
  (:func:`ettr_replicas`); :func:`ettr_replicas_monte_carlo` sweeps a simulated timeline of
  overlapping stalls and recoveries to check it. Checkpoints then only guard against losing
  every replica and cost ``write`` per ``interval`` as before.
"""

from __future__ import annotations

import numpy as np

from flopcast.quantity.arrays import Numeric

#: Failure cycles a Monte Carlo estimate draws: ETTR to about +/-0.2% (the relative
#: standard error of a mean of n exponential cycles is 1 / sqrt(n)).
MONTE_CARLO_CYCLES = 200_000


def ettr_exact(rate: Numeric, restart: Numeric, interval: Numeric, write: Numeric) -> Numeric:
    """The renewal model's ETTR: ``rate interval e^(-rate restart) / expm1(rate (interval +
    write))``."""
    rate = np.asarray(rate, dtype=float)
    kept = rate * interval * np.exp(-rate * restart)
    return kept / np.expm1(rate * (np.asarray(interval) + write))


def ettr_closed_form(rate: Numeric, restart: Numeric, interval: Numeric, write: Numeric) -> Numeric:
    """Kokolis et al.'s first-order ETTR (eq. 10), clipped at 0 where failures outpace
    progress."""
    return _first_order(rate, np.asarray(restart) + np.asarray(interval) / 2, interval, write)


def _first_order(rate: Numeric, lost: Numeric, interval: Numeric, write: Numeric) -> Numeric:
    """``(1 - rate lost) / (1 + write / interval)``, clipped at 0: each failure costs
    ``lost`` seconds [s] and each checkpoint blocks ``write`` seconds per ``interval``."""
    return np.maximum(1 - np.asarray(rate) * lost, 0.0) / (1 + np.asarray(write) / interval)


def ettr_monte_carlo(
    rate: float,
    restart: float,
    interval: float,
    write: float,
    *,
    cycles: int = MONTE_CARLO_CYCLES,
    seed: int = 0,
) -> float:
    """ETTR of the renewal model, from ``cycles`` simulated failure cycles."""
    rng = np.random.default_rng(seed)
    lengths = rng.exponential(1 / rate, cycles)
    running = np.maximum(lengths - restart, 0.0)
    kept = np.floor(running / (interval + write)) * interval
    return float(kept.sum() / lengths.sum())


def ettr_replicas_first_order(
    rate: Numeric,
    stall: Numeric,
    recovery: Numeric,
    replicas: Numeric,
    interval: Numeric = np.inf,
    write: Numeric = 0.0,
) -> Numeric:
    """First-order ETTR with replica-level fault tolerance: ``1 - rate (stall + recovery /
    replicas)``, over ``1 + write / interval`` when checkpoints still block."""
    return _first_order(rate, np.asarray(stall) + np.asarray(recovery) / replicas, interval, write)


def ettr_replicas(
    rate: Numeric,
    stall: Numeric,
    recovery: Numeric,
    replicas: Numeric,
    interval: Numeric = np.inf,
    write: Numeric = 0.0,
) -> Numeric:
    """ETTR with replica-level fault tolerance under Poisson failures: ``e^(-rate stall)
    (1 - rate recovery / replicas)``, over ``1 + write / interval`` when checkpoints block."""
    rate = np.asarray(rate, dtype=float)
    running = np.exp(-rate * stall) * np.maximum(1 - rate * np.asarray(recovery) / replicas, 0.0)
    result: Numeric = running / (1 + np.asarray(write) / interval)
    return result


def ettr_replicas_monte_carlo(
    rate: float,
    stall: float,
    recovery: float,
    replicas: int,
    *,
    failures: int = MONTE_CARLO_CYCLES,
    seed: int = 0,
) -> float:
    """ETTR of replica-level fault tolerance from a simulated timeline of ``failures``
    Poisson failures: nothing trains while any stall runs, and each replica still recovering
    removes ``1 / replicas`` of the throughput (at most all of it)."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1 / rate, failures))
    horizon = float(times[-1])
    # Events: (time, change in stalls, change in replicas down).
    at = np.concatenate([times, times + stall, times + stall, times + stall + recovery])
    stalls = np.concatenate([np.ones(failures), -np.ones(failures), np.zeros(2 * failures)])
    down = np.concatenate([np.zeros(2 * failures), np.ones(failures), -np.ones(failures)])
    order = np.argsort(at, kind="stable")
    at, stalls, down = np.minimum(at[order], horizon), stalls[order], down[order]
    stalled, missing = np.cumsum(stalls), np.cumsum(down)
    throughput = np.where(stalled > 0, 0.0, np.maximum(1 - missing / replicas, 0.0))
    spans = np.diff(np.append(at, horizon))
    trained = float((throughput * spans).sum()) + float(at[0])  # full speed before the first
    return trained / horizon
