"""Step predictions and validation results as text and JSON-ready data."""

from __future__ import annotations

from typing import Any

from flopcast.parallel.choices import Attention, Precision, Recompute, choice_name
from flopcast.parallel.plan import Plan
from flopcast.parallel.planning import PlanPrediction
from flopcast.parallel.search import FIELDS, SearchResult, why_slower
from flopcast.parallel.steptime import StepPrediction
from flopcast.quantity.format import format_number
from flopcast.validate.compare import Comparison, Summary, by_source, summarize
from flopcast.validate.runs import Skipped


def prediction_data(prediction: StepPrediction, interval: tuple[float, float]) -> dict[str, Any]:
    """One plan's prediction, with its 80% interval on throughput."""
    rate = float(prediction.tokens_per_s_per_device)
    return {
        "step_time_s": float(prediction.step_time),
        "tokens_per_s_per_device": rate,
        "tokens_per_s_per_device_80pct": [rate * interval[0], rate * interval[1]],
        "mfu": float(prediction.mfu),
        "hfu": float(prediction.hfu),
        "memory_gib": prediction.memory.as_gib(),
        "time_breakdown_s": {k: float(v) for k, v in prediction.breakdown.items()},
    }


def prediction_header(result: PlanPrediction) -> str:
    """The plan in one line: model, devices and degrees."""
    plan = result.plan
    return (
        f"{result.model.name} on {plan.devices} x {result.hardware.name}: TP {plan.tp}, "
        f"PP {plan.pp} (VPP {plan.vpp}), DP {plan.dp}, CP {plan.cp}, EP {plan.ep}, "
        f"micro-batch {plan.micro_batch}, {plan.global_batch:g} sequences of {plan.seq_len}"
    )


def prediction_lines(data: dict[str, Any], hbm_gib: float) -> list[str]:
    """The prediction as aligned text lines."""
    low, high = data["tokens_per_s_per_device_80pct"]
    memory = data["memory_gib"]
    lines = [
        f"step time            {data['step_time_s']:.4g} s",
        f"tokens/s per device  {format_number(data['tokens_per_s_per_device'])} "
        f"(80% interval {format_number(low)} to {format_number(high)})",
        f"MFU / HFU            {data['mfu']:.1%} / {data['hfu']:.1%} (of the dense BF16 peak)",
        f"memory per device    {memory['total']:.1f} GiB of {hbm_gib:.0f} GiB: "
        + ", ".join(f"{k} {v:.1f}" for k, v in memory.items() if k != "total" and v > 0.05),
        "time per step        "
        + ", ".join(
            f"{k} {v:.3g} s"
            for k, v in sorted(data["time_breakdown_s"].items(), key=lambda kv: -kv[1])
            if v > 0.001 * data["step_time_s"]
        ),
    ]
    return lines


def _summary_data(summary: Summary) -> dict[str, Any]:
    return {
        "rows": summary.rows,
        "median_abs_error": summary.median_abs_error,
        "within_20pct": summary.within,
        "naive_median_abs_error": summary.naive_median_abs_error,
        "interval_80pct_coverage": summary.interval_coverage,
    }


def validation_data(done: list[Comparison], skipped: list[Skipped]) -> dict[str, Any]:
    """Everything validate computed, as JSON-ready data."""
    summary = summarize(done)
    return {
        "rows": [
            {
                "row_id": c.row.row_id,
                "source": c.row.source,
                "label": c.row.label,
                "measured": c.row.measured,
                "predicted": c.predicted,
                "error": c.error,
                "naive": c.naive,
                "naive_error": c.naive_error,
                "interval_80pct": [c.low, c.high],
                "inside_interval": c.inside,
                "memory_gib": c.memory_gib,
                "accelerator": c.row.accelerator_match,
                "regime": f"{c.row.hardware.family}/{c.row.framework}",
                "recompute_stated": not c.row.alternatives,
            }
            for c in done
        ],
        "skipped": [
            {"row_id": s.row_id, "source": s.source, "label": s.label, "reason": s.reason}
            for s in skipped
        ],
        "by_source": {k: _summary_data(v) for k, v in by_source(done).items()},
        "summary": {**_summary_data(summary), "predicted": len(done), "skipped": len(skipped)},
        "line": summary_line(summary, len(skipped)),
    }


