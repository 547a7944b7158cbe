"""Plan search speed and the layouts it finds (issue targets, measured in one run).

1. Llama 3 405B on 16,384 H100s, 8K sequences, 16M-token batch: plans evaluated per second
   by the vectorized search, against the same predictor called once per plan in a Python
   loop (the reference), and the whole search's wall time.
2. Meta's published layout (TP 8, PP 16, DP 128, CP 1): its best variant that fits memory,
   against the best plan found.
3. The seed's minibatch argument (S19-S24): a 3.5T dense model on ~500K GB200s in NVL72
   domains against the same compute as ~1.2M H100s in 8-GPU domains: the fewest sequences
   per minibatch (one per tensor x context parallel group inside a scale-up domain) and the
   predicted step time at that batch.

Run: python benchmarks/bench_search.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from flopcast.catalog.loader import load_catalog
from flopcast.parallel.calibration import default_calibration
from flopcast.parallel.layout import resolve
from flopcast.parallel.search import FIELDS, search
from flopcast.parallel.steptime import predict

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog([str(ROOT / "examples" / "seed" / "catalogs" / "hypothetical.yaml")])
CAL = default_calibration()


def llama_search() -> dict[str, Any]:
    model, hardware, _ = resolve(CATALOG, "llama3-405b", "h100-sxm")
    result = search(model, hardware, CAL, devices=16384, seq_len=8192, global_batches=[2048])
    loop_plans = [result.plan(i) for i in range(min(2000, result.feasible))]
    start = time.perf_counter()
    for plan in loop_plans:
        predict(model, hardware, plan, CAL)
    loop_rate = len(loop_plans) / (time.perf_counter() - start)
    rate = result.evaluated / result.seconds
    meta = np.where((result.plans.tp == 8) & (result.plans.pp == 16) & (result.plans.cp == 1))[0]
    best_meta = int(meta[0]) if len(meta) else None
    return {
        "evaluated": result.evaluated,
        "feasible": result.feasible,
        "search_seconds": result.seconds,
        "plans_per_second": rate,
        "loop_plans_per_second": loop_rate,
        "vectorized_over_loop": rate / loop_rate,
        "best_tokens_per_s_per_device": float(result.tokens_per_s_per_device[0]),
        "best_plan": {f: float(getattr(result.plans, f)[0]) for f in FIELDS},
        "meta_layout_feasible": best_meta is not None,
        "meta_layout_tokens_per_s_per_device": (
            float(result.tokens_per_s_per_device[best_meta]) if best_meta is not None else 0.0
        ),
        "meta_layout_recompute": (
            float(result.plans.recompute[best_meta]) if best_meta is not None else -1.0
        ),
    }


def minibatch_argument() -> list[dict[str, float]]:
    """Fewest sequences per minibatch and step time, by scale-up domain."""
    rows = []
    for accelerator, devices in (("gb200", 72 * 6944), ("h100-sxm", 8 * 150_000)):
        model, hardware, _ = resolve(CATALOG, "dense-3.5t", accelerator)
        group = 2 ** int(np.log2(hardware.scale_up_domain))  # TP x CP inside one domain
        sequences = devices // group
        result = search(model, hardware, CAL, devices=devices, seq_len=8192,
                        global_batches=[sequences])  # fmt: skip
        rows.append(
            {
                "accelerator": accelerator,
                "devices": devices,
                "scale_up_domain": hardware.scale_up_domain,
                "sequences_per_minibatch": sequences,
                "feasible_plans": result.feasible,
                "step_time_s": float(result.step_time[0]) if result.feasible else float("nan"),
                "mfu": float(result.mfu[0]) if result.feasible else float("nan"),
            }
        )
    return rows


#: The issue's targets: plans per second on one core, seconds for the whole search.
TARGET_PLANS_PER_SECOND, TARGET_SEARCH_SECONDS = 200_000, 5.0


def targets(llama: dict[str, object]) -> dict[str, bool]:
    """Which targets this run met."""
    rate, seconds = float(llama["plans_per_second"]), float(llama["search_seconds"])  # type: ignore[arg-type]
    best, meta = (
        float(llama["best_tokens_per_s_per_device"]),
        float(llama["meta_layout_tokens_per_s_per_device"]),
    )  # type: ignore[arg-type]
    return {
        "plans_per_second_at_least_200k": rate >= TARGET_PLANS_PER_SECOND,
        "search_under_5_s": seconds < TARGET_SEARCH_SECONDS,
        "meta_layout_feasible": bool(llama["meta_layout_feasible"]),
        "best_at_least_meta_layout": best >= meta,
    }


if __name__ == "__main__":
    llama = llama_search()
    report = {"llama3_405b_16k_h100": llama, "minibatch": minibatch_argument(),
              "targets": targets(llama)}  # fmt: skip
    print(json.dumps(report, indent=2))
    raise SystemExit(0 if all(targets(llama).values()) else 1)
