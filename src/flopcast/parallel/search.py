"""Plan search: every valid layout of a model on a cluster, evaluated in chunks, the best kept.

The candidates are the cross product of the axes below. Only the layout's device count is
used to prune before the cross product (DP is ``devices / (TP x PP x CP)``, so a (TP, PP, CP)
whose product does not divide the devices has no DP); every other rule is the plan rules'
table (:data:`flopcast.parallel.plan.RULES`), applied to each chunk of candidates as boolean
masks. A chunk is built from its flat indices (``numpy.unravel_index``), filtered, evaluated
on contiguous columns by the same :func:`flopcast.parallel.steptime.predict` that ``predict``
uses for one plan, and merged into the best ``keep`` plans, so memory stays bounded by the
chunk size whatever the grid.

Enumerated: TP and CP as powers of two (TP up to the heads and 2x the scale-up domain), PP as
powers of two up to the layers, virtual stages 1-8, EP as powers of two dividing the experts
(MoE only), micro-batches 1-8, recomputation none/selective/full, ZeRO 1 or 3, each
acceptable global batch and each precision asked for. All objectives rank by throughput at a
fixed device count (time-to-train and cost per token are both inversely proportional to it);
they differ in what is reported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from flopcast.errors import InputError
from flopcast.parallel.architecture import Architecture
from flopcast.parallel.calibration import Calibration
from flopcast.parallel.choices import Precision, Recompute
from flopcast.parallel.hardware import Hardware
from flopcast.parallel.plan import Plan, feasible
from flopcast.parallel.steptime import StepPrediction, predict

Columns = dict[str, NDArray[np.float64]]

#: Largest virtual-stage count tried.
MAX_VIRTUAL_STAGES = 8

#: Micro-batch sizes tried [sequences].
MICRO_BATCHES = (1, 2, 4, 8)

#: ZeRO stages tried: the distributed optimizer (1) and full sharding (3). Stages 0 and 2 are
#: never better in this model (0 only adds memory; 2 saves less than 3 at the same traffic).
ZERO_CHOICES = (1, 3)

#: Most candidate plans a search enumerates before the plan rules filter them.
MAX_GRID = 20_000_000

#: Candidates built and evaluated per chunk: the predictor holds ~100 arrays of this length
#: (~80 MB of float64), which bounds a search's memory whatever its grid.
CHUNK = 100_000

#: Plans a search keeps, best first, unless told otherwise.
DEFAULT_KEEP = 1000

#: Plan fields, in the order of the candidate table's columns.
FIELDS = ("tp", "pp", "dp", "cp", "ep", "vpp", "micro_batch", "global_batch", "seq_len",
          "recompute", "zero", "sequence_parallel", "fp8", "async_tp")  # fmt: skip


@dataclass(frozen=True)
class SearchResult:
    """What a search found: its counts, and its best plans as arrays, best first."""

    evaluated: int
    """Candidates that passed the plan rules and were evaluated."""
    feasible: int
    """Of those, the ones that fit memory."""
    seconds: float
    """Wall time of the search."""
    plans: Plan
    """The best feasible plans (at most ``keep``), best first, as arrays."""
    step_time: NDArray[np.float64]
    tokens_per_s_per_device: NDArray[np.float64]
    mfu: NDArray[np.float64]
    memory_gib: NDArray[np.float64]
    breakdown: Columns

    @property
    def kept(self) -> int:
        """How many plans the result holds."""
        return len(self.step_time)

    def plan(self, index: int) -> Plan:
        """The ``index``-th best plan as scalars."""
        return Plan(**{f: _scalar(getattr(self.plans, f)[index]) for f in FIELDS})


def _scalar(value: float) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _powers_of_two(limit: float) -> list[int]:
    return [2**k for k in range(0, 31) if 2**k <= limit]


def search_axes(
    model: Architecture,
    hardware: Hardware,
    devices: int,
    global_batches: Sequence[int],
    precisions: Sequence[int] = (Precision.BF16,),
    restrict: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, list[float]]:
    """The values tried on each axis. ``restrict`` narrows any axis to the values given
    (``{"tp": [8]}``; ``dp`` too, though DP follows from the others)."""
    tp_limit = min(model.heads, 2 * hardware.scale_up_domain)
    experts = max(model.experts, 1)
    axes: dict[str, list[int]] = {
        "tp": _powers_of_two(tp_limit),
        "pp": _powers_of_two(min(model.layers, devices)),
        "cp": _powers_of_two(min(devices, 64)),
        "ep": [e for e in _powers_of_two(experts) if experts % e == 0],
        "vpp": list(range(1, MAX_VIRTUAL_STAGES + 1)),
        "micro_batch": list(MICRO_BATCHES),
        "global_batch": list(global_batches),
        "recompute": [int(code) for code in Recompute],
        "zero": list(ZERO_CHOICES),
        "fp8": [int(code) for code in precisions],
    }
    for name, values in (restrict or {}).items():
        if name not in axes and name != "dp":
            raise InputError(f"cannot restrict {name!r}; axes: {', '.join(axes)}, dp")
        if name in axes:
            axes[name] = [int(v) for v in values]
    return {name: [float(v) for v in values] for name, values in axes.items()}


#: The axes in enumeration order (ties in throughput keep the first plan enumerated), in
#: stages: after each stage the rules that read only the fields known so far prune the table,
#: so the cross product never holds what a rule already excludes. The last stage's choices
#: break no rule and are expanded lazily, a chunk at a time.
_STAGES = (("tp", "pp", "cp"), ("ep",), ("vpp",), ("micro_batch", "global_batch"),
           ("recompute", "zero", "fp8"))  # fmt: skip


def _cross(table: Columns, axes: dict[str, list[float]], names: Sequence[str]) -> Columns:
    """Every row of ``table`` with every combination of ``names``' values (row-major)."""
    grids = np.meshgrid(*[np.asarray(axes[n]) for n in names], indexing="ij")
    combos = {n: g.reshape(-1) for n, g in zip(names, grids, strict=True)}
    rows = len(next(iter(table.values()))) if table else 1
    width = len(next(iter(combos.values())))
    crossed = {k: np.repeat(v, width) for k, v in table.items()}
    crossed.update({k: np.tile(v, rows) for k, v in combos.items()})
    return crossed


