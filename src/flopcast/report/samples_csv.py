"""Every sample of a run's outputs as CSV, for a spreadsheet or another tool."""

from __future__ import annotations

import io

import numpy as np

from flopcast.scenario.evaluate import ScenarioResult


def samples_csv(result: ScenarioResult) -> str:
    """One column per output (headed ``name [unit]``) and one row per sample; an output
    with no spread repeats its one value. Numbers are written in full (``repr`` precision)
    so the file reads back to the same floats."""
    outputs = result.outputs
    columns = [
        np.broadcast_to(np.asarray(o.samples, dtype=float), (result.samples,)) for o in outputs
    ]
    header = ",".join(
        f"{o.definition.name} [{o.unit_text}]" if o.unit_text else o.definition.name
        for o in outputs
    )
    buffer = io.StringIO()
    np.savetxt(buffer, np.column_stack(columns), delimiter=",", fmt="%.17g",
               header=header, comments="")  # fmt: skip
    return buffer.getvalue()
