"""flopcast from Python: scenarios from files or dicts, results keyed by output name, and the
step model and plan search by catalog names.

    >>> import flopcast
    >>> s = flopcast.Scenario.from_dict({
    ...     "title": "compute of 2-4 months on 50K H100s at 40%",
    ...     "inputs": {"chips": {"value": 50000, "unit": "chip", "source": "seed"},
    ...                "peak": {"catalog": "h100-sxm.dense_bf16"},
    ...                "months": {"value": "2 to 4 month", "source": "seed"}},
    ...     "outputs": {"compute": {"expr": "chips * peak * 0.4 * months", "unit": "FLOP"}}})
    >>> r = flopcast.evaluate(s, samples=10_000)
    >>> f"{r['compute'].median:.2e}"
    '1.47e+26'

Everything here calls the layers below (DESIGN.md); it adds names, not behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flopcast.errors import InputError


def _plain(data: Any) -> Any:
    """``data`` with every pint quantity (of any registry) as ``"magnitude unit"`` text."""
    if isinstance(data, Mapping):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(value) for value in data]
    magnitude, units = getattr(data, "magnitude", None), getattr(data, "units", None)
    if isinstance(magnitude, int | float) and units is not None and not isinstance(data, str):
        unit = format(units, "~C")  # compact symbols: "kW", "USD/h", "m/s**2"
        return f"{magnitude!r} {unit}".strip()
    return data


@dataclass(frozen=True)
class Scenario:
    """A loaded, checked scenario (the file format: ``flopcast.scenario.schema``)."""

    model: Any
    """The :class:`flopcast.scenario.model.Scenario` it wraps."""

    @classmethod
    def from_yaml(cls, path: str | Path, *, allow_paths: bool = False) -> Scenario:
        """Load a scenario or claim file."""
        from flopcast.scenario.loader import load_scenario

        return cls(load_scenario(path, allow_paths=allow_paths))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str = "<dict>") -> Scenario:
        """A scenario from plain data shaped like a scenario file (numbers with units as
        text: ``{"value": "24 kW"}``). A pint quantity of any registry is taken as its text
        (``Q_(24, "kW")`` as ``"24 kW"``), read by flopcast's own unit grammar."""
        from flopcast.scenario.loader import scenario_from_data

        if not isinstance(data, Mapping):
            kind = type(data).__name__
            raise InputError(f"expected a mapping shaped like a scenario file, got {kind}")
        return cls(scenario_from_data(name, _plain(dict(data))))

    @property
    def title(self) -> str:
        """The scenario's title."""
        return str(self.model.title)


@dataclass(frozen=True)
class Output:
    """One output of a run (for a scenario over years: its first year; see ``Results.at``)."""

    result: Any
    """The :class:`flopcast.scenario.evaluate.OutputResult`."""

    @property
    def unit(self) -> str:
        """Its unit as text (``FLOP``)."""
        return str(self.result.unit_text)

    @property
    def median(self) -> float:
        """The median, in ``unit``."""
        return float(self.result.summary.median)

    @property
    def mean(self) -> float:
        """The mean, in ``unit``."""
        return float(self.result.summary.mean)

    @property
    def samples(self) -> np.ndarray:
        """Every sample, in ``unit``."""
        return np.atleast_1d(np.asarray(self.result.samples, dtype=float))

    def interval(self, probability: float = 0.9) -> tuple[float, float]:
        """The central interval holding ``probability`` of the samples."""
        if not 0 < probability < 1:
            raise InputError(f"probability must lie between 0 and 1, got {probability}")
        tail = (1 - probability) / 2 * 100
        low, high = np.percentile(self.samples, [tail, 100 - tail])
        return float(low), float(high)

    @property
    def claim(self) -> Any:
        """The claim's verdict (``.verdict``, ``.probability``, ``.reason``), or None."""
        return self.result.claim

    def plot(self) -> str:
        """Its distribution as an SVG figure (for a notebook: ``IPython.display.SVG``)."""
        from flopcast.report.html import output_figures

        figures = output_figures(self.result)
        return figures[0][0] if figures else ""


