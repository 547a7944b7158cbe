"""``flopcast predict`` (one plan) and ``flopcast validate`` (published runs)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from flopcast.cli.options import (
    catalog_option,
    echo_json,
    echo_lines,
    full_catalog,
    interactive,
    token_range,
)
from flopcast.errors import InputError
from flopcast.parallel.choices import Attention, Precision, Recompute, choice_names


def text_or_json_option(function: Any) -> Any:
    """``--format text|json``."""
    return click.option(
        "--format", "output_format", type=click.Choice(["text", "json"]), default="text"
    )(function)


def report_option(what: str) -> Callable[[Any], Any]:
    """``--report FILE``: also write an HTML report ``what``."""
    option: Callable[[Any], Any] = click.option(
        "--report",
        "report_path",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"Also write an HTML report {what}",
    )
    return option


#: Global batch when none is given [token]: 4M tokens, the order of modern pre-training
#: batches (Llama 3 405B used 4M-16M, arXiv:2407.21783 sec. 3.4).
DEFAULT_GLOBAL_BATCH_TOKENS = 4 * 2**20

#: Longest sequence accepted [token] (16.8M: far beyond any context trained so far).
MAX_SEQ_LEN = 2**24


def network_options(function: Any) -> Any:
    """``--cluster ID`` and ``--nic-gbps G``: the network the accelerators sit on."""
    function = click.option(
        "--nic-gbps",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help="NIC bandwidth per accelerator per direction [Gbit/s] (default: the "
        "accelerator's reference system, or the cluster's).",
    )(function)
    return click.option(
        "--cluster",
        "cluster_id",
        default=None,
        help="Catalog cluster whose network (NICs, scale-up domain) and accelerator to use.",
    )(function)


@click.command()
@click.option("--model", "model_id", required=True, help="Catalog model ID (e.g. llama3-405b).")
@click.option(
    "--accelerator", "accelerator_id", default=None, help="Catalog accelerator ID (or --cluster)."
)
@click.option("--devices", required=True, type=click.IntRange(min=1))
@click.option("--tp", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--pp", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--dp", default=None, type=click.IntRange(min=1), help="Default: the devices left.")
@click.option("--cp", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--ep", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--vpp", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--micro-batch", default=1, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--seq-len",
    default=None,
    type=click.IntRange(min=1, max=MAX_SEQ_LEN),
    help="Default: the model's.",
)
@click.option(
    "--global-batch-tokens",
    default=DEFAULT_GLOBAL_BATCH_TOKENS,
    show_default=True,
    type=click.IntRange(min=1),
)
@click.option(
    "--recompute", type=click.Choice(choice_names(Recompute)), default="none", show_default=True
)
@click.option(
    "--precision", type=click.Choice(choice_names(Precision)), default="bf16", show_default=True
)
@click.option("--zero", type=click.IntRange(0, 3), default=1, show_default=True)
@click.option(
    "--attention", type=click.Choice(choice_names(Attention)), default="flash", show_default=True
)
@network_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@catalog_option
def predict(**options: Any) -> None:
    """Predict one plan's step time, tokens/s per device, MFU, HFU and memory."""
    from flopcast.parallel.planning import predict_plan
    from flopcast.report.plans import prediction_data, prediction_header, prediction_lines

    result = predict_plan(
        full_catalog(options["catalogs"]), options["model_id"], options["accelerator_id"],
        devices=options["devices"], cluster_id=options["cluster_id"],
        nic_gbps=options["nic_gbps"], seq_len=options["seq_len"],
        tp=options["tp"], pp=options["pp"], dp=options["dp"], cp=options["cp"],
        ep=options["ep"], vpp=options["vpp"], micro_batch=options["micro_batch"],
        global_batch_tokens=options["global_batch_tokens"],
        recompute=options["recompute"], precision=options["precision"], zero=options["zero"],
        attention=options["attention"],
    )  # fmt: skip
    data = prediction_data(result.prediction, result.interval)
    data["fits_memory"] = True  # predict_plan refuses a plan that does not fit
    if options["output_format"] == "json":
        echo_json(data)
        return
    available = result.hardware.hbm_bytes / 2**30
    echo_lines([prediction_header(result), *prediction_lines(data, available)])


