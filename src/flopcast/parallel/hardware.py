"""An accelerator as the step-time model sees it: peaks, memory, and two network tiers.

Built from a catalog accelerator. Catalog ranges (where sources disagree) are taken at their
geometric midpoint, the median of the 90% interval they stand for. Bandwidths are per chip
and per direction, in bytes/s: the catalog's scale-up figure is bidirectional, so it is
halved; the scale-out figure is a NIC line rate in bit/s per direction, so it is divided by 8.

Power caps. A chip run below its family's reference power (Meta's H100s capped at 500 W,
against the H100 SXM's 700 W) cannot sustain the reference part's compute: what sustains
compute is the power above the static draw, spent at a fixed energy per FLOP. So sustained
compute scales by ``(TDP - static) / (TDP_ref - static)`` relative to the reference part,
with the static draw (leakage, memory, fabric, fans; H100s idle at 60-100 W of 700) taken as
:data:`STATIC_POWER_SHARE` of the reference TDP. The reference part itself is assumed to
reach its GEMM efficiency within its TDP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from flopcast.catalog.model import Catalog, CatalogEntry
from flopcast.errors import InputError
from flopcast.network.collectives import (
    NCCL_NETWORK_HOP_LATENCY,
    NCCL_NVLINK_HOP_LATENCY,
    NCCL_STARTUP_LATENCY,
)
from flopcast.quantity.units import convert

#: Accelerator families, as the catalog's ``family`` field names them: GEMM efficiency and
#: prediction intervals are calibrated per family (``other`` takes the pooled values).
FAMILIES = ("a100", "hopper", "blackwell", "tpu", "other")

#: Static power draw as a share of the reference TDP (H100 SXM: ~100 W of 700 W).
STATIC_POWER_SHARE = 0.15

#: Scale-out bandwidth assumed when the catalog has none [bit/s per chip per direction]: one
#: 400 Gb/s NIC per accelerator, the common rail-optimized design (e.g. DGX H100).
DEFAULT_SCALE_OUT_BITS = 400e9


@dataclass(frozen=True, kw_only=True)
class Hardware:
    """Per-chip numbers in SI units."""

    name: str
    """Catalog ID."""
    family: str
    """One of :data:`FAMILIES` or ``other``."""
    peak_bf16: float
    """Dense BF16 peak [FLOP/s]."""
    peak_fp8: float
    """Dense FP8 peak [FLOP/s] (the BF16 peak where FP8 is not supported)."""
    hbm_bytes: float
    """HBM capacity [byte]."""
    hbm_bandwidth: float
    """HBM bandwidth [byte/s]."""
    scale_up_bandwidth: float
    """Scale-up (NVLink, ICI, NeuronLink) bandwidth per direction [byte/s]."""
    scale_up_domain: int
    """Chips in one scale-up domain."""
    scale_out_bandwidth: float
    """Scale-out (NIC) bandwidth per direction [byte/s]."""
    power_factor: float = 1.0
    """Sustained compute relative to the family's reference part at equal peak: below 1 for
    power-capped parts (see the module docstring)."""
    scale_up_latency: float = NCCL_NVLINK_HOP_LATENCY
    """Latency of one collective step over the scale-up link [s]."""
    scale_out_latency: float = NCCL_NETWORK_HOP_LATENCY
    """Latency of one collective step over the scale-out network [s]."""
    collective_startup: float = NCCL_STARTUP_LATENCY
    """Fixed start-up latency of each collective [s]."""

    def peak(self, precision: str) -> float:
        """Dense peak for GEMMs in ``precision`` (``bf16`` or ``fp8``) [FLOP/s]."""
        return self.peak_fp8 if precision == "fp8" else self.peak_bf16


def _mid(entry: CatalogEntry, field: str, unit: str, default: float | None = None) -> float:
    value = entry.numbers.get(field)
    if value is None:
        if default is None:
            raise InputError(
                f"accelerator {entry.id!r} has no {field!r}; the step-time model needs it"
            )
        return default
    low = float(convert(value.low * value.unit, unit).magnitude)
    high = float(convert(value.high * value.unit, unit).magnitude)
    return math.sqrt(low * high) if low > 0 else (low + high) / 2


def _power_factor(entry: CatalogEntry, peak: float, catalog: Catalog | None) -> float:
    reference_id = entry.text.get("power_reference")
    if catalog is None or not isinstance(reference_id, str) or "tdp" not in entry.numbers:
        return 1.0
    reference = catalog.entry(reference_id, "accelerator")
    if "tdp" not in reference.numbers:
        return 1.0
    tdp, reference_tdp = _mid(entry, "tdp", "W/chip"), _mid(reference, "tdp", "W/chip")
    static = STATIC_POWER_SHARE * reference_tdp
    ratio = (
        (tdp - static)
        / (reference_tdp - static)
        * _mid(reference, "dense_bf16", "FLOP/s/chip")
        / peak
    )
    return float(min(1.0, max(ratio, 0.0)))


def hardware_from_catalog(entry: CatalogEntry, catalog: Catalog | None = None) -> Hardware:
    """The step-time model's view of a catalog accelerator (``catalog`` supplies the family's
    reference part for power caps; without it none is applied)."""
    if entry.kind != "accelerator":
        raise InputError(f"{entry.id!r} is a {entry.kind}, not an accelerator")
    bf16 = _mid(entry, "dense_bf16", "FLOP/s/chip")
    family = entry.text.get("family")
    if family not in FAMILIES:
        raise InputError(
            f"accelerator {entry.id!r} needs a 'family' (one of {', '.join(FAMILIES)}; "
            f"got {family!r}): the step-time model calibrates GEMM efficiency per family, "
            "and 'other' takes the pooled calibration",
            field=f"entries.{entry.id}.family",
        )
    return Hardware(
        name=entry.id,
        family=str(family),
        peak_bf16=bf16,
        peak_fp8=_mid(entry, "dense_fp8", "FLOP/s/chip", bf16),
        hbm_bytes=_mid(entry, "hbm_capacity", "byte/chip"),
        hbm_bandwidth=_mid(entry, "hbm_bandwidth", "byte/s/chip"),
        scale_up_bandwidth=_mid(entry, "scale_up_bandwidth", "byte/s/chip") / 2,
        scale_up_domain=round(_mid(entry, "scale_up_domain", "chip")),
        scale_out_bandwidth=_mid(entry, "scale_out_bandwidth", "bit/s/chip", DEFAULT_SCALE_OUT_BITS)
        / 8,
        power_factor=_power_factor(entry, bf16, catalog),
    )


def with_network(
    hardware: Hardware,
    *,
    nic_gbps: float | None = None,
    scale_up_domain: int | None = None,
) -> Hardware:
    """``hardware`` on a cluster whose network differs from the accelerator's reference
    system: ``nic_gbps`` NIC bandwidth per accelerator per direction [Gbit/s], and the chips
    of one scale-up domain."""
    changes: dict[str, float | int] = {}
    if nic_gbps is not None:
        if not nic_gbps > 0:
            raise InputError(f"NIC bandwidth must be positive, got {nic_gbps} Gbit/s")
        changes["scale_out_bandwidth"] = nic_gbps * 1e9 / 8
    if scale_up_domain is not None:
        if scale_up_domain < 1:
            raise InputError(f"a scale-up domain has at least one chip, got {scale_up_domain}")
        changes["scale_up_domain"] = int(scale_up_domain)
    return replace(hardware, **changes)  # type: ignore[arg-type]
