"""The step model's mechanisms move predictions the physically right way.

Each efficiency parameter, each plan attribute and each hardware number has a direction:
more bandwidth never slows a step, more latency never speeds it, materialized attention is
never faster than flash attention, and so on. Hypothesis draws plans and checks them.
"""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.catalog.loader import builtin_catalog
from flopcast.parallel.architecture import Architecture, architecture_from_catalog
from flopcast.parallel.calibration import Calibration, default_calibration
from flopcast.parallel.hardware import hardware_from_catalog, with_network
from flopcast.parallel.plan import Plan, stage_layers
from flopcast.parallel.steptime import predict

CATALOG = builtin_catalog()
CAL = default_calibration()
A100 = hardware_from_catalog(CATALOG.entry("a100-80gb"), CATALOG)
H100 = hardware_from_catalog(CATALOG.entry("h100-sxm"), CATALOG)
GPT = Architecture(
    name="GPT 3.6B", layers=30, hidden=3072, heads=32, kv_heads=32, head_dim=96, ffn=12288,
    vocab=51200, mlp="gelu",
)  # fmt: skip
MIXTRAL = architecture_from_catalog(CATALOG.entry("mixtral-8x7b"))


@st.composite
def plans(draw):
    tp, pp, dp = draw(st.sampled_from([1, 2, 4, 8])), draw(st.sampled_from([1, 2, 3])), 4
    micro = draw(st.sampled_from([1, 2, 4]))
    return Plan(
        tp=tp, pp=pp, dp=dp, micro_batch=micro,
        global_batch=dp * micro * draw(st.sampled_from([1, 4, 16])),
        seq_len=draw(st.sampled_from([1024, 2048, 4096])),
        recompute=draw(st.sampled_from([0, 1, 2])), zero=draw(st.sampled_from([0, 1, 3])),
        sequence_parallel=draw(st.sampled_from([0, 1])), attention=draw(st.sampled_from([0, 1])),
        dropout=draw(st.sampled_from([0, 1])), dp_overlap=draw(st.sampled_from([0, 1])),
        async_tp=draw(st.sampled_from([0, 1])),
    )  # fmt: skip


def _step(plan, hardware=A100, cal=CAL, model=GPT):
    return float(predict(model, hardware, plan, cal).step_time)


TOLERANCE = 1 + 1e-9


@settings(max_examples=150)
@given(plan=plans(), factor=st.floats(1.01, 10.0))
def test_more_nic_bandwidth_never_slows_and_more_latency_never_speeds(plan, factor):
    base = _step(plan)
    faster_nic = with_network(A100, nic_gbps=A100.scale_out_bandwidth * 8 / 1e9 * factor)
    assert _step(plan, faster_nic) <= base * TOLERANCE
    slower = replace(
        A100,
        scale_up_latency=A100.scale_up_latency * factor,
        scale_out_latency=A100.scale_out_latency * factor,
        collective_startup=A100.collective_startup * factor,
    )
    assert _step(plan, slower) >= base / TOLERANCE


@settings(max_examples=150)
@given(plan=plans())
def test_materialized_attention_is_never_faster_than_flash(plan):
    flash = _step(replace(plan, attention=0))
    assert _step(replace(plan, attention=1)) >= flash / TOLERANCE


def test_materialized_attention_costs_more_for_narrow_models():
    """Its score traffic grows like s x heads / h^2 relative to the GEMMs: the size trend of
    Megatron-era runs (a 3.6B model loses more than a 175B one)."""
    big = Architecture(name="175B", layers=96, hidden=12288, heads=96, kv_heads=96,
                       head_dim=128, ffn=49152, vocab=51200, mlp="gelu")  # fmt: skip
    plan = Plan(tp=8, pp=1, dp=1, micro_batch=1, global_batch=8, seq_len=2048, recompute=2)

    def penalty(model):
        flash = _step(replace(plan, attention=0), model=model)
        return _step(replace(plan, attention=1), model=model) / flash

    assert penalty(GPT) > penalty(big) > 1


