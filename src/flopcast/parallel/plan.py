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

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from flopcast.parallel.architecture import Architecture
from flopcast.parallel.choices import Attention, Precision, Recompute

#: A plan field: one number, or one per plan in an array.
PlanValue: TypeAlias = int | float | NDArray[np.float64]

#: A rule's test: True (element-wise) where a plan breaks it.
Breaks: TypeAlias = Callable[["Plan", Architecture, PlanValue], "bool | NDArray[np.bool_]"]


@dataclass(frozen=True, kw_only=True)
class Plan:
    """One layout (or, with array fields, many)."""

    tp: PlanValue = 1
    """Tensor-parallel degree."""
    pp: PlanValue = 1
    """Pipeline-parallel stages."""
    dp: PlanValue = 1
    """Data-parallel degree (including ZeRO/FSDP sharding)."""
    cp: PlanValue = 1
    """Context-parallel degree (the sequence split over devices)."""
    ep: PlanValue = 1
    """Expert-parallel degree (MoE only)."""
    vpp: PlanValue = 1
    """Virtual pipeline stages per device (interleaved 1F1B; 1 is plain 1F1B)."""
    micro_batch: PlanValue = 1
    """Sequences per micro-batch."""
    global_batch: PlanValue = 1
    """Sequences per optimizer step."""
    seq_len: PlanValue = 4096
    """Tokens per sequence."""
    recompute: PlanValue = Recompute.NONE
    """Activation recomputation (:class:`~flopcast.parallel.choices.Recompute` code)."""
    zero: PlanValue = 1
    """ZeRO stage of data-parallel sharding."""
    sequence_parallel: PlanValue = 1
    """1 when TP also splits norms and dropout over the sequence (Korthikanti et al. 2022)."""
    fp8: PlanValue = Precision.BF16
    """GEMM precision (:class:`~flopcast.parallel.choices.Precision` code: 1 is FP8)."""
    async_tp: PlanValue = 0
    """1 when tensor-parallel collectives are decomposed and overlapped with the GEMMs they
    feed (async TP: torchtitan's AsyncTP, Megatron's --tp-comm-overlap)."""
    shard_group: PlanValue = 0
    """Data-parallel ranks that ZeRO shards over (hybrid sharding, HSDP); 0 means all DP
    ranks. Replicas of a shard group all-reduce their gradient shards once per step."""
    attention: PlanValue = Attention.FLASH
    """Attention kernel (:class:`~flopcast.parallel.choices.Attention` code)."""
    dropout: PlanValue = 0
    """1 when the blocks apply dropout (Megatron-era GPT configurations: hidden and
    attention dropout 0.1), which adds memory-bound traffic and a stored mask."""
    dp_overlap: PlanValue = 1
    """1 when the framework overlaps the gradient reduction with the backward pass
    (Megatron-Core's overlap_grad_reduce, FSDP, XLA); 0 when it reduces after the backward
    pass (Megatron-LM 2021, Megatron-DeepSpeed)."""
    grad_reduce_bytes: PlanValue = 4.0
    """Bytes per gradient element in the data-parallel reduction: 4 where gradients are
    reduced in fp32 (Megatron with BF16, FSDP's usual reduce_dtype), 2 in FP16/BF16."""
    first_stage_layers: PlanValue = 0
    """Blocks on the first pipeline stage (0: the default split, see :func:`stage_layers`);
    Megatron-Core's --decoder-first-pipeline-num-layers."""
    last_stage_layers: PlanValue = 0
    """Blocks on the last pipeline stage, which also holds the output head and the loss
    (0: the default split); --decoder-last-pipeline-num-layers."""

    @property
    def shard(self) -> PlanValue:
        """Ranks the model states are sharded over."""
        return np.where(self.shard_group > 0, np.minimum(self.shard_group, self.dp), self.dp)

    @property
    def devices(self) -> PlanValue:
        """Devices the plan uses: TP x CP x DP x PP."""
        return self.tp * self.cp * self.dp * self.pp

    @property
    def microbatches(self) -> PlanValue:
        """Micro-batches per pipeline per step (gradient accumulation steps)."""
        return self.global_batch / (self.dp * self.micro_batch)

    @property
    def tokens_per_step(self) -> PlanValue:
        """Tokens per optimizer step."""
        return self.global_batch * self.seq_len


