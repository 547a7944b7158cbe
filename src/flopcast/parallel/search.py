"""Plan search: every valid layout of a model on a cluster, evaluated at once, ranked.

Candidates are the cross product of the degrees below, filtered by the plan rules
(:func:`flopcast.parallel.plan.infeasibility` as boolean masks) and by memory, then
evaluated as NumPy arrays by the same :func:`flopcast.parallel.steptime.predict` that
``predict`` uses for one plan. Candidates are processed in chunks, so memory stays bounded
and a progress callback can report.

Enumerated: TP and CP as powers of two (TP up to the heads and 2x the scale-up domain), PP as
powers of two up to the layers, virtual stages 1-8 with PP > 1, EP as powers of two dividing
the experts (MoE only), micro-batches 1-8, recomputation none/selective/full, ZeRO 1 or 3,
and each acceptable global batch. All objectives rank by throughput at a fixed device count
(time-to-train and cost per token are both inversely proportional to it); they differ in
what is reported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.errors import InputError
from flopcast.parallel.architecture import Architecture
from flopcast.parallel.calibration import Calibration
from flopcast.parallel.hardware import Hardware
from flopcast.parallel.plan import Plan
from flopcast.parallel.steptime import predict

#: Largest virtual-stage count tried.
MAX_VIRTUAL_STAGES = 8

#: Micro-batch sizes tried [sequences].
MICRO_BATCHES = (1, 2, 4, 8)

#: ZeRO stages tried: the distributed optimizer (1) and full sharding (3). Stages 0 and 2 are
#: never better in this model (0 only adds memory; 2 saves less than 3 at the same traffic).
ZERO_CHOICES = (1, 3)

#: Most candidate plans a search enumerates before the plan rules filter them.
MAX_GRID = 20_000_000

#: Candidates evaluated per chunk (bounds memory: ~100 arrays of this many float64s).
CHUNK = 200_000

#: Plan fields, in the order of the candidate table's columns.
FIELDS = ("tp", "pp", "dp", "cp", "ep", "vpp", "micro_batch", "global_batch", "seq_len",
          "recompute", "zero", "sequence_parallel", "fp8", "async_tp")  # fmt: skip


@dataclass(frozen=True)
class SearchResult:
    """What a search found."""

    evaluated: int
    """Candidates that passed the plan rules and were evaluated."""
    feasible: int
    """Of those, the ones that fit memory."""
    seconds: float
    """Wall time of the search."""
    plans: Plan
    """The feasible plans, best first, as arrays."""
    step_time: np.ndarray
    tokens_per_s_per_device: np.ndarray
    mfu: np.ndarray
    memory_gib: np.ndarray
    breakdown: dict[str, np.ndarray]

    def plan(self, index: int) -> Plan:
        """The ``index``-th best plan as scalars."""
        return Plan(**{f: _scalar(getattr(self.plans, f)[index]) for f in FIELDS})


def _scalar(value: Any) -> Any:
    number = float(value)
    return int(number) if number.is_integer() else number


def _powers_of_two(limit: float) -> list[int]:
    return [2**k for k in range(0, 31) if 2**k <= limit]


def candidates(
    model: Architecture,
    hardware: Hardware,
    devices: int,
    seq_len: int,
    global_batches: Sequence[int],
    precisions: Sequence[int] = (0,),
) -> np.ndarray:
    """Every candidate that passes the plan rules, one row per plan, columns :data:`FIELDS`.

    Built as a NumPy cross product and filtered with boolean masks (no loop per plan).
    """
    tp_limit = min(model.heads, 2 * hardware.scale_up_domain)
    tps = [t for t in _powers_of_two(tp_limit) if model.heads % t == 0
           and (model.kv_heads % t == 0 or t % model.kv_heads == 0)
           and model.ffn % t == 0 and model.expert_ffn % t == 0]  # fmt: skip
    experts = max(model.experts, 1)
    axes = {
        "tp": tps,
        "pp": _powers_of_two(min(model.layers, devices)),
        "cp": [c for c in _powers_of_two(min(devices, 64)) if seq_len % (2 * c) == 0],
        "ep": [e for e in _powers_of_two(experts) if experts % e == 0],
        "vpp": list(range(1, MAX_VIRTUAL_STAGES + 1)),
        "micro_batch": list(MICRO_BATCHES),
        "global_batch": list(global_batches),
        "recompute": [0, 1, 2],
        "zero": list(ZERO_CHOICES),
        "fp8": list(precisions),
    }
    size = math.prod(len(values) for values in axes.values())
    if size > MAX_GRID:
        raise InputError(
            f"the search would enumerate {size:,} candidate plans, more than {MAX_GRID:,}; "
            "narrow the batch range or the precisions"
        )
    grids = np.meshgrid(*[np.asarray(v, dtype=float) for v in axes.values()], indexing="ij")
    c = {name: grid.reshape(-1) for name, grid in zip(axes, grids, strict=True)}
    dp = devices / (c["tp"] * c["pp"] * c["cp"])
    ok = (dp == np.floor(dp)) & (dp >= 1)
    ok &= (c["pp"] > 1) | (c["vpp"] == 1)
    ok &= c["pp"] * c["vpp"] <= model.layers
    ok &= np.mod(c["global_batch"], np.maximum(dp * c["micro_batch"], 1)) == 0
    ok &= np.mod(dp * c["cp"], c["ep"]) == 0
    columns = {**{k: v[ok] for k, v in c.items()}, "dp": dp[ok]}
    columns["seq_len"] = np.full(int(ok.sum()), float(seq_len))
    columns["sequence_parallel"] = np.ones(int(ok.sum()))
    columns["async_tp"] = np.zeros(int(ok.sum()))  # the plain (blocking) TP most frameworks run
    return np.stack([columns[f] for f in FIELDS], axis=1)


def search(
    model: Architecture,
    hardware: Hardware,
    cal: Calibration,
    *,
    devices: int,
    seq_len: int,
    global_batches: Sequence[int],
    precisions: Sequence[int] = (0,),
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Evaluate every valid plan and return the feasible ones, fastest first."""
    start = time.perf_counter()
    table = candidates(model, hardware, devices, seq_len, global_batches, precisions)
    kept: list[tuple[np.ndarray, Any]] = []
    for first in range(0, len(table), CHUNK):
        chunk = table[first : first + CHUNK]
        plan = Plan(**{f: chunk[:, i] for i, f in enumerate(FIELDS)})
        result = predict(model, hardware, plan, cal)
        fits = np.asarray(result.memory.total) <= hardware.hbm_bytes
        kept.append((chunk[fits], _select(result, fits)))
        if progress is not None:
            progress(min(first + CHUNK, len(table)), len(table))
    rows = np.concatenate([k[0] for k in kept]) if kept else np.empty((0, len(FIELDS)))
    merged = _merge([k[1] for k in kept])
    order = np.argsort(-merged["tokens"], kind="stable")
    ranked = Plan(**{f: rows[order, i] for i, f in enumerate(FIELDS)})
    return SearchResult(
        evaluated=len(table),
        feasible=len(rows),
        seconds=time.perf_counter() - start,
        plans=ranked,
        step_time=merged["step_time"][order],
        tokens_per_s_per_device=merged["tokens"][order],
        mfu=merged["mfu"][order],
        memory_gib=merged["memory"][order],
        breakdown={k: v[order] for k, v in merged["breakdown"].items()},
    )


