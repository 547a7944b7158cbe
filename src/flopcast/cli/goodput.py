"""``flopcast goodput``: the effective training time of a job at scale, and across scales."""

from __future__ import annotations

from typing import Any

import click

from flopcast.cli.options import (
    catalog_option,
    echo_json,
    echo_lines,
    full_catalog,
    token_range,
)
from flopcast.errors import InputError

#: Reliability entry used unless told otherwise: Meta's RSC-1, the larger published sample.
DEFAULT_RELIABILITY = "meta-rsc1"

_SECONDS = click.FloatRange(min=0)


@click.command()
@click.option("--chips", required=True, type=click.IntRange(min=1), help="Accelerators in the job.")
@click.option(
    "--reliability",
    default=DEFAULT_RELIABILITY,
    show_default=True,
    help="Catalog reliability entry whose failure rate (and restart, checkpoint times) to use.",
)
@click.option("--failure-rate", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Failures per node-day instead of the entry's.")  # fmt: skip
@click.option("--node-size", type=click.IntRange(min=1), default=8, show_default=True,
              help="Accelerators per node, with --failure-rate.")  # fmt: skip
@click.option("--restart", type=_SECONDS, default=None,
              help="Seconds from a failure to training again (default: the entry's).")  # fmt: skip
@click.option("--checkpoint-write", type=_SECONDS, default=None,
              help="Seconds a checkpoint blocks training (default: from --model and "
              "--storage-tbps, else the entry's).")  # fmt: skip
@click.option("--model", "model_id", default=None, help="Catalog model: checkpoint size.")
@click.option("--storage-tbps", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Checkpoint storage write bandwidth [TB/s], with --model.")  # fmt: skip
@click.option("--interval", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Compute seconds between checkpoints (default: Daly's optimum).")  # fmt: skip
@click.option("--replicas", type=click.IntRange(min=2), default=None,
              help="Data-parallel replicas that fail independently (replica-level fault "
              "tolerance, e.g. FT-HSDP).")  # fmt: skip
@click.option("--stall", type=_SECONDS, default=None,
              help="With --replicas: seconds a failure stops every replica.")  # fmt: skip
@click.option("--recovery", type=_SECONDS, default=None,
              help="With --replicas: seconds the failed replica takes to rejoin.")  # fmt: skip
@click.option("--spares", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Idle spare accelerators as a share of the job's.")  # fmt: skip
@click.option("--accelerator", "accelerator_id", default=None,
              help="With --model and --train-tokens: the best plan's accelerator.")  # fmt: skip
@click.option("--train-tokens", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Tokens to train: days to train with and without failures.")  # fmt: skip
@click.option("--global-batch-tokens", default=str(16 * 2**20), show_default=True,
              help="Tokens per step of the plan search (or LOW-HIGH).")  # fmt: skip
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Also write an HTML report with goodput against cluster size.")  # fmt: skip
@catalog_option
def goodput(**options: Any) -> None:
    """Effective training time (goodput) of a job of --chips accelerators: its mean time to
    failure, the optimal checkpoint interval (Young, Daly), and the share of wall time kept
    as progress by the closed form (Kokolis et al. 2024) and by simulation, synchronous and
    with replica-level fault tolerance; and a table of the same across cluster sizes."""
    from flopcast.goodput.planning import DEFAULT_SIZES, goodput_table
    from flopcast.report.goodput import goodput_data, goodput_lines

    catalog = full_catalog(options["catalogs"])
    rate, options_by_name = _inputs(catalog, options)
    sizes = sorted({*DEFAULT_SIZES, options["chips"]})
    table = goodput_table(rate, options_by_name, sizes)
    throughput = _throughput(catalog, options)
    data = goodput_data(table, options["chips"], rate, throughput, options["train_tokens"])
    if options["report_path"]:
        from flopcast.report.goodput import goodput_html
        from flopcast.report.output import check_output, write_atomically

        check_output(options["report_path"])
        write_atomically(options["report_path"], goodput_html(data))
    if options["output_format"] == "json":
        echo_json(data)
    else:
        echo_lines(goodput_lines(data))


def _inputs(catalog: Any, options: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The failure rate and the recovery options the command compares."""
    from flopcast.goodput.failures import DAY, FailureRate, catalog_failure_rate
    from flopcast.goodput.job import Recovery
    from flopcast.goodput.planning import checkpoint_write_time, entry_seconds

    if options["failure_rate"] is not None:
        per_chip = options["failure_rate"] / DAY / options["node_size"]
        rate = FailureRate(per_chip, "--failure-rate")
    else:
        rate = catalog_failure_rate(catalog, options["reliability"])
    entry = catalog.entry(options["reliability"], "reliability")
    restart = options["restart"]
    if restart is None:
        restart = entry_seconds(catalog, entry.id, "restart_time")
    write = options["checkpoint_write"]
    if write is None:
        write = checkpoint_write_time(
            catalog, entry.id, options["model_id"], options["storage_tbps"]
        )
    recovery = Recovery(restart=restart, write=write, interval=options["interval"],
                        spares=options["spares"])  # fmt: skip
    choices: dict[str, Any] = {"synchronous": recovery}
    if options["replicas"] is not None:
        if options["stall"] is None or options["recovery"] is None:
            raise InputError("--replicas needs --stall and --recovery", field="--replicas")
        choices["replicas"] = Recovery(
            restart=restart, write=write, interval=options["interval"], spares=options["spares"],
            replicas=options["replicas"], stall=options["stall"], recovery=options["recovery"],
        )  # fmt: skip
    return rate, choices


def _throughput(catalog: Any, options: dict[str, Any]) -> float | None:
    """Tokens per second of the whole job on its best plan, when asked for."""
    if options["train_tokens"] is None:
        return None
    if not (options["model_id"] and options["accelerator_id"]):
        raise InputError("--train-tokens needs --model and --accelerator", field="--train-tokens")
    from flopcast.parallel.planning import search_plans

    _, _, result = search_plans(
        catalog, options["model_id"], options["accelerator_id"], devices=options["chips"],
        batch_tokens=token_range(options["global_batch_tokens"]), keep=1,
    )  # fmt: skip
    return float(result.tokens_per_s_per_device[0]) * float(options["chips"])
