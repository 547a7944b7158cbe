"""Sweep speed on every local core, as a ratio to one process (measured in one run).

Two grids, each run with ``--workers 1`` (the reference), ``--workers N`` (N = the cores this
process may use) and ``auto``, end to end through the command line in fresh processes:
1. S03 at 24 points (utilization x chips) with 1,000,000 samples per point: sampling-bound.
2. The Llama 3 405B plan search at 16 points (devices x NIC bandwidth): search-bound.
Each time is the best of ``REPEATS`` runs. The rows of every run must be identical (the
same seed at every point), which this script checks.

Run: python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from flopcast.scenario.sweep_mappers import local_cores

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3

GRIDS = {
    "s03_sampling": [str(ROOT / "examples/seed/S03_current_models_compute.yaml"),
                     "--vary", "utilization=20%:60%:6", "--vary", "chips=25000:200000:4:log",
                     "--samples", "1000000"],
    "llama3_plans": [str(ROOT / "examples/sweeps/llama3_405b_plans.yaml"),
                     "--vary", "devices=2048:16384:4:log", "--vary", "nic_bandwidth=50:400:4:log",
                     "--samples", "10"],
}  # fmt: skip


def timed(arguments: list[str]) -> tuple[float, Any]:
    """Best wall seconds of the sweep over REPEATS fresh processes, and its rows."""
    best, rows = float("inf"), None
    for _ in range(REPEATS):
        start = time.perf_counter()
        command = [sys.executable, "-m", "flopcast", "sweep", *arguments, "--format", "json"]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        best = min(best, time.perf_counter() - start)
        rows = json.loads(done.stdout)
    return best, rows


def main() -> None:
    cores = local_cores()
    report: dict[str, Any] = {"cores": cores}
    for name, arguments in GRIDS.items():
        serial, rows = timed([*arguments, "--workers", "1"])
        parallel, parallel_rows = timed([*arguments, "--workers", str(cores)])
        auto, auto_rows = timed(arguments)
        assert parallel_rows == rows and auto_rows == rows, "rows differ between mappers"
        report[name] = {
            "points": len({json.dumps({k: v for k, v in r.items() if k not in
                                       ("output", "unit", "median", "p5", "p95", "verdict")})
                           for r in rows}),
            "serial_seconds": round(serial, 3),
            "parallel_seconds": round(parallel, 3),
            "auto_seconds": round(auto, 3),
            "parallel_over_serial": round(parallel / serial, 3),
            "auto_over_serial": round(auto / serial, 3),
        }  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
