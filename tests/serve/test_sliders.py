"""Sliders rewrite the numbers they stand for in the scenario's text, and nothing else."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.files import load_yaml
from flopcast.scenario.loader import scenario_from_data
from flopcast.serve.sliders import move, number_text, sliders

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
S03 = EXAMPLES / "seed" / "S03_current_models_compute.yaml"

TEXT = """\
title: A test scenario   # a comment that must survive
inputs:
  chips: {value: 50000, unit: chip, source: "s"}
  share:
    value: 40%          # utilization
    source: "s"
  months:
    value: "2 to 4 month"
    source: "s"
  price:
    range: ["$1/h", "$3/h"]
    source: "s"
  peak:
    catalog: h100-sxm.dense_bf16
  spread: {dist: normal, mean: 1, sd: 0.1, source: "s"}
outputs:
  total:
    expr: chips * share * months * price * peak * spread
"""


def _scenario(text: str):
    return scenario_from_data("t.yaml", load_yaml(text, "t.yaml"))


def _by_id(text: str):
    return {slider.id: slider for slider in sliders(text, _scenario(text))}


def test_every_point_input_and_range_end_gets_a_slider():
    found = _by_id(TEXT)
    assert set(found) == {"chips", "share", "months.low", "months.high", "price.low",
                          "price.high", "peak"}  # fmt: skip
    assert (found["share"].number, found["share"].unit, found["share"].log) == (40, "%", False)
    assert (found["share"].low, found["share"].high) == (0, 100)
    assert found["months.high"].unit == "month" and found["months.low"].unit == "month"
    assert found["chips"].unit == "chip"  # from the unit field
    assert found["peak"].number == pytest.approx(989.4e12)
    assert (found["chips"].low, found["chips"].high) == (5000, 500000)


def test_moves_rewrite_only_their_numbers_and_keep_comments():
    scenario = _scenario(TEXT)
    moves = {"chips": 75000, "share": 55.55, "months.high": 6, "price.low": 1.5, "peak": 2e15}
    new = move(TEXT, scenario, moves)
    assert "# a comment that must survive" in new and "# utilization" in new
    assert "value: 55.55%" in new and '"2 to 6 month"' in new and '"$1.5/h"' in new
    assert "spread: {dist: normal, mean: 1, sd: 0.1" in new
    assert 'value: 2e15 FLOP/chip/s\n    source: "catalog h100-sxm.dense_bf16' in new
    moved = _by_id(new)
    for slider_id, number in moves.items():
        assert moved[slider_id].number == pytest.approx(number, rel=1e-3)
    assert moved["months.low"].number == 2 and moved["price.high"].number == 3


def test_a_catalog_value_in_a_flow_mapping_gets_its_source_inline():
    text = TEXT.replace("  peak:\n    catalog: h100-sxm.dense_bf16",
                        "  peak: {catalog: h100-sxm.dense_bf16}")  # fmt: skip
    new = move(text, _scenario(text), {"peak": 1e15})
    assert 'peak: {value: 1e15 FLOP/chip/s, source: "catalog h100-sxm.dense_bf16' in new
    assert _by_id(new)["peak"].number == 1e15


def test_unknown_slider_ids_change_nothing():
    assert move(TEXT, _scenario(TEXT), {"nothing": 3.0}) == TEXT


@pytest.mark.parametrize("path", sorted((EXAMPLES / "seed").glob("S*.yaml")), ids=lambda p: p.stem)
def test_every_seed_slider_moves_to_the_number_it_was_given(path):
    text = path.read_text()
    scenario = scenario_from_data(str(path), load_yaml(text, str(path)))
    found = sliders(text, scenario)
    moves = {slider.id: (slider.low + slider.high) / 3 for slider in found}
    new = move(text, scenario, moves)
    reloaded = scenario_from_data(str(path), load_yaml(new, str(path)))
    again = {slider.id: slider.number for slider in sliders(new, reloaded)}
    for slider_id, number in moves.items():
        assert again[slider_id] == pytest.approx(number, rel=1e-3), slider_id


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e30, max_value=1e30, allow_nan=False))
def test_number_text_reads_back_within_its_digits(number):
    from flopcast.quantity.grammar import parse_number_text

    value, rest = parse_number_text(number_text(number))
    assert rest == ""
    assert value == pytest.approx(number, rel=6e-4, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.0, max_value=1000.0), st.floats(min_value=1.0, max_value=1e6))
def test_any_move_gives_a_text_that_loads_and_reads_back(share, chips):
    scenario = _scenario(TEXT)
    new = move(TEXT, scenario, {"share": share, "chips": chips})
    again = _by_id(new)
    assert again["share"].number == pytest.approx(share, rel=1e-3, abs=1e-9)
    assert again["chips"].number == pytest.approx(chips, rel=1e-3)
