"""Rows of a runs table stacked into arrays, so one predictor call evaluates them all."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from flopcast.parallel.calibration import FAMILY_KEYS, Calibration
from flopcast.parallel.steptime import predict
from flopcast.parallel.workload import Workload
from flopcast.validate.runs import RunRow


def _stack(items: list[Any]) -> Any:
    """One dataclass whose fields are arrays, element i from ``items[i]``."""
    kind = type(items[0])
    return kind(**{f.name: np.array([getattr(i, f.name) for i in items]) for f in fields(kind)})


@dataclass(frozen=True)
class Batch:
    """Rows stacked for one vectorised prediction."""

    rows: list[RunRow]
    work: Workload
    hardware: Any
    plan: Any
    measured: np.ndarray

    @classmethod
    def of(cls, rows: list[RunRow], plans: list[Any] | None = None) -> Batch:
        """``rows`` (with ``plans`` instead of their own, if given) as arrays."""
        return cls(
            rows=rows,
            work=Workload.stack([Workload.of(r.model) for r in rows]),
            hardware=_stack([r.hardware for r in rows]),
            plan=_stack(plans if plans is not None else [r.plan for r in rows]),
            measured=np.array([r.measured for r in rows]),
        )

    def predicted(self, cal: Calibration) -> np.ndarray:
        """Predicted tokens per second per accelerator, one per row."""
        rate = predict(self.work, self.hardware, self.plan, cal).tokens_per_s_per_device
        return np.asarray(rate, dtype=float)

    def families(self) -> list[str]:
        """Accelerator families present, in :data:`FAMILY_KEYS` order."""
        present = {r.hardware.family for r in self.rows}
        return [f for f in FAMILY_KEYS if f in present]
