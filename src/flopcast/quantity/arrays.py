"""Type aliases for numbers that may be arrays: the same formula serves one value and a
million samples (or plans), so formulas take and return either."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

#: An array of float64 (samples, or one element per plan).
FloatArray: TypeAlias = NDArray[np.float64]

#: A number, or an array of them element by element.
Numeric: TypeAlias = float | NDArray[Any]