@click.command()
@click.argument("runs", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--cross-validate",
    "cross",
    is_flag=True,
    help="Refit leaving one source out at a time and report the out-of-sample error.",
)
@text_or_json_option
@report_option("with the predicted-vs-measured figure.")
@catalog_option
def validate(
    runs: str | None,
    cross: bool,
    output_format: str,
    report_path: str | None,
    catalogs: tuple[str, ...],
) -> None:
    """Predict every row of RUNS.csv (published runs; default: the public table bundled with
    flopcast) and compare with the measured throughput."""
    from flopcast.parallel.calibration import default_calibration
    from flopcast.report.plans import cross_validation_lines, validation_data, validation_lines
    from flopcast.validate.compare import compare
    from flopcast.validate.runs import BUNDLED_TABLE, RunRow, read_runs

    table = runs or str(BUNDLED_TABLE)
    if report_path:
        from flopcast.report.output import check_output

        check_output(report_path, [table])
    rows = read_runs(table, full_catalog(catalogs))
    done, skipped = compare(rows, default_calibration())
    if not done:
        raise InputError("no row could be predicted", file=table)
    data = validation_data(done, skipped)
    lines = validation_lines(done, skipped)
    if cross:
        from flopcast.validate.crossval import cross_validate

        validation = cross_validate([r for r in rows if isinstance(r, RunRow)])
        data["cross_validated"] = validation_data(validation.comparisons, skipped)
        data["cross_validated"]["line"] = validation.line
        data["cross_validated"]["seconds"] = validation.seconds
        data["line"] = validation.line
        lines += cross_validation_lines(validation.comparisons, validation.line)
    if output_format == "json":
        echo_json(data)
    else:
        echo_lines(lines)
    if report_path:
        from flopcast.report.html import validation_html
        from flopcast.report.output import write_atomically

        write_atomically(report_path, validation_html(validation_data(done, skipped)))
    sys.exit(0)


@click.command()
@click.option("--model", "model_id", required=True, help="Catalog model ID.")
@click.option(
    "--accelerator", "accelerator_id", default=None, help="Catalog accelerator ID (or --cluster)."
)
@click.option("--devices", required=True, type=click.IntRange(min=1))
@click.option(
    "--seq-len",
    default=None,
    type=click.IntRange(min=1, max=MAX_SEQ_LEN),
    help="Default: the model's.",
)
@click.option(
    "--global-batch-tokens",
    default=str(DEFAULT_GLOBAL_BATCH_TOKENS),
    show_default=True,
    help="Tokens per step, or a range LOW-HIGH.",
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--objective",
    type=click.Choice(["throughput", "cost", "time-to-train"]),
    default="throughput",
    show_default=True,
)
@click.option(
    "--precision", type=click.Choice(["bf16", "fp8", "both"]), default="bf16", show_default=True
)
@click.option(
    "--train-tokens",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Tokens to train: each plan's days to train and rental cost, with the goodput of a "
    "job this size (failures, restarts, checkpoints).",
)
@click.option(
    "--reliability",
    default="meta-rsc1",
    show_default=True,
    help="With --train-tokens: the catalog reliability entry (failure rate, restart and "
    "checkpoint times).",
)
@network_options
@text_or_json_option
@report_option("with the ranked plans' time breakdown.")
@catalog_option
def search(**options: Any) -> None:
    """Find the fastest plans for a model on a cluster (every valid layout that fits memory)."""
    from flopcast.parallel.choices import Precision
    from flopcast.parallel.planning import batch_used, search_plans
    from flopcast.report.plans import search_data, search_lines

    precisions = {
        "bf16": (Precision.BF16,),
        "fp8": (Precision.FP8,),
        "both": (Precision.BF16, Precision.FP8),
    }[options["precision"]]
    if options["report_path"]:
        from flopcast.report.output import check_output

        check_output(options["report_path"])
    catalog = full_catalog(options["catalogs"])
    model, hardware, result = search_plans(
        catalog, options["model_id"], options["accelerator_id"],
        devices=options["devices"], cluster_id=options["cluster_id"],
        nic_gbps=options["nic_gbps"], seq_len=options["seq_len"],
        batch_tokens=token_range(options["global_batch_tokens"]), precisions=precisions,
        keep=options["top"], progress=_progress_bar() if interactive() else None,
    )  # fmt: skip
    data = search_data(result, options["top"], options["objective"])
    data["precision"] = options["precision"]
    data["batch"] = batch_used(
        model, hardware, result, devices=options["devices"],
        batch_tokens=token_range(options["global_batch_tokens"]), precisions=precisions,
    )  # fmt: skip
    if data["batch"]["warning"]:
        click.echo(f"warning: {data['batch']['warning']}", err=True)
    if options["train_tokens"] is not None:
        from flopcast.goodput.planning import run_time_and_cost

        data["run"] = run_time_and_cost(
            catalog, hardware.name, options["devices"],
            [p["tokens_per_s_per_device"] for p in data["plans"]], options["train_tokens"],
            reliability=options["reliability"],
        )  # fmt: skip
    title = f"{model.name} on {options['devices']} x {hardware.name}"
    if options["output_format"] == "json":
        echo_json(data)
    else:
        echo_lines(search_lines(data, title))
    if options["report_path"]:
        from flopcast.report.html import search_html
        from flopcast.report.output import write_atomically

        write_atomically(options["report_path"], search_html(data, title))


