"""The ``sites`` table: bandwidth per site that each multi-site synchronization scheme needs."""

from __future__ import annotations

from typing import Any


def sites_lines(
    rows: list[dict[str, Any]], params: float, sites: int, step: float, share: float
) -> list[str]:
    """The scheme table as text."""
    lines = [
        f"{params:.3g} parameters, {sites} sites, {step:.3g} s per step; bandwidth per site "
        f"per direction for at most {share:.0%} exposed communication"
    ]
    header = f"{'scheme':<56} {'GB/step':>9} {'needs Gbit/s':>13} {'timeline':>9}"
    if rows and "utilization" in rows[0]:
        header += f" {'utilization':>11}"
    lines.append(header)
    for row in rows:
        simulated = row.get("timeline_gbps")
        line = (f"{row['scheme']:<56} {row['bytes_per_step_per_site'] / 1e9:>9.3g} "
                f"{row['required_gbps']:>13.4g} "
                f"{'-' if simulated is None else format(simulated, '.4g'):>9}")  # fmt: skip
        if "utilization" in row:
            line += f" {row['utilization']:>11.1%}"
        lines.append(line)
    return lines
