"""Rows of a published-runs table (``shared/data/training_runs_public.csv``'s columns) as
model, accelerator and plan, or the reason a row cannot be predicted.

Reading rules, each a documented default rather than a guess per row:

* The measured value is ``tokens_per_s_per_accel``, else ``global_batch_tokens /
  (step_time_s x num_accel)``. Rows with neither (MFU only) are skipped, as are run-level
  averages (``data_kind`` containing "average") and quality C rows.
* The model comes from the catalog when the ``model`` column matches a model's ID, name or
  alias (exact shapes, including MLA); otherwise from the shape columns. Missing KV heads
  mean multi-head attention; a missing vocabulary means Megatron's padded GPT-2 vocabulary
  (51,200); an FFN of exactly 4h means a GELU MLP (GPT-style), any other width SwiGLU,
  unless the ``arch`` column names the MLP.
* The accelerator comes from the catalog's aliases.
* Rows that give none of TP, PP and DP are skipped (the layout decides the prediction).
  Missing degrees are 1 (DP: the devices left over); a missing micro-batch is 1; a missing
  global batch is one micro-batch per rank; missing recomputation is none; missing
  sharding is ZeRO-1 (Megatron's distributed optimizer); "FSDP+DP" is hybrid sharding over
  the smallest group that fits memory; FP8 when the precision names FP8 or Float8; sequence
  parallelism except in Megatron-LM 2021, which predates it. For torchtitan, FSDP and
  MaxText the micro-batch column is the per-rank batch; pipelined, it runs in micro-batches
  of one sequence.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace

from flopcast.catalog.model import Catalog
from flopcast.errors import FlopcastError, InputError
from flopcast.parallel.architecture import Architecture, architecture_from_catalog
from flopcast.parallel.hardware import Hardware, hardware_from_catalog
from flopcast.parallel.memory import memory_per_device
from flopcast.parallel.plan import Plan

#: Columns validate needs (a table may have more).
REQUIRED_COLUMNS = (
    "row_id", "source_key", "data_kind", "model", "arch", "layers", "hidden", "heads",
    "kv_heads", "ffn", "vocab", "seq_len", "global_batch_seqs", "global_batch_tokens",
    "micro_batch", "accelerator", "num_accel", "TP", "PP", "DP", "CP", "EP", "VPP",
    "sequence_parallel", "dp_sharding", "recompute", "precision", "framework",
    "step_time_s", "tokens_per_s_per_accel", "quality",
)  # fmt: skip

#: Frameworks whose ``micro_batch`` column is the per-rank local batch (data notes, sec. 1);
#: with pipeline parallelism they split it into micro-batches of one sequence (torchtitan's
#: default pipeline micro-batch size).
_LOCAL_BATCH_FRAMEWORKS = re.compile(r"torchtitan|fsdp|maxtext", re.IGNORECASE)

#: Megatron-LM's GPT-2 BPE vocabulary padded to a multiple of 128 x TP (51,200).
DEFAULT_VOCAB = 51200


@dataclass(frozen=True)
class RunRow:
    """One table row ready to predict."""

    row_id: str
    source: str
    label: str
    model: Architecture
    hardware: Hardware
    plan: Plan
    measured: float
    """Measured tokens per second per accelerator."""
    naive_params: float
    """Active parameters for the naive 6N method."""


@dataclass(frozen=True)
class Skipped:
    """A row that cannot be predicted, and why."""

    row_id: str
    source: str
    label: str
    reason: str


def read_runs(path: str, catalog: Catalog) -> list[RunRow | Skipped]:
    """Every row of the table at ``path``, predicted-ready or skipped with a reason."""
    try:
        with open(path, newline="", encoding="utf-8") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"missing columns {', '.join(missing)}; expected the header of "
                    "training_runs_public.csv",
                    file=path,
                    field="header",
                )
            rows = list(reader)
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"not a readable CSV table ({err})", file=path) from None
    return [_row(row, catalog, path) for row in rows]


def _row(row: dict[str, str], catalog: Catalog, path: str) -> RunRow | Skipped:
    label = f"{row['model']} on {row['num_accel'] or '?'} x {row['accelerator'] or '?'}"
    try:
        return _predictable(row, catalog, label)
    except _SkipError as skip:
        return Skipped(row["row_id"], row["source_key"], label, str(skip))
    except FlopcastError as err:
        raise err.located(file=path, field=f"row {row['row_id']}") from None


class _SkipError(Exception):
    """A row that cannot be predicted."""


def _number(row: dict[str, str], column: str) -> float | None:
    text = row.get(column, "").strip().replace(",", "")
    match = re.match(r"^[0-9.eE+-]+", text)
    if not match:
        return None
    try:
        return float(match.group())
    except ValueError:
        return None


def _measured(row: dict[str, str]) -> float:
    kind = row["data_kind"].lower()
    if "average" in kind:
        raise _SkipError("run-level average (includes downtime), not step throughput")
    if row["quality"].strip().upper() == "C":
        raise _SkipError("quality C (headline number only)")
    rate = _number(row, "tokens_per_s_per_accel")
    if rate:
        return rate
    step, tokens, devices = (
        _number(row, c) for c in ("step_time_s", "global_batch_tokens", "num_accel")
    )
    if step and tokens and devices:
        return tokens / (step * devices)
    raise _SkipError(
        "no measured throughput (tokens/s or step time); MFU alone depends on its convention"
    )


def _predictable(row: dict[str, str], catalog: Catalog, label: str) -> RunRow:
    measured = _measured(row)
    devices = _number(row, "num_accel")
    if not devices:
        raise _SkipError("no accelerator count")
    entry = catalog.by_alias(row["accelerator"], "accelerator")
    if entry is None:
        raise _SkipError(f"accelerator {row['accelerator']!r} matches no catalog alias")
    hardware = hardware_from_catalog(entry, catalog)
    model = _architecture(row, catalog)
    plan = _plan(row, model, int(devices), hardware)
    naive = (_number(row, "active_params_B") or 0) * 1e9 or float(model.active_params())
    return RunRow(row["row_id"], row["source_key"], label, model, hardware, plan, measured, naive)


def _architecture(row: dict[str, str], catalog: Catalog) -> Architecture:
    entry = catalog.by_alias(row["model"], "model")
    if entry is not None and "hidden" in entry.numbers:
        return architecture_from_catalog(entry)
    arch = row["arch"]
    if "moe" in arch.lower():
        raise _SkipError("MoE model without a catalog entry (its expert shapes are not in the row)")
    layers, hidden, heads = (_number(row, c) for c in ("layers", "hidden", "heads"))
    if not (layers and hidden and heads):
        raise _SkipError("model shape (layers, hidden, heads) not given")
    ffn = _number(row, "ffn") or 4 * hidden
    lowered = arch.lower()
    mlp = "gelu" if "gelu" in lowered else "swiglu" if "swiglu" in lowered else None
    return Architecture(
        name=row["model"],
        layers=int(layers),
        hidden=int(hidden),
        heads=int(heads),
        kv_heads=int(_number(row, "kv_heads") or heads),
        head_dim=int(hidden // heads),
        ffn=int(ffn),
        vocab=int(_number(row, "vocab") or DEFAULT_VOCAB),
        mlp=mlp or ("gelu" if ffn == 4 * hidden else "swiglu"),
    )


def _code(text: str, table: list[tuple[str, int]], default: int) -> int:
    lowered = text.lower()
    return next((code for word, code in table if word in lowered), default)


def _plan(row: dict[str, str], model: Architecture, devices: int, hardware: Hardware) -> Plan:
    if not any(_number(row, c) for c in ("TP", "PP", "DP")):
        raise _SkipError("parallel layout (TP, PP, DP) not given")
    tp, pp, cp = (int(_number(row, c) or 1) for c in ("TP", "PP", "CP"))
    dp = int(_number(row, "DP") or devices // (tp * pp * cp))
    if tp * pp * cp * dp != devices:
        raise _SkipError(f"TP x PP x CP x DP = {tp * pp * cp * dp}, not the {devices} accelerators")
    seq_len = _number(row, "seq_len")
    if not seq_len:
        raise _SkipError("sequence length not given")
    micro = int(_number(row, "micro_batch") or 1)
    batch = _number(row, "global_batch_seqs")
    tokens = _number(row, "global_batch_tokens")
    if not batch and tokens:
        batch = tokens / seq_len
    if not batch and pp > 1:
        raise _SkipError("global batch not given (with pipeline parallelism it sets the bubble)")
    if not batch:
        batch = dp * micro  # one micro-batch per step: the rate does not depend on it
    if pp > 1 and _LOCAL_BATCH_FRAMEWORKS.search(row["framework"]):
        micro = 1  # the column is the per-rank batch, pipelined in micro-batches of one
    sharding = _code(
        row["dp_sharding"],
        [("fsdp", 3), ("zero-3", 3), ("full_shard", 3), ("zero-0", 0), ("ddp", 1), ("zero-1", 1)],
        1,
    )
    plan = Plan(
        tp=tp,
        pp=pp,
        dp=dp,
        cp=cp,
        ep=int(_number(row, "EP") or 1),
        vpp=int(_number(row, "VPP") or 1),
        micro_batch=micro,
        global_batch=float(batch),
        seq_len=float(seq_len),
        recompute=_code(row["recompute"], [("full", 2), ("selective", 1), ("minimal", 1)], 0),
        zero=sharding if "distributed optimizer" not in row["dp_sharding"].lower() else 1,
        sequence_parallel=0 if "2021" in row["framework"] else 1,
        fp8=1 if re.search(r"fp8|float8", row["precision"], re.IGNORECASE) else 0,
        async_tp=1 if re.search(r"async ?tp|tp-comm-overlap", row["framework"], re.I) else 0,
    )
    if re.search(r"fsdp\+dp|hsdp|hybrid", row["dp_sharding"], re.IGNORECASE):
        plan = replace(plan, shard_group=smallest_fitting_shard(model, plan, hardware))
    return plan


def smallest_fitting_shard(model: Architecture, plan: Plan, hardware: Hardware) -> int:
    """The smallest shard group (the scale-up domain times a power of two, at most DP) in
    which hybrid sharding fits memory: how such runs are set up when the split is unstated."""
    group = min(hardware.scale_up_domain, plan.dp)
    while group < plan.dp:
        trial = replace(plan, shard_group=group)
        if float(memory_per_device(model, trial).total) <= hardware.hbm_bytes:
            return int(group)
        group *= 2
    return int(plan.dp)