def _progress_bar() -> Any:
    """A callback drawing a rich progress bar on stderr (terminals only)."""
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("evaluating plans", total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()

    return update


@click.command()
@click.option("--model", "model_id", default=None, help="Catalog model ID (or --params).")
@click.option("--params", type=float, default=None, help="Parameters, when no model is named.")
@click.option(
    "--step-time",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds per training step (default: the best plan of --model on --cluster).",
)
@click.option("--sites", default=2, show_default=True, type=click.IntRange(min=2))
@click.option(
    "--link-gbps",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="WAN bandwidth per site per direction [Gbit/s], for the utilization column.",
)
@click.option(
    "--exposed-share",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Exposed communication allowed, as a share of compute.",
)
@click.option(
    "--global-batch-tokens",
    default=DEFAULT_GLOBAL_BATCH_TOKENS,
    show_default=True,
    type=click.IntRange(min=1),
    help="Tokens per step of the plan search, when the step time comes from it.",
)
@network_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@catalog_option
def sites(**options: Any) -> None:
    """WAN bandwidth that multi-site training needs, scheme by scheme, and the utilization a
    given link gives. "needs" is the closed form (each sync within its overlap window plus the
    allowed exposure); "timeline" simulates per-layer overlap between two sites (--model).
    Without --step-time, each site is --cluster (its chips, accelerator and network, or
    --nic-gbps) and the step time is that of the best plan the search finds for --model."""
    from flopcast.network.sync import scheme_rows
    from flopcast.parallel.planning import best_step_time_on_cluster, model_size
    from flopcast.report.sites import sites_lines

    catalog = full_catalog(options["catalogs"])
    params, layers = model_size(catalog, options["model_id"], options["params"])
    step = options["step_time"]
    if step is None:
        if not (options["model_id"] and options["cluster_id"]):
            raise InputError(
                "give --step-time S, or --model ID and --cluster ID to take the best plan's",
                field="--step-time",
            )
        step = best_step_time_on_cluster(
            catalog, options["model_id"], options["cluster_id"],
            batch_tokens=options["global_batch_tokens"], nic_gbps=options["nic_gbps"],
        )  # fmt: skip
    n_sites = options["sites"]
    link = options["link_gbps"] * 1e9 / 8 if options["link_gbps"] else None
    rows = scheme_rows(params, n_sites, step, options["exposed_share"], layers=layers,
                       link_bandwidth=link)  # fmt: skip
    if options["output_format"] == "json":
        echo_json({"params": params, "sites": n_sites, "step_time_s": step,
                   "exposed_share": options["exposed_share"], "schemes": rows})  # fmt: skip
        return
    echo_lines(sites_lines(rows, params, n_sites, step, options["exposed_share"]))
