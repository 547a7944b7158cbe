import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.errors import ExpressionError, UnitError
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

COMPUTE = """
title: compute
inputs:
  chips: {value: 50000, unit: chip, source: s}
  peak: {value: 1e15, unit: FLOP/s/chip, source: s}
  utilization: {range: [30%, 50%], source: s}
  duration: {value: 2 to 4 month, source: s}
outputs:
  compute: {expr: chips * peak * utilization * duration, unit: FLOP}
  same: {expr: duration - duration, unit: day}
  ratio: {expr: compute / qty("1e26 FLOP")}
  mixed: {expr: compute / qty("1e26 FLOP") + utilization}
"""


def _outputs(write, text=COMPUTE, **kwargs):
    result = evaluate(load_scenario(write(text)), **kwargs)
    return {output.definition.name: output for output in result.outputs}


def test_point_arithmetic_is_exact(write):
    text = COMPUTE.replace("range: [30%, 50%]", "value: 40%").replace("2 to 4 month", "3 month")
    compute = _outputs(write, text)["compute"]
    expected = 50000 * 1e15 * 0.4 * 3 * 30.44 * 86400
    assert compute.summary.is_point
    assert compute.summary.median == pytest.approx(expected, rel=1e-12)


def test_same_name_is_same_samples(write):
    same = _outputs(write)["same"]
    assert same.summary.is_point and same.summary.median == 0.0


def test_interval_propagates(write):
    compute = _outputs(write, samples=200_000)["compute"]
    # Independent second form: log-variance adds for a product of lognormals.
    z = 1.6448536269514722
    sigma = np.hypot(np.log(2) / (2 * z), np.log(5 / 3) / (2 * z))
    median = 50000 * 1e15 * np.sqrt(0.3 * 0.5) * np.sqrt(8) * 30.44 * 86400
    assert compute.summary.median == pytest.approx(median, rel=0.01)
    assert compute.summary.p95 == pytest.approx(median * np.exp(z * sigma), rel=0.02)


def test_exact_sensitivity_for_products(write):
    compute = _outputs(write)["compute"]
    assert compute.sensitivity.method == "log-variance"
    shares = dict(compute.sensitivity.shares)
    var_u, var_d = np.log(5 / 3) ** 2, np.log(2) ** 2
    assert shares["duration"] == pytest.approx(var_d / (var_u + var_d))
    assert list(shares) == ["duration", "utilization"]


def test_sensitivity_through_outputs_and_sums(write):
    outputs = _outputs(write)
    assert outputs["ratio"].sensitivity.method == "log-variance"
    assert outputs["mixed"].sensitivity.method == "rank"
    assert set(outputs["mixed"].inputs) == {"chips", "peak", "utilization", "duration"}
    assert outputs["mixed"].sensitivity.shares[0][0] == "duration"


def test_seed_reproducibility_and_difference(write):
    first = _outputs(write, seed=7)["compute"].summary.median
    again = _outputs(write, seed=7)["compute"].summary.median
    other = _outputs(write, seed=8)["compute"].summary.median
    assert first == again
    assert first != other


def test_output_unit_mismatch_names_field(write):
    text = COMPUTE.replace("unit: FLOP}", "unit: MW}")
    with pytest.raises(UnitError) as err:
        _outputs(write, text)
    assert err.value.field == "outputs.compute.unit"
    assert "MW" in str(err.value) and "FLOP" in str(err.value)


def test_adding_incompatible_units(write):
    text = COMPUTE.replace("duration - duration", "duration - chips")
    with pytest.raises(UnitError) as err:
        _outputs(write, text)
    assert err.value.field == "outputs.same"
    assert "month" in str(err.value) and "chip" in str(err.value)


def test_non_finite_results_are_errors(write):
    text = COMPUTE.replace("duration - duration", "log(utilization - utilization)")
    text = text.replace("unit: day}", "}")
    with pytest.raises(ExpressionError, match="not finite"):
        _outputs(write, text)


