"""What the ``predict``, ``search`` and ``sites`` commands ask of the step model, by catalog
names: the command line parses options and prints, and everything between happens here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flopcast.catalog.model import Catalog
from flopcast.errors import InputError
from flopcast.parallel.architecture import Architecture, architecture_from_catalog
from flopcast.parallel.calibration import Calibration, default_calibration
from flopcast.parallel.hardware import Hardware
from flopcast.parallel.layout import build_plan, cluster_network, resolve
from flopcast.parallel.plan import Plan
from flopcast.parallel.search import SearchResult, search
from flopcast.parallel.steptime import StepPrediction, predict

#: Sequence length when neither the caller nor the model's catalog entry gives one.
DEFAULT_SEQ_LEN = 4096

#: Most global batches a batch range may open (powers of two apart).
MAX_BATCHES = 16

#: A rounded batch that lets this many times more plans fit than the requested one is worth
#: a warning (fewer layouts divide a batch with few factors of two: 1,953 sequences split
#: only into DP x micro-batch products of 3, 7, 31 and 63).
ROUNDING_GAIN = 2


@dataclass(frozen=True)
class PlanPrediction:
    """One plan of a model on an accelerator, its prediction and the calibration's interval."""

    model: Architecture
    hardware: Hardware
    plan: Plan
    prediction: StepPrediction
    interval: tuple[float, float]
    """80% interval of measured over predicted throughput in the hardware's regime."""


def predict_plan(
    catalog: Catalog,
    model_id: str,
    accelerator_id: str | None,
    *,
    devices: int,
    cluster_id: str | None = None,
    nic_gbps: float | None = None,
    seq_len: int | None = None,
    **degrees: Any,
) -> PlanPrediction:
    """Predict one plan (degrees and choices as :func:`build_plan` takes them); a plan that
    does not fit the accelerator's memory is an InputError that says what would lower it."""
    model, hardware, seq_default = resolve(
        catalog, model_id, accelerator_id, cluster_id=cluster_id, nic_gbps=nic_gbps
    )
    plan = build_plan(
        model, devices=devices, seq_len=seq_len or seq_default or DEFAULT_SEQ_LEN, **degrees
    )
    calibration = default_calibration()
    prediction = predict(model, hardware, plan, calibration)
    needed, available = float(prediction.memory.total), hardware.hbm_bytes
    if needed > available:
        raise InputError(
            f"the plan needs {needed / 2**30:.1f} GiB per device and {hardware.name} has "
            f"{available / 2**30:.0f} GiB; more TP, PP, ZeRO sharding or recomputation would "
            "lower it",
            field="plan",
        )
    return PlanPrediction(model, hardware, plan, prediction, calibration.interval(hardware.family))