def _pruned(table: Columns, fixed: Columns, model: Architecture, devices: int) -> Columns:
    """``table`` without the rows that break a rule whose fields are all known."""
    ok = feasible(Plan(**table, **fixed), model, devices, fields=[*table, *fixed])
    return {k: np.ascontiguousarray(v[ok]) for k, v in table.items()}


@dataclass(frozen=True)
class Candidates:
    """The plans a search evaluates: ``layouts`` (every rule-keeping combination of the
    axes that rules read) times ``choices`` (the free choices), :attr:`count` in all."""

    layouts: Columns
    choices: Columns
    seq_len: int

    @property
    def count(self) -> int:
        """Plans in all."""
        return len(self.layouts["tp"]) * len(self.choices["recompute"])

    def chunks(self, size: int = CHUNK) -> Iterator[Plan]:
        """The plans, ``size`` at a time, on contiguous columns."""
        width = len(self.choices["recompute"])
        for start in range(0, self.count, size):
            index = np.arange(start, min(start + size, self.count))
            row, combo = np.divmod(index, width)
            count = len(index)
            yield Plan(
                **{k: v[row] for k, v in self.layouts.items()},
                **{k: v[combo] for k, v in self.choices.items()},
                seq_len=np.full(count, float(self.seq_len)),
                sequence_parallel=np.ones(count),
                async_tp=np.zeros(count),  # the plain (blocking) TP most frameworks run
            )


def candidates(
    model: Architecture,
    hardware: Hardware,
    devices: int,
    seq_len: int,
    global_batches: Sequence[int],
    precisions: Sequence[int] = (Precision.BF16,),
    restrict: Mapping[str, Sequence[int]] | None = None,
) -> Candidates:
    """Every plan that keeps the plan rules (built stage by stage, see :data:`_STAGES`)."""
    axes = search_axes(model, hardware, devices, global_batches, precisions, restrict)
    size = math.prod(len(values) for values in axes.values())
    if size > MAX_GRID:
        raise InputError(
            f"the search would enumerate {size:,} candidate plans, more than {MAX_GRID:,}; "
            "narrow the batch range or the precisions"
        )
    fixed = {"seq_len": np.asarray(float(seq_len))}
    table: Columns = {}
    for stage in _STAGES[:-1]:
        table = _cross(table, axes, stage)
        if "dp" not in table:
            table["dp"] = devices / (table["tp"] * table["pp"] * table["cp"])
            if restrict and "dp" in restrict:
                table = {k: v[np.isin(table["dp"], restrict["dp"])] for k, v in table.items()}
        table = _pruned(table, fixed, model, devices)
    return Candidates(layouts=table, choices=_cross({}, axes, _STAGES[-1]), seq_len=seq_len)


