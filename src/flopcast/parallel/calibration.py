"""The step-time model's efficiency parameters: few, physical, each with a sourced prior.

The fitted values live in ``calibration.yaml`` beside this module, with the date and method
of the fit and the spread of out-of-sample residuals by regime (for prediction intervals).
They are refitted by ``python -m flopcast.validate.fit`` on the public runs table (a
penalised fit: each parameter is pulled toward its prior below, so a parameter that no
training row exercises stays where its source puts it) and never tuned to single rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from flopcast.errors import InputError

#: Accelerator families whose GEMM efficiency is a parameter of its own.
FAMILY_KEYS = ("a100", "hopper", "blackwell", "tpu", "other")

#: Maximum achievable matmul FLOPS over the dense BF16 peak, measured by brute force over
#: GEMM shapes (S. Bekman, "Machine Learning Engineering", compute/accelerator/README.md,
#: "Maximum Achievable Matmul FLOPS comparison table"): A100 SXM 267.9 of 312 TFLOP/s,
#: H100 SXM 792.1 of 989. Families without a measurement take Hopper's share as their prior.
MAMF_SHARE = {"a100": 267.9 / 312, "hopper": 792.1 / 989}


@dataclass(frozen=True, kw_only=True)
class Prior:
    """Where a parameter sits before the data speak, and how firmly."""

    mean: float
    """The sourced value."""
    spread: float
    """Standard deviation in the parameter's transformed coordinate (log for positive
    quantities, logit for shares): 0.2 is about +-20%."""
    transform: str
    """``log`` (a positive quantity) or ``logit`` (a share between 0 and 1)."""
    source: str
    """Why this value."""


#: Priors of the scalar parameters (the GEMM efficiencies' are in :func:`gemm_prior`).
PRIORS: dict[str, Prior] = {
    "fp8_gemm_speedup": Prior(
        mean=1.5,
        spread=0.2,
        transform="log",
        source="FP8 tensor cores have twice the BF16 peak (NVIDIA H100 datasheet); per-tensor "
        "scaling, casts and transposes take part of it back: 1.5x as the prior",
    ),
    "expert_gemm_efficiency": Prior(
        mean=0.6,
        spread=1.0,
        transform="logit",
        source="grouped expert GEMMs run over a few hundred tokens per expert, with routing "
        "and permutation around them; a weak prior at 0.6 of dense speed",
    ),
    "gemm_width_half": Prior(
        mean=128.0,
        spread=0.7,
        transform="log",
        source="a GEMM dimension of one 128-wide tensor-core tile (CUTLASS's default "
        "threadblock tile on Ampere and Hopper) leaves half the machine's waves idle",
    ),
    "attention_efficiency": Prior(
        mean=0.45,
        spread=0.5,
        transform="logit",
        source="FlashAttention-2 reaches 50-73% of peak forward and less backward on A100 "
        "(Dao 2023, arXiv:2307.08691, sec. 4.1), about 35-50% on H100 before FlashAttention-3 "
        "(Shah et al. 2024, arXiv:2407.08608, fig. 5)",
    ),
    "async_tp_overlap": Prior(
        mean=0.5,
        spread=1.0,
        transform="logit",
        source="async TP splits each collective and overlaps the pieces with the GEMMs they "
        "feed (Wang et al. 2023, ASPLOS); half hidden as a weak prior",
    ),
    "dp_overlap": Prior(
        mean=0.8,
        spread=1.0,
        transform="logit",
        source="bucketed gradient reduction runs during the backward pass; the last bucket "
        "cannot hide (PyTorch DDP, Li et al. 2020, VLDB, sec. 3.2.3)",
    ),
    "fsdp_overlap": Prior(
        mean=0.8,
        spread=1.0,
        transform="logit",
        source="FSDP prefetches the next block's weights from the host, one or two gathers "
        "in flight (Zhao et al. 2023, 'PyTorch FSDP', VLDB, sec. 3.3-3.4, the rate limiter); "
        "the same prior as data parallelism's",
    ),
    "overlap_contention": Prior(
        mean=0.2,
        spread=1.0,
        transform="logit",
        source="communication hidden behind compute still takes the SMs its kernels run on: "
        "NCCL runs one thread block per channel, up to 32 channels (NCCL_MAX_NCHANNELS) on a "
        "GPU of 108-132 SMs, about 12-24% of an H100",
    ),
    "kernel_gap": Prior(
        mean=2e-6,
        spread=1.0,
        transform="log",
        source="a few microseconds of launch latency and tail between dependent kernels "
        "(NVIDIA, 'Getting started with CUDA Graphs', 2019: ~2-3 us per short kernel)",
    ),
    "moe_sync_time": Prior(
        mean=3e-4,
        spread=1.0,
        transform="log",
        source="two host synchronisations per MoE block and pass (Megatron-Core's alltoall "
        "dispatcher copies tokens-per-expert to the host), each draining the queue of the "
        "~30 kernels that follow at ~5 us of host launch time",
    ),
}


def gemm_prior(family: str, hopper: float) -> Prior:
    """Prior of a family's GEMM efficiency: Hopper's fitted value scaled by the ratio of the
    measured matmul ceilings (:data:`MAMF_SHARE`); Hopper's own prior is its ceiling."""
    if family == "hopper":
        return Prior(
            mean=MAMF_SHARE["hopper"],
            spread=0.5,
            transform="logit",
            source="H100 SXM maximum achievable matmul FLOPS (Bekman); training GEMM shapes "
            "reach less, hence the wide spread",
        )
    ratio = MAMF_SHARE.get(family, MAMF_SHARE["hopper"]) / MAMF_SHARE["hopper"]
    return Prior(
        mean=min(hopper * ratio, 0.99),
        spread=0.15,
        transform="logit",
        source="Hopper's fitted efficiency times the ratio of measured matmul ceilings "
        "(1 where unmeasured): a generation reaches the share of peak its predecessor did",
    )


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """Efficiencies of kernels and overlaps."""

    gemm_efficiency: dict[str, float] = field(
        default_factory=lambda: {
            "a100": 0.75,
            "hopper": 0.7,
            "blackwell": 0.7,
            "tpu": 0.7,
            "other": 0.7,
        }
    )
    """Share of the dense BF16 peak large GEMMs reach, by accelerator family."""
    fp8_gemm_speedup: float = PRIORS["fp8_gemm_speedup"].mean
    """GEMM speed-up of FP8 over BF16 (2 at the peak; less in practice: scaling, casts)."""
    expert_gemm_efficiency: float = PRIORS["expert_gemm_efficiency"].mean
    """Speed of MoE expert GEMMs relative to dense GEMMs: grouped GEMMs over few tokens per
    expert make MoE layers slower per FLOP."""
    gemm_width_half: float = PRIORS["gemm_width_half"].mean
    """GEMM width at which efficiency halves: narrow matrices (small models split by TP,
    small experts, the head dimension of materialized attention) waste tensor-core tiles and
    waves, so efficiency scales by ``w / (w + gemm_width_half)`` with w the GEMM's narrower
    weight dimension per device."""
    attention_efficiency: float = PRIORS["attention_efficiency"].mean
    """Share of the dense BF16 peak that flash attention reaches (forward and backward)."""
    tp_overlap: float = 0.0
    """Share of tensor-parallel communication hidden behind compute without async TP (0:
    Megatron-style TP blocks on its collectives; not fitted)."""
    async_tp_overlap: float = PRIORS["async_tp_overlap"].mean
    """Share of tensor-parallel communication that async TP hides behind GEMMs."""
    dp_overlap: float = PRIORS["dp_overlap"].mean
    """Share of a micro-batch's compute that can hide the bucketed gradient reduction and
    weight gathering of ZeRO-0/1/2, for frameworks that overlap them."""
    fsdp_overlap: float = PRIORS["fsdp_overlap"].mean
    """The same for ZeRO-3/FSDP's per-block weight gathers and gradient reductions."""
    overlap_contention: float = PRIORS["overlap_contention"].mean
    """Share of overlapped communication time that still costs compute time (the SMs and
    memory bandwidth the collectives take)."""
    kernel_gap: float = PRIORS["kernel_gap"].mean
    """GPU idle time at each boundary between dependent kernels [s]."""
    moe_sync_time: float = PRIORS["moe_sync_time"].mean
    """Time an MoE block waits for the host per micro-batch, forward and backward [s]."""
    residual_spread: dict[str, tuple[float, float]] = field(default_factory=dict)
    """10th and 90th percentiles of measured / predicted out of sample (each source
    predicted by a fit without it), by regime (``family/framework``, ``family``, ``all``):
    the 80% prediction interval."""
    fitted: str = "defaults (not fitted)"
    """When and how the values were fitted."""

    def gemm(self, family: Any) -> Any:
        """GEMM efficiency for an accelerator family, or an array of them."""
        pooled = self.gemm_efficiency.get("other", 0.7)
        if isinstance(family, str):
            return self.gemm_efficiency.get(family, pooled)
        names = np.asarray(family)
        values = np.full(names.shape, pooled)
        for name, value in self.gemm_efficiency.items():
            values = np.where(names == name, value, values)
        return values

    def interval(self, family: str, framework: str | None = None) -> tuple[float, float]:
        """(low, high) multipliers of the 80% prediction interval for a regime: the
        accelerator family and framework family when the fit saw that regime, else the
        family, else all rows widened by :data:`UNSEEN_WIDENING`."""
        for key in (f"{family}/{framework}" if framework else None, family):
            if key and key in self.residual_spread:
                return self.residual_spread[key]
        low, high = self.residual_spread.get("all", (1.0, 1.0))
        return (low**UNSEEN_WIDENING, high**UNSEEN_WIDENING)


#: Log-width factor of the pooled interval for a regime the fit never saw.
UNSEEN_WIDENING = 1.5


def _from_data(data: dict[str, Any], origin: str) -> Calibration:
    known = {f.name for f in fields(Calibration)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(
            f"unknown calibration keys {unknown}; expected some of {sorted(known)}",
            file=origin,
        )
    values = dict(data)
    if "residual_spread" in values:
        values["residual_spread"] = {k: tuple(v) for k, v in values["residual_spread"].items()}
    return replace(Calibration(), **values)


@cache
def default_calibration() -> Calibration:
    """The fitted calibration shipped with flopcast (defaults if the file is absent)."""
    path = resources.files("flopcast.parallel") / "calibration.yaml"
    if not path.is_file():
        return Calibration()
    return _from_data(yaml.safe_load(path.read_text()) or {}, "calibration.yaml")


def calibration_to_data(calibration: Calibration) -> dict[str, Any]:
    """Plain data for ``calibration.yaml``."""
    data = {f.name: getattr(calibration, f.name) for f in fields(Calibration)}
    data["residual_spread"] = {k: list(v) for k, v in calibration.residual_spread.items()}
    return data
