"""Network and roofline functions for scenario expressions (see :mod:`flopcast.network`)."""

from __future__ import annotations

from typing import Any

import pint

from flopcast.errors import InputError
from flopcast.estimate._units import magnitude, quantity
from flopcast.network import roofline, sync
from flopcast.network.topology import FIBRE_LATENCY_PER_KM
from flopcast.scenario.signature import Function, function


def _precision(text: object) -> str:
    if text not in sync.PAYLOAD_BYTES:
        raise InputError(f"precision must be one of {sorted(sync.PAYLOAD_BYTES)}, got {text!r}")
    return str(text)


def _gradient_bytes(params: pint.Quantity, precision: str) -> pint.Quantity:
    bytes_per = sync.PAYLOAD_BYTES[_precision(precision)]
    return quantity(magnitude(params, "parameter", "params") * bytes_per, "byte")


def _scheme(every: pint.Quantity, precision: str) -> sync.Scheme:
    steps = float(magnitude(every, "", "every"))
    return sync.Scheme(name="scenario", precision=_precision(precision), every=max(1, round(steps)))


def _sync_bytes_per_step(
    params: pint.Quantity, sites: pint.Quantity, every: pint.Quantity, precision: str
) -> pint.Quantity:
    scheme = _scheme(every, precision)
    count = magnitude(params, "parameter", "params")
    return quantity(sync.bytes_per_step(scheme, count, magnitude(sites, "", "sites")), "byte")


def _wan_utilization(
    params: pint.Quantity,
    sites: pint.Quantity,
    every: pint.Quantity,
    precision: str,
    step_time: pint.Quantity,
    bandwidth: pint.Quantity,
) -> pint.Quantity:
    scheme = _scheme(every, precision)
    share = sync.utilization(
        scheme,
        magnitude(params, "parameter", "params"),
        magnitude(sites, "", "sites"),
        magnitude(step_time, "s", "step_time"),
        magnitude(bandwidth, "byte/s", "bandwidth"),
    )
    return quantity(share, "")


def _intensity(m: Any, n: Any, k: Any, element: pint.Quantity) -> pint.Quantity:
    size = magnitude(element, "byte", "bytes_per_element")
    value = roofline.gemm_intensity(
        magnitude(m, "", "m"), magnitude(n, "", "n"), magnitude(k, "", "k"), size
    )
    return quantity(value, "FLOP/byte")


def _min_tile(
    peak: pint.Quantity, bandwidth: pint.Quantity, element: pint.Quantity
) -> pint.Quantity:
    value = roofline.min_square_tile(
        magnitude(peak, "FLOP/s/chip", "peak"),
        magnitude(bandwidth, "byte/s/chip", "bandwidth"),
        magnitude(element, "byte", "bytes_per_element"),
    )
    return quantity(value, "")


def _tiles(m: Any, n: Any, k: Any, tile: Any) -> pint.Quantity:
    count = roofline.tiles(
        magnitude(m, "", "m"),
        magnitude(n, "", "n"),
        magnitude(k, "", "k"),
        magnitude(tile, "", "tile"),
    )
    return quantity(count, "")


def _fibre_latency(distance: pint.Quantity) -> pint.Quantity:
    return quantity(magnitude(distance, "km", "distance") * FIBRE_LATENCY_PER_KM, "s")


#: The network layer's functions, as expression functions.
NETWORK_FUNCTIONS: tuple[Function, ...] = (
    function("gradient_bytes", _gradient_bytes, exponents=(1.0,),
             doc='Bytes of one copy of the gradients: gradient_bytes(params, "fp32").'),
    function("sync_bytes_per_step", _sync_bytes_per_step,
             doc='WAN bytes per site per step: (params, sites, every, "bf16").'),
    function("wan_utilization", _wan_utilization,
             doc='Compute share with a WAN link: (params, sites, every, "fp32", step, bandwidth).'),
    function("gemm_intensity", _intensity,
             doc="FLOP per byte of an (m x k) @ (k x n) GEMM: (m, n, k, bytes_per_element)."),
    function("min_square_tile", _min_tile,
             doc="Smallest compute-bound square tile: (peak, bandwidth, bytes_per_element)."),
    function("gemm_tiles", _tiles,
             doc="Tiles of a given side in an (m x n x k) product: (m, n, k, tile)."),
    function("fibre_latency", _fibre_latency, exponents=(1.0,),
             doc="One-way latency of a fibre route of a given length."),
)  # fmt: skip
