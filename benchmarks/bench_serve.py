"""The playground's answers to one slider move, against evaluating the scenario alone.

For each scenario, the time of :func:`flopcast.serve.session.evaluate_text` with one slider
moved (rewrite the text, load it twice, evaluate, find the sliders), while dragging (outputs
only) and on release (plus the tables and a figure per output), against the reference:
loading and evaluating the same text, in the same process, at the playground's default
2,000 samples. Each time is the
median of ``REPEATS`` runs after one warm-up (matplotlib's first import is not counted).

Run: python benchmarks/bench_serve.py
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from flopcast.files import load_yaml
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import scenario_from_data
from flopcast.serve.session import Settings, evaluate_text

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 7
SETTINGS = Settings(samples=2000, seed=0)
CASES = {
    "S03 (4 inputs, 1 output)": ("examples/seed/S03_current_models_compute.yaml", "utilization"),
    "S14 (step model, 2 outputs)": ("examples/seed/S14_llama3_step_time.yaml", "utilization"),
    "S29 trajectory (years)": ("examples/trajectories/s29_trajectory.yaml", None),
}


def _median_seconds(run: Any) -> float:
    run()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    report = {}
    for name, (relative, slider) in CASES.items():
        path = ROOT / relative
        text = path.read_text()
        moves = {slider: 50.0} if slider else {}

        def reference(path: Path = path, text: str = text) -> None:
            scenario = scenario_from_data(str(path), load_yaml(text, str(path)))
            evaluate(scenario, samples=SETTINGS.samples, seed=SETTINGS.seed)

        def drag(path: Path = path, text: str = text, moves: dict[str, float] = moves) -> None:
            result = evaluate_text(path, text, moves, SETTINGS, render=False)
            assert not result["errors"], result["errors"]

        def release(path: Path = path, text: str = text, moves: dict[str, float] = moves) -> None:
            result = evaluate_text(path, text, moves, SETTINGS)
            assert not result["errors"], result["errors"]

        evaluated = _median_seconds(reference)
        dragged, released = _median_seconds(drag), _median_seconds(release)
        report[name] = {
            "evaluate_ms": round(1000 * evaluated, 1),
            "drag_answer_ms": round(1000 * dragged, 1),
            "release_answer_ms": round(1000 * released, 1),
            "drag_over_evaluate": round(dragged / evaluated, 2),
            "release_over_evaluate": round(released / evaluated, 2),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
