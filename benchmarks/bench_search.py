"""Plan search speed and the layouts it finds (issue targets, measured in one run).

1. Llama 3 405B on 16,384 H100s, 8K sequences, 16M-token batch: plans evaluated per second
   by the vectorized search, against the same predictor called once per plan in a Python
   loop (the reference), and the whole search's wall time.
1b. The widest search: DeepSeek-V3 (MoE) on 16,384 H800s, 4K sequences, batches from 1M to
   256M tokens and both precisions (~1.2M plans), end to end in a fresh process: plans per
   second and peak memory (resident set, measured by the kernel), against a fresh process
   that only imports flopcast's search (the reference).
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
import subprocess
import sys
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
    loop_plans = [result.plan(i) for i in range(result.kept)]
    start = time.perf_counter()
    for plan in loop_plans:
        predict(model, hardware, plan, CAL)
    loop_rate = len(loop_plans) / (time.perf_counter() - start)
    rate = result.evaluated / result.seconds
    meta = search(model, hardware, CAL, devices=16384, seq_len=8192, global_batches=[2048],
                  restrict={"tp": [8], "pp": [16], "cp": [1]}, keep=1)  # fmt: skip
    return {
        "evaluated": result.evaluated,
        "feasible": result.feasible,
        "search_seconds": result.seconds,
        "plans_per_second": rate,
        "loop_plans_per_second": loop_rate,
        "vectorized_over_loop": rate / loop_rate,
        "best_tokens_per_s_per_device": float(result.tokens_per_s_per_device[0]),
        "best_plan": {f: float(getattr(result.plans, f)[0]) for f in FIELDS},
        "meta_layout_feasible": meta.feasible > 0,
        "meta_layout_tokens_per_s_per_device": (
            float(meta.tokens_per_s_per_device[0]) if meta.feasible else 0.0
        ),
        "meta_layout_recompute": float(meta.plans.recompute[0]) if meta.feasible else -1.0,
    }


#: The widest search, run in a fresh process so that its peak memory is its own.
WIDE_SEARCH = """
import json, resource, time
from flopcast.catalog.loader import builtin_catalog
from flopcast.parallel.calibration import default_calibration
from flopcast.parallel.layout import resolve
from flopcast.parallel.search import search
model, hardware, _ = resolve(builtin_catalog(), "deepseek-v3", "h800")
batches = [244 * 2**k for k in range(9)]  # 1M to 256M tokens of 4K sequences
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = search(model, hardware, default_calibration(), devices=16384, seq_len=4096,
                global_batches=batches, precisions=(0, 1))
print(json.dumps({"evaluated": result.evaluated, "feasible": result.feasible,
                  "seconds": result.seconds, "rss_before_kib": before,
                  "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def wide_search() -> dict[str, Any]:
    """The widest search's rate and peak memory, and the memory of the imports alone."""
    done = subprocess.run([sys.executable, "-c", WIDE_SEARCH], capture_output=True, text=True,
                          check=True)  # fmt: skip
    run = json.loads(done.stdout)
    return {
        **run,
        "plans_per_second": run["evaluated"] / run["seconds"],
        "peak_mib": run["rss_peak_kib"] / 1024,
        "search_mib": (run["rss_peak_kib"] - run["rss_before_kib"]) / 1024,
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

#: The widest search's targets: plans per second end to end, peak memory [MiB], and the
#: default Llama 3 405B search's seconds.
TARGET_WIDE_PLANS_PER_SECOND, TARGET_WIDE_PEAK_MIB, TARGET_DEFAULT_SECONDS = 1e6, 500.0, 0.1


def targets(llama: dict[str, object], wide: dict[str, Any]) -> dict[str, bool]:
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
        "wide_search_at_least_1M_plans_per_second": (
            wide["plans_per_second"] >= TARGET_WIDE_PLANS_PER_SECOND
        ),
        "wide_search_under_500_MiB": wide["peak_mib"] < TARGET_WIDE_PEAK_MIB,
        "default_search_under_0_1_s": seconds < TARGET_DEFAULT_SECONDS,
    }


if __name__ == "__main__":
    llama = llama_search()
    wide = wide_search()
    met = targets(llama, wide)
    report = {"llama3_405b_16k_h100": llama, "deepseek_v3_16k_h800_wide": wide,
              "minibatch": minibatch_argument(), "targets": met}  # fmt: skip
    print(json.dumps(report, indent=2))
    raise SystemExit(0 if all(met.values()) else 1)
