"""When to checkpoint, and what a failure costs between checkpoints.

Symbols (all times in the same unit, seconds here): ``w`` the time a checkpoint blocks
training (the write, or the copy to host memory when the write is asynchronous), ``M`` the
job's mean time to failure, ``R`` the restart cost (detect, reschedule, reload), ``tau`` the
compute between checkpoints.

* Young (1974), "A first order approximation to the optimum checkpoint interval", CACM
  17(9): ``tau* = sqrt(2 w M)``.
* Daly (2006), "A higher order estimate of the optimum checkpoint interval for restart
  dumps", Future Generation Computer Systems 22(3), doi:10.1016/j.future.2004.11.016:
  ``tau* = sqrt(2 w M) [1 + 1/3 sqrt(w / 2M) + 1/9 (w / 2M)] - w`` for ``w < 2M``, else
  ``tau* = M``; and the expected wall time of ``T_s`` of solve time under Poisson failures,
  ``T_w = M e^(R/M) (e^((tau + w)/M) - 1) T_s / tau``.

Functions take floats or NumPy arrays (element by element).
"""

from __future__ import annotations

import numpy as np

from flopcast.quantity.arrays import Numeric


def young_interval(write: Numeric, mttf: Numeric) -> Numeric:
    """Young's optimal compute time between checkpoints [s]: ``sqrt(2 w M)``."""
    return np.sqrt(2 * np.asarray(write) * mttf)


def daly_interval(write: Numeric, mttf: Numeric) -> Numeric:
    """Daly's higher-order optimal compute time between checkpoints [s]; ``M`` when the
    checkpoint takes at least twice the mean time to failure."""
    write, mttf = np.asarray(write, dtype=float), np.asarray(mttf, dtype=float)
    ratio = write / (2 * mttf)
    tau = np.sqrt(2 * write * mttf) * (1 + np.sqrt(ratio) / 3 + ratio / 9) - write
    result = np.where(write < 2 * mttf, tau, mttf)
    return float(result) if result.ndim == 0 else result


def daly_wall_time(
    solve: Numeric, interval: Numeric, write: Numeric, restart: Numeric, mttf: Numeric
) -> Numeric:
    """Expected wall time [s] to finish ``solve`` seconds of computation checkpointing every
    ``interval`` seconds of it, under Poisson failures of mean ``mttf`` (Daly 2006, eq. 20)."""
    wall: Numeric = (
        mttf
        * np.exp(np.asarray(restart) / mttf)
        * np.expm1((np.asarray(interval) + write) / mttf)
        * np.asarray(solve)
        / interval
    )
    return wall