def batch_range(low_tokens: int, high_tokens: int, seq_len: int) -> list[int]:
    """Global batches [sequences] from ``low_tokens`` up to ``high_tokens``, powers of two
    apart (at most :data:`MAX_BATCHES`); ValueError when a batch would hold no sequence."""
    if low_tokens <= 0 or high_tokens < low_tokens:
        raise ValueError(f"expected 0 < low <= high, got {low_tokens}-{high_tokens}")
    if low_tokens < seq_len:
        raise ValueError(
            f"a batch holds at least one {seq_len}-token sequence, got {low_tokens} tokens"
        )
    sequences = [low_tokens // seq_len]
    while sequences[-1] * 2 * seq_len <= high_tokens and len(sequences) < MAX_BATCHES:
        sequences.append(sequences[-1] * 2)
    return sequences


def search_plans(
    catalog: Catalog,
    model_id: str,
    accelerator_id: str | None,
    *,
    devices: int,
    batch_tokens: tuple[int, int],
    cluster_id: str | None = None,
    nic_gbps: float | None = None,
    seq_len: int | None = None,
    precisions: Sequence[int] = (0,),
    keep: int = 1000,
    calibration: Calibration | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Architecture, Hardware, SearchResult]:
    """The plan search by catalog names; no plan that fits is an InputError."""
    model, hardware, seq_default = resolve(
        catalog, model_id, accelerator_id, cluster_id=cluster_id, nic_gbps=nic_gbps
    )
    seq = seq_len or seq_default or DEFAULT_SEQ_LEN
    try:
        batches = batch_range(*batch_tokens, seq)
    except ValueError as err:
        raise InputError(str(err), field="--global-batch-tokens") from None
    result = search(
        model, hardware, calibration or default_calibration(), devices=devices, seq_len=seq,
        global_batches=batches, precisions=precisions, keep=keep,
        progress=progress,
    )  # fmt: skip
    if result.feasible == 0:
        raise InputError(
            f"no plan of {model.name} on {devices} x {hardware.name} fits in "
            f"{hardware.hbm_bytes / 2**30:.0f} GiB ({result.evaluated} evaluated)",
            field="--devices",
        )
    return model, hardware, result


def batch_used(
    model: Architecture,
    hardware: Hardware,
    result: SearchResult,
    *,
    devices: int,
    batch_tokens: tuple[int, int],
    precisions: Sequence[int] = (0,),
) -> dict[str, Any]:
    """The batch a search (from :func:`search_plans`) used and, when the requested batch
    rounds to a sequence count few layouts divide, a warning naming the nearest power-of-two
    batch and what it gains."""
    seq = int(result.plan(0).seq_len)
    sequences = batch_range(*batch_tokens, seq)
    used: dict[str, Any] = {
        "requested_tokens": list(batch_tokens),
        "seq_len": seq,
        "sequences": sequences,
        "tokens": [count * seq for count in sequences],
        "warning": None,
    }
    first = sequences[0]
    rounded = 1 << round(math.log2(first))
    if rounded == first:
        return used
    other = search(
        model, hardware, default_calibration(), devices=devices, seq_len=seq,
        global_batches=[rounded], precisions=precisions, keep=1,
    )  # fmt: skip
    if other.feasible > ROUNDING_GAIN * result.feasible:
        best = f"{float(result.mfu[0]):.0%}" if result.kept else "none"
        used["warning"] = (
            f"{batch_tokens[0]:,} tokens round to {first:,} sequences of {seq:,}, which few "
            f"layouts divide: {result.feasible:,} plans fit (best MFU {best}) against "
            f"{other.feasible:,} at {rounded:,} sequences (best MFU {float(other.mfu[0]):.0%}); "
            f"--global-batch-tokens {rounded * seq} uses that batch"
        )
    return used


def best_step_time_on_cluster(
    catalog: Catalog,
    model_id: str,
    cluster_id: str,
    *,
    batch_tokens: int,
    nic_gbps: float | None = None,
) -> float:
    """Seconds per step of the best plan of ``model_id`` on every chip of ``cluster_id``."""
    _, devices = cluster_network(catalog, cluster_id)
    _, _, result = search_plans(
        catalog, model_id, None, devices=devices, cluster_id=cluster_id, nic_gbps=nic_gbps,
        batch_tokens=(batch_tokens, batch_tokens), keep=1,
    )  # fmt: skip
    return float(result.step_time[0])


def model_size(
    catalog: Catalog, model_id: str | None, params: float | None
) -> tuple[float, int | None]:
    """Parameters and layers of a catalog model (its published total, else counted from its
    shapes), or ``params`` with unknown layers when no model is named."""
    layers = None
    if model_id:
        entry = catalog.entry(model_id, "model")
        total = entry.numbers.get("total_params")
        params = total.low if total else architecture_from_catalog(entry).total_params()
        layers = round(entry.numbers["layers"].low) if "layers" in entry.numbers else None
    if not params or not params > 0:
        raise InputError("give --model ID or --params N (a positive count)", field="--model")
    return float(params), layers
