"""Architecture counts, plan rules, memory and the step-time predictor."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.catalog.loader import builtin_catalog
from flopcast.parallel.architecture import architecture_from_catalog
from flopcast.parallel.calibration import default_calibration
from flopcast.parallel.hardware import hardware_from_catalog
from flopcast.parallel.layout import build_plan
from flopcast.parallel.memory import memory_per_device
from flopcast.parallel.plan import Plan, infeasibility
from flopcast.parallel.steptime import predict

CATALOG = builtin_catalog()
SHAPED = [e for e in CATALOG.of_kind("model") if "hidden" in e.numbers]


@pytest.mark.parametrize("entry", SHAPED, ids=lambda e: e.id)
def test_parameter_counts_match_published_totals(entry):
    """Within 1%; within 2% for multimodal models, whose published totals also count a
    vision encoder the language stack does not hold (Llama 4 Scout: 107.8B of 109B)."""
    model = architecture_from_catalog(entry)
    tolerance = 0.02 if entry.text.get("multimodal") else 0.01
    assert model.total_params() == pytest.approx(entry.numbers["total_params"].low, rel=tolerance)


def test_moe_active_parameters():
    mixtral = architecture_from_catalog(CATALOG.entry("mixtral-8x7b"))
    assert mixtral.active_params() == pytest.approx(12.9e9, rel=0.01)
    dsv3 = architecture_from_catalog(CATALOG.entry("deepseek-v3"))
    assert dsv3.active_params() == pytest.approx(37e9, rel=0.02)  # MLA + 1 shared + 8 routed


def test_model_flops_second_form():
    """6N plus causal attention (PaLM appendix B: 6N + 12 L H Q T / 2)."""
    model = architecture_from_catalog(CATALOG.entry("llama3-405b"))
    seq = 8192
    palm = 6 * (model.total_params() - model.vocab * model.hidden) + 12 * 126 * 128 * 128 * seq / 2
    assert model.model_flops_per_token(seq) == pytest.approx(palm, rel=1e-3)


LLAMA70 = architecture_from_catalog(CATALOG.entry("llama3-70b"))
H100 = hardware_from_catalog(CATALOG.entry("h100-sxm"))
CAL = default_calibration()


def _plan(**changes):
    base = dict(
        tp=4,
        pp=4,
        dp=4,
        cp=1,
        vpp=5,
        micro_batch=1,
        global_batch=256,
        seq_len=8192,
        recompute=0,
        zero=1,
        sequence_parallel=1,
        fp8=0,
    )
    base.update(changes)
    return Plan(**base)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"dp": 3}, "device count"),
        ({"tp": 3, "dp": 16 / 3}, "heads"),
        ({"pp": 8, "vpp": 11, "dp": 2}, "exceeds the layers"),
        ({"cp": 3, "dp": 4 / 3}, "sequence length"),
        ({"global_batch": 250}, "global batch"),
        ({"ep": 2}, "EP"),
        ({"pp": 1, "dp": 16, "vpp": 2}, "virtual stages need"),
    ],
)
def test_infeasible_plans_say_why(changes, fragment):
    reason = str(infeasibility(_plan(**changes), LLAMA70, 64))
    assert fragment in reason


def test_feasible_plan_has_no_reason_and_degrees_multiply():
    plan = _plan()
    assert str(infeasibility(plan, LLAMA70, 64)) == ""
    assert plan.devices == 64


def test_breakdown_adds_up_and_mfu_second_form():
    plan = _plan()
    result = predict(LLAMA70, H100, plan, CAL)
    assert sum(float(v) for v in result.breakdown.values()) == pytest.approx(
        float(result.step_time)
    )
    flops_per_step = LLAMA70.model_flops_per_token(8192) * 256 * 8192
    mfu = flops_per_step / (float(result.step_time) * 64 * H100.peak_bf16)
    assert float(result.mfu) == pytest.approx(mfu)
    assert 0 < float(result.mfu) < 1


def test_build_plan_rejects_impossible_layouts():
    from flopcast.errors import InputError

    with pytest.raises(InputError, match="impossible plan: TP does not divide the attention heads"):
        build_plan(LLAMA70, devices=24, tp=3, seq_len=8192, global_batch_tokens=8192 * 64)


degrees = st.sampled_from([1, 2, 4, 8])


@st.composite
def plans(draw):
    tp, pp, cp, dp = draw(degrees), draw(degrees), draw(st.sampled_from([1, 2])), draw(degrees)
    micro = draw(st.sampled_from([1, 2]))
    accumulation = draw(st.sampled_from([1, 4, 16]))
    return Plan(
        tp=tp,
        pp=pp,
        dp=dp,
        cp=cp,
        vpp=1,
        micro_batch=micro,
        global_batch=dp * micro * accumulation,
        seq_len=draw(st.sampled_from([2048, 8192])),
        recompute=draw(st.sampled_from([0, 1, 2])),
        zero=draw(st.sampled_from([0, 1, 2, 3])),
        sequence_parallel=draw(st.sampled_from([0, 1])),
        fp8=draw(st.sampled_from([0, 1])),
    )


@settings(max_examples=200, deadline=None)
@given(plan=plans())
def test_memory_is_positive_and_savings_never_raise_it(plan):
    total = float(memory_per_device(LLAMA70, plan).total)
    assert total > 0
    for option, better in (("recompute", 2), ("zero", 3), ("sequence_parallel", 1)):
        saved = float(memory_per_device(LLAMA70, replace(plan, **{option: better})).total)
        assert saved <= total * (1 + 1e-12), option


@settings(max_examples=200, deadline=None)
@given(plan=plans(), factor=st.floats(min_value=1.0, max_value=10.0))
def test_more_bandwidth_never_slows_a_step(plan, factor):
    base = float(predict(LLAMA70, H100, plan, CAL).step_time)
    for field in ("scale_up_bandwidth", "scale_out_bandwidth", "hbm_bandwidth"):
        faster = replace(H100, **{field: getattr(H100, field) * factor})
        assert float(predict(LLAMA70, faster, plan, CAL).step_time) <= base * (1 + 1e-12), field


@settings(max_examples=100, deadline=None)
@given(plan=plans())
def test_more_data_parallel_devices_never_slow_the_ideal_model(plan):
    """Ideal model (no communication cost, no latency): doubling DP at a fixed per-rank batch
    keeps the step time, so tokens/s per device does not drop."""
    ideal = replace(
        H100,
        scale_up_bandwidth=1e30,
        scale_out_bandwidth=1e30,
        scale_up_latency=0.0,
        scale_out_latency=0.0,
        collective_startup=0.0,
    )
    bigger = replace(plan, dp=plan.dp * 2, global_batch=plan.global_batch * 2)
    one = float(predict(LLAMA70, ideal, plan, CAL).step_time)
    two = float(predict(LLAMA70, ideal, bigger, CAL).step_time)
    assert two <= one * (1 + 1e-9)


def test_vectorized_equals_single_plans():
    rng = np.random.default_rng(0)
    singles = [
        _plan(tp=int(t), pp=int(p), dp=int(64 // (t * p)), vpp=1, recompute=int(r))
        for t, p, r in zip(
            rng.choice([1, 2, 4, 8], 20),
            rng.choice([1, 2, 4], 20),
            rng.integers(0, 3, 20),
            strict=True,
        )
    ]
    arrays = Plan(
        **{
            f: np.array([getattr(s, f) for s in singles], dtype=float)
            for f in Plan.__dataclass_fields__
        }
    )
    vector = predict(LLAMA70, H100, arrays, CAL)
    for i, single in enumerate(singles):
        one = predict(LLAMA70, H100, single, CAL)
        assert float(vector.step_time[i]) == pytest.approx(float(one.step_time))
        assert float(vector.memory.total[i]) == pytest.approx(float(one.memory.total))


def test_cross_domain_collectives_share_the_domains_nics():
    """NCCL's multi-rail rings: a DP group with 8 members per 8-GPU server moves its
    cross-server data over all 8 NICs (capped by NVLink); with TP 8 each DP group has one
    member per server and one NIC. Point-to-point (CP) and all-to-all (EP) use one NIC.
    Links deliver NCCL's measured share of their line rate."""
    from flopcast.network.collectives import NCCL_PROTOCOL_EFFICIENCY, NIC_PROTOCOL_EFFICIENCY
    from flopcast.parallel.links import link_bandwidth as _link

    nic = H100.scale_out_bandwidth * NIC_PROTOCOL_EFFICIENCY
    nvlink = H100.scale_up_bandwidth * NCCL_PROTOCOL_EFFICIENCY
    assert float(_link(H100, 1, 4)) == nvlink  # inside the server
    assert float(_link(H100, 1, 32)) == min(nvlink, 8 * nic)
    assert float(_link(H100, 8, 32)) == nic
    assert float(_link(H100, 2, 32)) == min(nvlink, 4 * nic)
    assert float(_link(H100, 2, 32, multi_rail=False)) == nic
