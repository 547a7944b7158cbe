"""Goodput across cluster sizes and recovery options, and the time a run takes with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flopcast.catalog.model import Catalog
from flopcast.errors import InputError
from flopcast.goodput.failures import FailureRate
from flopcast.goodput.job import Goodput, Recovery, checkpoint_bytes, job_goodput
from flopcast.quantity.units import convert

#: Cluster sizes a goodput table spans unless told otherwise [accelerators].
DEFAULT_SIZES = (1_024, 4_096, 16_384, 65_536, 131_072, 262_144, 524_288, 1_048_576)


def goodput_table(
    rate: FailureRate, options: Mapping[str, Recovery], sizes: Sequence[int] = DEFAULT_SIZES
) -> dict[str, list[Goodput]]:
    """Each recovery option's goodput at each cluster size."""
    return {
        name: [job_goodput(size, rate, recovery) for size in sizes]
        for name, recovery in options.items()
    }


def days_to_train(tokens: float, tokens_per_s: float, goodput: float) -> float:
    """Wall-clock days to train ``tokens`` at ``tokens_per_s`` of steady throughput (the
    whole job's) when only ``goodput`` of the time is kept progress: tokens / (throughput x
    goodput) [s], in days."""
    return tokens / (tokens_per_s * goodput) / 86_400


def entry_seconds(catalog: Catalog, entry_id: str, field: str) -> float:
    """A reliability entry's time ``field`` in seconds (the geometric midpoint of a range);
    an InputError when the entry does not give it."""
    entry = catalog.entry(entry_id, "reliability")
    if field not in entry.numbers:
        option = "--" + field.removesuffix("_time").replace("_", "-")
        raise InputError(
            f"reliability entry {entry_id!r} gives no {field!r}; give {option}", field=option
        )
    value = entry.numbers[field]
    low = float(convert(value.low * value.unit, "s").magnitude)
    high = float(convert(value.high * value.unit, "s").magnitude)
    return float((low * high) ** 0.5)


def checkpoint_write_time(
    catalog: Catalog, entry_id: str, model_id: str | None, storage_tbps: float | None
) -> float:
    """Seconds a checkpoint blocks training: the model's checkpoint over the storage
    bandwidth [TB/s] when that is given, else the reliability entry's figure."""
    if storage_tbps is not None and model_id is None:
        raise InputError("--storage-tbps needs --model (the checkpoint's size)", field="--model")
    if model_id is not None and storage_tbps is not None:
        params = catalog.entry(model_id, "model").number("total_params")
        count = float(convert(params.low * params.unit, "parameter").magnitude)
        return checkpoint_bytes(count) / (storage_tbps * 1e12)
    return entry_seconds(catalog, entry_id, "checkpoint_write_time")


#: Reliability entry a search's time and cost use unless told otherwise: Meta's RSC-1 (rate,
#: restart and checkpoint times), the larger published sample.
SEARCH_RELIABILITY = "meta-rsc1"


def run_time_and_cost(
    catalog: Catalog,
    accelerator_id: str,
    devices: int,
    tokens_per_s_per_device: Sequence[float],
    train_tokens: float,
    *,
    reliability: str = SEARCH_RELIABILITY,
) -> dict[str, object]:
    """Days to train ``train_tokens`` on each plan, with the goodput of a synchronous job on
    ``devices`` (failures, restarts and checkpoints at ``reliability``'s rates and times),
    and its rental cost where the catalog prices the accelerator: every hour of the job is
    paid for, idle and re-done ones too."""
    from flopcast.goodput.failures import catalog_failure_rate

    times = {}
    sources = [reliability]
    for field in ("restart_time", "checkpoint_write_time"):
        given = field in catalog.entry(reliability, "reliability").numbers
        times[field] = entry_seconds(catalog, reliability if given else SEARCH_RELIABILITY, field)
        if not given:
            sources.append(f"{field.replace('_', ' ')} of {SEARCH_RELIABILITY}")
    recovery = Recovery(restart=times["restart_time"], write=times["checkpoint_write_time"])
    result = job_goodput(devices, catalog_failure_rate(catalog, reliability), recovery)
    days = [
        days_to_train(train_tokens, rate * devices, result.exact)
        for rate in tokens_per_s_per_device
    ]
    price = catalog.entry(accelerator_id, "accelerator").numbers.get("rental_price")
    cost = None
    if price is not None:
        per_hour = float(convert(price.low * price.unit, "USD/chip/hour").magnitude)
        per_hour_high = float(convert(price.high * price.unit, "USD/chip/hour").magnitude)
        per_hour = (per_hour * per_hour_high) ** 0.5
        cost = [d * 24 * devices * per_hour for d in days]
    return {
        "goodput": result.exact,
        "goodput_source": ", ".join(sources),
        "days_to_train": days,
        "rental_cost_usd": cost,
    }
