"""A model as the step-time model consumes it: counts per token and per layer, as numbers.

:class:`~flopcast.parallel.architecture.Architecture` describes a model's shape and counts its
parameters; a :class:`Workload` holds the few numbers the predictor and the memory model read
from it (weights a token multiplies per layer, attention widths, the output head, what a
device stores). Its fields are floats or NumPy arrays of equal shape, so one predictor call
can evaluate many plans of one model (the plan search) or many models at once (one row each
of a published-runs table, which is what makes refitting the calibration fast).

FLOP conventions are :mod:`flopcast.parallel.architecture`'s: 2 FLOP per weight per token
forward, attention 2 x 2 x s x H x d per token per layer over the full square (halved when
causal kernels skip the masked half), training 3x forward.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from flopcast.estimate.flop_convention import (
    CAUSAL_SHARE,
    FORWARD_FLOP_PER_WEIGHT,
    TRAINING_OVER_FORWARD,
)
from flopcast.parallel.architecture import Architecture
from flopcast.quantity.arrays import Numeric

#: Norms per transformer block: one before attention, one before the MLP (pre-norm).
NORMS_PER_BLOCK = 2

#: HBM bytes the MLP activation function moves per intermediate element per token,
#: forward and backward, in BF16 (2 bytes a value), counted from the kernels:
#: SwiGLU reads gate and up and writes their product forward (3 values), and backward reads
#: gate, up and the incoming gradient and writes two gradients (5 values): 8 values, 16
#: bytes. GELU reads and writes one value forward (2) and reads two and writes one backward
#: (3): 5 values, 10 bytes. Squared ReLU moves the same as GELU.
ACTIVATION_BYTES_PER_FFN = {"swiglu": 16.0, "gelu": 10.0, "relu2": 10.0}


@dataclass(frozen=True, kw_only=True)
class Workload:
    """Per-token and per-layer counts of one model (or arrays over many)."""

    name: str | NDArray[np.str_]
    """Display name (an array of names when stacked)."""
    layers: Numeric
    """Transformer blocks L."""
    moe_layers: Numeric
    """Blocks with experts (0 for dense models)."""
    hidden: Numeric
    """Model width h."""
    heads: Numeric
    """Query heads H."""
    kv_heads: Numeric
    """Key/value heads."""
    qk_dim: Numeric
    """Per-head width of queries and keys."""
    v_dim: Numeric
    """Per-head width of values."""
    ffn: Numeric
    """Dense MLP width (0 when every block is MoE)."""
    expert_ffn: Numeric
    """Width of one expert's MLP (0 for dense models)."""
    experts: Numeric
    """Routed experts per MoE block."""
    top_k: Numeric
    """Routed experts per token."""
    vocab: Numeric
    """Vocabulary V."""
    dense_weights_per_layer: Numeric
    """Weights a token multiplies in one block outside the experts, averaged over blocks:
    attention, the dense MLP of dense blocks, the router of MoE blocks."""
    expert_weights_per_layer: Numeric
    """Expert weights a token multiplies in one block (routed top-k plus shared), averaged
    over all blocks (MoE blocks only carry them)."""
    head_weights: Numeric
    """Output-head weights V x h (a lookup-free GEMM on the last pipeline stage)."""
    activation_bytes_per_ffn: Numeric
    """:data:`ACTIVATION_BYTES_PER_FFN` of the model's MLP kind."""
    replicated_params_per_layer: Numeric
    """Weights of one block that expert parallelism does not split (attention, norms, the
    dense MLP or the router), averaged over blocks."""
    expert_params_per_layer: Numeric
    """Expert weights of one block (all routed and shared experts), averaged over blocks;
    expert parallelism splits them."""
    embedding_params: Numeric
    """Input embedding V x h (the untied head has as many again, on the last stage)."""
    matmul_weights: Numeric
    """Weights of every matrix a token multiplies, blocks and head
    (:meth:`Architecture.matmul_weights_per_token`): the FLOP convention of MFU."""

    @classmethod
    def of(cls, model: Architecture) -> Workload:
        """The counts of one architecture."""
        layers, moe = model.layers, model.moe_layers
        dense = layers - moe
        expert_mlp = model.mlp_params(model.expert_ffn) if model.is_moe else 0
        active_experts = (model.top_k + model.shared_experts) * expert_mlp
        all_experts = (model.experts + model.shared_experts) * expert_mlp
        router = model.hidden * model.experts
        norms = NORMS_PER_BLOCK * model.hidden + model.position_params_per_layer
        attention = model.attention_params()
        dense_mlp = model.mlp_params(model.ffn)
        return cls(
            name=model.name,
            layers=float(layers),
            moe_layers=float(moe),
            hidden=float(model.hidden),
            heads=float(model.heads),
            kv_heads=float(model.kv_heads),
            qk_dim=float(model.qk_dim),
            v_dim=float(model.v_dim),
            ffn=float(model.ffn),
            expert_ffn=float(model.expert_ffn),
            experts=float(model.experts),
            top_k=float(model.top_k),
            vocab=float(model.vocab),
            dense_weights_per_layer=attention + (dense * dense_mlp + moe * router) / layers,
            expert_weights_per_layer=moe * active_experts / layers,
            head_weights=float(model.vocab * model.hidden),
            activation_bytes_per_ffn=ACTIVATION_BYTES_PER_FFN[model.mlp],
            replicated_params_per_layer=attention
            + norms
            + (dense * dense_mlp + moe * router) / layers,
            expert_params_per_layer=moe * all_experts / layers,
            embedding_params=float(model.vocab * model.hidden),
            matmul_weights=float(model.matmul_weights_per_token()),
        )

    @classmethod
    def stack(cls, workloads: list[Workload]) -> Workload:
        """One workload whose fields are arrays, element i from ``workloads[i]``."""
        return cls(
            **{f.name: np.array([getattr(w, f.name) for w in workloads]) for f in fields(cls)}
        )

    @property
    def is_moe(self) -> Numeric:
        """True (elementwise) for mixture-of-experts models."""
        return np.asarray(self.experts) > 0

    @property
    def active_ffn_per_layer(self) -> Numeric:
        """Intermediate MLP elements one token produces per block, averaged over blocks."""
        moe_share = self.moe_layers / self.layers
        return (1 - moe_share) * self.ffn + moe_share * self.top_k * self.expert_ffn

    def attention_forward_flops(self, seq_len: Numeric, causal: Numeric = True) -> Numeric:
        """Attention score and value FLOP per token per forward pass, all blocks."""
        full = FORWARD_FLOP_PER_WEIGHT * seq_len * self.heads * (self.qk_dim + self.v_dim)
        return self.layers * full * np.where(causal, CAUSAL_SHARE, 1.0)

    def model_flops_per_token(self, seq_len: Numeric) -> Numeric:
        """Training model FLOP per token with causal attention (MFU's numerator)."""
        forward = FORWARD_FLOP_PER_WEIGHT * self.matmul_weights
        return TRAINING_OVER_FORWARD * (forward + self.attention_forward_flops(seq_len))


def as_workload(model: Architecture | Workload) -> Workload:
    """``model`` as a workload (architectures are converted)."""
    return model if isinstance(model, Workload) else Workload.of(model)
