"""Roofline arithmetic for matrix multiplications (Williams et al. 2009, "Roofline").

A GEMM of an (m x k) by a (k x n) matrix does 2 m k n FLOP and, at best, reads both inputs
and writes the output once: (m k + k n + m n) elements. It is compute-bound when its
arithmetic intensity (FLOP per byte) reaches the accelerator's peak FLOP/s over its memory
bandwidth. For a square n x n tile with an n-deep inner dimension that intensity is
2 n^3 / (3 n^2 b) = 2 n / (3 b) FLOP/byte at b bytes per element (n / 3 in BF16).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def gemm_intensity(m: Any, n: Any, k: Any, bytes_per_element: Any = 2.0) -> Any:
    """FLOP per byte of an (m x k) @ (k x n) product [FLOP/byte]."""
    return 2.0 * m * n * k / ((m * k + k * n + m * n) * bytes_per_element)


def ridge_intensity(peak: Any, bandwidth: Any) -> Any:
    """Intensity above which a kernel is compute-bound [FLOP/byte] = peak / bandwidth."""
    return peak / bandwidth


def min_square_tile(peak: Any, bandwidth: Any, bytes_per_element: Any = 2.0) -> Any:
    """Smallest n for which an n x n x n tile is compute-bound: 2n / (3b) >= peak / bandwidth."""
    return 1.5 * bytes_per_element * ridge_intensity(peak, bandwidth)


def tiles(m: Any, n: Any, k: Any, tile: Any) -> Any:
    """Tiles of side ``tile`` in the (m x n x k) iteration space: how many devices could share
    one GEMM at that tile size (each tile one device's block)."""
    return np.ceil(m / tile) * np.ceil(n / tile) * np.ceil(k / tile)


def bandwidth_ratio(memory_bandwidth: Any, link_bandwidth: Any) -> Any:
    """How many times slower the scale-up link is than HBM."""
    return memory_bandwidth / link_bandwidth
