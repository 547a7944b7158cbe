"""Scenarios over years: paths linked across years, dated claims, solve_year and binding."""

import numpy as np
import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli
from flopcast.errors import InputError
from flopcast.quantity import distributions as d
from flopcast.quantity.trajectory import Anchored, Growth
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

YEARS = [2024, 2025, 2026, 2027]


def test_growth_draws_one_rate_per_path():
    rng = np.random.default_rng(0)
    paths = Growth(d.Point(value=10.0), 2024, d.to(2, 4)).paths(rng, 1000, YEARS)
    ratios = paths[1:] / paths[:-1]
    assert np.allclose(ratios, ratios[0])  # each path keeps its rate in every year
    assert ratios[0].min() < 2.2 and ratios[0].max() > 3.6  # and rates differ between paths


def test_anchored_paths_are_comonotonic_and_log_linear():
    rng = np.random.default_rng(0)
    anchors = {2024: d.to(1, 2), 2026: d.to(10, 20)}
    paths = Anchored(anchors).paths(rng, 2000, [2023, 2024, 2025, 2026, 2027])
    order = np.argsort(paths[1])
    assert np.all(np.diff(paths[3][order]) >= 0)  # a high path is high at every anchor
    assert np.allclose(paths[2], np.sqrt(paths[1] * paths[3]))  # geometric midpoint
    assert np.array_equal(paths[0], paths[1]) and np.array_equal(paths[4], paths[3])  # held


SCENARIO = """
title: t
years: [2024, 2027]
inputs:
  x:
    growth: {{start: 1, year: 2024, factor: 2}}
    source: s
  y: {{value: 5, source: s}}
outputs:
  doubled:
    expr: x
    {claim}
  smaller_of:
    expr: min(x, y)
  when:
    solve_year: {{output: doubled, reaches: "4"}}
  limit:
    binding: [doubled, flat]
  flat:
    expr: y + 0 * year
"""


def _scenario(write, claim="expect: {quote: q, year: 2027, value: 8}"):
    return load_scenario(write(SCENARIO.format(claim=claim), "t.yaml"))


def test_years_claims_solve_year_and_binding(write):
    result = evaluate(_scenario(write), samples=100)
    assert result.years == (2024, 2025, 2026, 2027)
    assert [o.summary.median for _, o in result.series("doubled")] == [1, 2, 4, 8]
    (claim,) = result.outputs
    assert claim.definition.name == "doubled (2027)" and claim.claim.held
    (when,) = result.solved
    assert when.reached == 1.0 and when.summary.median == pytest.approx(2026)
    (limit,) = result.bindings
    assert limit.shares[2024] == {"doubled": 1.0, "flat": 0.0}
    assert limit.shares[2027] == {"doubled": 0.0, "flat": 1.0}
    assert all(sum(s.values()) == pytest.approx(1) for s in limit.shares.values())


@pytest.mark.parametrize(
    ("claim", "fragment"),
    [
        ("expect: {quote: q, value: 8}", "names its year"),
        ("expect: {quote: q, year: 2031, value: 8}", "not one of the scenario's years"),
    ],
)
def test_dated_claims_are_checked(write, claim, fragment):
    with pytest.raises(InputError, match=fragment):
        _scenario(write, claim)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("title: t\ninputs:\n  x: {by_year: {2024: 1}, source: s}\noutputs:\n  y: {expr: x}\n",
         "need the scenario's years"),
        ("title: t\nyears: [2030, 2024]\noutputs:\n  y: {expr: '1'}\n", "run backwards"),
        ("title: t\nyears: [2024, 2026]\ninputs:\n  year: {value: 1, source: s}\n"
         "outputs:\n  y: {expr: year}\n", "the calendar year"),
        ("title: t\nyears: [2024, 2026]\noutputs:\n"
         "  w: {solve_year: {output: nope, reaches: '1'}}\n  y: {expr: '1'}\n",
         "no output 'nope'"),
        ("title: t\ninputs:\n  x: {growth: {start: 1, year: 2024}, source: s}\n"
         "years: [2024, 2025]\noutputs:\n  y: {expr: x}\n",
         "factor per year or a doubling time"),
    ],
)  # fmt: skip
def test_time_axis_errors_name_the_field(write, text, fragment):
    with pytest.raises(InputError, match=fragment):
        load_scenario(write(text, "bad.yaml"))


def test_doubling_time_is_a_growth_factor(write):
    text = ("title: t\nyears: [2024, 2026]\ninputs:\n  x:\n    growth: {start: 1, year: 2024, "
            "doubling: '6 month'}\n    source: s\noutputs:\n  y: {expr: x}\n")  # fmt: skip
    result = evaluate(load_scenario(write(text, "d.yaml")), samples=10)
    assert [o.summary.median for _, o in result.series("y")] == pytest.approx([1, 4, 16], rel=1e-3)


def test_cli_runs_checks_and_reports_a_trajectory(write, tmp_path):
    path = write(SCENARIO.format(claim="expect: {quote: q, year: 2027, value: 8}"), "t.yaml")
    runner = CliRunner()
    text = runner.invoke(cli, ["run", str(path), "--samples", 200])
    assert text.exit_code == 0 and "2027" in text.output and "when:" in text.output
    check = runner.invoke(cli, ["check", str(path)])
    assert check.output.strip().splitlines()[-1] == "1 claims: 1 held, 0 failed, 0 undecided"
    page = tmp_path / "t.html"
    assert runner.invoke(cli, ["report", str(path), "-o", str(page)]).exit_code == 0
    assert page.read_text().count("<svg") >= 3
