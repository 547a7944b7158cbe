"""Speed of ``flopcast check examples/seed`` against the code before the engineering issue,
measured in one run, and whether the output is byte for byte the same.

The reference is flopcast at commit :data:`REFERENCE` (after the verdicts work, before the
speed work), checked out into a temporary git worktree and run from its ``src`` with the
same interpreter and libraries. Both run as fresh processes, alternating, several rounds; the
figure is the ratio of median wall times. Run:  python benchmarks/bench_check.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The commit measured against: "Verdicts that cannot pass by choice" (issue 11).
REFERENCE = "e1b1cc7"

#: The issue's target: at least 40% less time than the reference.
TARGET_SAVING = 0.40


def timed(command: list[str], source: Path, cwd: Path) -> tuple[float, bytes]:
    """Seconds and standard output of one run of ``command`` with ``source`` on the path."""
    environment = {**os.environ, "PYTHONPATH": str(source)}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=environment, cwd=cwd)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    command = [sys.executable, "-m", "flopcast", "check", "examples/seed"]
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "reference"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), REFERENCE], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
        try:
            times: dict[str, list[float]] = {"current": [], "reference": []}
            outputs: dict[str, bytes] = {}
            for name, tree in (("current", ROOT), ("reference", old)):
                outputs[name] = timed(command, tree / "src", ROOT)[1]  # warm caches
            for _ in range(args.rounds):
                for name, tree in (("current", ROOT), ("reference", old)):
                    times[name].append(timed(command, tree / "src", ROOT)[0])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT,
                           check=False, capture_output=True)  # fmt: skip
    medians = {name: statistics.median(values) for name, values in times.items()}
    saving = 1 - medians["current"] / medians["reference"]
    report = {
        "reference_commit": REFERENCE,
        "rounds": args.rounds,
        "median_seconds": medians,
        "time_saved": saving,
        "output_identical": outputs["current"] == outputs["reference"],
        "targets_met": saving >= TARGET_SAVING and outputs["current"] == outputs["reference"],
    }
    print(json.dumps(report, indent=2))
    raise SystemExit(0 if report["targets_met"] else 1)


if __name__ == "__main__":
    main()