@settings(max_examples=150)
@given(plan=plans())
def test_unhidden_data_parallelism_dropout_and_wider_gradients_never_speed_a_step(plan):
    base = _step(plan)
    assert _step(replace(plan, dp_overlap=0)) >= base / TOLERANCE
    assert _step(replace(plan, dropout=1)) >= base / TOLERANCE
    assert (
        _step(replace(plan, grad_reduce_bytes=4.0))
        >= _step(replace(plan, grad_reduce_bytes=2.0)) / TOLERANCE
    )


PARAMETER_DIRECTIONS = [
    # (parameter, larger value, expected effect on step time: -1 faster, +1 slower)
    ("kernel_gap", 4e-6, +1),
    ("overlap_contention", 0.9, +1),
    ("dp_overlap", 0.99, -1),
    ("fsdp_overlap", 0.99, -1),
    ("async_tp_overlap", 0.99, -1),
    ("attention_efficiency", 0.6, -1),
    ("gemm_width_half", 400.0, +1),
    ("fp8_gemm_speedup", 1.9, -1),
]


@pytest.mark.parametrize(("name", "larger", "sign"), PARAMETER_DIRECTIONS)
@settings(max_examples=60)
@given(plan=plans())
def test_each_parameter_moves_predictions_the_physical_way(name, larger, sign, plan):
    plan = replace(plan, fp8=1) if name == "fp8_gemm_speedup" else plan
    smaller = replace(CAL, **{name: getattr(CAL, name) * 0.5})
    bigger = replace(CAL, **{name: larger})
    difference = _step(plan, H100, bigger) - _step(plan, H100, smaller)
    assert sign * difference >= -1e-12 * _step(plan, H100)


@settings(max_examples=60)
@given(plan=plans(), time=st.floats(1e-5, 1e-2))
def test_moe_synchronisation_slows_moe_models_only(plan, time):
    plan = replace(plan, tp=min(plan.tp, 8))
    slow = replace(CAL, moe_sync_time=time)
    assert _step(plan, H100, slow, MIXTRAL) > _step(plan, H100, replace(CAL, moe_sync_time=0.0),
                                                    MIXTRAL)  # fmt: skip
    assert _step(plan, H100, slow) == pytest.approx(
        _step(plan, H100, replace(CAL, moe_sync_time=0))
    )


def test_gemm_efficiency_raises_throughput():
    plan = Plan(tp=2, pp=1, dp=4, micro_batch=2, global_batch=64, seq_len=2048)
    low = replace(CAL, gemm_efficiency={**CAL.gemm_efficiency, "a100": 0.5})
    high = replace(CAL, gemm_efficiency={**CAL.gemm_efficiency, "a100": 0.8})
    assert _step(plan, A100, high) < _step(plan, A100, low)


@given(layers=st.integers(4, 200), pp=st.integers(1, 32))
def test_stage_layers_hold_every_block_and_spare_the_ends(layers, pp):
    if pp > layers:
        return
    stages = stage_layers(layers, Plan(pp=pp))
    first, middle, last = (float(x) for x in (stages.first, stages.middle, stages.last))
    if pp == 1:
        assert first == middle == last == layers
        return
    assert first <= middle and last <= middle  # the ends carry embedding, head and loss
    assert middle - min(first, last) <= 1  # as even as the count allows
    total_possible = first + last + (pp - 2) * middle
    assert total_possible >= layers  # no block left out
    assert first + last + (pp - 2) * (middle - 1) <= layers


def test_llama3_405b_stages_match_metas_split():
    stages = stage_layers(126, Plan(pp=16, vpp=4))
    assert (float(stages.first), float(stages.middle), float(stages.last)) == (7, 8, 7)
    explicit = stage_layers(126, Plan(pp=16, first_stage_layers=6, last_stage_layers=6))
    assert float(explicit.middle) == 9  # 114 blocks over 14 middle stages, at most 9 each


