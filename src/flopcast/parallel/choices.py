"""The named choices of a parallel plan, and their codes in plan arrays.

A plan's choices are stored as small integers so that a million plans fit in NumPy arrays
(:mod:`flopcast.parallel.search`); these enums give the codes their names, so code reads
``plan.recompute == Recompute.FULL`` and reports print ``full``, never ``2``. They are
``IntEnum``: a member compares equal to its code inside an array.

This module imports nothing heavy, so the command line can offer the choices without loading
NumPy.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TypeVar


class Recompute(IntEnum):
    """Activation recomputation (Korthikanti et al. 2022, arXiv:2205.05198): ``none`` keeps
    every activation, ``selective`` recomputes attention's score-related activations in the
    backward pass, ``full`` keeps only each block's input and recomputes the whole block."""

    NONE = 0
    SELECTIVE = 1
    FULL = 2


class Precision(IntEnum):
    """Number format of the GEMMs: ``bf16``, or ``fp8`` (the rest of the step stays BF16)."""

    BF16 = 0
    FP8 = 1


class Attention(IntEnum):
    """Attention kernel: ``flash`` computes attention in tiles without storing the s x s
    scores (Dao et al. 2022, arXiv:2205.14135); ``materialized`` writes the scores and
    probabilities of every head to memory, as Megatron-LM did before it adopted flash
    attention (2023) and Megatron-DeepSpeed does by default."""

    FLASH = 0
    MATERIALIZED = 1


#: Data-parallel sharding stages (ZeRO, Rajbhandari et al. 2020, arXiv:1910.02054):
#: 0 replicates everything, 1 shards optimizer states, 2 also gradients, 3 also weights
#: (3 is what PyTorch FSDP's FULL_SHARD does).
ZERO_STAGES = (0, 1, 2, 3)

Choice = TypeVar("Choice", Recompute, Precision, Attention)


def choice_names(kind: type[Choice]) -> list[str]:
    """The names a user may write for ``kind``, in code order (``none``, ``selective``...)."""
    return [member.name.lower() for member in kind]


def parse_choice(kind: type[Choice], text: str) -> Choice:
    """The member of ``kind`` named ``text``; ValueError lists the valid names."""
    try:
        return kind[text.strip().upper()]
    except KeyError:
        raise ValueError(
            f"{kind.__name__.lower()} must be one of {', '.join(choice_names(kind))}, got {text!r}"
        ) from None


def choice_name(kind: type[Choice], code: float) -> str:
    """The name of code ``code`` of ``kind`` (``2`` -> ``full``)."""
    return kind(round(code)).name.lower()
