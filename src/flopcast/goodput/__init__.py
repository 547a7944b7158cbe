"""Goodput: how much of a training job's wall time becomes kept progress at scale, given
failures, checkpoints, restarts, spares and fault-tolerant replicas (DESIGN.md's ``goodput``
layer, above ``parallel``, whose memory model sizes the checkpoints)."""