def test_the_output_head_makes_the_last_stage_the_slowest():
    plan = Plan(tp=1, pp=4, dp=1, micro_batch=1, global_batch=32, seq_len=2048)
    result = predict(GPT, A100, plan, CAL)
    evened = predict(GPT, A100, replace(plan, first_stage_layers=8, last_stage_layers=6), CAL)
    assert float(evened.step_time) < float(result.step_time)


def test_vectorised_over_models_and_hardware_equals_one_by_one():
    from flopcast.parallel.workload import Workload
    from flopcast.validate.batch import _stack

    models = [GPT, MIXTRAL]
    hardware = [A100, H100]
    plan = Plan(tp=2, pp=2, dp=2, micro_batch=1, global_batch=16, seq_len=4096, recompute=1)
    stacked = predict(
        Workload.stack([Workload.of(m) for m in models]), _stack(hardware),
        _stack([plan, plan]), CAL,
    )  # fmt: skip
    for i, (model, hw) in enumerate(zip(models, hardware, strict=True)):
        one = float(predict(model, hw, plan, CAL).step_time)
        assert float(np.asarray(stacked.step_time)[i]) == pytest.approx(one)


def test_defaults_calibration_is_a_calibration():
    assert isinstance(Calibration(), Calibration)
    assert 0 < CAL.gemm("hopper") < 1 and CAL.gemm("unknown-family") == CAL.gemm("other")


@pytest.mark.parametrize(("name", "larger", "sign"), PARAMETER_DIRECTIONS)
def test_each_parameter_matters_somewhere(name, larger, sign):
    """Not only never the wrong way: on a plan that exercises it, strictly the right way."""
    small = Architecture(name="small", layers=24, hidden=2048, heads=16, kv_heads=16,
                         head_dim=128, ffn=8192, vocab=51200)  # fmt: skip
    slow_nic = with_network(H100, nic_gbps=25)
    plan = Plan(tp=8, pp=1, dp=16, micro_batch=1, global_batch=16, seq_len=4096, fp8=1,
                async_tp=1, zero=1 if name != "fsdp_overlap" else 3)  # fmt: skip
    smaller = replace(CAL, **{name: getattr(CAL, name) * 0.5})
    bigger = replace(CAL, **{name: larger})
    difference = _step(plan, slow_nic, bigger, small) - _step(plan, slow_nic, smaller, small)
    assert sign * difference > 0


def test_cluster_network_on_the_command_line():
    from click.testing import CliRunner

    from flopcast.cli.main import cli

    base = ["predict", "--model", "llama3-70b", "--devices", "64", "--tp", "4", "--pp", "2",
            "--global-batch-tokens", "1048576", "--recompute", "full",
            "--format", "json"]  # fmt: skip
    runner = CliRunner()
    fast = runner.invoke(cli, [*base, "--cluster", "llama3-405b-run"])
    slow = runner.invoke(cli, [*base, "--cluster", "llama3-405b-run", "--nic-gbps", "25"])
    assert fast.exit_code == 0 and slow.exit_code == 0, fast.output + slow.output
    assert json.loads(slow.output)["step_time_s"] > json.loads(fast.output)["step_time_s"]
    materialized = runner.invoke(cli, [*base, "--accelerator", "h100-sxm",
                                       "--attention", "materialized"])  # fmt: skip
    flash = runner.invoke(cli, [*base, "--accelerator", "h100-sxm"])
    assert json.loads(materialized.output)["step_time_s"] > json.loads(flash.output)["step_time_s"]
    missing = runner.invoke(cli, base)
    assert missing.exit_code == 2 and "--accelerator" in missing.output
    sites = runner.invoke(cli, ["sites", "--model", "llama3-405b", "--cluster",
                                "llama3-405b-run", "--format", "json"])  # fmt: skip
    assert sites.exit_code == 0, sites.output
    assert 1 < json.loads(sites.output)["step_time_s"] < 30
