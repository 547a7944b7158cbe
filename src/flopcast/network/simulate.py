"""A per-layer timeline of training with cross-site synchronization, and the bandwidth a
target compute utilization needs.

Following the simulation of Streaming DiLoCo (Douillard et al. 2025, arXiv:2501.18512,
sec. 3.1: "a DAG" whose nodes are each layer's forward, backward and gradient reduction):

* one compute stream runs each step's forward (layers first to last) then its backward (last
  to first); a step of compute time T spends :data:`FORWARD_SHARE` of it forward;
* a layer's payload is released when that layer's backward ends and queues on one WAN link
  (first in, first out) at the link's bandwidth, with no latency term;
* the layer's next use must wait for its payload: for data parallelism, its forward in the
  next step; for (Streaming) DiLoCo, its forward ``overlap_steps + 1`` steps after the sync;
* compute utilization is compute time over wall-clock time.

Streaming DiLoCo syncs fragments of ``fragment_layers`` layers, strided over the depth (layer
l belongs to fragment l mod P), one fragment every H // (P + 1) steps (the paper's 11/5/2
steps for 8/16/36 fragments: one slot is the embedding's).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from flopcast.estimate.flop_convention import FORWARD_SHARE

#: Steps simulated: enough for the timeline to reach its steady state.
DATA_PARALLEL_STEPS = 30
DILOCO_PERIODS = 3


@dataclass(frozen=True, kw_only=True)
class Timeline:
    """What is simulated."""

    layers: int
    """Transformer layers (each one node per pass)."""
    params: float
    """Parameters, spread evenly over the layers."""
    step_time: float
    """Compute time of one step [s]."""
    bits_per_parameter: float = 16.0
    """Payload precision [bit]: 16 for bf16 gradients, 4 for FP4 outer gradients."""
    every: int = 1
    """Steps between synchronizations (H); 1 is data parallelism."""
    fragment_layers: int = 0
    """Layers per fragment for Streaming DiLoCo; 0 syncs all layers at once."""
    overlap_steps: int = 0
    """Steps of compute a (fragment) sync may overlap before its layers are needed."""


def _schedule(timeline: Timeline) -> tuple[Callable[[int, int], bool], Callable[[int, int], int]]:
    """(sends(step, layer), source(step, layer)): whether a layer's payload leaves after a
    step, and which earlier step's payload a layer's forward waits for (-1: none)."""
    if timeline.every == 1:
        return (lambda step, layer: True), (lambda step, layer: step - 1)
    lag = timeline.overlap_steps + 1
    if timeline.fragment_layers <= 0:
        period = timeline.every

        def sends_all(step: int, layer: int) -> bool:
            return (step + 1) % period == 0

        def waits_all(step: int, layer: int) -> int:
            source = step - lag
            return source if source >= 0 and sends_all(source, layer) else -1

        return sends_all, waits_all
    fragments = max(1, timeline.layers // timeline.fragment_layers)
    gap = max(1, timeline.every // (fragments + 1))

    def sends(step: int, layer: int) -> bool:
        offset = (layer % fragments + 1) * gap
        return step >= offset and (step - offset) % timeline.every == 0

    def waits(step: int, layer: int) -> int:
        source = step - lag
        return source if source >= 0 and sends(source, layer) else -1

    return sends, waits


def compute_utilization(timeline: Timeline, bandwidth: float) -> float:
    """Compute time over wall time with a WAN link of ``bandwidth`` [bit/s]."""
    sends, waits = _schedule(timeline)
    steps = DATA_PARALLEL_STEPS if timeline.every == 1 else DILOCO_PERIODS * timeline.every
    forward = timeline.step_time * FORWARD_SHARE / timeline.layers
    backward = timeline.step_time * (1 - FORWARD_SHARE) / timeline.layers
    transfer = timeline.params / timeline.layers * timeline.bits_per_parameter / bandwidth
    done: dict[tuple[int, int], float] = {}
    now, link_free = 0.0, 0.0
    for step in range(steps):
        for layer in range(timeline.layers):
            source = waits(step, layer)
            if source >= 0:
                now = max(now, done.pop((source, layer)))
            now += forward
        for layer in reversed(range(timeline.layers)):
            now += backward
            if sends(step, layer):
                link_free = max(now, link_free) + transfer
                done[(step, layer)] = link_free
    return steps * timeline.step_time / now


def bandwidth_for_utilization(timeline: Timeline, target: float, tolerance: float = 0.01) -> float:
    """Smallest WAN bandwidth [bit/s] reaching ``target`` compute utilization (bisection in
    log space, to ``tolerance`` relative)."""
    low, high = 1e3, 1e16
    if compute_utilization(timeline, high) < target:
        return math.inf
    while high / low > 1 + tolerance:
        middle = math.sqrt(low * high)
        if compute_utilization(timeline, middle) >= target:
            high = middle
        else:
            low = middle
    return high
