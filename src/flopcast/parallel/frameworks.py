"""What a training framework does by default, where a run's description is silent.

A published run names its framework ("Megatron-LM (2021)", "NeMo 24.09", "torchtitan
(FSDP+compile)") but rarely every setting the step-time model needs. These defaults are the
frameworks' own, documented below; a run that states a setting overrides them.

=================  =========================================================================
family             defaults and why
=================  =========================================================================
megatron-legacy    Megatron-LM before 2023, Megatron-DeepSpeed, DeepSpeed, metaseq, GPT-NeoX:
                   materialized attention (flash attention was published in 2022 and reached
                   Megatron-LM as ``--use-flash-attn`` in 2023), no sequence parallelism
                   (Korthikanti et al. 2022 introduced it), gradients all-reduced after the
                   backward pass (Megatron's DDP before ``--overlap-grad-reduce``), hidden
                   and attention dropout 0.1 (Megatron-LM's defaults), full recomputation
                   ("we use activation recomputation" in every experiment of Narayanan et
                   al. 2021, sec. 5; ``--checkpoint-activations`` in BLOOM's and MT-NLG's
                   launch scripts), the only kind these frameworks had.
megatron-core      Megatron-Core, NeMo, Megatron-Bridge, NVIDIA's DGX Cloud recipes: flash or
                   cuDNN fused attention, sequence parallelism with TP, overlapped gradient
                   reduction and weight gathering (NeMo docs, "Communication Overlap"), TP
                   communication overlapped with GEMMs (the recipes' userbuffers presets,
                   ``userbuffers_bf16_h100_h8192_tp4_mbs1_seqlen8192`` and kin), no dropout.
pytorch-fsdp       torchtitan, llm-foundry/Composer, FSDP: flash (SDPA) attention, gradient
                   reduce-scatter overlapped by FSDP's prefetching.
jax                Paxml, MaxText, Praxis: XLA's fused attention and asynchronous collectives.
other              modern defaults: flash attention, overlapped reduction, no dropout.
=================  =========================================================================

Gradients are reduced in FP32 (4 bytes) except in FP16 training, where Megatron-LM reduces
the FP16 gradients unless told otherwise (``--accumulate-allreduce-grads-in-fp32`` was off by
default for FP16 and forced on for BF16).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class FrameworkDefaults:
    """Settings a framework uses unless told otherwise."""

    family: str
    """Framework family (the regime of prediction intervals)."""
    attention: str
    """``flash`` or ``materialized``."""
    sequence_parallel: bool
    """Whether TP also shards norms and dropouts over the sequence."""
    dp_overlap: bool
    """Whether the gradient reduction overlaps the backward pass."""
    dropout: bool
    """Whether blocks apply dropout."""
    tp_overlap: bool = False
    """Whether TP communication is split and overlapped with the GEMMs (Transformer
    Engine's userbuffers in NVIDIA's recipes; torchtitan's async TP when named)."""
    recompute_choices: tuple[str, ...] = ("none", "selective", "full")
    """Recomputation settings the framework offers (selective recomputation arrived with
    Korthikanti et al. 2022)."""
    recompute: str | None = None
    """The recomputation its runs used unless they say otherwise (None: the least that fits
    memory, as tuned benchmarks do)."""


_FAMILIES = (
    (
        re.compile(
            r"megatron-lm \((2019|2020|2021|2022)|megatron-deepspeed|deepspeed|metaseq|gpt-neox"
            r"|fairseq",
            re.IGNORECASE,
        ),
        FrameworkDefaults(
            family="megatron-legacy",
            attention="materialized",
            sequence_parallel=False,
            dp_overlap=False,
            dropout=True,
            recompute_choices=("none", "full"),
            recompute="full",
        ),
    ),
    (
        re.compile(r"megatron|nemo|mcore", re.IGNORECASE),
        FrameworkDefaults(
            family="megatron-core",
            attention="flash",
            sequence_parallel=True,
            dp_overlap=True,
            dropout=False,
            tp_overlap=True,
        ),
    ),
    (
        re.compile(r"torchtitan|fsdp|composer|llm-foundry", re.IGNORECASE),
        FrameworkDefaults(
            family="pytorch-fsdp",
            attention="flash",
            sequence_parallel=True,
            dp_overlap=True,
            dropout=False,
        ),
    ),
    (
        re.compile(r"paxml|maxtext|praxis|jax|t5x", re.IGNORECASE),
        FrameworkDefaults(
            family="jax", attention="flash", sequence_parallel=True, dp_overlap=True, dropout=False
        ),
    ),
)

#: Defaults of a framework none of the patterns name.
OTHER = FrameworkDefaults(
    family="other", attention="flash", sequence_parallel=True, dp_overlap=True, dropout=False
)

#: Framework families, for listings and regimes.
FAMILIES = (*(defaults.family for _, defaults in _FAMILIES), OTHER.family)


def framework_defaults(framework: str) -> FrameworkDefaults:
    """The defaults of the framework named by ``framework`` (free text)."""
    return next((d for pattern, d in _FAMILIES if pattern.search(framework)), OTHER)


def grad_reduce_bytes(precision: str) -> float:
    """Bytes per gradient element in the data-parallel reduction, from the training
    precision's text: 2 for FP16 training, else 4 (see the module docstring)."""
    fp16 = re.search(r"fp16|float16|half", precision, re.IGNORECASE)
    bf16 = re.search(r"bf16|bfloat16", precision, re.IGNORECASE)
    return 2.0 if fp16 and not bf16 else 4.0
