"""Synchronizing data-parallel replicas across sites: bytes, bandwidth and utilization.

Every site holds a full replica (or a pipeline of them) and reduces gradients inside itself
first, so only one payload per site crosses the WAN (hierarchical synchronization). Schemes:

* every-step all-reduce (data parallel): the gradient, in fp32 or bf16, every step;
* DiLoCo (Douillard et al. 2023, arXiv:2311.08105): replicas take ``every`` = H inner steps,
  then exchange outer gradients (parameter deltas) once: H times fewer bytes per step;
  payloads may be bf16, int8 or 4-bit (INTELLECT-1, arXiv:2412.01152: H = 100, int8, ~400x);
* Streaming DiLoCo (Douillard et al. 2025, arXiv:2501.18512): the payload goes in
  ``fragments`` spread over the H steps, each overlapped with ``overlap_steps`` of compute;
  same bytes per step, peak bandwidth divided by the fragments;
* compression: top-k sparsification (values and indices) or PowerSGD (Vogels et al. 2019,
  rank r factors of each m x n matrix: r(m + n) values instead of m n).

Quantized and sparse payloads cannot be summed on the way, so they travel by all-gather:
each of S sites sends its payload to the other S - 1, against 2(S-1)/S payloads for a ring
all-reduce (equal for two sites).

Utilization: the compute time between synchronizations over itself plus the communication
left exposed, where a sync of B bytes over a link of bandwidth W takes B / W + latency and
can hide behind the overlap window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.network.collectives import all_gather_bytes, ring_all_reduce_bytes
from flopcast.quantity.arrays import Numeric

if TYPE_CHECKING:
    from flopcast.network.simulate import Timeline

#: Bytes per value of the payload precisions.
PAYLOAD_BYTES = {"fp32": 4.0, "bf16": 2.0, "int8": 1.0, "fp4": 0.5}

#: Bytes of one index of a sparse (top-k) payload (a 32-bit position).
INDEX_BYTES = 4.0


@dataclass(frozen=True, kw_only=True)
class Scheme:
    """How replicas at different sites synchronize."""

    name: str
    """Short name for tables."""
    precision: str = "fp32"
    """Payload precision: one of :data:`PAYLOAD_BYTES`."""
    every: int = 1
    """Steps between synchronizations (DiLoCo's H; 1 for data parallelism)."""
    fragments: int = 1
    """Pieces the payload is sent in, spread over the ``every`` steps (Streaming DiLoCo)."""
    overlap_steps: float = 0.0
    """Steps of compute that hide each piece's transfer (0: the transfer blocks)."""
    density: float = 1.0
    """Share of values sent (top-k sparsification); below 1 adds index bytes."""
    compression: float = 1.0
    """Payload size over the dense payload from low-rank factors (PowerSGD); 1: none."""

    def bytes_per_parameter(self) -> float:
        """Payload bytes per model parameter."""
        value = PAYLOAD_BYTES[self.precision]
        sparse = self.density * (value + INDEX_BYTES) if self.density < 1 else value
        return sparse * self.compression

    @property
    def all_gather(self) -> bool:
        """True when the payload cannot be reduced on the way (quantized or sparse)."""
        return self.precision in ("int8", "fp4") or self.density < 1


def bytes_per_sync(scheme: Scheme, params: Numeric, sites: Numeric) -> Numeric:
    """Bytes each site sends per synchronization [byte]: a ring all-reduce of the payload, or
    an all-gather for payloads that cannot be summed on the way
    (:mod:`flopcast.network.collectives`)."""
    payload = params * scheme.bytes_per_parameter()
    if scheme.all_gather:
        return all_gather_bytes(payload, sites)
    return ring_all_reduce_bytes(payload, sites)


def bytes_per_step(scheme: Scheme, params: Numeric, sites: Numeric) -> Numeric:
    """Bytes each site sends per training step, averaged [byte]."""
    return bytes_per_sync(scheme, params, sites) / scheme.every


def required_bandwidth(
    scheme: Scheme, params: Numeric, sites: Numeric, step_time: Numeric, exposed_share: Numeric
) -> Numeric:
    """WAN bandwidth per site [byte/s] that keeps exposed communication to ``exposed_share``
    of compute: each fragment must move within its overlap window plus the allowed exposure."""
    fragment = bytes_per_sync(scheme, params, sites) / scheme.fragments
    compute_per_fragment = scheme.every * step_time / scheme.fragments
    window = scheme.overlap_steps * step_time + exposed_share * compute_per_fragment
    return fragment / window


def utilization(
    scheme: Scheme,
    params: Numeric,
    sites: Numeric,
    step_time: Numeric,
    bandwidth: Numeric,
    latency: Numeric = 0.0,
) -> Numeric:
    """Share of time spent computing when each site's WAN link has ``bandwidth`` [byte/s]."""
    fragment = bytes_per_sync(scheme, params, sites) / scheme.fragments
    transfer = fragment / bandwidth + latency
    compute = scheme.every * step_time / scheme.fragments
    exposed = np.maximum(0.0, transfer - scheme.overlap_steps * step_time)
    return compute / (compute + exposed)


def powersgd_compression(rank: int, rows: int, columns: int) -> float:
    """PowerSGD payload over the dense matrix: r (m + n) / (m n) (Vogels et al. 2019)."""
    return rank * (rows + columns) / (rows * columns)


#: Schemes compared by ``flopcast sites``.
SCHEMES = (
    Scheme(name="data parallel, fp32 gradients", precision="fp32"),
    Scheme(name="data parallel, bf16 gradients", precision="bf16"),
    Scheme(name="DiLoCo H=500, fp32", precision="fp32", every=500),
    Scheme(name="DiLoCo H=100, bf16", precision="bf16", every=100),
    Scheme(name="DiLoCo H=100, int8 (INTELLECT-1)", precision="int8", every=100),
    Scheme(name="DiLoCo H=100, fp4", precision="fp4", every=100),
    Scheme(
        name="Streaming DiLoCo H=100, 10 fragments, fp4, overlap 5",
        precision="fp4",
        every=100,
        fragments=10,
        overlap_steps=5,
    ),
    Scheme(name="top-1% sparsified bf16", precision="bf16", density=0.01),
)


def timeline_for(scheme: Scheme, params: float, layers: int, step_time: float) -> Timeline | None:
    """The per-layer timeline (:mod:`flopcast.network.simulate`) of a scheme between two
    sites, or None for payloads it does not model (sparse top-k)."""
    from flopcast.network.simulate import Timeline

    if scheme.density < 1:
        return None
    fragment_layers = max(1, layers // scheme.fragments) if scheme.fragments > 1 else 0
    return Timeline(
        layers=layers,
        params=params,
        step_time=step_time,
        bits_per_parameter=8 * scheme.bytes_per_parameter(),
        every=scheme.every,
        fragment_layers=fragment_layers,
        overlap_steps=round(scheme.overlap_steps),
    )


def scheme_rows(
    params: float,
    sites: int,
    step_time: float,
    exposed_share: float,
    *,
    layers: int | None = None,
    link_bandwidth: float | None = None,
) -> list[dict[str, Any]]:
    """Every scheme of :data:`SCHEMES` side by side: bytes per step per site, the WAN
    bandwidth each needs [Gbit/s] by the closed form and (two sites, ``layers`` known) by the
    per-layer timeline, and the utilization a link of ``link_bandwidth`` [byte/s] gives."""
    from flopcast.network.simulate import bandwidth_for_utilization

    rows: list[dict[str, Any]] = []
    for scheme in SCHEMES:
        need = required_bandwidth(scheme, params, sites, step_time, exposed_share)
        row: dict[str, Any] = {
            "scheme": scheme.name,
            "bytes_per_step_per_site": float(bytes_per_step(scheme, params, sites)),
            "required_gbps": float(need) * 8 / 1e9,
        }
        if link_bandwidth:
            row["utilization"] = float(
                utilization(scheme, params, sites, step_time, link_bandwidth)
            )
        timeline = (
            timeline_for(scheme, params, layers, step_time) if layers and sites == 2 else None
        )
        if timeline is not None:
            target = 1 / (1 + exposed_share)
            row["timeline_gbps"] = bandwidth_for_utilization(timeline, target) / 1e9
        rows.append(row)
    return rows
