"""The step-time model's efficiency parameters: few, physical, fitted on public data only.

The values live in ``calibration.yaml`` beside this module, with the date and method of the
fit and its residual spread per accelerator family (for prediction intervals). They are
refitted by ``python benchmarks/fit_calibration.py`` on ``shared/data/training_runs_public.csv``
and never tuned to single rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """Efficiencies of kernels and overlaps."""

    gemm_efficiency: dict[str, float] = field(
        default_factory=lambda: {
            "a100": 0.75,
            "hopper": 0.7,
            "blackwell": 0.65,
            "tpu": 0.7,
            "other": 0.65,
        }
    )
    """Share of the dense BF16 peak large GEMMs reach, by accelerator family."""
    fp8_gemm_speedup: float = 1.5
    """GEMM speed-up of FP8 over BF16 (2 at the peak; less in practice: scaling, casts)."""
    expert_gemm_efficiency: float = 0.5
    """Speed of MoE expert GEMMs relative to dense GEMMs: grouped GEMMs over few tokens per
    expert, routing and token permutation make MoE layers slower per FLOP."""
    gemm_width_half: float = 256.0
    """GEMM width at which efficiency halves: narrow matrices (small models split by TP,
    small experts) waste tensor-core tiles and waves, so efficiency scales by
    ``w / (w + gemm_width_half)`` with w the GEMM's narrower weight dimension per device."""
    attention_efficiency: float = 0.45
    """Share of the dense BF16 peak that flash attention reaches (forward and backward)."""
    elementwise_bytes: float = 120.0
    """HBM bytes moved by memory-bound operations per token per layer per hidden unit,
    forward and backward, in BF16. Not fitted (the fit trades it against GEMM efficiency);
    counted from the operations of a pre-norm SwiGLU block: two norms (read and write, ~8
    forward, ~12 backward), two residual adds (~12 and ~12), the SwiGLU activation over
    ~3.5 h intermediate values (~21 forward, ~42 backward), rotary embedding on queries and
    keys (~6), and casts and softmax statistics (~7): about 120."""
    tp_overlap: float = 0.0
    """Share of tensor-parallel communication hidden behind compute (0: Megatron-style TP
    with sequence parallelism blocks on its collectives; not fitted, as the public data
    pulled it to 0)."""
    async_tp_overlap: float = 0.5
    """Share of tensor-parallel communication that async TP hides behind GEMMs."""
    dp_overlap: float = 0.8
    """Share of a micro-batch's compute time that can hide data-parallel communication."""
    residual_spread: dict[str, tuple[float, float]] = field(default_factory=dict)
    """10th and 90th percentiles of log(measured / predicted) on the public data, by
    accelerator family: the 80% prediction interval."""
    fitted: str = "defaults (not fitted)"
    """When and how the values were fitted."""

    def gemm(self, family: str) -> float:
        """GEMM efficiency for an accelerator family (``other`` when unknown)."""
        return self.gemm_efficiency.get(family, self.gemm_efficiency["other"])

    def interval(self, family: str) -> tuple[float, float]:
        """(low, high) multipliers of the 80% prediction interval for a family."""
        spread = self.residual_spread.get(family) or self.residual_spread.get("all")
        return spread if spread is not None else (1.0, 1.0)


def _from_data(data: dict[str, Any]) -> Calibration:
    known = {f.name for f in fields(Calibration)}
    values = {key: value for key, value in data.items() if key in known}
    if "residual_spread" in values:
        values["residual_spread"] = {k: tuple(v) for k, v in values["residual_spread"].items()}
    return replace(Calibration(), **values)


@cache
def default_calibration() -> Calibration:
    """The fitted calibration shipped with flopcast (defaults if the file is absent)."""
    path = resources.files("flopcast.parallel") / "calibration.yaml"
    if not path.is_file():
        return Calibration()
    return _from_data(yaml.safe_load(path.read_text()) or {})


def calibration_to_data(calibration: Calibration) -> dict[str, Any]:
    """Plain data for ``calibration.yaml``."""
    data = {f.name: getattr(calibration, f.name) for f in fields(Calibration)}
    data["residual_spread"] = {k: list(v) for k, v in calibration.residual_spread.items()}
    return data
