"""How devices reach each other: the link a communication group uses, its bandwidth and
latency, and the time of a ring collective over it.

Ranks nest TP, CP, DP, PP from the innermost (Megatron-LM's order), so a group whose
consecutive members are ``inner`` ranks apart spans ``inner x group`` ranks: inside one
scale-up domain it uses the scale-up link (NVLink, ICI), beyond it the NICs. Links deliver
NCCL's measured share of their line rate, and every collective pays NCCL's start-up and
per-step latency (:mod:`flopcast.network.collectives`).
"""

from __future__ import annotations

import numpy as np

from flopcast.network.collectives import (
    NCCL_PROTOCOL_EFFICIENCY,
    NIC_PROTOCOL_EFFICIENCY,
    reduce_scatter_time,
)
from flopcast.parallel.hardware import Hardware
from flopcast.quantity.arrays import Numeric


def link_bandwidth(
    hw: Hardware, inner: Numeric, group: Numeric, *, multi_rail: bool = True
) -> Numeric:
    """Effective per-device bandwidth [byte/s] of a communication over ``group`` ranks whose
    consecutive members are ``inner`` ranks apart (the degrees nested inside it).

    Inside one scale-up domain it is the scale-up link at NCCL's protocol efficiency. Across
    domains, for collectives (all-gather, reduce-scatter, all-reduce) the ``k`` members that
    share a domain also share its traffic: NCCL runs one ring per NIC (multi-rail), so each
    member sees about ``k`` NICs' worth, capped by the scale-up link that gathers it.
    Point-to-point rings (context parallelism) and all-to-all (expert parallelism) send each
    device's data through its own NIC.
    """
    inside = inner * group <= hw.scale_up_domain
    up = hw.scale_up_bandwidth * NCCL_PROTOCOL_EFFICIENCY
    nic = hw.scale_out_bandwidth * NIC_PROTOCOL_EFFICIENCY
    if not multi_rail:
        return np.where(inside, up, nic)
    sharing = np.maximum(1, np.minimum(group, hw.scale_up_domain // np.maximum(inner, 1)))
    return np.where(inside, up, np.minimum(up, sharing * nic))


def hop_latency(hw: Hardware, inner: Numeric, group: Numeric) -> Numeric:
    """Latency of one ring step of a group: the network's when it leaves the domain."""
    return np.where(inner * group <= hw.scale_up_domain, hw.scale_up_latency, hw.scale_out_latency)


def ring_time(
    hw: Hardware, volume: Numeric, inner: Numeric, group: Numeric, *, multi_rail: bool = True
) -> Numeric:
    """Seconds for a ring all-gather or reduce-scatter of ``volume`` bytes over ``group``."""
    return reduce_scatter_time(
        volume,
        group,
        link_bandwidth(hw, inner, group, multi_rail=multi_rail),
        hop_latency(hw, inner, group),
        hw.collective_startup,
    )
