"""Memory per device: model states by sharding, activations by recomputation, in-flight
micro-batches of the pipeline schedule, and the logits of the output layer.

Sources:

* Model states (Rajbhandari et al. 2020, "ZeRO", arXiv:1910.02054, sec. 3.1): mixed-precision
  Adam keeps 2 bytes of weights, 2 of gradients and 12 of optimizer state (fp32 master
  weights, momentum, variance) per parameter; ZeRO stage k shards the first k of optimizer
  states, gradients and weights over the data-parallel group.
* Activations (Korthikanti et al. 2022, arXiv:2205.05198, sec. 4): per layer and micro-batch,
  ``s b h (34 + 5 a s / h)`` bytes; tensor parallelism with sequence parallelism divides it by
  t; the ``5 a s / h`` term (the s x s attention matrices) is never stored by flash attention
  (Dao et al. 2022), which every modern framework uses, so it is dropped; full recomputation
  keeps only each layer's input, ``2 s b h`` bytes; without sequence parallelism the norms'
  and dropouts' ``10 s b h`` bytes are not divided by t. Context parallelism divides s.
* Pipeline (Narayanan et al. 2021, arXiv:2104.04473, sec. 2.2): with 1F1B the first stage
  holds activations of up to PP micro-batches; the interleaved schedule adds a factor of
  ``1 + (PP - 1) / (PP x VPP)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.parallel.architecture import Architecture
from flopcast.parallel.plan import Plan, stage_layers

#: Bytes per parameter of mixed-precision Adam: weights, gradients, optimizer (ZeRO sec. 3.1).
WEIGHT_BYTES, GRADIENT_BYTES, OPTIMIZER_BYTES = 2.0, 2.0, 12.0

#: Activation bytes per token per hidden unit per layer that TP+SP divides (Korthikanti eq. 4).
ACTIVATION_BYTES_SHARDED = 34.0

#: Of those, the bytes of norms and dropout that only sequence parallelism divides
#: (Korthikanti eq. 3: 10 s b h of the 34 stay replicated without SP).
ACTIVATION_BYTES_REPLICATED_WITHOUT_SP = 10.0

#: With full recomputation, each layer keeps its 2-byte input (Korthikanti sec. 5).
ACTIVATION_BYTES_FULL_RECOMPUTE = 2.0

#: Logits and their gradient in fp32 per token per vocabulary entry.
LOGIT_BYTES = 8.0

#: Reserved for the CUDA context, communication buffers and allocator fragmentation [byte];
#: about what PyTorch jobs lose on an 80 GB GPU before any tensor is allocated.
RUNTIME_RESERVE = 3.0 * 2**30


@dataclass(frozen=True)
class Memory:
    """Bytes per device, by kind (arrays when the plan is)."""

    weights: Any
    gradients: Any
    optimizer: Any
    activations: Any
    logits: Any
    reserve: Any

    @property
    def total(self) -> Any:
        """All of it."""
        return (
            self.weights
            + self.gradients
            + self.optimizer
            + self.activations
            + self.logits
            + self.reserve
        )

    def as_gib(self) -> dict[str, float]:
        """The breakdown in GiB (for a single plan)."""
        names = ("weights", "gradients", "optimizer", "activations", "logits", "reserve")
        out = {name: float(getattr(self, name)) / 2**30 for name in names}
        out["total"] = float(self.total) / 2**30
        return out


def parameters_per_device(model: Architecture, plan: Plan) -> Any:
    """Weights held by one device of the first pipeline stage, before ZeRO sharding."""
    dense_layer = model.attention_params() + model.mlp_params(model.ffn) + 2 * model.hidden
    per_stage_dense = (model.layers - model.moe_layers) * dense_layer / plan.pp
    if model.is_moe:
        experts = (model.experts + model.shared_experts) * model.mlp_params(model.expert_ffn)
        moe_layer_shared = (
            model.attention_params() + model.hidden * model.experts + 2 * model.hidden
        )
        per_stage_moe = model.moe_layers / plan.pp * (moe_layer_shared + experts / plan.ep)
    else:
        per_stage_moe = 0.0
    embedding = model.vocab * model.hidden
    return (per_stage_dense + per_stage_moe + embedding) / plan.tp


def activation_bytes_per_layer(model: Architecture, plan: Plan) -> Any:
    """Activation bytes one layer keeps for one micro-batch on one device."""
    tokens = plan.micro_batch * plan.seq_len / plan.cp
    sharded = ACTIVATION_BYTES_SHARDED - ACTIVATION_BYTES_REPLICATED_WITHOUT_SP
    replicated = np.where(
        plan.sequence_parallel > 0,
        ACTIVATION_BYTES_REPLICATED_WITHOUT_SP / plan.tp,
        ACTIVATION_BYTES_REPLICATED_WITHOUT_SP,
    )
    kept = tokens * model.hidden * (sharded / plan.tp + replicated)
    full = tokens * model.hidden * ACTIVATION_BYTES_FULL_RECOMPUTE / plan.tp
    return np.where(plan.recompute == 2, full, kept)


def memory_per_device(model: Architecture, plan: Plan) -> Memory:
    """Memory of the busiest device (first stage, or last when the logits dominate)."""
    params = parameters_per_device(model, plan)
    shard = [np.where(plan.zero >= stage, plan.shard, 1) for stage in (1, 2, 3)]
    in_flight = np.minimum(plan.pp, plan.microbatches)
    interleave = np.where(plan.vpp > 1, 1 + (plan.pp - 1) / (plan.pp * plan.vpp), 1.0)
    layers_per_stage = stage_layers(model, plan)
    per_layer = activation_bytes_per_layer(model, plan)
    first_stage = per_layer * layers_per_stage * in_flight * interleave
    tokens = plan.micro_batch * plan.seq_len / plan.cp
    logits = tokens * model.vocab * LOGIT_BYTES / plan.tp
    last_stage = per_layer * layers_per_stage + logits
    activations = np.maximum(first_stage, last_stage)
    return Memory(
        weights=params * WEIGHT_BYTES / shard[2],
        gradients=params * GRADIENT_BYTES / shard[1],
        optimizer=params * OPTIMIZER_BYTES / shard[0],
        activations=np.where(first_stage >= last_stage, first_stage, last_stage - logits),
        logits=np.where(first_stage >= last_stage, 0.0, logits),
        reserve=np.full(np.shape(activations), RUNTIME_RESERVE),
    )
