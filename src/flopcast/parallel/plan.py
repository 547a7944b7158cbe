"""A parallel plan: how a model is laid out on devices, and when that layout is impossible.

Degrees follow Megatron-LM's nesting (Narayanan et al. 2021, arXiv:2104.04473; Korthikanti et
al. 2022, arXiv:2205.05198): tensor parallelism (TP) innermost, then context (CP), data (DP)
and pipeline (PP) parallelism, so ``devices = TP x CP x DP x PP``. Expert parallelism (EP)
splits the experts over ranks of the DP x CP group and does not multiply the device count.
Each pipeline runs ``global_batch / (DP x micro_batch)`` micro-batches per step.

The fields may hold NumPy arrays of equal shape, one element per plan, so the same predictor
code evaluates one plan or a million (:mod:`flopcast.parallel.steptime`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.parallel.architecture import Architecture

#: Activation recomputation choices and their codes in plan arrays.
RECOMPUTE = {"none": 0, "selective": 1, "full": 2}

#: GEMM precisions and their codes in plan arrays.
PRECISIONS = {"bf16": 0, "fp8": 1}

#: Attention kernels and their codes in plan arrays: ``flash`` computes attention in tiles
#: without storing the s x s scores (Dao et al. 2022, arXiv:2205.14135); ``materialized``
#: writes the scores and probabilities of every head to memory, as Megatron-LM did before
#: it adopted flash attention (2023) and Megatron-DeepSpeed does by default.
ATTENTION = {"flash": 0, "materialized": 1}

#: Data-parallel sharding stages (ZeRO, Rajbhandari et al. 2020, arXiv:1910.02054):
#: 0 replicates everything, 1 shards optimizer states, 2 also gradients, 3 also weights
#: (3 is what PyTorch FSDP's FULL_SHARD does).
ZERO_STAGES = (0, 1, 2, 3)


@dataclass(frozen=True, kw_only=True)
class Plan:
    """One layout (or, with array fields, many)."""

    tp: Any = 1
    """Tensor-parallel degree."""
    pp: Any = 1
    """Pipeline-parallel stages."""
    dp: Any = 1
    """Data-parallel degree (including ZeRO/FSDP sharding)."""
    cp: Any = 1
    """Context-parallel degree (the sequence split over devices)."""
    ep: Any = 1
    """Expert-parallel degree (MoE only)."""
    vpp: Any = 1
    """Virtual pipeline stages per device (interleaved 1F1B; 1 is plain 1F1B)."""
    micro_batch: Any = 1
    """Sequences per micro-batch."""
    global_batch: Any = 1
    """Sequences per optimizer step."""
    seq_len: Any = 4096
    """Tokens per sequence."""
    recompute: Any = 0
    """Activation recomputation code (:data:`RECOMPUTE`)."""
    zero: Any = 1
    """ZeRO stage of data-parallel sharding."""
    sequence_parallel: Any = 1
    """1 when TP also splits norms and dropout over the sequence (Korthikanti et al. 2022)."""
    fp8: Any = 0
    """1 when GEMMs run in FP8 (:data:`PRECISIONS`)."""
    async_tp: Any = 0
    """1 when tensor-parallel collectives are decomposed and overlapped with the GEMMs they
    feed (async TP: torchtitan's AsyncTP, Megatron's --tp-comm-overlap)."""
    shard_group: Any = 0
    """Data-parallel ranks that ZeRO shards over (hybrid sharding, HSDP); 0 means all DP
    ranks. Replicas of a shard group all-reduce their gradient shards once per step."""
    attention: Any = 0
    """Attention kernel code (:data:`ATTENTION`)."""
    dropout: Any = 0
    """1 when the blocks apply dropout (Megatron-era GPT configurations: hidden and
    attention dropout 0.1), which adds memory-bound traffic and a stored mask."""
    dp_overlap: Any = 1
    """1 when the framework overlaps the gradient reduction with the backward pass
    (Megatron-Core's overlap_grad_reduce, FSDP, XLA); 0 when it reduces after the backward
    pass (Megatron-LM 2021, Megatron-DeepSpeed)."""
    grad_reduce_bytes: Any = 4.0
    """Bytes per gradient element in the data-parallel reduction: 4 where gradients are
    reduced in fp32 (Megatron with BF16, FSDP's usual reduce_dtype), 2 in FP16/BF16."""
    first_stage_layers: Any = 0
    """Blocks on the first pipeline stage (0: the default split, see :func:`stage_layers`);
    Megatron-Core's --decoder-first-pipeline-num-layers."""
    last_stage_layers: Any = 0
    """Blocks on the last pipeline stage, which also holds the output head and the loss
    (0: the default split); --decoder-last-pipeline-num-layers."""

    @property
    def shard(self) -> Any:
        """Ranks the model states are sharded over."""
        return np.where(self.shard_group > 0, np.minimum(self.shard_group, self.dp), self.dp)

    @property
    def devices(self) -> Any:
        """Devices the plan uses: TP x CP x DP x PP."""
        return self.tp * self.cp * self.dp * self.pp

    @property
    def microbatches(self) -> Any:
        """Micro-batches per pipeline per step (gradient accumulation steps)."""
        return self.global_batch / (self.dp * self.micro_batch)

    @property
    def tokens_per_step(self) -> Any:
        """Tokens per optimizer step."""
        return self.global_batch * self.seq_len


def infeasibility(plan: Plan, model: Architecture, devices: Any) -> np.ndarray:
    """Why each plan cannot run, as text ('' where it can).

    Rules: degrees multiply to the device count; TP divides the heads, the KV heads (or the
    KV heads divide TP, which replicates them) and the MLP widths; PP x VPP is at most the
    layers (stages may be uneven, as Llama 3 405B's 126 layers on 16 stages); CP divides the
    sequence (in two halves per rank, for causal load balance); EP divides the experts and
    the DP x CP group; DP x micro-batch divides the global batch.
    """
    checks = [
        (plan.devices != devices, "TP x CP x DP x PP does not equal the device count"),
        (model.heads % plan.tp != 0, "TP does not divide the attention heads"),
        (
            (model.kv_heads % plan.tp != 0) & (plan.tp % model.kv_heads != 0),
            "TP and the KV heads do not divide one another",
        ),
        (
            (model.ffn % plan.tp != 0) | (model.expert_ffn % plan.tp != 0),
            "TP does not divide the MLP width",
        ),
        (plan.pp * plan.vpp > model.layers, "PP x virtual stages exceeds the layers"),
        (plan.seq_len % (2 * plan.cp) != 0, "2 x CP does not divide the sequence length"),
        (
            plan.global_batch % (plan.dp * plan.micro_batch) != 0,
            "DP x micro-batch does not divide the global batch",
        ),
        (
            (plan.ep > 1)
            & ((max(model.experts, 1) % plan.ep != 0) | ((plan.dp * plan.cp) % plan.ep != 0)),
            "EP does not divide the experts or the DP x CP group",
        ),
        ((plan.vpp > 1) & (plan.pp == 1), "virtual stages need pipeline parallelism"),
    ]
    reasons = np.full(np.shape(plan.tp * plan.pp * plan.dp), "", dtype=object)
    for failed, reason in reversed(checks):
        reasons = np.where(failed, reason, reasons)
    return reasons


@dataclass(frozen=True)
class StageLayers:
    """Blocks per device on the first, a middle and the last pipeline stage."""

    first: Any
    middle: Any
    last: Any


def stage_layers(layers: Any, plan: Plan) -> StageLayers:
    """How ``layers`` blocks sit on the pipeline stages, per device.

    Blocks are split as evenly as the count allows, and the extra blocks of an uneven split go
    to the middle stages first, sparing the first stage (embedding) and the last (output head
    and loss): Llama 3 405B's 126 blocks on 16 stages put 7 on the first and last and 8 on the
    others (Dubey et al. 2024, sec. 3.3.2). Virtual stages cut each device's blocks into
    chunks but do not change how many it holds. Explicit ``first_stage_layers`` and
    ``last_stage_layers`` override the ends, and the middle stages share the rest. With one
    stage everything is on it.
    """
    pp = plan.pp
    inner = np.maximum(pp - 2, 0)
    base = np.floor(layers / pp)
    extra = layers - base * pp
    spill = extra - inner  # extra blocks left for the ends once each middle stage has one
    first = np.where(plan.first_stage_layers > 0, plan.first_stage_layers, base + (spill >= 1))
    last = np.where(plan.last_stage_layers > 0, plan.last_stage_layers, base + (spill >= 2))
    rest = np.maximum(layers - first - last, 0) / np.maximum(inner, 1)
    explicit = (plan.first_stage_layers > 0) | (plan.last_stage_layers > 0)
    middle = np.where(explicit, np.ceil(rest), base + (extra > 0))
    single = pp == 1
    return StageLayers(
        first=np.where(single, layers, first),
        middle=np.where(single, layers, np.where(inner > 0, middle, np.maximum(first, last))),
        last=np.where(single, layers, last),
    )