@settings(max_examples=25, deadline=None)
@given(
    lo=st.floats(min_value=0.1, max_value=100),
    ratio=st.floats(min_value=1.01, max_value=100),
    scale=st.floats(min_value=1e-3, max_value=1e3),
)
def test_scaling_an_input_scales_a_product(tmp_path_factory, lo, ratio, scale):
    """Invariant: y = k * x is exactly k times x sample by sample, whatever x's range."""
    folder = tmp_path_factory.mktemp("s")
    path = folder / "s.yaml"
    path.write_text(
        f"title: t\ninputs:\n  x: {{range: [{lo}, {lo * ratio}], unit: W, source: s}}\n"
        f"  k: {{value: {scale}, source: s}}\n"
        "outputs:\n  y: {expr: k * x, unit: W}\n  x_out: {expr: x, unit: W}\n"
    )
    outputs = {o.definition.name: o for o in evaluate(load_scenario(path), samples=500).outputs}
    assert outputs["y"].summary.median == pytest.approx(scale * outputs["x_out"].summary.median)
    assert outputs["y"].summary.p5 <= outputs["y"].summary.median <= outputs["y"].summary.p95


def test_plan_functions_predict_and_refuse_distributions(write):
    text = (
        "title: t\ninputs:\n  gpus: {value: 64, unit: chip, source: s}\n"
        "  seq: {value: 8192, unit: token, source: s}\n"
        "  batch: {value: 1048576, unit: token, source: s}\n"
        "outputs:\n"
        '  step: {expr: \'plan_step_time("llama3-70b", "h100-sxm", gpus, 4, 4, 5, seq, batch)\','
        " unit: s}\n"
        '  mfu: {expr: \'plan_mfu("llama3-70b", "h100-sxm", gpus, 4, 4, 5, seq, batch)\'}\n'
        '  rate: {expr: \'plan_tokens_per_s("llama3-70b", "h100-sxm", gpus, 4, 4, 5, seq, batch)\','
        " unit: token/s/chip}\n"
    )
    outputs = _outputs(write, text)
    step, mfu, rate = (outputs[n].summary.median for n in ("step", "mfu", "rate"))
    assert rate == pytest.approx(1048576 / (step * 64))
    assert 0.2 < mfu < 0.8
    uncertain = text.replace("{value: 64, unit: chip", "{range: [60, 70], unit: chip")
    with pytest.raises(Exception, match="point value"):
        _outputs(write, uncertain)
    impossible = text.replace("gpus, 4, 4, 5", "gpus, 3, 4, 5")
    with pytest.raises(Exception, match="impossible plan"):
        _outputs(write, impossible)


def test_plan_functions_take_a_nic_bandwidth_in_any_rate_unit(write):
    text = (
        "title: t\ninputs:\n  gpus: {value: 256, unit: chip, source: s}\n"
        "  seq: {value: 8192, unit: token, source: s}\n"
        "  batch: {value: 4194304, unit: token, source: s}\n"
        "outputs:\n"
        '  slow: {expr: \'plan_step_time("llama3-70b", "h100-sxm", gpus, 8, 1, 1, seq, batch,'
        ' qty("25 Gbit/s"))\', unit: s}\n'
        '  same: {expr: \'plan_step_time("llama3-70b", "h100-sxm", gpus, 8, 1, 1, seq, batch,'
        ' nic_bandwidth=qty("3.125 GB/s"))\', unit: s}\n'
        '  fast: {expr: \'plan_step_time("llama3-70b", "h100-sxm", gpus, 8, 1, 1, seq, batch,'
        ' qty("400 Gbit/s"))\', unit: s}\n'
        '  default: {expr: \'plan_step_time("llama3-70b", "h100-sxm", gpus, 8, 1, 1, seq, batch)\','
        " unit: s}\n"
    )
    outputs = {name: o.summary.median for name, o in _outputs(write, text).items()}
    assert outputs["slow"] == pytest.approx(outputs["same"])  # 3.125 GB/s is 25 Gbit/s
    assert outputs["slow"] > outputs["fast"]  # data parallelism crosses the slower NICs
    assert outputs["default"] == pytest.approx(outputs["fast"])  # H100 reference: 400 Gbit/s
    with pytest.raises(Exception, match="nic_bandwidth"):
        _outputs(write, text.replace('qty("25 Gbit/s")', 'qty("25 s")'))
