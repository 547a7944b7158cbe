"""Results as plain JSON-ready data: the one shape every other format is drawn from."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from flopcast.quantity.units import format_unit
from flopcast.scenario.claims import ClaimResult
from flopcast.scenario.evaluate import OutputResult, ScenarioResult


def scenario_data(result: ScenarioResult) -> dict[str, Any]:
    """Everything a run computed, as JSON-ready data."""
    scenario = result.scenario
    return {
        "file": scenario.path,
        "id": scenario.id,
        "title": scenario.title,
        "samples": result.samples,
        "seed": result.seed,
        "inputs": [
            {
                "name": item.definition.name,
                "unit": format_unit(item.definition.unit),
                "distribution": item.definition.distribution.describe(),
                "median": item.summary.median,
                "p5": item.summary.p5,
                "p95": item.summary.p95,
                "source": item.definition.source,
                "note": item.definition.note,
            }
            for item in result.inputs
        ],
        "outputs": [output_data(output) for output in result.outputs],
        "warnings": list(result.warnings),
    }


def output_cell(output: OutputResult) -> dict[str, Any]:
    """An output in brief, for tables of many runs: median, 90% interval, unit, verdict."""
    summary = output.summary
    return {
        "median": float(summary.median),
        "p5": float(summary.p5),
        "p95": float(summary.p95),
        "unit": output.unit_text,
        "verdict": output.claim.verdict if output.claim else None,
    }


def output_data(output: OutputResult) -> dict[str, Any]:
    """One output's summary, sensitivity and verdict."""
    definition = output.definition
    summary = output.summary
    return {
        "name": definition.name,
        "expr": definition.expression.text,
        "unit": output.unit_text,
        "median": summary.median,
        "mean": summary.mean,
        "p5": summary.p5,
        "p95": summary.p95,
        "percentiles": {f"{p:g}": value for p, value in summary.percentiles.items()},
        "inputs": list(output.inputs),
        "sensitivity": {
            "method": output.sensitivity.method,
            "shares": [
                {"input": name, "share": share} for name, share in output.sensitivity.shares
            ],
            "unexplained": output.sensitivity.unexplained,
        },
        "note": definition.note,
        "claim": None if output.claim is None else claim_data(output, output.claim),
    }


def claim_data(output: OutputResult, claim: ClaimResult) -> dict[str, Any]:
    """One claim's verdict."""
    expect = output.definition.expect
    assert expect is not None
    return {
        "quote": expect.quote,
        "source": expect.source,
        "expected": claim.expected,
        "verdict": claim.verdict,
        "held": claim.held,
        "reason": claim.reason,
        "probability_in_range": claim.probability,
        "confidence": claim.confidence,
        "tolerance": expect.tolerance,
        "tolerance_reason": expect.tolerance_reason,
        "rule_verdict": claim.rule_verdict,
        "rule_tolerance": claim.rule_tolerance,
        "note": expect.note,
    }


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """Rows of one shape as CSV: a header of their keys, then one line per row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
