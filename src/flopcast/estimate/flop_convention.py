"""The FLOP convention every estimate, the step model and the sync simulator count by.

One multiply-add is 2 FLOP, so a forward pass costs 2 FLOP per weight per token; the backward
pass costs twice the forward (gradients for the inputs and for the weights), so training
costs 3x the forward pass, 6 FLOP per parameter per token for a dense transformer (Kaplan et
al. 2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361, sec. 2.1). Attention
scores and weighted values add 2 x 2 x s x d FLOP per token per layer forward for full
attention, and a causal mask computes half of the score matrix (PaLM, Chowdhery et al. 2022,
arXiv:2204.02311, appendix B: 6N + 12 L H Q T for training). Imports nothing.
"""

#: Forward FLOP per weight per token (one multiply and one add).
FORWARD_FLOP_PER_WEIGHT = 2.0

#: Backward over forward FLOP of a GEMM: gradients for the inputs and for the weights.
BACKWARD_OVER_FORWARD = 2.0

#: Training FLOP over forward FLOP: forward 1, backward 2.
TRAINING_OVER_FORWARD = 1.0 + BACKWARD_OVER_FORWARD

#: Share of a training step's compute spent in the forward pass.
FORWARD_SHARE = 1.0 / TRAINING_OVER_FORWARD

#: Training FLOP per parameter per token: 2 forward + 4 backward.
TRAINING_FLOP_PER_PARAMETER_TOKEN = FORWARD_FLOP_PER_WEIGHT * TRAINING_OVER_FORWARD

#: Attention score and value FLOP in training per token per layer per attention width per
#: context position, full (non-causal) attention: 2 GEMMs x 2 FLOP x 3 (training).
ATTENTION_FLOP_FACTOR = 2.0 * FORWARD_FLOP_PER_WEIGHT * TRAINING_OVER_FORWARD

#: Share of the full attention matrix a causal mask computes (the lower triangle).
CAUSAL_SHARE = 0.5
