"""Where a sweep's grid points run: this process, every local core, or a Dask cluster.

A mapper takes the point function and the jobs and returns the results in the jobs' order.
Each job is plain data (the varied scenario's YAML data, samples and seed) and each result a
brief of the outputs, so both cross process and machine boundaries by pickling; the seed is
the same at every point, so the results do not depend on where they ran.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from flopcast.errors import InputError

Job = TypeVar("Job")

#: Estimated serial seconds above which ``auto`` spreads the remaining points over the local
#: cores: starting a worker process costs about 0.1-0.3 s (a fork plus importing NumPy and
#: pint), so below about a second the pool costs more than it saves.
PARALLEL_MIN_SECONDS = 1.0

#: Seconds to wait for a Dask scheduler to answer.
DASK_CONNECT_SECONDS = 10


def local_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _pool_map(function: Callable[[Job], Any], jobs: list[Job], workers: int) -> list[Any]:
    if workers <= 1 or len(jobs) <= 1:
        return [function(job) for job in jobs]
    workers = min(workers, len(jobs))
    # Chunks of several points amortise the pickling; four per worker keep the load even.
    chunk = max(1, len(jobs) // (4 * workers))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, jobs, chunksize=chunk))


def process_mapper(workers: int | None) -> Callable[[Callable[[Job], Any], list[Job]], list[Any]]:
    """Run on ``workers`` local processes; None (``auto``): time the first point here, and
    if the rest would take over :data:`PARALLEL_MIN_SECONDS` run them on every local core."""

    def run(function: Callable[[Job], Any], jobs: list[Job]) -> list[Any]:
        if workers is not None:
            return _pool_map(function, jobs, workers)
        started = time.perf_counter()
        first = function(jobs[0])
        estimate = (time.perf_counter() - started) * (len(jobs) - 1)
        rest = jobs[1:]
        cores = local_cores() if estimate > PARALLEL_MIN_SECONDS else 1
        return [first, *_pool_map(function, rest, cores)]

    return run


def dask_mapper(address: str) -> Callable[[Callable[[Job], Any], list[Job]], list[Any]]:
    """Run on the Dask cluster whose scheduler listens at ``address`` (``tcp://host:8786``).
    Its workers need flopcast installed, at the same version. Needs the ``dask`` extra."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "--dask needs the 'dask' extra: pip install 'flopcast[dask]'", field="--dask"
        ) from None

    def run(function: Callable[[Job], Any], jobs: list[Job]) -> list[Any]:
        try:
            client = Client(address, timeout=DASK_CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as err:
            raise InputError(
                f"cannot reach a Dask scheduler at {address!r} ({err})", field="--dask"
            ) from None
        with client:
            futures = client.map(function, jobs, pure=False)
            return list(client.gather(futures))

    return run
