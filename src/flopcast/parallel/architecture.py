"""Transformer shapes, parameter counts and FLOPs per token.

Counts follow the layer definitions (no approximation such as 12 L h^2):

* attention, per layer: Q (h x H d), K and V (h x KV d each), output (H d x h); multi-head
  (KV = H), grouped-query (KV < H) and multi-query (KV = 1) attention differ only in KV.
  Multi-head latent attention (MLA, DeepSeek-V2/V3) uses low-rank Q and KV projections:
  h x q_lora, q_lora x H (d_nope + d_rope), h x (kv_lora + d_rope), kv_lora x H (d_nope + d_v),
  H d_v x h.
* MLP: SwiGLU has three h x ffn matrices (gate, up, down); GELU and squared-ReLU MLPs two.
* MoE layers: each routed and shared expert is an MLP of width ``expert_ffn``, plus a router
  (h x experts); the first ``dense_layers`` layers keep a dense MLP of width ``ffn``.
* norms: two vectors of h per layer and a final one; embedding V x h; the output head another
  V x h unless tied to the embedding.

Biases are omitted (Llama-family models have none; for GPT-3 they are under 0.1%).

FLOPs per token (model FLOPs, the convention of the MFU flopcast reports): a forward pass
costs 2 FLOP per weight of every matrix a token passes through (the active matrices plus the
output head; the input embedding is a lookup and costs nothing), and attention scores and
weighted values cost 2 x 2 x s x H x d per token per layer for full attention, half that for
causal attention (PaLM, arXiv:2204.02311, appendix B). Training is 3x forward (Kaplan et al.
2020, sec. 2.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from flopcast.catalog.model import CatalogEntry
from flopcast.errors import InputError
from flopcast.estimate.flop_convention import (
    CAUSAL_SHARE,
    FORWARD_FLOP_PER_WEIGHT,
    TRAINING_OVER_FORWARD,
)

#: Weight matrices per MLP: gated MLPs (SwiGLU) have gate, up and down; others up and down.
MLP_MATRICES = {"swiglu": 3, "gelu": 2, "relu2": 2}


@dataclass(frozen=True, kw_only=True)
class Architecture:
    """A decoder-only transformer's shape."""

    name: str
    """Display name."""
    layers: int
    """Transformer blocks."""
    hidden: int
    """Model width h."""
    heads: int
    """Query heads H."""
    kv_heads: int
    """Key/value heads (H for MHA, fewer for GQA, 1 for MQA)."""
    head_dim: int
    """Width of one head d (usually h / H)."""
    ffn: int
    """Dense MLP width (0 when every layer is MoE)."""
    vocab: int
    """Vocabulary size V."""
    mlp: str = "swiglu"
    """MLP kind: one of :data:`MLP_MATRICES`."""
    tied_embeddings: bool = False
    """True when the output head shares the embedding matrix."""
    experts: int = 0
    """Routed experts per MoE layer (0 for dense models)."""
    top_k: int = 0
    """Routed experts each token uses."""
    shared_experts: int = 0
    """Experts every token uses."""
    expert_ffn: int = 0
    """Width of each expert's MLP."""
    dense_layers: int = 0
    """Leading layers of an MoE model that keep a dense MLP."""
    q_lora_rank: int = 0
    """MLA: rank of the query projection (0: not MLA)."""
    kv_lora_rank: int = 0
    """MLA: rank of the joint key-value projection."""
    qk_nope_head_dim: int = 0
    """MLA: per-head query/key width without rotary embedding."""
    qk_rope_head_dim: int = 0
    """MLA: per-head query/key width with rotary embedding."""
    v_head_dim: int = 0
    """MLA: per-head value width."""
    position_params_per_layer: int = 0
    """Weights of a per-layer position-encoding projection (Transformer-XL's W_R in
    Gopher/Chinchilla); 0 for rotary or absolute position embeddings."""

    def __post_init__(self) -> None:
        if self.mlp not in MLP_MATRICES:
            raise InputError(
                f"unknown MLP kind {self.mlp!r}; expected one of {sorted(MLP_MATRICES)}"
            )
        positive = ("layers", "hidden", "heads", "kv_heads", "head_dim", "vocab")
        for name in positive:
            if getattr(self, name) <= 0:
                raise InputError(f"{self.name}: {name} must be positive, got {getattr(self, name)}")
        if self.is_moe and (self.top_k <= 0 or self.expert_ffn <= 0):
            raise InputError(f"{self.name}: an MoE model needs top_k and expert_ffn")

    @property
    def is_moe(self) -> bool:
        """True for mixture-of-experts models."""
        return self.experts > 0

    @property
    def is_mla(self) -> bool:
        """True for multi-head latent attention."""
        return self.kv_lora_rank > 0

    @property
    def moe_layers(self) -> int:
        """Layers with experts."""
        return self.layers - self.dense_layers if self.is_moe else 0

    @property
    def qk_dim(self) -> int:
        """Per-head width of queries and keys."""
        return self.qk_nope_head_dim + self.qk_rope_head_dim if self.is_mla else self.head_dim

    @property
    def v_dim(self) -> int:
        """Per-head width of values."""
        return self.v_head_dim if self.is_mla else self.head_dim

    def attention_params(self) -> int:
        """Weights of one attention block."""
        h, heads = self.hidden, self.heads
        if self.is_mla:
            q = h * self.q_lora_rank + self.q_lora_rank * heads * self.qk_dim
            kv = h * (self.kv_lora_rank + self.qk_rope_head_dim)
            kv += self.kv_lora_rank * heads * (self.qk_nope_head_dim + self.v_head_dim)
            return q + kv + heads * self.v_head_dim * h + self.q_lora_rank + self.kv_lora_rank
        d = self.head_dim
        return h * heads * d * 2 + 2 * h * self.kv_heads * d

    def mlp_params(self, width: int) -> int:
        """Weights of one MLP of ``width``."""
        return MLP_MATRICES[self.mlp] * self.hidden * width

    def embedding_params(self) -> int:
        """Input embedding, plus the output head when untied."""
        return self.vocab * self.hidden * (1 if self.tied_embeddings else 2)

    def layer_params(self, *, active: bool) -> int:
        """Weights of all blocks (only those a token uses when ``active``)."""
        norms = 2 * self.hidden + self.position_params_per_layer
        dense = self.attention_params() + self.mlp_params(self.ffn) + norms
        if not self.is_moe:
            return self.layers * dense
        routed = self.top_k if active else self.experts
        expert_mlps = (routed + self.shared_experts) * self.mlp_params(self.expert_ffn)
        moe = self.attention_params() + expert_mlps + self.hidden * self.experts + norms
        return self.dense_layers * dense + self.moe_layers * moe

    def total_params(self) -> int:
        """All weights."""
        return self.layer_params(active=False) + self.embedding_params() + self.hidden

    def active_params(self) -> int:
        """Weights a token uses (all of them for dense models)."""
        return self.layer_params(active=True) + self.embedding_params() + self.hidden

    def matmul_weights_per_token(self) -> int:
        """Weights of the matrices a token is multiplied by (active blocks and the head)."""
        return self.layer_params(active=True) + self.vocab * self.hidden

    def attention_forward_flops(self, seq_len: float, causal: bool = True) -> float:
        """Attention score and value FLOP per token per forward pass, all layers."""
        per_layer = FORWARD_FLOP_PER_WEIGHT * seq_len * self.heads * (self.qk_dim + self.v_dim)
        return self.layers * per_layer * (CAUSAL_SHARE if causal else 1.0)

    def model_flops_per_token(self, seq_len: float, causal: bool = True) -> float:
        """Training model FLOP per token: 3 x (2 x matmul weights + attention)."""
        forward = FORWARD_FLOP_PER_WEIGHT * self.matmul_weights_per_token()
        return TRAINING_OVER_FORWARD * (forward + self.attention_forward_flops(seq_len, causal))