def summary_line(summary: Summary, skipped: int) -> str:
    """``rows: N predicted, K skipped; median abs error X%; within 20%: Y%``."""
    return (
        f"rows: {summary.rows} predicted, {skipped} skipped; median abs error "
        f"{summary.median_abs_error:.1%}; within 20%: {summary.within:.1%}"
    )


def validation_lines(done: list[Comparison], skipped: list[Skipped]) -> list[str]:
    """One line per row, a per-source table, the naive method, and the summary line last."""
    lines = []
    for c in done:
        mark = "inside" if c.inside else "outside"
        lines.append(
            f"row {c.row.row_id:>4} {c.row.source:<16} {c.row.label[:60]}: predicted "
            f"{format_number(c.predicted)} tok/s/device, measured {format_number(c.row.measured)} "
            f"({c.error:+.1%}); naive {c.naive_error:+.1%}; 80% interval {mark}"
        )
    for s in skipped:
        lines.append(f"row {s.row_id:>4} {s.source:<16} skipped: {s.reason}")
    lines.append("")
    lines.append(f"{'source':<16} {'rows':>4} {'median |err|':>12} {'within 20%':>10} {'naive':>8}")
    for source, summary in by_source(done).items():
        lines.append(
            f"{source:<16} {summary.rows:>4} {summary.median_abs_error:>12.1%} "
            f"{summary.within:>10.0%} {summary.naive_median_abs_error:>8.1%}"
        )
    total = summarize(done)
    lines.append("")
    lines.append(
        f"naive method (6N FLOP per token at 40% of the BF16 peak): median abs error "
        f"{total.naive_median_abs_error:.1%}"
    )
    lines.append(
        f"measured value inside the 80% prediction interval: {total.interval_coverage:.0%}"
    )
    lines.append(summary_line(total, len(skipped)))
    return lines


def cross_validation_lines(done: list[Comparison], line: str) -> list[str]:
    """The out-of-sample per-source table and the cross-validated summary line last."""
    lines = ["", "leave one source out (each source predicted by a fit without it):"]
    lines.append(
        f"{'source':<16} {'rows':>4} {'median |err|':>12} {'within 20%':>10} {'in 80%':>7}"
    )
    for source, summary in by_source(done).items():
        lines.append(
            f"{source:<16} {summary.rows:>4} {summary.median_abs_error:>12.1%} "
            f"{summary.within:>10.0%} {summary.interval_coverage:>7.0%}"
        )
    lines.append(line)
    return lines


def plan_choices(plan: Plan) -> dict[str, Any]:
    """A plan's fields as JSON-ready data, its choices by name (``recompute: "full"``,
    ``precision: "fp8"``, ``attention: "flash"``) rather than their array codes."""
    data: dict[str, Any] = {field: getattr(plan, field) for field in FIELDS if field != "fp8"}
    data["recompute"] = choice_name(Recompute, plan.recompute)  # type: ignore[arg-type]
    data["precision"] = choice_name(Precision, plan.fp8)  # type: ignore[arg-type]
    data["attention"] = choice_name(Attention, plan.attention)  # type: ignore[arg-type]
    return data


