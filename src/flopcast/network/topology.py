"""Where devices sit: scale-up domains, a scale-out fabric of pods, and sites joined by WAN.

Light in fibre travels at about c / 1.47 (the group index of standard single-mode fibre), so
a kilometre of fibre adds :data:`FIBRE_LATENCY_PER_KM` of one-way latency (ITU-T G.652 fibre;
the usual 4.9 us/km rule).
"""

from __future__ import annotations

from dataclasses import dataclass

#: One-way latency per kilometre of fibre [s/km]: 1.468 / 299,792.458 km/s.
FIBRE_LATENCY_PER_KM = 1.468 / 299_792.458


@dataclass(frozen=True, kw_only=True)
class Fabric:
    """Scale-out network of one site."""

    nic_bandwidth: float
    """NIC bandwidth per device per direction [byte/s]."""
    pod_size: int
    """Devices under one non-blocking pod."""
    oversubscription: float = 1.0
    """Down-link over up-link bandwidth above the pods (7 for Llama 3's 1:7)."""

    @property
    def cross_pod_bandwidth_per_device(self) -> float:
        """What each device can send out of its pod when all do at once [byte/s]."""
        return self.nic_bandwidth / self.oversubscription

    @property
    def cross_pod_bandwidth_per_pod(self) -> float:
        """What a whole pod can send out at once [byte/s]."""
        return self.cross_pod_bandwidth_per_device * self.pod_size


@dataclass(frozen=True, kw_only=True)
class WanLink:
    """Fibre between two sites."""

    fibre_pairs: int
    """Lit fibre pairs (one direction each way per pair)."""
    capacity_per_pair: float
    """Capacity of one pair per direction [bit/s] (DWDM: tens of Tbit/s)."""
    distance_km: float
    """Route length [km]."""

    @property
    def bandwidth(self) -> float:
        """Capacity per direction [byte/s]."""
        return self.fibre_pairs * self.capacity_per_pair / 8

    @property
    def latency(self) -> float:
        """One-way propagation delay [s]."""
        return self.distance_km * FIBRE_LATENCY_PER_KM
