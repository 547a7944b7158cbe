"""Speed of seed claim S03 with 1,000,000 samples: flopcast against squigglepy, whole processes.

Both run as fresh processes (import time counts), alternating, several rounds; the figure
reported is the ratio of median wall times measured in the same run, so machine noise
affects both sides alike. A third process, ``import_floor``, only imports NumPy and builds
flopcast's unit registry (pint): no run that checks units with pint can be faster, so its
ratio to squigglepy is the floor of flopcast's. Run:
python benchmarks/bench_s03.py [--rounds 5] [--samples N]

Needs the ``bench`` extra (``pip install '.[bench]'``) for squigglepy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "seed" / "S03_current_models_compute.yaml"


def wall_time(command: list[str]) -> float:
    """Seconds for one run of ``command``; raises if it fails."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=1_000_000)
    args = parser.parse_args()
    flopcast = [
        sys.executable,
        "-m",
        "flopcast",
        "run",
        str(SCENARIO),
        "--samples",
        str(args.samples),
        "--format",
        "json",
    ]
    squigglepy = [sys.executable, str(ROOT / "benchmarks" / "s03_squigglepy.py"), str(args.samples)]
    baseline = [sys.executable, "-c", "pass"]
    floor = [sys.executable, "-c", "import numpy; from flopcast.quantity.units import ureg"]
    times: dict[str, list[float]] = {
        "flopcast": [],
        "squigglepy": [],
        "python": [],
        "import_floor": [],
    }
    wall_time(flopcast)  # warm the file cache and pint's definition cache once
    for _ in range(args.rounds):
        times["flopcast"].append(wall_time(flopcast))
        times["squigglepy"].append(wall_time(squigglepy))
        times["python"].append(wall_time(baseline))
        times["import_floor"].append(wall_time(floor))
    medians = {name: statistics.median(values) for name, values in times.items()}
    report = {
        "samples": args.samples,
        "rounds": args.rounds,
        "median_seconds": medians,
        "speedup_vs_squigglepy": medians["squigglepy"] / medians["flopcast"],
        "flopcast_over_squigglepy": medians["flopcast"] / medians["squigglepy"],
        "import_floor_over_squigglepy": medians["import_floor"] / medians["squigglepy"],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
