"""Rows of a published-runs table (``training_runs_public.csv``'s columns) as model,
accelerator and plan, or the reason a row cannot be predicted.

Reading rules, each a documented default rather than a guess per row:

* The measured value is ``tokens_per_s_per_accel``, else ``global_batch_tokens /
  (step_time_s x num_accel)`` (the batch in tokens from ``global_batch_seqs x seq_len`` when
  only sequences are given). Rows with neither (MFU only) are skipped, as are run-level
  averages (``data_kind`` containing "average"), quality C rows and runs that offload to
  CPU memory (not modelled).
* The model comes from the catalog when the ``model`` column names a model (ID, name or
  alias); otherwise from the shape columns. Missing KV heads mean multi-head attention; a
  missing vocabulary means Megatron's padded GPT-2 vocabulary (51,200); an FFN of exactly 4h
  means a GELU MLP (GPT-style), any other width SwiGLU, unless the ``arch`` column names it.
* The accelerator comes from the catalog by :func:`flopcast.catalog.matching.match_entry`
  (aliases, then without parentheticals, then by base name and memory); the match is
  reported. An optional ``nic_gbps_per_accel`` column sets the NIC bandwidth per accelerator.
* Rows that give none of TP, PP and DP are skipped (the layout decides the prediction).
  Missing degrees are 1 (DP: the devices left over); a missing micro-batch is 1; a missing
  global batch is one micro-batch per rank; missing sharding is ZeRO-1 (Megatron's
  distributed optimizer); "FSDP+DP" is hybrid sharding over the smallest group that fits
  memory; FP8 when the precision names FP8 or Float8. For torchtitan, FSDP and MaxText the
  micro-batch column is the per-rank batch; pipelined, it runs in micro-batches of one
  sequence.
* The framework sets what the row does not state (:mod:`flopcast.parallel.frameworks`):
  attention kernel (the ``attention_kernel`` column overrides it), sequence parallelism (the
  ``sequence_parallel`` column overrides it), overlap of the gradient reduction, dropout and
  the gradient reduction's precision.
* A row that does not state recomputation is predicted under every setting its framework
  offers that fits memory (within :data:`MEMORY_SLACK`): the point prediction is the
  framework's usual setting (full for Megatron-era frameworks), else the least
  recomputation that fits (what a tuned benchmark runs), and the prediction interval covers
  the others.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from flopcast.catalog.matching import match_entry, nearest
from flopcast.catalog.model import Catalog
from flopcast.errors import FlopcastError, InputError
from flopcast.parallel.architecture import Architecture, architecture_from_catalog
from flopcast.parallel.choices import Attention, Precision, Recompute, choice_names
from flopcast.parallel.frameworks import FrameworkDefaults, framework_defaults, grad_reduce_bytes
from flopcast.parallel.hardware import Hardware, hardware_from_catalog, with_network
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

#: Optional columns validate reads when present: the attention kernel (``flash`` or
#: ``materialized``) and the NIC bandwidth per accelerator [Gbit/s per direction].
OPTIONAL_COLUMNS = ("attention_kernel", "nic_gbps_per_accel")

#: Frameworks whose ``micro_batch`` column is the per-rank local batch (data notes, sec. 1);
#: with pipeline parallelism they split it into micro-batches of one sequence (torchtitan's
#: default pipeline micro-batch size).
_LOCAL_BATCH_FRAMEWORKS = re.compile(r"torchtitan|fsdp|maxtext", re.IGNORECASE)

#: Megatron-LM's GPT-2 BPE vocabulary padded to a multiple of 128 x TP (51,200).
DEFAULT_VOCAB = 51200

#: The bundled copy of the public runs table (with the optional columns filled where the
#: sources state them, and the rows of further public sources; see data/README.md).
BUNDLED_TABLE = Path(__file__).with_name("data") / "training_runs_public.csv"

#: A plan "fits" a run's memory when its predicted memory is within this factor of the
#: HBM capacity: the memory model's own uncertainty (Korthikanti's activation count versus
#: fused kernels, allocator fragmentation), so that an unstated setting is not ruled out by
#: a few percent of modelling error.
MEMORY_SLACK = 1.15

#: Largest runs table read [byte].
MAX_TABLE_BYTES = 20_000_000


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
    framework: str
    """Framework family (:data:`flopcast.parallel.frameworks.FAMILIES`)."""
    accelerator_match: str
    """How the accelerator text was matched to the catalog."""
    alternatives: tuple[Plan, ...] = ()
    """Other plausible plans (the recomputation settings that fit memory when the row does
    not state one): the prediction interval covers them."""


@dataclass(frozen=True)
class Skipped:
    """A row that cannot be predicted, and why."""

    row_id: str
    source: str
    label: str
    reason: str


def read_runs(path: str | Path, catalog: Catalog) -> list[RunRow | Skipped]:
    """Every row of the table at ``path``, predicted-ready or skipped with a reason."""
    name = str(path)
    rows = _read_table(name)
    return [_row(row, catalog, name) for row in rows]


def _read_table(name: str) -> list[dict[str, str]]:
    file = Path(name)
    try:
        if not file.is_file():
            raise InputError(
                "file not found" if not file.exists() else "expected a regular file", file=name
            )
        with file.open("rb") as stream:
            data = stream.read(MAX_TABLE_BYTES + 1)
        if len(data) > MAX_TABLE_BYTES:
            raise InputError(f"table is larger than {MAX_TABLE_BYTES} bytes", file=name)
        text = data.decode("utf-8")
    except OSError as err:
        raise InputError(f"cannot read the table ({type(err).__name__})", file=name) from None
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (undecodable byte at {err.start})", file=name) from None
    try:
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                f"missing columns {', '.join(missing)}; expected the header of "
                "training_runs_public.csv",
                file=name,
                field="header",
            )
        rows = list(reader)
    except csv.Error as err:
        raise InputError(f"not a readable CSV table ({err})", file=name) from None
    for index, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise InputError(
                "row has a different number of fields than the header",
                file=name,
                field=f"line {index}",
            )
    return rows


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
    """The leading number of a cell ("512 (ramp)" is 512), or None; negative, zero, NaN or
    infinite values are errors naming the column."""
    text = (row.get(column) or "").strip().replace(",", "")
    match = re.match(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)
    if not match:
        if re.match(r"^[-+]?(nan|inf)", text, re.IGNORECASE):
            raise InputError(f"expected a positive number, got {text!r}", field=column)
        return None
    value = float(match.group())
    if not value > 0 or value == float("inf"):
        raise InputError(f"expected a positive number, got {text!r}", field=column)
    return value


def _measured(row: dict[str, str]) -> float:
    kind = row["data_kind"].lower()
    if "average" in kind:
        raise _SkipError("run-level average (includes downtime), not step throughput")
    if row["quality"].strip().upper() == "C":
        raise _SkipError("quality C (headline number only)")
    if re.search(r"offload", row["dp_sharding"], re.IGNORECASE):
        raise _SkipError("CPU offload of optimizer states or activations is not modelled")
    rate = _number(row, "tokens_per_s_per_accel")
    if rate:
        return rate
    step, tokens, devices = (
        _number(row, c) for c in ("step_time_s", "global_batch_tokens", "num_accel")
    )
    sequences, seq_len = _number(row, "global_batch_seqs"), _number(row, "seq_len")
    if not tokens and sequences and seq_len:
        tokens = sequences * seq_len
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
    text = row["accelerator"]
    found = match_entry(catalog, text, "accelerator") if text.strip() else None
    if found is None:
        close = nearest(catalog, text, "accelerator")
        hint = f"; nearest catalog IDs: {', '.join(close)}" if close else ""
        raise _SkipError(f"accelerator {text!r} matches no catalog accelerator{hint}")
    hardware = hardware_from_catalog(found.entry, catalog)
    nic = _number(row, "nic_gbps_per_accel")
    if nic:
        hardware = with_network(hardware, nic_gbps=nic)
    model = _architecture(row, catalog)
    plan, alternatives = _plans(row, model, int(devices), hardware)
    naive = (_number(row, "active_params_B") or 0) * 1e9 or float(model.active_params())
    return RunRow(
        row_id=row["row_id"],
        source=row["source_key"],
        label=label,
        model=model,
        hardware=hardware,
        plan=plan,
        measured=measured,
        naive_params=naive,
        framework=framework_defaults(row["framework"]).family,
        accelerator_match=f"{found.entry.id} ({found.how})",
        alternatives=alternatives,
    )


def _architecture(row: dict[str, str], catalog: Catalog) -> Architecture:
    entry = match_entry(catalog, row["model"], "model") if row["model"].strip() else None
    if entry is not None and "hidden" in entry.entry.numbers:
        return architecture_from_catalog(entry.entry)
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


def _code(text: str, table: list[tuple[str, int]], default: int | None) -> int | None:
    """The code of the first word of ``table`` found in ``text``."""
    lowered = text.lower()
    return next((code for word, code in table if word in lowered), default)


def _yes_no(text: str) -> bool | None:
    lowered = text.strip().lower()
    if not lowered:
        return None
    return not re.match(r"^(no|false|off|0|none)\b", lowered)


def _plans(
    row: dict[str, str], model: Architecture, devices: int, hardware: Hardware
) -> tuple[Plan, tuple[Plan, ...]]:
    """The row's plan, and the alternatives its unstated recomputation allows."""
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
    defaults = framework_defaults(row["framework"])
    kernel = row.get("attention_kernel", "").strip().lower() or defaults.attention
    if kernel == "materialized" and defaults.family == "megatron-core":
        # A Megatron run without flash attention predates Megatron-Core's defaults (2023).
        defaults = framework_defaults("Megatron-LM (2022)")
    sharding = _code(
        row["dp_sharding"],
        [("fsdp", 3), ("zero-3", 3), ("full_shard", 3), ("zero-0", 0), ("ddp", 1), ("zero-1", 1)],
        1,
    )
    if kernel not in choice_names(Attention):
        raise InputError(
            f"expected one of {', '.join(choice_names(Attention))} or empty, got {kernel!r}",
            field="attention_kernel",
        )
    assert sharding is not None  # the table has a default
    stated_sp = _yes_no(row["sequence_parallel"])
    stated = _code(
        row["recompute"],
        [("full", Recompute.FULL), ("selective", Recompute.SELECTIVE),
         ("minimal", Recompute.SELECTIVE)],
        None,
    )  # fmt: skip
    if stated is None and re.match(r"^\s*(no|none|off|false)\b", row["recompute"], re.I):
        stated = Recompute.NONE
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
        recompute=Recompute.NONE if stated is None else stated,
        zero=sharding if "distributed optimizer" not in row["dp_sharding"].lower() else 1,
        sequence_parallel=int(defaults.sequence_parallel if stated_sp is None else stated_sp),
        fp8=Precision.FP8
        if re.search(r"fp8|float8", row["precision"], re.IGNORECASE)
        else Precision.BF16,
        async_tp=int(
            defaults.tp_overlap
            or bool(re.search(r"async ?tp|tp-comm-overlap", row["framework"], re.I))
        ),
        attention=Attention[kernel.upper()],
        dropout=int(defaults.dropout),
        dp_overlap=int(defaults.dp_overlap),
        grad_reduce_bytes=grad_reduce_bytes(row["precision"]),
    )
    if re.search(r"fsdp\+dp|hsdp|hybrid", row["dp_sharding"], re.IGNORECASE):
        plan = replace(plan, shard_group=smallest_fitting_shard(model, plan, hardware))
    if stated is not None:
        return plan, ()
    return _unstated_recompute(model, plan, hardware, defaults)


def _unstated_recompute(
    model: Architecture, plan: Plan, hardware: Hardware, defaults: FrameworkDefaults
) -> tuple[Plan, tuple[Plan, ...]]:
    """The framework's usual recomputation (or the least that fits memory), and the other
    settings that fit."""
    codes = sorted(Recompute[c.upper()] for c in defaults.recompute_choices)
    options = [replace(plan, recompute=code) for code in codes]
    room = MEMORY_SLACK * hardware.hbm_bytes
    fitting = [p for p in options if float(memory_per_device(model, p).total) <= room]
    chosen = fitting or options[-1:]
    usual = defaults.recompute
    if usual is not None and Recompute[usual.upper()] in [p.recompute for p in chosen]:
        point = next(p for p in chosen if p.recompute == Recompute[usual.upper()])
        return point, tuple(p for p in chosen if p is not point)
    return chosen[0], tuple(chosen[1:])


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