def _count(entry: CatalogEntry, field: str, default: int | None = None) -> int:
    if field in entry.numbers:
        return round(entry.numbers[field].low)
    if default is None:
        raise InputError(f"model {entry.id!r} has no {field!r}; it cannot be laid out")
    return default


def architecture_from_catalog(entry: CatalogEntry) -> Architecture:
    """The architecture of a catalog model (estimates without shapes are refused)."""
    if entry.kind != "model":
        raise InputError(f"{entry.id!r} is a {entry.kind}, not a model")
    hidden, heads = _count(entry, "hidden"), _count(entry, "heads")
    return Architecture(
        name=entry.name,
        layers=_count(entry, "layers"),
        hidden=hidden,
        heads=heads,
        kv_heads=_count(entry, "kv_heads", heads),
        head_dim=_count(entry, "head_dim", hidden // heads),
        ffn=_count(entry, "ffn", 0),
        vocab=_count(entry, "vocab"),
        mlp=str(entry.text.get("mlp", "swiglu")),
        tied_embeddings=bool(entry.text.get("tied_embeddings", False)),
        experts=_count(entry, "experts", 0),
        top_k=_count(entry, "top_k", 0),
        shared_experts=_count(entry, "shared_experts", 0),
        expert_ffn=_count(entry, "expert_ffn", 0),
        dense_layers=_count(entry, "dense_layers", 0),
        q_lora_rank=_count(entry, "q_lora_rank", 0),
        kv_lora_rank=_count(entry, "kv_lora_rank", 0),
        qk_nope_head_dim=_count(entry, "qk_nope_head_dim", 0),
        qk_rope_head_dim=_count(entry, "qk_rope_head_dim", 0),
        v_head_dim=_count(entry, "v_head_dim", 0),
        position_params_per_layer=_count(entry, "position_params_per_layer", 0),
    )
