"""From names and degrees to a checked plan: what ``predict`` and scenario functions share."""

from __future__ import annotations

from flopcast.catalog.model import Catalog, CatalogEntry
from flopcast.errors import InputError
from flopcast.parallel.architecture import Architecture, architecture_from_catalog
from flopcast.parallel.choices import Attention, Precision, Recompute, parse_choice
from flopcast.parallel.hardware import Hardware, hardware_from_catalog, with_network
from flopcast.parallel.plan import Plan, infeasibility
from flopcast.quantity.units import convert


def resolve(
    catalog: Catalog,
    model_id: str,
    accelerator_id: str | None,
    *,
    cluster_id: str | None = None,
    nic_gbps: float | None = None,
) -> tuple[Architecture, Hardware, int | None]:
    """The model's architecture, the accelerator on its network, and the model's sequence
    length (if known).

    The network is the accelerator's reference system's unless ``cluster_id`` names a
    catalog cluster (its ``nic_bandwidth`` and ``scale_up_domain``; its accelerator when
    ``accelerator_id`` is None) or ``nic_gbps`` sets the NIC bandwidth per accelerator.
    """
    entry = catalog.entry(model_id, "model")
    seq = entry.numbers.get("seq_len")
    model = architecture_from_catalog(entry)
    cluster = catalog.entry(cluster_id, "cluster") if cluster_id else None
    if accelerator_id is None:
        named = cluster.text.get("accelerator") if cluster is not None else None
        if not isinstance(named, str):
            raise InputError(
                "give --accelerator ID (or --cluster ID of a cluster that names its accelerator)",
                field="--accelerator",
            )
        accelerator_id = named
    hardware = hardware_from_catalog(catalog.entry(accelerator_id, "accelerator"), catalog)
    if cluster is not None:
        hardware = with_network(
            hardware,
            nic_gbps=_cluster_number(cluster, "nic_bandwidth", "Gbit/s/chip"),
            scale_up_domain=_rounded(_cluster_number(cluster, "scale_up_domain", "chip")),
        )
    if nic_gbps is not None:
        hardware = with_network(hardware, nic_gbps=nic_gbps)
    return model, hardware, None if seq is None else round(seq.low)


def cluster_network(
    catalog: Catalog, cluster_id: str, accelerator_id: str | None = None
) -> tuple[Hardware, int]:
    """A catalog cluster's accelerator (or ``accelerator_id``) on its network, and its chips."""
    cluster = catalog.entry(cluster_id, "cluster")
    named = accelerator_id or cluster.text.get("accelerator")
    if not isinstance(named, str):
        raise InputError(
            f"cluster {cluster_id!r} names no accelerator; give --accelerator ID",
            field="--cluster",
        )
    chips = _cluster_number(cluster, "chips", "chip")
    if chips is None:
        raise InputError(f"cluster {cluster_id!r} has no chip count", field="--cluster")
    hardware = hardware_from_catalog(catalog.entry(named, "accelerator"), catalog)
    hardware = with_network(
        hardware,
        nic_gbps=_cluster_number(cluster, "nic_bandwidth", "Gbit/s/chip"),
        scale_up_domain=_rounded(_cluster_number(cluster, "scale_up_domain", "chip")),
    )
    return hardware, round(chips)


def _cluster_number(cluster: CatalogEntry, field: str, unit: str) -> float | None:
    value = cluster.numbers.get(field)
    if value is None:
        return None
    low = convert(value.low * value.unit, unit).magnitude
    high = convert(value.high * value.unit, unit).magnitude
    return float((low * high) ** 0.5 if low > 0 else (low + high) / 2)


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


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
    attention: str = "flash",
) -> Plan:
    """A plan from degrees; an impossible one is an InputError that says why."""
    try:
        recompute_code = parse_choice(Recompute, recompute)
        precision_code = parse_choice(Precision, precision)
        attention_code = parse_choice(Attention, attention)
    except ValueError as err:
        raise InputError(str(err), field="plan") from None
    if dp is None:
        if devices % (tp * pp * cp):
            raise InputError(
                f"impossible plan: TP x PP x CP = {tp * pp * cp} does not divide the {devices} "
                "devices",
                field="plan",
            )
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
        recompute=recompute_code, zero=zero, sequence_parallel=1,
        fp8=precision_code, attention=attention_code,
    )  # fmt: skip
    reason = str(infeasibility(plan, model, devices))
    if reason:
        raise InputError(
            f"impossible plan: {reason} (TP {tp}, PP {pp}, DP {dp}, CP {cp}, EP {ep}, VPP {vpp}, "
            f"micro-batch {micro_batch}, {plan.global_batch} sequences, {devices} devices)",
            field="plan",
        )
    return plan
