"""Step time of a training step: compute, memory traffic, communication, pipeline bubble.

One function, :func:`predict`, works on plans whose fields are scalars or NumPy arrays (one
element per plan), so the single-plan ``predict`` command and the plan search share it.

For each device of a pipeline stage and each micro-batch (``b`` sequences of ``s`` tokens,
``s / CP`` of them on this device):

* GEMMs: 2 FLOP per weight per token forward, twice that backward (Kaplan et al. 2020), split
  over TP; time = FLOP / (peak x GEMM efficiency x power factor). FP8 runs GEMMs at
  ``fp8_gemm_speedup`` times the BF16 speed; MoE expert GEMMs run at
  ``expert_gemm_efficiency`` of dense speed; narrow GEMMs (width w per device: hidden / TP, or
  the expert width / TP) at ``w / (w + gemm_width_half)``; power-capped parts at their
  :attr:`~flopcast.parallel.hardware.Hardware.power_factor`.
* Attention (flash attention, causal): 4 s H d FLOP per token forward (PaLM app. B, halved for
  the causal mask), backward 2.5x forward (flash attention recomputes the scores; Dao 2023).
* Memory-bound operations: ``elementwise_bytes`` x h bytes per token per layer over HBM
  bandwidth, divided by TP when sequence parallelism shards them.
* Recomputation: full adds a forward pass; selective adds the attention forward.
* TP with sequence parallelism: per layer 4 all-gathers/reduce-scatters of the micro-batch's
  activations forward and 4 backward, each moving ``(TP-1)/TP`` of them over the scale-up link
  (Korthikanti et al. 2022, sec. 4.2.2), or over the NIC when TP exceeds the scale-up domain;
  async TP (collectives split and overlapped with the GEMMs, Wang et al. 2023 "Overlap
  communication with dependent computation") hides ``async_tp_overlap`` of it.
* CP (ring attention): each rank passes its keys and values around the ring, ``CP-1`` hops
  forward and twice that backward, hidden behind the attention compute where it can be.
* EP: all-to-all dispatch and combine of each token's ``top_k`` copies, forward and backward.
* PP: the 1F1B bubble adds ``(PP-1)/VPP`` micro-batch times (Narayanan et al. 2021, eq. 1-2),
  plus point-to-point sends of activations between stages.
* DP: gradient reduce-scatter and weight all-gather (ZeRO-1/2), 4 bytes per parameter over
  the ring, hidden behind the last micro-batch's backward up to ``dp_overlap``; ZeRO-3/FSDP
  gathers weights forward and backward and reduce-scatters gradients every micro-batch,
  over the shard group; with hybrid sharding the replicas of a shard group then all-reduce
  their gradient shards once per step.
* Optimizer: reading and writing 16 bytes of state per parameter shard over HBM.

Ring collectives move ``(n-1)/n`` of the data per device and direction (Patarasuk & Yuan
2009). Ranks nest TP, CP, DP, PP from the innermost (Megatron-LM's order): a group stays on
the scale-up link while its span fits the scale-up domain; beyond it, the group's members in
one domain share that domain's NICs (NCCL's multi-rail rings), see :func:`_link`.

Model FLOPs (for MFU) are :meth:`Architecture.model_flops_per_token`; hardware FLOPs (HFU)
add the recomputed forward. Both are against the dense BF16 peak, as PaLM (Chowdhery et al.
2022, app. B) defines MFU, so FP8 runs can exceed 50%.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.parallel.architecture import Architecture
from flopcast.parallel.calibration import Calibration
from flopcast.parallel.hardware import Hardware
from flopcast.parallel.memory import Memory, memory_per_device, parameters_per_device
from flopcast.parallel.plan import Plan, stage_layers

#: Backward over forward FLOPs of a GEMM: gradients for inputs and for weights.
BACKWARD_OVER_FORWARD = 2.0

#: Flash-attention backward over forward FLOPs (it recomputes the scores; Dao 2023, sec. 3).
ATTENTION_BACKWARD_OVER_FORWARD = 2.5

#: Bytes per activation or gradient element exchanged (BF16).
ACTIVATION_BYTES = 2.0

#: Bytes per parameter that ZeRO-1/2 data parallelism moves per step: a BF16 gradient
#: reduce-scatter and a BF16 weight all-gather (an all-reduce moves the same).
DP_BYTES_PER_PARAMETER = 4.0

#: Bytes per parameter that ZeRO-3/FSDP moves per micro-batch: weights gathered forward and
#: backward, gradients reduce-scattered.
FSDP_BYTES_PER_PARAMETER = 6.0

#: Bytes of optimizer traffic per parameter: 16 bytes of state read and written.
OPTIMIZER_TRAFFIC_BYTES = 32.0

#: TP collectives per layer per pass: 2 all-gathers and 2 reduce-scatters (Korthikanti 4.2.2).
TP_COLLECTIVES_PER_PASS = 4.0


@dataclass(frozen=True)
class StepPrediction:
    """Predicted step of one plan (or arrays over many)."""

    step_time: Any
    """Seconds per optimizer step."""
    tokens_per_s_per_device: Any
    """Training tokens per second per device."""
    mfu: Any
    """Model FLOPs utilization (model FLOPs / time / BF16 peak)."""
    hfu: Any
    """Hardware FLOPs utilization (with recomputed FLOPs)."""
    memory: Memory
    """Memory per device."""
    breakdown: dict[str, Any]
    """Seconds per step by component (they add up to the step time)."""


def _width_factor(width: Any, cal: Calibration) -> Any:
    """Relative GEMM speed at a weight dimension of ``width`` per device (1 when wide)."""
    return width / (width + cal.gemm_width_half)


def _ring(volume: Any, group: Any, bandwidth: Any) -> Any:
    """Seconds for a ring all-gather or reduce-scatter of ``volume`` bytes over ``group``."""
    return volume * (group - 1) / np.maximum(group, 1) / bandwidth


def _link(hw: Hardware, inner: Any, group: Any, *, multi_rail: bool = True) -> Any:
    """Per-device bandwidth of a communication over ``group`` ranks whose consecutive members
    are ``inner`` ranks apart (the degrees nested inside it).

    Inside one scale-up domain it is the scale-up link. Across domains, for collectives
    (all-gather, reduce-scatter, all-reduce) the ``k`` members that share a domain also share
    its traffic: NCCL runs one ring per NIC (multi-rail), so a domain's ``k`` NICs carry the
    group's cross-domain data in parallel and each member sees about ``k`` NICs' worth, capped
    by the scale-up link that gathers it. Point-to-point rings (context parallelism) and
    all-to-all (expert parallelism) send each device's data through its own NIC.
    """
    inside = inner * group <= hw.scale_up_domain
    if not multi_rail:
        return np.where(inside, hw.scale_up_bandwidth, hw.scale_out_bandwidth)
    sharing = np.maximum(1, np.minimum(group, hw.scale_up_domain // np.maximum(inner, 1)))
    across = np.minimum(hw.scale_up_bandwidth, sharing * hw.scale_out_bandwidth)
    return np.where(inside, hw.scale_up_bandwidth, across)


def predict(model: Architecture, hw: Hardware, plan: Plan, cal: Calibration) -> StepPrediction:
    """Step time, throughput, MFU, HFU, memory and breakdown of ``plan``."""
    tp, cp, dp, pp, vpp = plan.tp, plan.cp, plan.dp, plan.pp, plan.vpp
    tokens = plan.micro_batch * plan.seq_len / cp  # per device per micro-batch
    layers = stage_layers(model, plan)
    stage_share = layers / model.layers
    # Compute per micro-batch per stage.
    expert_weights = (
        model.moe_layers * (model.top_k + model.shared_experts) * model.mlp_params(model.expert_ffn)
    )
    dense_weights = model.matmul_weights_per_token() - expert_weights
    bf16_gemm_speed = hw.peak_bf16 * cal.gemm(hw.family) * hw.power_factor
    gemm_speed = np.where(plan.fp8 > 0, bf16_gemm_speed * cal.fp8_gemm_speedup, bf16_gemm_speed)
    # Narrow GEMMs and expert GEMMs run slower: weights are counted in dense-GEMM-equivalent
    # terms, divided by their relative speed.
    dense_width = _width_factor(model.hidden / tp, cal)
    expert_width = _width_factor(max(model.expert_ffn, 1) / tp, cal)
    effective_weights = dense_weights / dense_width + expert_weights / (
        cal.expert_gemm_efficiency * expert_width
    )
    gemm_flops = 2.0 * tokens * effective_weights * stage_share / tp
    attention_flops = tokens * model.attention_forward_flops(plan.seq_len) * stage_share / tp
    attention_speed = hw.peak_bf16 * cal.attention_efficiency * hw.power_factor
    shard = np.where(plan.sequence_parallel > 0, tp, 1)
    elementwise = tokens * layers * cal.elementwise_bytes * model.hidden / shard / hw.hbm_bandwidth
    gemm_fwd = gemm_flops / gemm_speed
    attention_fwd = attention_flops / attention_speed
    recompute = np.where(
        plan.recompute == 2,
        gemm_fwd + attention_fwd + elementwise / 3,
        np.where(plan.recompute == 1, attention_fwd, 0.0),
    )
    compute = (
        gemm_fwd * (1 + BACKWARD_OVER_FORWARD)
        + attention_fwd * (1 + ATTENTION_BACKWARD_OVER_FORWARD)
        + elementwise
        + recompute
    )
    # Communication per micro-batch per stage.
    activation = tokens * model.hidden * ACTIVATION_BYTES
    passes = np.where(plan.recompute == 2, 3.0, 2.0)
    tp_time = layers * passes * TP_COLLECTIVES_PER_PASS * _ring(activation, tp, _link(hw, 1, tp))
    tp_hidden = np.where(plan.async_tp > 0, cal.async_tp_overlap, cal.tp_overlap)
    tp_exposed = tp_time * (1 - tp_hidden)
    kv = tokens * 2 * model.kv_heads * model.head_dim * ACTIVATION_BYTES
    cp_time = layers * 3 * kv * (cp - 1) / _link(hw, tp, cp, multi_rail=False)
    cp_exposed = np.maximum(0.0, cp_time - attention_fwd * (1 + ATTENTION_BACKWARD_OVER_FORWARD))
    moe_layers = model.moe_layers * stage_share
    # Each TP rank dispatches its sequence-parallel share of the tokens.
    dispatch = tokens / shard * max(model.top_k, 1) * model.hidden * ACTIVATION_BYTES
    ep_exposed = (
        moe_layers
        * 4
        * dispatch
        * (plan.ep - 1)
        / plan.ep
        / _link(hw, tp, plan.ep, multi_rail=False)
    )
    p2p = np.where(pp > 1, 2 * vpp * activation / shard / hw.scale_out_bandwidth, 0.0)
    microbatch = compute + tp_exposed + cp_exposed + ep_exposed + p2p
    # Pipeline: m micro-batches plus the bubble.
    m = plan.microbatches
    bubble = (pp - 1) / vpp * microbatch
    pipeline = m * microbatch + bubble
    # Data parallelism and the optimizer.
    params = parameters_per_device(model, plan)
    dp_link = _link(hw, tp * cp, dp)
    backward_share = BACKWARD_OVER_FORWARD / (1 + BACKWARD_OVER_FORWARD)
    zero12 = _ring(params * DP_BYTES_PER_PARAMETER, dp, dp_link)
    zero12_exposed = np.maximum(0.0, zero12 - cal.dp_overlap * backward_share * compute)
    group = plan.shard
    fsdp = _ring(params * FSDP_BYTES_PER_PARAMETER, group, _link(hw, tp * cp, group))
    replicas = dp / group
    replica_sync = 2 * _ring(params / group * DP_BYTES_PER_PARAMETER / 2, replicas, dp_link)
    fsdp_exposed = m * np.maximum(0.0, fsdp - cal.dp_overlap * compute) + np.maximum(
        0.0, replica_sync - cal.dp_overlap * backward_share * compute
    )
    dp_exposed = np.where(plan.zero >= 3, fsdp_exposed, zero12_exposed)
    optimizer_shard = np.where(plan.zero >= 1, group, 1)
    optimizer = params / optimizer_shard * OPTIMIZER_TRAFFIC_BYTES / hw.hbm_bandwidth
    step = pipeline + dp_exposed + optimizer
    # Throughput and utilization.
    tokens_per_device = plan.tokens_per_step / plan.devices / step
    model_flops = model.model_flops_per_token(plan.seq_len)
    recomputed = np.where(
        plan.recompute == 2,
        model_flops / 3,
        np.where(plan.recompute == 1, model.attention_forward_flops(plan.seq_len), 0.0),
    )
    breakdown = {
        "gemm": m * gemm_fwd * (1 + BACKWARD_OVER_FORWARD),
        "attention": m * attention_fwd * (1 + ATTENTION_BACKWARD_OVER_FORWARD),
        "memory_bound": m * elementwise,
        "recompute": m * recompute,
        "tp_comm": m * tp_exposed,
        "cp_comm": m * cp_exposed,
        "ep_comm": m * ep_exposed,
        "pp_p2p": m * p2p,
        "pp_bubble": bubble,
        "dp_comm": dp_exposed,
        "optimizer": optimizer,
    }
    return StepPrediction(
        step_time=step,
        tokens_per_s_per_device=tokens_per_device,
        mfu=tokens_per_device * model_flops / hw.peak_bf16,
        hfu=tokens_per_device * (model_flops + recomputed) / hw.peak_bf16,
        memory=memory_per_device(model, plan),
        breakdown=breakdown,
    )
