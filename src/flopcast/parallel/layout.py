"""From names and degrees to a checked plan: what ``predict`` and scenario functions share."""

from __future__ import annotations

from flopcast.catalog.model import Catalog
from flopcast.errors import InputError
from flopcast.parallel.architecture import Architecture, architecture_from_catalog
from flopcast.parallel.hardware import Hardware, hardware_from_catalog
from flopcast.parallel.plan import PRECISIONS, RECOMPUTE, Plan, infeasibility


def resolve(
    catalog: Catalog, model_id: str, accelerator_id: str
) -> tuple[Architecture, Hardware, int | None]:
    """The model's architecture, the accelerator, and the model's sequence length (if known)."""
    entry = catalog.entry(model_id, "model")
    seq = entry.numbers.get("seq_len")
    model = architecture_from_catalog(entry)
    hardware = hardware_from_catalog(catalog.entry(accelerator_id, "accelerator"), catalog)
    return model, hardware, None if seq is None else round(seq.low)


def build_plan(
    model: Architecture,
    *,
    devices: int,
    tp: int = 1,
    pp: int = 1,
    dp: int | None = None,
    cp: int = 1,
    ep: int = 1,
    vpp: int = 1,
    micro_batch: int = 1,
    seq_len: int,
    global_batch_tokens: int,
    recompute: str = "none",
    precision: str = "bf16",
    zero: int = 1,
) -> Plan:
    """A plan from degrees; an impossible one is an InputError that says why."""
    if recompute not in RECOMPUTE or precision not in PRECISIONS:
        raise InputError(
            f"recompute must be one of {sorted(RECOMPUTE)}, precision one of {sorted(PRECISIONS)}"
        )
    if dp is None:
        dp = devices // (tp * pp * cp)
    if global_batch_tokens % seq_len:
        raise InputError(
            f"the global batch ({global_batch_tokens} tokens) is not a whole number of "
            f"{seq_len}-token sequences",
            field="--global-batch-tokens",
        )
    plan = Plan(
        tp=tp, pp=pp, dp=dp, cp=cp, ep=ep, vpp=vpp, micro_batch=micro_batch,
        global_batch=global_batch_tokens // seq_len, seq_len=seq_len,
        recompute=RECOMPUTE[recompute], zero=zero, sequence_parallel=1,
        fp8=PRECISIONS[precision],
    )  # fmt: skip
    reason = str(infeasibility(plan, model, devices))
    if reason:
        raise InputError(
            f"impossible plan: {reason} (TP {tp}, PP {pp}, DP {dp}, CP {cp}, EP {ep}, VPP {vpp}, "
            f"micro-batch {micro_batch}, {plan.global_batch} sequences, {devices} devices)",
            field="plan",
        )
    return plan