def _select(result: Any, mask: np.ndarray) -> dict[str, Any]:
    return {
        "step_time": np.asarray(result.step_time)[mask],
        "tokens": np.asarray(result.tokens_per_s_per_device)[mask],
        "mfu": np.asarray(result.mfu)[mask],
        "memory": np.asarray(result.memory.total)[mask] / 2**30,
        "breakdown": {
            k: np.broadcast_to(np.asarray(v, dtype=float), mask.shape)[mask]
            for k, v in result.breakdown.items()
        },
    }


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    if not parts:
        empty = np.empty(0)
        return {"step_time": empty, "tokens": empty, "mfu": empty, "memory": empty, "breakdown": {}}
    merged: dict[str, Any] = {
        key: np.concatenate([p[key] for p in parts])
        for key in ("step_time", "tokens", "mfu", "memory")
    }
    merged["breakdown"] = {
        key: np.concatenate([p["breakdown"][key] for p in parts]) for key in parts[0]["breakdown"]
    }
    return merged


def why_slower(result: SearchResult, index: int) -> str:
    """Why plan ``index`` loses to the best: the time component that grows most per token,
    in seconds per million tokens, beside the net gap."""
    tokens = result.plans.global_batch * result.plans.seq_len
    per_mtoken = 1e6 / tokens
    deltas = {
        key: float(values[index] * per_mtoken[index] - values[0] * per_mtoken[0])
        for key, values in result.breakdown.items()
    }
    worst = max(deltas, key=lambda key: deltas[key])
    gap = float(result.step_time[index] * per_mtoken[index] - result.step_time[0] * per_mtoken[0])
    if gap <= 0:
        return "ties the best"
    return (
        f"more {worst.replace('_', ' ')} (+{deltas[worst]:.3g} s per Mtoken; "
        f"net +{gap:.3g} s per Mtoken)"
    )