@dataclass(frozen=True)
class Rule:
    """One rule every plan must keep."""

    uses: tuple[str, ...]
    """The plan fields the rule reads (the search applies it as soon as they are known)."""
    breaks: Breaks
    """Element-wise: True where the plan breaks the rule."""
    reason: str
    """What is wrong, for a user."""


#: The plan rules, in the order a plan's first broken rule is reported. ``predict``,
#: ``search`` and the scenario functions all check plans with this one table.
RULES: tuple[Rule, ...] = (
    Rule(
        ("tp", "cp", "dp", "pp"),
        lambda p, m, devices: p.devices != devices,
        "TP x CP x DP x PP does not equal the device count",
    ),
    Rule(
        ("tp",), lambda p, m, devices: m.heads % p.tp != 0, "TP does not divide the attention heads"
    ),
    Rule(
        ("tp",),
        lambda p, m, devices: (m.kv_heads % p.tp != 0) & (p.tp % m.kv_heads != 0),
        "TP and the KV heads do not divide one another",
    ),
    Rule(
        ("tp",),
        lambda p, m, devices: (m.ffn % p.tp != 0) | (m.expert_ffn % p.tp != 0),
        "TP does not divide the MLP width",
    ),
    Rule(
        ("pp", "vpp"),
        lambda p, m, devices: p.pp * p.vpp > m.layers,
        "PP x virtual stages exceeds the layers",
    ),
    Rule(
        ("seq_len", "cp"),
        lambda p, m, devices: p.seq_len % (2 * p.cp) != 0,
        "2 x CP does not divide the sequence length",
    ),
    Rule(
        ("global_batch", "dp", "micro_batch"),
        lambda p, m, devices: p.global_batch % (p.dp * p.micro_batch) != 0,
        "DP x micro-batch does not divide the global batch",
    ),
    Rule(
        ("ep", "dp", "cp"),
        lambda p, m, devices: (
            (p.ep > 1) & ((max(m.experts, 1) % p.ep != 0) | ((p.dp * p.cp) % p.ep != 0))
        ),
        "EP does not divide the experts or the DP x CP group",
    ),
    Rule(
        ("vpp", "pp"),
        lambda p, m, devices: (p.vpp > 1) & (p.pp == 1),
        "virtual stages need pipeline parallelism",
    ),
    # Last, so that a plan given a fractional DP to probe another rule reports that rule.
    Rule(
        ("dp",),
        lambda p, m, devices: np.logical_or(np.floor(p.dp) != p.dp, np.less(p.dp, 1)),
        "TP x PP x CP does not divide the device count",
    ),
)


def feasible(
    plan: Plan, model: Architecture, devices: PlanValue, fields: Collection[str] | None = None
) -> NDArray[np.bool_]:
    """True (element-wise) where the plan keeps every rule of :data:`RULES`; with ``fields``,
    every rule that reads only those fields (the others are not judged)."""
    ok = np.ones(np.shape(plan.tp * plan.pp * plan.dp), dtype=bool)
    for rule in RULES:
        if fields is None or set(rule.uses) <= set(fields):
            ok &= ~np.asarray(rule.breaks(plan, model, devices), dtype=bool)
    return ok


def infeasibility(plan: Plan, model: Architecture, devices: PlanValue) -> NDArray[np.object_]:
    """Why each plan cannot run, as text ('' where it can): the first rule of :data:`RULES`
    it breaks.

    Rules: degrees multiply to the device count; TP divides the heads, the KV heads (or the
    KV heads divide TP, which replicates them) and the MLP widths; PP x VPP is at most the
    layers (stages may be uneven, as Llama 3 405B's 126 layers on 16 stages); CP divides the
    sequence (in two halves per rank, for causal load balance); EP divides the experts and
    the DP x CP group; DP x micro-batch divides the global batch.
    """
    reasons = np.full(np.shape(plan.tp * plan.pp * plan.dp), "", dtype=object)
    for rule in reversed(RULES):
        reasons = np.where(rule.breaks(plan, model, devices), rule.reason, reasons)
    return reasons


@dataclass(frozen=True)
class StageLayers:
    """Blocks per device on the first, a middle and the last pipeline stage."""

    first: PlanValue
    middle: PlanValue
    last: PlanValue


def stage_layers(layers: PlanValue, plan: Plan) -> StageLayers:
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
