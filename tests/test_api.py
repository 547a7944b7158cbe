"""The Python API: the README's example runs, and the API agrees with the layers it wraps."""

import doctest
import re
from pathlib import Path

import numpy as np
import pytest

import flopcast
from flopcast import api
from flopcast.errors import InputError
from flopcast.scenario.evaluate import evaluate as engine_evaluate
from flopcast.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
S03 = ROOT / "examples" / "seed" / "S03_current_models_compute.yaml"


def test_the_module_docstring_example_holds():
    failures, tried = doctest.testmod(api)
    assert tried > 0 and failures == 0


def test_the_readme_example_runs(monkeypatch, capsys):
    text = (ROOT / "README.md").read_text()
    section = text.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README has no Python API example"
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})  # our own README, not user input
    printed = capsys.readouterr().out
    assert "median" in printed and "MFU" in printed


def test_results_match_the_engine():
    results = flopcast.evaluate(flopcast.Scenario.from_yaml(S03), samples=5_000, seed=3)
    direct = engine_evaluate(load_scenario(S03), samples=5_000, seed=3)
    assert list(results) == [o.definition.name for o in direct.outputs]
    for output in direct.outputs:
        got = results[output.definition.name]
        assert got.median == pytest.approx(float(output.summary.median))
        np.testing.assert_array_equal(got.samples, np.atleast_1d(output.samples))
        low, high = got.interval(0.9)
        assert low <= got.median <= high
    assert set(results.claims) <= set(results)
    assert results._repr_html_().lstrip().startswith("<")
    assert results[next(iter(results))].plot().startswith("<svg")


def test_mistakes_say_what_was_expected():
    results = flopcast.evaluate(flopcast.Scenario.from_yaml(S03), samples=1_000)
    with pytest.raises(KeyError, match="outputs:"):
        results["no-such-output"]
    with pytest.raises(InputError, match="between 0 and 1"):
        results[next(iter(results))].interval(1.5)
    with pytest.raises(InputError, match="mapping"):
        flopcast.Scenario.from_dict(["not", "a", "scenario"])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Scenario"):
        flopcast.evaluate("examples/seed/S03.yaml")  # type: ignore[arg-type]


def test_search_is_best_first_and_predict_agrees_with_it():
    plans = flopcast.search("llama3-8b", "h100-sxm", 64, top=3)
    assert len(plans) == 3
    steps = [p["step_time_s"] for p in plans]
    assert steps == sorted(steps)
    best = plans[0]
    keys = ("tp", "pp", "cp", "ep", "vpp", "micro_batch", "seq_len", "recompute", "zero")
    again = flopcast.predict(
        "llama3-8b", "h100-sxm", 64, global_batch_tokens=best["global_batch"] * best["seq_len"],
        precision=best["precision"], attention=best["attention"], dp=best["dp"],
        **{k: best[k] for k in keys},
    )  # fmt: skip
    assert again["step_time_s"] == pytest.approx(best["step_time_s"], rel=1e-6)


def test_unknown_attributes_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute"):
        flopcast.no_such_thing  # noqa: B018


def test_a_scenario_over_years_gives_each_year():
    path = ROOT / "examples" / "trajectories" / "s29_trajectory.yaml"
    results = flopcast.evaluate(flopcast.Scenario.from_yaml(path), samples=2_000)
    assert len(results.years) > 1
    first, last = results.at(results.years[0]), results.at(results.years[-1])
    assert first["system_power"].median <= last["system_power"].median
    assert any(verdict.verdict == "failed" for verdict in results.claims.values())
    with pytest.raises(InputError, match="years:"):
        results.at(1900)


def test_no_step_time_part_is_negative():
    """With one pipeline stage the bubble is zero, not a rounding residue below it."""
    for plan in flopcast.search("llama3-8b", "h100-sxm", 64, top=5):
        assert all(seconds >= 0 for seconds in plan["breakdown_s"].values()), plan


def test_from_dict_takes_pint_quantities_of_any_registry():
    import pint

    import flopcast

    foreign = pint.UnitRegistry()
    data = {
        "title": "energy",
        "inputs": {
            "power": {"value": foreign.Quantity(3, "GW"), "source": "s"},
            "hours": {"range": (foreign.Quantity(1, "hour"), foreign.Quantity(2, "hour")),
                      "source": "s"},
        },
        "outputs": {"energy": {"expr": "power * hours", "unit": "GWh"}},
    }  # fmt: skip
    written = {"power": {"value": "3 GW", "source": "s"},
               "hours": {"range": ["1 hour", "2 hour"], "source": "s"}}  # fmt: skip
    from_text = {**data, "inputs": written}
    quantities = flopcast.evaluate(flopcast.Scenario.from_dict(data), samples=2000)
    texts = flopcast.evaluate(flopcast.Scenario.from_dict(from_text), samples=2000)
    assert quantities["energy"].median == texts["energy"].median
    assert 3.0 < quantities["energy"].median < 6.0
