"""Estimators against hand-computed values and independent second forms."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.errors import InputError, UnitError
from flopcast.estimate import cluster, cost, inference, projection, scaling, training
from flopcast.quantity.units import parse_quantity as q


def mag(value, unit):
    return value.to(unit).magnitude


def test_llama3_405b_six_n_d_matches_meta_report():
    # Llama 3 paper (arXiv:2407.21783) sec. 3: 405B parameters, 15.6T tokens, 3.8e25 FLOP.
    flops = training.dense_training_flops(q("405e9 parameter"), q("15.6e12 token"))
    assert mag(flops, "FLOP") == pytest.approx(3.8e25, rel=0.01)


def test_attention_flops_causal_is_half_and_matches_palm_form():
    args = (q("126"), q("16384"), q("8192 token"), q("1e12 token"))
    full = training.attention_flops(*args, q("0"))
    causal = training.attention_flops(*args, q("1"))
    assert mag(full, "FLOP") == pytest.approx(12 * 126 * 16384 * 8192 * 1e12)
    assert mag(causal, "FLOP") == pytest.approx(mag(full, "FLOP") / 2)


def test_hardware_flops_s03_by_hand():
    flops = training.hardware_flops(
        q("50000 chip"), q("989.4e12 FLOP/s/chip"), q("40%"), q("3 month")
    )
    assert mag(flops, "FLOP") == pytest.approx(50000 * 989.4e12 * 0.4 * 3 * 30.44 * 86400)


positive = st.floats(min_value=1e-3, max_value=1e6)


@given(chips=positive, peak=positive, util=st.floats(0.01, 1), days=positive)
def test_solvers_invert_hardware_flops(chips, peak, util, days):
    c, p, u, t = q(f"{chips} chip"), q(f"{peak} TFLOP/s/chip"), q(f"{util}"), q(f"{days} day")
    flops = training.hardware_flops(c, p, u, t)
    assert mag(training.solve_duration(flops, c, p, u), "day") == pytest.approx(days)
    assert mag(training.solve_utilization(flops, c, p, t), "") == pytest.approx(util)
    assert mag(training.solve_chips(flops, p, u, t), "chip") == pytest.approx(chips)


@given(params=positive, tokens=positive)
def test_token_and_param_solvers_invert_six_n_d(params, tokens):
    n, d = q(f"{params} Gparameter"), q(f"{tokens} Gtoken")
    flops = training.dense_training_flops(n, d)
    assert mag(training.solve_tokens(flops, n), "Gtoken") == pytest.approx(tokens)
    assert mag(training.solve_params(flops, d), "Gparameter") == pytest.approx(params)


def test_wrong_units_name_the_argument():
    with pytest.raises(UnitError, match="'tokens'"):
        training.dense_training_flops(q("1 parameter"), q("1 MW"))


def test_cluster_power_and_chips():
    assert mag(cluster.chips_for_power(q("150 MW"), q("750 W/chip")), "chip") == pytest.approx(2e5)
    assert mag(cluster.power_for_chips(q("2e5 chip"), q("750 W/chip")), "MW") == pytest.approx(150)
    # DGX H100: 10.2 kW per 8 GPUs of 700 W -> overhead 1.82; PUE 1.2.
    power = cluster.all_in_power(q("700 W/chip"), q(f"{10200 / 8 / 700}"), q("1.2"))
    assert mag(power, "W/chip") == pytest.approx(1275 * 1.2)


def test_h100_equivalents_s01_by_hand():
    h100e = cluster.h100_equivalents(
        q("4e5 chip"), q("0.65e15 FLOP/s/chip"), q("0.99e15 FLOP/s/chip")
    )
    assert mag(h100e, "chip") == pytest.approx(400e3 * 0.65 / 0.99)
    rate = cluster.cluster_flops(q("4e5 chip"), q("0.65e15 FLOP/s/chip"), q("1"))
    # Second form: equivalents times the reference peak give the same FLOP/s.
    assert mag(h100e, "chip") * 0.99e15 == pytest.approx(mag(rate, "FLOP/s"))


def test_costs_by_hand():
    rent = cost.rental_cost(q("50000 chip"), q("4 month"), q("2 USD/chip/hour"))
    assert mag(rent, "USD") == pytest.approx(50000 * 4 * 30.44 * 24 * 2)
    hours = cost.budget_chip_hours(q("100e6 USD"), q("2 USD/chip/hour"))
    assert mag(hours, "chip*hour") == pytest.approx(5e7)
    flops = cost.budget_flops(
        q("100e6 USD"), q("2 USD/chip/hour"), q("989.4e12 FLOP/s/chip"), q("0.4")
    )
    assert mag(flops, "FLOP") == pytest.approx(5e7 * 3600 * 989.4e12 * 0.4)
    owned = cost.ownership_cost(
        q("1000 chip"),
        q("1 year"),
        q("30000 USD/chip"),
        q("4 year"),
        q("1.5 kW/chip"),
        q("0.08 USD/kWh"),
    )
    assert mag(owned, "USD") == pytest.approx(1000 * (30000 / 4 + 1.5 * 365.25 * 24 * 0.08))


def test_chinchilla_fits_near_twenty_to_one_at_published_budgets():
    # Chinchilla itself: 70B parameters x 1.4T tokens -> C = 5.88e23 FLOP.
    for budget in (q("5.88e23 FLOP"), q("1e25 FLOP"), q("1e27 FLOP")):
        rule = mag(scaling.chinchilla_params(budget, "20x"), "parameter")
        refit = mag(scaling.chinchilla_params(budget, "besiroglu"), "parameter")
        assert refit == pytest.approx(rule, rel=0.15)
    assert mag(scaling.chinchilla_params(q("5.88e23 FLOP"), "20x"), "parameter") == pytest.approx(
        70e9, rel=0.001
    )


@pytest.mark.parametrize("fit", ["hoffmann", "besiroglu", "20x"])
def test_chinchilla_tokens_times_params_is_the_budget(fit):
    budget = q("3e24 FLOP")
    n = mag(scaling.chinchilla_params(budget, fit), "parameter")
    d = mag(scaling.chinchilla_tokens(budget, fit), "token")
    assert 6 * n * d == pytest.approx(3e24)


def test_optimal_size_growth_exponents():
    assert mag(scaling.optimal_size_growth(q("80"), "20x"), "") == pytest.approx(math.sqrt(80))
    a = 0.3658 / (0.3478 + 0.3658)
    assert mag(scaling.optimal_size_growth(q("80"), "besiroglu"), "") == pytest.approx(80**a)
    # Second form: the growth equals the ratio of optimal sizes at two budgets.
    ratio = mag(scaling.chinchilla_params(q("8e26 FLOP")), "parameter") / mag(
        scaling.chinchilla_params(q("1e25 FLOP")), "parameter"
    )
    assert mag(scaling.optimal_size_growth(q("80")), "") == pytest.approx(ratio)


def test_unknown_fit_lists_choices():
    with pytest.raises(InputError, match="hoffmann, besiroglu, 20x"):
        scaling.chinchilla_params(q("1e24 FLOP"), "kaplan")


def test_price_per_token_by_hand_and_inverse():
    price = inference.price_per_token(
        q("8e9 parameter"), q("2 USD/chip/hour"), q("989.4e12 FLOP/s/chip"), q("0.3"), q("0")
    )
    expected = 2 * 8e9 / (989.4e12 * 0.3) * 2 / 3600 * 1e6
    assert mag(price, "USD/Mtoken") == pytest.approx(expected)
    params = inference.active_params_for_price(
        price, q("2 USD/chip/hour"), q("989.4e12 FLOP/s/chip"), q("0.3"), q("0")
    )
    assert mag(params, "parameter") == pytest.approx(8e9)


def test_active_params_from_reference():
    params = inference.active_params_from_reference(
        q("0.14 USD/Mtoken"), q("0.2 USD/Mtoken"), q("8e9 parameter")
    )
    assert mag(params, "parameter") == pytest.approx(5.6e9)


def test_power_budget_flops_and_multiple():
    flops = projection.power_budget_flops(
        q("1 GW"), q("2 kW/chip"), q("2.5e15 FLOP/s/chip"), q("0.4"), q("100 day")
    )
    assert mag(flops, "FLOP") == pytest.approx(5e5 * 2.5e15 * 0.4 * 100 * 86400)
    assert mag(projection.compute_multiple(flops, q("2e25 FLOP")), "") == pytest.approx(
        mag(flops, "FLOP") / 2e25
    )


def test_estimators_are_vectorized():
    chips = q("1 chip") * np.array([1.0, 2.0, 3.0])
    flops = training.hardware_flops(chips, q("1 FLOP/s/chip"), q("1"), q("1 s"))
    assert mag(flops, "FLOP").tolist() == [1.0, 2.0, 3.0]