class Results(Mapping[str, Output]):
    """A run's outputs by name; ``claims`` lists the verdicts; ``to_pandas`` a table."""

    def __init__(self, result: Any) -> None:
        self.result = result
        """The underlying :class:`flopcast.scenario.evaluate.ScenarioResult` (or trajectory)."""
        first = result.per_year[0] if hasattr(result, "per_year") else result
        self._outputs = {o.definition.name: Output(o) for o in first.outputs}

    @property
    def years(self) -> tuple[int, ...]:
        """The years of a scenario over years (empty for one without)."""
        return tuple(getattr(self.result, "years", ()))

    def at(self, year: int) -> Results:
        """The outputs in ``year`` of a scenario over years."""
        if year not in self.years:
            raise InputError(f"no year {year}; years: {', '.join(map(str, self.years)) or 'none'}")
        return Results(self.result.per_year[self.years.index(year)])

    def __getitem__(self, name: str) -> Output:
        if name not in self._outputs:
            raise KeyError(f"no output {name!r}; outputs: {', '.join(self._outputs)}")
        return self._outputs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._outputs)

    def __len__(self) -> int:
        return len(self._outputs)

    @property
    def claims(self) -> dict[str, Any]:
        """Each claim's verdict by output name."""
        return {o.definition.name: o.claim for o in self.result.outputs if o.claim is not None}

    def to_pandas(self) -> Any:
        """A DataFrame with one row per output (median, 5th and 95th percentiles, unit,
        verdict); needs pandas."""
        from flopcast.report.data import output_cell

        try:
            import pandas as pd  # type: ignore[import-untyped]
        except ImportError:
            raise InputError("to_pandas needs pandas: pip install pandas") from None
        rows = [{"output": name, **output_cell(o.result)} for name, o in self.items()]
        return pd.DataFrame(rows).set_index("output")

    def _repr_html_(self) -> str | None:
        from flopcast.report.html import scenario_html

        result = self.result.per_year[0] if hasattr(self.result, "per_year") else self.result
        return scenario_html(result)


def evaluate(
    scenario: Scenario, *, samples: int = 20_000, seed: int = 0, confidence: float = 0.8
) -> Results:
    """Run a scenario: ``samples`` draws per input, seeded, claims decided at ``confidence``."""
    from flopcast.scenario.evaluate import evaluate as run

    if not isinstance(scenario, Scenario):
        raise InputError("evaluate takes a flopcast.Scenario (Scenario.from_yaml or from_dict)")
    return Results(run(scenario.model, samples=samples, seed=seed, confidence=confidence))


def predict(model: str, accelerator: str, devices: int, **plan: Any) -> dict[str, Any]:
    """One plan's step time, tokens/s per device, MFU and memory (keywords as ``flopcast
    predict`` takes them: ``tp=8, pp=16, seq_len=8192, global_batch_tokens=16 * 2**20``)."""
    from flopcast.catalog.loader import builtin_catalog
    from flopcast.parallel.planning import predict_plan
    from flopcast.report.plans import prediction_data

    plan.setdefault("global_batch_tokens", 4 * 2**20)
    found = predict_plan(builtin_catalog(), model, accelerator, devices=devices, **plan)
    return prediction_data(found.prediction, found.interval)


def search(
    model: str, accelerator: str, devices: int, *, batch_tokens: int = 4 * 2**20, top: int = 5
) -> list[dict[str, Any]]:
    """The ``top`` plans of a model on ``devices`` accelerators, best first."""
    from flopcast.catalog.loader import builtin_catalog
    from flopcast.parallel.planning import search_plans
    from flopcast.report.plans import search_data

    _, _, result = search_plans(builtin_catalog(), model, accelerator, devices=devices,
                                batch_tokens=(batch_tokens, batch_tokens), keep=top)  # fmt: skip
    return list(search_data(result, top, "throughput")["plans"])
