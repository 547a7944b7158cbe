"""Alpha-beta costs of collectives (Hockney's model: time = latency terms + bytes / bandwidth).

``bandwidth`` is per device per direction [byte/s]; ``latency`` per message hop [s].
Ring algorithms move ``(n-1)/n`` of the data per device per phase (Patarasuk & Yuan 2009,
"Bandwidth optimal all-reduce algorithms for clusters of workstations"); an all-reduce is a
reduce-scatter then an all-gather. The pipelined double binary tree (NCCL's tree, Sanders et
al. 2009) trades the ``n`` latency terms for ``2 log2 n`` at about the same bandwidth term.

NCCL reports "bus bandwidth" so that numbers compare across device counts: for all-reduce
``busbw = algbw x 2(n-1)/n`` with ``algbw = bytes / time`` (NVIDIA/nccl-tests, doc/PERFORMANCE.md).
A link delivers about :data:`NCCL_PROTOCOL_EFFICIENCY` of its line rate after protocol
overhead (NCCL maintainer, NVIDIA/nccl-tests#212: ~370 GB/s effective on H100 NVLink's
450 GB/s per direction).
"""

from __future__ import annotations

import numpy as np

from flopcast.quantity.arrays import Numeric

#: Effective over line-rate bandwidth of NCCL's ring protocol: 370 / 450 GB/s on H100 NVLink
#: (S. Jeaugey, NVIDIA, in NVIDIA/nccl-tests issue #212, 2024-05-06).
NCCL_PROTOCOL_EFFICIENCY = 370.0 / 450.0

#: Effective over line-rate bandwidth of a NIC under NCCL: 46-48 GB/s per 400 Gbit/s NDR NIC
#: (D. Addison, NVIDIA, in NVIDIA/nccl-tests issue #290, 2025-03-03), 47 / 50.
NIC_PROTOCOL_EFFICIENCY = 47.0 / 50.0

#: NCCL's own latency model for large messages (Simple protocol, ring algorithm;
#: NVIDIA/nccl ``src/graph/tuning.cc``, releases 2.18-2.21): a collective starts in
#: ``baseLat`` = 8.4 us and each ring step adds ``hwLat``: 3.4 us over NVLink, 9.6 us over
#: the network [s].
NCCL_STARTUP_LATENCY = 8.4e-6
NCCL_NVLINK_HOP_LATENCY = 3.4e-6
NCCL_NETWORK_HOP_LATENCY = 9.6e-6


def ring_all_reduce_bytes(size: Numeric, n: Numeric) -> Numeric:
    """Bytes each of ``n`` devices sends in a ring all-reduce of ``size`` bytes:
    ``2 (n-1)/n x size`` (a reduce-scatter then an all-gather)."""
    return 2 * (n - 1) / np.maximum(n, 1) * size


def all_gather_bytes(size: Numeric, n: Numeric) -> Numeric:
    """Bytes each of ``n`` devices sends when every device's ``size``-byte payload must
    reach all the others (payloads that cannot be summed on the way): ``(n-1) x size``."""
    return (n - 1) * size


def reduce_scatter_time(
    size: Numeric, n: Numeric, bandwidth: Numeric, latency: Numeric = 0.0, startup: Numeric = 0.0
) -> Numeric:
    """Ring reduce-scatter of ``size`` bytes over ``n`` devices [s]: ``startup`` once, a
    ``latency`` per ring step, and ``(n-1)/n`` of the data over ``bandwidth``; 0 for one
    device."""
    alone = np.asarray(n) <= 1
    steps = np.where(alone, 0.0, (n - 1) * latency + startup)
    return steps + (n - 1) / np.maximum(n, 1) * size / bandwidth


def all_gather_time(
    size: Numeric, n: Numeric, bandwidth: Numeric, latency: Numeric = 0.0, startup: Numeric = 0.0
) -> Numeric:
    """Ring all-gather producing ``size`` bytes on each of ``n`` devices [s]."""
    return reduce_scatter_time(size, n, bandwidth, latency, startup)


def ring_all_reduce_time(
    size: Numeric, n: Numeric, bandwidth: Numeric, latency: Numeric = 0.0, startup: Numeric = 0.0
) -> Numeric:
    """Ring all-reduce: reduce-scatter plus all-gather [s]."""
    return 2 * reduce_scatter_time(size, n, bandwidth, latency, startup)


def tree_all_reduce_time(
    size: Numeric, n: Numeric, bandwidth: Numeric, latency: Numeric = 0.0
) -> Numeric:
    """Pipelined double-binary-tree all-reduce [s]: 2 log2(n) latency hops, and each device
    sends and receives the data about twice over its link."""
    return 2 * np.ceil(np.log2(np.maximum(n, 2))) * latency + 2 * size / bandwidth


def all_to_all_time(
    size: Numeric, n: Numeric, bandwidth: Numeric, latency: Numeric = 0.0, startup: Numeric = 0.0
) -> Numeric:
    """All-to-all where each device holds ``size`` bytes split evenly over ``n`` peers [s]."""
    return reduce_scatter_time(size, n, bandwidth, latency, startup)


def point_to_point_time(size: Numeric, bandwidth: Numeric, latency: Numeric = 0.0) -> Numeric:
    """One message of ``size`` bytes [s]."""
    return latency + size / bandwidth


def tree_latency(n: Numeric, latency: Numeric, startup: Numeric = 0.0) -> Numeric:
    """Latency of a double-binary-tree all-reduce over ``n`` devices: ``2 log2 n`` hops [s]."""
    return startup + 2 * np.ceil(np.log2(np.maximum(n, 2))) * latency


def hierarchical_all_reduce_time(
    size: Numeric,
    inner: Numeric,
    outer: Numeric,
    inner_bandwidth: Numeric,
    outer_bandwidth: Numeric,
    inner_latency: Numeric = 0.0,
    outer_latency: Numeric = 0.0,
) -> Numeric:
    """All-reduce over ``inner`` x ``outer`` devices across two tiers [s]: reduce-scatter
    inside each group of ``inner``, all-reduce of each ``1/inner`` shard across the
    ``outer`` groups (each device on its own outer link), all-gather inside."""
    inside = reduce_scatter_time(size, inner, inner_bandwidth, inner_latency)
    across = ring_all_reduce_time(size / inner, outer, outer_bandwidth, outer_latency)
    return 2 * inside + across


def all_reduce_bus_bandwidth(size: Numeric, n: Numeric, seconds: Numeric) -> Numeric:
    """NCCL's bus bandwidth of an all-reduce that took ``seconds`` [byte/s]."""
    return size / seconds * 2 * (n - 1) / n