def search_data(result: SearchResult, top: int, objective: str) -> dict[str, Any]:
    """The best ``top`` plans and the search's counts, as JSON-ready data."""
    plans = []
    for index in range(min(top, result.kept)):
        plan = result.plan(index)
        plans.append(
            {
                **plan_choices(plan),
                "devices": int(plan.devices),
                "step_time_s": float(result.step_time[index]),
                "tokens_per_s_per_device": float(result.tokens_per_s_per_device[index]),
                "mfu": float(result.mfu[index]),
                "memory_gib": float(result.memory_gib[index]),
                "loses_by": None if index == 0 else why_slower(result, index),
                "breakdown_s": {k: float(v[index]) for k, v in result.breakdown.items()},
            }
        )
    return {
        "objective": objective,
        "evaluated": result.evaluated,
        "feasible": result.feasible,
        "seconds": result.seconds,
        "mfu_basis": "dense BF16 peak (every precision)",
        "plans": plans,
    }


def search_summary(data: dict[str, Any]) -> str:
    """What a search ranked by, on which batch and precisions (and any batch warning)."""
    text = f"ranked by {data['objective']}"
    batch = data.get("batch")
    if batch:
        used = ", ".join(f"{tokens:,}" for tokens in batch["tokens"])
        text += (
            f"; global batch {used} tokens ({batch['seq_len']:,}-token sequences; requested "
            + "-".join(f"{tokens:,}" for tokens in sorted(set(batch["requested_tokens"])))
            + ")"
        )
    if data.get("precision"):
        text += f"; precision {data['precision']}"
    if any(plan.get("precision") == "fp8" for plan in data.get("plans", [])):
        text += (
            "; MFU is against the dense BF16 peak at every precision (PaLM's convention), so "
            "an FP8 plan's MFU can exceed what BF16 reaches"
        )
    if batch and batch["warning"]:
        text += f". Warning: {batch['warning']}"
    return text


def search_lines(data: dict[str, Any], title: str) -> list[str]:
    """The ranked plans as text."""
    lines = [
        f"{title}: {data['evaluated']:,} plans evaluated, {data['feasible']:,} fit memory, "
        f"{data['seconds']:.2f} s (at a fixed device count, throughput, time to train and cost "
        "per token rank alike)",
        search_summary(data),
        f"{'#':>2} {'TP':>3} {'PP':>3} {'VPP':>3} {'DP':>5} {'CP':>3} {'EP':>3} {'mb':>3} "
        f"{'batch':>6} {'recompute':>9} {'ZeRO':>4} {'prec':>4} {'step s':>8} {'tok/s/dev':>10} "
        f"{'MFU':>6} {'GiB':>6}  why it loses",
    ]
    for rank, p in enumerate(data["plans"], start=1):
        lines.append(
            f"{rank:>2} {p['tp']:>3} {p['pp']:>3} {p['vpp']:>3} {p['dp']:>5} {p['cp']:>3} "
            f"{p['ep']:>3} {p['micro_batch']:>3} {p['global_batch']:>6} "
            f"{p['recompute']:>9} {p['zero']:>4} {p['precision']:>4} {p['step_time_s']:>8.3g} "
            f"{format_number(p['tokens_per_s_per_device']):>10} {p['mfu']:>6.1%} "
            f"{p['memory_gib']:>6.1f}  {p['loses_by'] or 'best'}"
        )
    if data["plans"]:
        parts = sorted(data["plans"][0]["breakdown_s"].items(), key=lambda kv: -kv[1])
        lines.append(
            "#1's step: "
            + ", ".join(f"{name} {seconds:.3g} s" for name, seconds in parts if seconds > 0)
        )
    if "run" in data:
        run = data["run"]
        lines.append(
            f"with {run['goodput']:.1%} goodput ({run['goodput_source']}: failures, restarts and "
            "checkpoints at this size; the same for every plan, so the ranking stands): "
            + "; ".join(
                f"#{rank} {days:.1f} days"
                + ("" if run["rental_cost_usd"] is None else f", ${cost / 1e6:,.1f}M")
                for rank, (days, cost) in enumerate(
                    zip(
                        run["days_to_train"],
                        run["rental_cost_usd"] or run["days_to_train"],
                        strict=True,
                    ),
                    start=1,
                )
            )
        )
    return lines
