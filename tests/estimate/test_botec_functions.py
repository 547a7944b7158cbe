"""Each BOTEC function against a figure its source publishes (the arithmetic redone by the
function, not typed in)."""

import pytest

from flopcast.estimate import energy, growth, hours
from flopcast.quantity.units import convert, parse_quantity


def q(text):
    return parse_quantity(text)


def value(result, unit):
    return float(convert(result, unit).magnitude)


def test_training_energy_gpt3_patterson():
    """Patterson et al. 2021, Table 4: 10,000 V100 at 330 W for 14.8 days, PUE 1.10: 1,287 MWh
    (1,289 from the rounded days)."""
    mwh = energy.training_energy(q("148000 chip*day"), q("330 W/chip"), q("1.10"))
    assert value(mwh, "MWh") == pytest.approx(1287, rel=0.005)


def test_training_energy_dinov2_meta():
    """DINOv2, Table 14: 22,016 A100-hours at 400 W and PUE 1.1: 9.7 MWh."""
    mwh = energy.training_energy(q("22016 chip*hour"), q("400 W/chip"), q("1.1"))
    assert round(value(mwh, "MWh"), 1) == 9.7


def test_emissions_bloom():
    """Luccioni et al. 2022: 433 MWh on the French grid at 57 g/kWh: 24.7 t CO2e."""
    tonnes = energy.emissions(q("433.196 MWh"), q("57 g/kWh"))
    assert round(value(tonnes, "t"), 1) == 24.7


def test_utilization_from_hours_gpt3():
    """Patterson et al.: 3.14e23 FLOP on 10,000 V100 for 14.8 days is 24.6 TFLOP/s each,
    19.6% of the V100's 125 TFLOP/s."""
    share = hours.utilization_from_hours(q("3.14e23 FLOP"), q("148000 chip*day"),
                                         q("125e12 FLOP/s/chip"))  # fmt: skip
    assert value(share, "") == pytest.approx(0.196, abs=0.001)


def test_hours_for_compute_llama3_blog():
    """A blog's reconstruction of Llama 3 405B: 39.9e24 FLOP at 42% of 990 TFLOP/s is 26.6M
    H100-hours (the blog printed 27.6M from a slip in 2.54 x 15.7)."""
    needed = hours.hours_for_compute(q("3.99e25 FLOP"), q("990e12 FLOP/s/chip"), q("0.42"))
    assert value(needed, "chip*hour") == pytest.approx(26.6e6, rel=0.005)


def test_cost_from_hours_deepseek_v3():
    """DeepSeek-V3, sec. 1: 2.788M H800-hours at $2 is $5.576M."""
    assert value(hours.cost_from_hours(q("2.788e6 chip*hour"), q("2 USD/chip/hour")),
                 "USD") == pytest.approx(5.576e6)  # fmt: skip


def test_mfu_and_duration_from_rate_llama1():
    """LLaMA, sec. 2.4: 380 tokens/s/GPU on 2,048 A100 for 1.4T tokens is 'approximately 21
    days'; 6 x 65.2B FLOP per token at 380 tokens/s is 48% of the A100's 312 TFLOP/s."""
    days = hours.duration_from_rate(q("1.4e12 token"), q("380 token/s/chip"), q("2048 chip"))
    assert round(value(days, "day")) == 21
    mfu = hours.mfu_from_rate(q("380 token/s/chip"), q("391.2e9 FLOP/token"),
                              q("312e12 FLOP/s/chip"))  # fmt: skip
    assert value(mfu, "") == pytest.approx(0.476, abs=0.002)


def test_forward_flops_per_token_epoch_chatgpt_query():
    """Epoch AI's ChatGPT query model: 2 x 100B active parameters x 500 tokens = 1e14 FLOP."""
    per_token = hours.forward_flops_per_token(q("100e9 parameter"))
    assert value(per_token, "FLOP/token") * 500 == pytest.approx(1e14)


def test_doubling_and_grow_epoch_nvidia_stock():
    """Epoch AI (2025): the NVIDIA compute stock 'doubling every 10 months' is 'approximately
    2.3x per year'."""
    factor = value(growth.doubling(q("1"), q("10 month"), q("1 year")), "")
    assert round(factor, 1) == 2.3
    assert value(growth.grow(q("1"), q("2.3"), q("2 year")), "") == pytest.approx(5.29)


def test_declining_balance_irs_double_declining_five_year():
    """IRS Publication 946: 200% declining balance on 5-year property is 40% a year, so a
    $30,000 accelerator keeps $18,000 after one year and $10,800 after two."""
    left = growth.declining_balance(q("30000 USD"), q("0.4"), q("2 year"))
    assert value(left, "USD") == pytest.approx(10_800)


def test_functions_check_units_at_the_boundary():
    with pytest.raises(ValueError, match="argument 'power_per_chip'"):
        energy.training_energy(q("1 chip*hour"), q("1 FLOP"), q("1"))
