"""Step time of a training step: compute, memory traffic, communication, pipeline schedule.

One function, :func:`predict`, works on plans, models and accelerators whose fields are
scalars or NumPy arrays (one element per plan or per run), so the single-plan ``predict``
command, the plan search and the calibration fit share it. Units: seconds, bytes, FLOP.

Per device, per micro-batch (``b`` sequences of ``s`` tokens, ``s / CP`` of them on this
device), each transformer block costs (:func:`block_terms`):

* GEMMs: 2 FLOP per weight per token forward, twice that backward (Kaplan et al. 2020), split
  over TP, at the family's GEMM efficiency x the power factor; FP8 runs them
  ``fp8_gemm_speedup`` faster; expert GEMMs at ``expert_gemm_efficiency``; narrow GEMMs
  (width w per device) at ``w / (w + gemm_width_half)``.
* Attention, by kernel. Flash attention: ``4 s H d`` FLOP per token forward for causal
  masks (PaLM app. B, halved), backward 2.5x forward (it recomputes the scores; Dao 2023), at
  ``attention_efficiency``. Materialized attention (Megatron-LM before 2023, Megatron-
  DeepSpeed): the score and context batched GEMMs over the full s x s square (``8 s H d``),
  backward 2x, at the GEMM speed narrowed by the head width, plus the softmax (and dropout)
  kernels reading and writing every score: :data:`SCORE_TRAFFIC_BYTES` per score per head.
* Memory-bound kernels: norms, residuals, rotary and casts move
  :data:`BLOCK_BYTES_PER_HIDDEN` x h bytes per token, dropout
  :data:`DROPOUT_BYTES_PER_HIDDEN` x h more, the MLP activation its
  :data:`~flopcast.parallel.workload.ACTIVATION_BYTES_PER_FFN` per intermediate element, MoE
  token permutation :data:`PERMUTE_BYTES_PER_HIDDEN` x h per routed copy; over HBM
  bandwidth, the hidden-sized ones divided by TP only with sequence parallelism.
* Recomputation: full adds a forward pass; selective the attention's forward.
* Kernel gaps: between dependent kernels the GPU idles for the launch latency and the
  tail of the previous kernel, ``kernel_gap`` per kernel boundary, over
  :data:`KERNELS_PER_BLOCK` kernels per block forward and backward (x 1.5 with full
  recomputation). MoE blocks also wait for the host ``moe_sync_time`` per micro-batch: the
  token dispatcher copies the tokens-per-expert counts to the host to size the all-to-all
  and the grouped GEMMs, which drains the GPU's queue.
* TP: 4 all-gathers/reduce-scatters (or 2 all-reduces without sequence parallelism: the
  same bytes) of the activations per block and pass (Korthikanti et al. 2022, sec. 4.2.2),
  each a ring collective with NCCL's start-up and per-step latency; async TP hides
  ``async_tp_overlap`` of it.
* CP (ring attention): keys and values pass ``CP-1`` hops forward and twice backward, hidden
  behind the attention compute where they can be. EP: all-to-all dispatch and combine of
  each token's ``top_k`` copies, forward and backward.

Pipeline (:func:`_pipeline`): stages may hold different numbers of blocks
(:func:`flopcast.parallel.plan.stage_layers`); the last also runs the output head and the
loss (:func:`head_terms`). With per-micro-batch stage times ``t_i``, 1F1B takes
``m max t_i + (sum t_i - max t_i) / VPP`` (Narayanan et al. 2021, eq. 1-2, for unequal
stages), plus point-to-point sends of activations between stages.

Data parallelism (:func:`_data_parallel`): ZeRO-0 all-reduces gradients; ZeRO-1/2
reduce-scatters them and all-gathers BF16 weights; ZeRO-3/FSDP gathers weights forward and
backward and reduce-scatters gradients every micro-batch (once per step when pipelined;
hybrid sharding adds an all-reduce of the shards across replicas). Gradients travel at
``grad_reduce_bytes`` per element. Frameworks that overlap it run it in per-block chunks
behind up to ``dp_overlap`` (``fsdp_overlap`` for ZeRO-3) of a micro-batch's compute, one
chunk always showing; the others wait for all of it. Overlapped communication is not free:
``overlap_contention`` of its time still costs compute (the SMs and memory bandwidth its
kernels take). Optimizer: 16 bytes of state per parameter shard read and written.

Links (:mod:`flopcast.parallel.links`): ranks nest TP, CP, DP, PP from the innermost
(Megatron-LM's order); a group inside one scale-up domain uses the scale-up link, at NCCL's
protocol efficiency; a group across domains shares its members' NICs (multi-rail rings).

Model FLOPs (for MFU) are :meth:`Workload.model_flops_per_token`; hardware FLOPs (HFU) add
the recomputed forward. Both are against the dense BF16 peak, as PaLM (Chowdhery et al. 2022,
app. B) defines MFU, so FP8 runs can exceed 50%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flopcast.estimate.flop_convention import (
    BACKWARD_OVER_FORWARD,
    CAUSAL_SHARE,
    FORWARD_FLOP_PER_WEIGHT,
    TRAINING_OVER_FORWARD,
)
from flopcast.network.collectives import point_to_point_time, tree_latency
from flopcast.parallel.architecture import Architecture
from flopcast.parallel.calibration import Calibration
from flopcast.parallel.choices import Attention, Precision, Recompute
from flopcast.parallel.hardware import Hardware
from flopcast.parallel.links import hop_latency, link_bandwidth, ring_time
from flopcast.parallel.memory import Memory, memory_per_device, parameters_per_device
from flopcast.parallel.plan import Plan, stage_layers
from flopcast.parallel.workload import Workload, as_workload
from flopcast.quantity.arrays import Numeric

#: Flash-attention backward over forward FLOPs (it recomputes the scores; Dao 2023, sec. 3).
FLASH_BACKWARD_OVER_FORWARD = 2.5

#: Bytes per activation or gradient element exchanged (BF16).
ACTIVATION_BYTES = 2.0

#: Bytes per weight element that ZeRO gathers (BF16 weights).
WEIGHT_GATHER_BYTES = 2.0

#: Bytes of optimizer traffic per parameter: 16 bytes of state read and written.
OPTIMIZER_TRAFFIC_BYTES = 32.0

#: TP collectives per block per pass: 2 all-gathers and 2 reduce-scatters (Korthikanti 4.2.2).
TP_COLLECTIVES_PER_PASS = 4.0

#: Passes a micro-batch makes through a block: forward and backward, and a second forward
#: under full recomputation; each pass runs the block's TP collectives.
PASSES, PASSES_WITH_FULL_RECOMPUTE = 2.0, 3.0

#: Tensors of context-parallel ring attention's exchange: keys and values.
KV_TENSORS = 2.0

#: Times ring attention passes the key-value blocks around the CP ring per micro-batch: once
#: forward; backward passes the blocks again and their gradients back (Megatron-Core's
#: context parallelism, after Liu et al. 2023, "Ring Attention", arXiv:2310.01889).
CP_RING_PASSES = 3.0

#: Pipeline sends per micro-batch per virtual-stage chunk: activations forward, their
#: gradients backward.
P2P_SENDS_PER_CHUNK = 2.0

#: Ranks of a point-to-point send (the group size the link helpers price it at).
PAIR = 2

#: Bytes an all-reduce moves over those a reduce-scatter moves: a reduce-scatter then an
#: all-gather of the same payload (the ring algorithm's 2(n-1)/n).
ALL_REDUCE_OVER_REDUCE_SCATTER = 2.0

#: Weight all-gathers per micro-batch under ZeRO-3/FSDP without pipelining: before the
#: forward and again before the backward (the weights are freed between).
FSDP_GATHERS_PER_MICROBATCH = 2.0

#: All-to-alls per MoE layer per micro-batch: dispatch and combine, forward and backward
#: (Lepikhin et al. 2020, "GShard", arXiv:2006.16668, sec. 2.2).
EP_ALL_TO_ALLS = 4.0

#: HBM bytes per token per hidden unit per block of the memory-bound kernels every block runs,
#: forward and backward, BF16, counted from the kernels: two norms (~8 forward, ~12
#: backward), two residual adds (~12 and ~12), rotary embedding on queries and keys (~6),
#: casts and statistics (~7).
BLOCK_BYTES_PER_HIDDEN = 57.0

#: Forward share of those bytes (recomputed by full recomputation).
FORWARD_SHARE_OF_BLOCK_BYTES = 1.0 / 3.0

#: Bytes per token per hidden unit per block that two dropouts add (bias-dropout-add):
#: writing a 1-byte mask forward; reading the mask and the gradient and writing the gradient
#: backward (1 + 2 + 2): 6 per dropout.
DROPOUT_BYTES_PER_HIDDEN = 12.0

#: HBM bytes per score element per head of materialized attention's memory-bound kernels,
#: forward and backward: the fused scale-mask-softmax reads scores and writes
#: probabilities (2 + 2); backward reads probabilities and gradients and writes gradients
#: (2 + 2 + 2) (Megatron-LM's ``scaled_masked_softmax`` kernels).
SCORE_TRAFFIC_BYTES = 10.0

#: What attention dropout adds per score per head: forward reads, writes and stores a 1-byte
#: mask (2 + 2 + 1); backward reads the gradient and mask and writes (2 + 1 + 2).
SCORE_DROPOUT_BYTES = 10.0

#: Forward shares of the score traffic with and without dropout (4 of 10; 9 of 20).
SCORE_FORWARD_SHARE = 0.4
SCORE_FORWARD_SHARE_WITH_DROPOUT = 0.45

#: Bytes per token per hidden unit per routed copy of MoE token permutation: permute and
#: unpermute each read and write the token forward (2 x 4) and again backward (2 x 4).
PERMUTE_BYTES_PER_HIDDEN = 16.0

#: HBM bytes per logit per token of an unfused FP32 cross-entropy: upcast (2 + 4), max (4),
#: shift (4 + 4), exp (4 + 4), sum (4), normalise (4 + 4) forward; gradient (4 + 4), scale
#: (4 + 4) and downcast (4 + 2) backward.
LOSS_BYTES_PER_LOGIT = 60.0

#: Parameters per gradient bucket of Megatron-Core's distributed data parallelism
#: (``bucket_size`` default 40M elements): each bucket's reduction pays a collective's latency.
BUCKET_PARAMETERS = 40e6

#: Kernels per transformer block, forward and backward: about 20 forward (2 norms, 4 GEMMs
#: with their epilogues, attention, rotary, activation, 2 residual adds, casts) and twice that
#: backward.
KERNELS_PER_BLOCK = 60.0

#: Kernel-gap multiplier with full recomputation (a third pass of forward kernels).
FULL_RECOMPUTE_LAUNCHES = 1.5


@dataclass(frozen=True)
class StepPrediction:
    """Predicted step of one plan (or arrays over many)."""

    step_time: Numeric
    """Seconds per optimizer step."""
    tokens_per_s_per_device: Numeric
    """Training tokens per second per device."""
    mfu: Numeric
    """Model FLOPs utilization (model FLOPs / time / BF16 peak)."""
    hfu: Numeric
    """Hardware FLOPs utilization (with recomputed FLOPs)."""
    memory: Memory
    """Memory per device."""
    breakdown: dict[str, Numeric]
    """Seconds per step by component (they add up to the step time)."""


def _width_factor(width: Numeric, cal: Calibration) -> Numeric:
    """Relative GEMM speed at a weight dimension of ``width`` per device (1 when wide)."""
    return width / (width + cal.gemm_width_half)


def _gemm_speeds(
    work: Workload, hw: Hardware, plan: Plan, cal: Calibration
) -> tuple[Numeric, Numeric]:
    """(BF16, plan-precision) dense GEMM speed [FLOP/s] on this device."""
    bf16 = hw.peak_bf16 * cal.gemm(hw.family) * hw.power_factor
    return bf16, np.where(plan.fp8 == Precision.FP8, bf16 * cal.fp8_gemm_speedup, bf16)


def block_terms(work: Workload, hw: Hardware, plan: Plan, cal: Calibration) -> dict[str, Numeric]:
    """Seconds one device spends on one block for one micro-batch, by term."""
    tp, cp = plan.tp, plan.cp
    tokens = plan.micro_batch * plan.seq_len / cp
    shard = np.where(plan.sequence_parallel > 0, tp, 1)
    bf16_speed, speed = _gemm_speeds(work, hw, plan, cal)
    # GEMMs: weights counted in dense-equivalent terms, divided by their relative speed.
    weights = work.dense_weights_per_layer / _width_factor(
        work.hidden / tp, cal
    ) + work.expert_weights_per_layer / (
        cal.expert_gemm_efficiency * _width_factor(np.maximum(work.expert_ffn, 1) / tp, cal)
    )
    gemm_fwd = FORWARD_FLOP_PER_WEIGHT * tokens * weights / tp / speed
    # Attention by kernel.
    materialized = plan.attention == Attention.MATERIALIZED
    # Every query attends to the whole sequence, also under CP (ring attention passes the
    # keys and values around): FLOP per token per device over the full square.
    per_token = (
        FORWARD_FLOP_PER_WEIGHT * plan.seq_len * work.heads * (work.qk_dim + work.v_dim) / tp
    )
    # Flash attention skips the masked blocks; materialized attention computes the square.
    flash_fwd = tokens * per_token * CAUSAL_SHARE / (hw.peak_bf16 * cal.attention_efficiency)
    flash_fwd = flash_fwd / hw.power_factor
    score_gemm_fwd = tokens * per_token / (bf16_speed * _width_factor(work.qk_dim, cal))
    scores = tokens * plan.seq_len * work.heads / tp  # score elements per device
    dropout = plan.dropout > 0
    score_bytes = SCORE_TRAFFIC_BYTES + np.where(dropout, SCORE_DROPOUT_BYTES, 0.0)
    score_traffic = scores * score_bytes / hw.hbm_bandwidth
    score_fwd_share = np.where(dropout, SCORE_FORWARD_SHARE_WITH_DROPOUT, SCORE_FORWARD_SHARE)
    attention_fwd = np.where(
        materialized, score_gemm_fwd + score_traffic * score_fwd_share, flash_fwd
    )
    attention = np.where(
        materialized,
        score_gemm_fwd * (1 + BACKWARD_OVER_FORWARD) + score_traffic,
        flash_fwd * (1 + FLASH_BACKWARD_OVER_FORWARD),
    )
    # Memory-bound kernels.
    hidden_bytes = BLOCK_BYTES_PER_HIDDEN + np.where(dropout, DROPOUT_BYTES_PER_HIDDEN, 0.0)
    moe_share = work.moe_layers / work.layers
    permute = moe_share * work.top_k * PERMUTE_BYTES_PER_HIDDEN
    elementwise = (
        tokens
        * (
            (hidden_bytes + permute) * work.hidden / shard
            + work.activation_bytes_per_ffn * work.active_ffn_per_layer / tp
        )
        / hw.hbm_bandwidth
    )
    recompute = np.where(
        plan.recompute == Recompute.FULL,
        gemm_fwd + attention_fwd + elementwise * FORWARD_SHARE_OF_BLOCK_BYTES,
        np.where(plan.recompute == Recompute.SELECTIVE, attention_fwd, 0.0),
    )
    gemm = gemm_fwd * (1 + BACKWARD_OVER_FORWARD)
    passes = np.where(plan.recompute == Recompute.FULL, FULL_RECOMPUTE_LAUNCHES, 1.0)
    gaps = cal.kernel_gap * KERNELS_PER_BLOCK * passes
    return {
        "gemm": gemm,
        "attention": attention,
        "memory_bound": elementwise,
        "recompute": recompute,
        "overhead": gaps + moe_share * cal.moe_sync_time,
        **_block_communication(work, hw, plan, cal, tokens, shard, attention),
    }


def _block_communication(
    work: Workload,
    hw: Hardware,
    plan: Plan,
    cal: Calibration,
    tokens: Numeric,
    shard: Numeric,
    attention: Numeric,
) -> dict[str, Numeric]:
    """Exposed TP, CP and EP communication of one block for one micro-batch [s]."""
    tp, cp, ep = plan.tp, plan.cp, plan.ep
    activation = tokens * work.hidden * ACTIVATION_BYTES
    passes = np.where(plan.recompute == Recompute.FULL, PASSES_WITH_FULL_RECOMPUTE, PASSES)
    tp_time = passes * TP_COLLECTIVES_PER_PASS * ring_time(hw, activation, 1, tp)
    tp_hidden = np.where(plan.async_tp > 0, cal.async_tp_overlap, cal.tp_overlap)
    kv = tokens * KV_TENSORS * work.kv_heads * work.qk_dim * ACTIVATION_BYTES
    cp_hop = point_to_point_time(
        kv, link_bandwidth(hw, tp, cp, multi_rail=False), hop_latency(hw, tp, cp)
    )
    cp_time = CP_RING_PASSES * (cp - 1) * cp_hop
    moe_share = work.moe_layers / work.layers
    # Each TP rank dispatches its sequence-parallel share of the tokens.
    dispatch = tokens / shard * np.maximum(work.top_k, 1) * work.hidden * ACTIVATION_BYTES
    ep_time = moe_share * EP_ALL_TO_ALLS * ring_time(hw, dispatch, tp, ep, multi_rail=False)
    cp_exposed = np.maximum(0.0, cp_time - attention)
    hidden = tp_time * tp_hidden + (cp_time - cp_exposed)
    return {
        "tp_comm": tp_time * (1 - tp_hidden) + cal.overlap_contention * hidden,
        "cp_comm": cp_exposed,
        "ep_comm": ep_time,
    }


def head_terms(work: Workload, hw: Hardware, plan: Plan, cal: Calibration) -> dict[str, Numeric]:
    """Seconds the last stage spends on the output head and the loss per micro-batch: the
    V x h GEMM forward and backward (never recomputed) and the FP32 cross-entropy's traffic
    over the vocabulary shard."""
    tp = plan.tp
    tokens = plan.micro_batch * plan.seq_len / plan.cp
    _, speed = _gemm_speeds(work, hw, plan, cal)
    head_fwd = (
        FORWARD_FLOP_PER_WEIGHT
        * tokens
        * work.head_weights
        / tp
        / (speed * _width_factor(work.hidden, cal))
    )
    loss = tokens * work.vocab / tp * LOSS_BYTES_PER_LOGIT / hw.hbm_bandwidth
    return {"gemm": head_fwd * (1 + BACKWARD_OVER_FORWARD), "memory_bound": loss}


def _pipeline(
    work: Workload, hw: Hardware, plan: Plan, block: dict[str, Numeric], head: dict[str, Numeric]
) -> tuple[Numeric, dict[str, Numeric]]:
    """Seconds of the pipelined micro-batches of one step, and their breakdown."""
    pp, vpp = plan.pp, plan.vpp
    layers = stage_layers(work.layers, plan)
    shard = np.where(plan.sequence_parallel > 0, plan.tp, 1)
    tokens = plan.micro_batch * plan.seq_len / plan.cp
    send = tokens * work.hidden * ACTIVATION_BYTES / shard
    inner = plan.tp * plan.cp * plan.dp
    hop = point_to_point_time(
        send, link_bandwidth(hw, inner, PAIR, multi_rail=False), hop_latency(hw, inner, PAIR)
    )
    p2p = np.where(pp > 1, P2P_SENDS_PER_CHUNK * vpp * hop, 0.0)

    def stage(count: Numeric, with_head: Numeric) -> dict[str, Numeric]:
        terms = {key: count * value for key, value in block.items()}
        for key, value in head.items():
            terms[key] = terms[key] + np.where(with_head, value, 0.0)
        terms["pp_p2p"] = p2p
        return terms

    first = stage(layers.first, pp == 1)
    middle = stage(layers.middle, False)
    last = stage(layers.last, True)
    times = [sum(s.values()) for s in (first, middle, last)]
    slowest = np.maximum(np.maximum(times[0], times[1]), times[2])
    # All stages together run every block, the head and one send per stage.
    per_block = sum(block.values())
    total = work.layers * per_block + sum(head.values()) + pp * p2p
    # The stages together hold every block, so total >= slowest; the clamp only removes
    # rounding (-1e-16 s with one stage).
    bubble = np.maximum(total - slowest, 0.0) / vpp
    m = plan.microbatches
    pick = [times[0] >= slowest, times[2] >= slowest]
    breakdown: dict[str, Numeric] = {
        key: m * np.where(pick[1], last[key], np.where(pick[0], first[key], middle[key]))
        for key in first
    }
    breakdown["pp_bubble"] = bubble
    return m * slowest + bubble, breakdown


def _data_parallel(
    work: Workload, hw: Hardware, plan: Plan, cal: Calibration, block: dict[str, Numeric]
) -> tuple[Numeric, Numeric]:
    """Exposed data-parallel communication and optimizer time per step [s]."""
    params = parameters_per_device(work, plan)
    inner, dp, group = plan.tp * plan.cp, plan.dp, plan.shard
    grad = plan.grad_reduce_bytes
    blocks = stage_layers(work.layers, plan).middle
    compute = blocks * sum(block[k] for k in ("gemm", "attention", "memory_bound", "recompute"))
    chunks = np.maximum(blocks / plan.vpp, 1.0)

    share = np.where(plan.zero >= 3, cal.fsdp_overlap, cal.dp_overlap)

    def exposed(comm: Numeric) -> Numeric:
        # Overlapped, the communication runs in per-block chunks behind a share of a
        # micro-batch's compute, and one chunk always shows (NeMo docs, "Communication
        # Overlap": "exposes only one DP communication chunk"); otherwise it all waits.
        shown = np.maximum(comm - share * compute, comm / chunks)
        shown = shown + cal.overlap_contention * (comm - shown)
        return np.where(plan.dp_overlap > 0, shown, comm)

    buckets = np.ceil(params / BUCKET_PARAMETERS)
    hop = hop_latency(hw, inner, dp)
    latency = buckets * np.minimum(
        hw.collective_startup + (dp - 1) * hop, tree_latency(dp, hop, hw.collective_startup)
    )
    latency = np.where(dp > 1, latency, 0.0)
    # ZeRO-0: all-reduce of gradients; ZeRO-1/2: reduce-scatter them, all-gather weights.
    replicated = ring_time(hw, params * ALL_REDUCE_OVER_REDUCE_SCATTER * grad, inner, dp)
    sharded = ring_time(hw, params * (grad + WEIGHT_GATHER_BYTES), inner, dp)
    once = exposed(np.where(plan.zero == 0, replicated, sharded) + latency)
    # ZeRO-3/FSDP: every micro-batch, over the shard group; replicas all-reduce shards.
    # Pipelined, the weights stay gathered over the step's micro-batches and gradients are
    # reduced after the last (torchtitan: reshard_after_forward off with PP, gradient sync on
    # the last backward only), so it moves what ZeRO-1/2 does, once per step.
    gathered = FSDP_GATHERS_PER_MICROBATCH * WEIGHT_GATHER_BYTES
    per_microbatch = ring_time(hw, params * (gathered + grad), inner, group)
    per_step = ring_time(hw, params * (grad + WEIGHT_GATHER_BYTES), inner, group)
    replicas = dp / group
    shard_bytes = params / group * ALL_REDUCE_OVER_REDUCE_SCATTER * grad
    replica_sync = ring_time(hw, shard_bytes, inner * group, replicas)
    fsdp = np.where(
        plan.pp > 1, exposed(per_step), plan.microbatches * exposed(per_microbatch)
    ) + exposed(replica_sync + latency)
    optimizer_shard = np.where(plan.zero >= 1, group, 1)
    optimizer = params / optimizer_shard * OPTIMIZER_TRAFFIC_BYTES / hw.hbm_bandwidth
    return np.where(plan.zero >= 3, fsdp, once), optimizer


def predict(
    model: Architecture | Workload, hw: Hardware, plan: Plan, cal: Calibration
) -> StepPrediction:
    """Step time, throughput, MFU, HFU, memory and breakdown of ``plan``."""
    work = as_workload(model)
    block = block_terms(work, hw, plan, cal)
    head = head_terms(work, hw, plan, cal)
    pipeline, breakdown = _pipeline(work, hw, plan, block, head)
    dp_exposed, optimizer = _data_parallel(work, hw, plan, cal, block)
    step = pipeline + dp_exposed + optimizer
    breakdown["dp_comm"] = dp_exposed
    breakdown["optimizer"] = optimizer
    tokens_per_device = plan.tokens_per_step / plan.devices / step
    model_flops = work.model_flops_per_token(plan.seq_len)
    recomputed = np.where(
        plan.recompute == Recompute.FULL,
        model_flops / TRAINING_OVER_FORWARD,
        np.where(
            plan.recompute == Recompute.SELECTIVE, work.attention_forward_flops(plan.seq_len), 0.0
        ),
    )
    return StepPrediction(
        step_time=step,
        tokens_per_s_per_device=tokens_per_device,
        mfu=tokens_per_device * model_flops / hw.peak_bf16,
        hfu=tokens_per_device * (model_flops + recomputed) / hw.peak_bf16,
        memory=memory_per_device(work, plan),
        breakdown=breakdown,
    )
