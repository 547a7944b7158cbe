"""Memory per device: model states by sharding, activations by recomputation, in-flight
micro-batches of the pipeline schedule, and the logits of the output layer.

Sources:

* Model states (Rajbhandari et al. 2020, "ZeRO", arXiv:1910.02054, sec. 3.1): mixed-precision
  Adam keeps 2 bytes of weights, 2 of gradients and 12 of optimizer state (fp32 master
  weights, momentum, variance) per parameter; ZeRO stage k shards the first k of optimizer
  states, gradients and weights over the data-parallel group.
* Activations (Korthikanti et al. 2022, arXiv:2205.05198, sec. 4): per layer and micro-batch,
  ``s b h (34 + 5 a s / h)`` bytes; tensor parallelism with sequence parallelism divides it by
  t; the ``5 a s / h`` term (the s x s attention matrices) is stored only by materialized
  attention (flash attention never stores it, Dao et al. 2022); full recomputation
  keeps only each layer's input, ``2 s b h`` bytes; without sequence parallelism the norms'
  and dropouts' ``10 s b h`` bytes are not divided by t. Context parallelism divides s.
* Pipeline (Narayanan et al. 2021, arXiv:2104.04473, sec. 2.2): with 1F1B the first stage
  holds activations of up to PP micro-batches; the interleaved schedule adds a factor of
  ``1 + (PP - 1) / (PP x VPP)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flopcast.parallel.architecture import Architecture
from flopcast.parallel.choices import Attention, Recompute
from flopcast.parallel.plan import Plan, stage_layers
from flopcast.parallel.workload import Workload, as_workload
from flopcast.quantity.arrays import Numeric

#: Bytes per parameter of mixed-precision Adam: weights, gradients, optimizer (ZeRO sec. 3.1).
WEIGHT_BYTES, GRADIENT_BYTES, OPTIMIZER_BYTES = 2.0, 2.0, 12.0

#: Activation bytes per token per hidden unit per layer that TP+SP divides (Korthikanti eq. 4).
ACTIVATION_BYTES_SHARDED = 34.0

#: Of those, the bytes of norms and dropout that only sequence parallelism divides
#: (Korthikanti eq. 3: 10 s b h of the 34 stay replicated without SP).
ACTIVATION_BYTES_REPLICATED_WITHOUT_SP = 10.0

#: With full recomputation, each layer keeps its 2-byte input (Korthikanti sec. 5).
ACTIVATION_BYTES_FULL_RECOMPUTE = 2.0

#: Bytes per attention score element per head that materialized attention keeps for the
#: backward pass: the softmax output (2), the dropout mask (1) and the dropout output (2)
#: (Korthikanti sec. 4.1, the 5 a s^2 b term), or the softmax output alone without dropout.
SCORE_BYTES_WITH_DROPOUT, SCORE_BYTES = 5.0, 2.0

#: Logits and their gradient in fp32 per token per vocabulary entry.
LOGIT_BYTES = 8.0

#: Reserved for the CUDA context, communication buffers and allocator fragmentation [byte];
#: about what PyTorch jobs lose on an 80 GB GPU before any tensor is allocated.
RUNTIME_RESERVE = 3.0 * 2**30


#: The kinds of memory :class:`Memory` holds, in display order.
MEMORY_KINDS = ("weights", "gradients", "optimizer", "activations", "logits", "reserve")


@dataclass(frozen=True)
class Memory:
    """Bytes per device, by kind (arrays when the plan is)."""

    weights: Numeric
    gradients: Numeric
    optimizer: Numeric
    activations: Numeric
    logits: Numeric
    reserve: Numeric

    @property
    def total(self) -> Numeric:
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
        out = {name: float(getattr(self, name)) / 2**30 for name in MEMORY_KINDS}
        out["total"] = float(self.total) / 2**30
        return out


def _stage_parameters(work: Workload, plan: Plan, blocks: Numeric, *, head: Numeric) -> Numeric:
    """Weights one device of a stage holds (before ZeRO sharding): its blocks, with the
    experts split over EP, and the embedding (first stage) or the untied head (last)."""
    per_block = work.replicated_params_per_layer + work.expert_params_per_layer / plan.ep
    ends = np.where(head, work.head_weights, work.embedding_params)
    return (blocks * per_block + ends) / plan.tp


def parameters_per_device(model: Architecture | Workload, plan: Plan) -> Numeric:
    """Weights held by one device of the stage that holds the most (before ZeRO sharding)."""
    work = as_workload(model)
    stages = stage_layers(work.layers, plan)
    return np.maximum(
        _stage_parameters(work, plan, stages.first, head=False),
        _stage_parameters(work, plan, stages.last, head=True),
    )


def activation_bytes_per_layer(model: Architecture | Workload, plan: Plan) -> Numeric:
    """Activation bytes one block keeps for one micro-batch on one device.

    Korthikanti et al.'s ``s b h (34 + 5 a s / h)``: the ``5 a s / h`` term (scores,
    probabilities, the attention-dropout mask and output, per head) is stored only with
    materialized attention and without recomputation, as ``2 a s^2 b`` bytes without dropout
    (the probabilities the value GEMM's backward needs).
    """
    work = as_workload(model)
    tokens = plan.micro_batch * plan.seq_len / plan.cp
    sharded = ACTIVATION_BYTES_SHARDED - ACTIVATION_BYTES_REPLICATED_WITHOUT_SP
    replicated = np.where(
        plan.sequence_parallel > 0,
        ACTIVATION_BYTES_REPLICATED_WITHOUT_SP / plan.tp,
        ACTIVATION_BYTES_REPLICATED_WITHOUT_SP,
    )
    kept = tokens * work.hidden * (sharded / plan.tp + replicated)
    score_bytes = np.where(plan.dropout > 0, SCORE_BYTES_WITH_DROPOUT, SCORE_BYTES)
    scores = tokens * plan.seq_len / plan.cp * work.heads / plan.tp * score_bytes
    kept = kept + np.where(
        (plan.attention == Attention.MATERIALIZED) & (plan.recompute == Recompute.NONE), scores, 0.0
    )
    full = tokens * work.hidden * ACTIVATION_BYTES_FULL_RECOMPUTE / plan.tp
    return np.where(plan.recompute == Recompute.FULL, full, kept)


def memory_per_device(model: Architecture | Workload, plan: Plan) -> Memory:
    """Memory of the busiest device: the first stage (the most micro-batches in flight) or
    the last (the head and the logits)."""
    work = as_workload(model)
    stages = stage_layers(work.layers, plan)
    shard = [np.where(plan.zero >= stage, plan.shard, 1) for stage in (1, 2, 3)]
    in_flight = np.minimum(plan.pp, plan.microbatches)
    interleave = np.where(plan.vpp > 1, 1 + (plan.pp - 1) / (plan.pp * plan.vpp), 1.0)
    per_layer = activation_bytes_per_layer(work, plan)
    tokens = plan.micro_batch * plan.seq_len / plan.cp
    first = _device(
        _stage_parameters(work, plan, stages.first, head=plan.pp == 1),
        per_layer * stages.first * in_flight * interleave,
        np.where(plan.pp == 1, tokens * work.vocab * LOGIT_BYTES / plan.tp, 0.0),
        shard,
    )
    last = _device(
        _stage_parameters(work, plan, stages.last, head=True),
        per_layer * stages.last,
        tokens * work.vocab * LOGIT_BYTES / plan.tp,
        shard,
    )
    pick_first = first.total >= last.total
    return Memory(
        **{
            name: np.where(pick_first, getattr(first, name), getattr(last, name))
            for name in MEMORY_KINDS
        }
    )


def _device(
    params: Numeric, activations: Numeric, logits: Numeric, shard: Sequence[Numeric]
) -> Memory:
    return Memory(
        weights=params * WEIGHT_BYTES / shard[2],
        gradients=params * GRADIENT_BYTES / shard[1],
        optimizer=params * OPTIMIZER_BYTES / shard[0],
        activations=activations,
        logits=logits,
        reserve=np.full(np.shape(activations + logits), RUNTIME_RESERVE),
    )