def search(
    model: Architecture,
    hardware: Hardware,
    cal: Calibration,
    *,
    devices: int,
    seq_len: int,
    global_batches: Sequence[int],
    precisions: Sequence[int] = (Precision.BF16,),
    restrict: Mapping[str, Sequence[int]] | None = None,
    keep: int = DEFAULT_KEEP,
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Evaluate every valid plan and return the ``keep`` fastest that fit memory, best first."""
    start = time.perf_counter()
    best: _Best | None = None
    evaluated = fitting = 0
    plans = candidates(model, hardware, devices, seq_len, global_batches, precisions, restrict)
    for plan in plans.chunks():
        prediction = predict(model, hardware, plan, cal)
        fits = np.asarray(prediction.memory.total) <= hardware.hbm_bytes
        evaluated += len(fits)
        fitting += int(fits.sum())
        best = _Best.of(plan, prediction, fits).merged(best, keep)
        if progress is not None:
            progress(evaluated, plans.count)
    kept = best or _Best.empty()
    return SearchResult(
        evaluated=evaluated,
        feasible=fitting,
        seconds=time.perf_counter() - start,
        plans=Plan(**kept.columns),
        step_time=kept.step_time,
        tokens_per_s_per_device=kept.tokens,
        mfu=kept.mfu,
        memory_gib=kept.memory_gib,
        breakdown=kept.breakdown,
    )


@dataclass(frozen=True)
class _Best:
    """The best plans seen so far, best first."""

    columns: Columns
    step_time: NDArray[np.float64]
    tokens: NDArray[np.float64]
    mfu: NDArray[np.float64]
    memory_gib: NDArray[np.float64]
    breakdown: Columns

    @staticmethod
    def empty() -> _Best:
        nothing = np.empty(0)
        return _Best({f: nothing for f in FIELDS}, nothing, nothing, nothing, nothing, {})

    @staticmethod
    def of(plan: Plan, prediction: StepPrediction, mask: NDArray[np.bool_]) -> _Best:
        """The plans of one chunk that fit memory."""

        def pick(values: object) -> NDArray[np.float64]:
            return np.broadcast_to(np.asarray(values, dtype=float), mask.shape)[mask]

        return _Best(
            columns={f: pick(getattr(plan, f)) for f in FIELDS},
            step_time=pick(prediction.step_time),
            tokens=pick(prediction.tokens_per_s_per_device),
            mfu=pick(prediction.mfu),
            memory_gib=pick(prediction.memory.total) / 2**30,
            breakdown={k: pick(v) for k, v in prediction.breakdown.items()},
        )

    def merged(self, other: _Best | None, keep: int) -> _Best:
        """The best ``keep`` of both, fastest first (ties keep enumeration order)."""
        parts = [self] if other is None else [other, self]
        tokens = np.concatenate([p.tokens for p in parts])
        order = np.argsort(-tokens, kind="stable")[:keep]

        def join(arrays: list[NDArray[np.float64]]) -> NDArray[np.float64]:
            return np.concatenate(arrays)[order]

        return _Best(
            columns={f: join([p.columns[f] for p in parts]) for f in FIELDS},
            step_time=join([p.step_time for p in parts]),
            tokens=tokens[order],
            mfu=join([p.mfu for p in parts]),
            memory_gib=join([p.memory_gib for p in parts]),
            breakdown={k: join([p.breakdown[k] for p in parts]) for k in self.breakdown},
        )


def why_slower(result: SearchResult, index: int) -> str:
    """Why plan ``index`` loses to the best: the time component that grows most per token,
    in seconds per million tokens, beside the net gap."""
    tokens = np.asarray(result.plans.global_batch) * np.asarray(result.plans.seq_len)
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
