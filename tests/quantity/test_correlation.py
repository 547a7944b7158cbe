import numpy as np
import pytest
from scipy.stats import spearmanr

from flopcast.errors import InputError, UnknownNameError
from flopcast.quantity import distributions as d
from flopcast.quantity.correlation import correlation_matrix, impose_rank_correlation
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario


def test_iman_conover_hits_target_and_keeps_marginals():
    rng = np.random.default_rng(0)
    samples = {
        "a": d.to(1, 10).sample(rng, 20000),
        "b": d.Uniform(lo=0, hi=1).sample(rng, 20000),
        "c": d.Normal(mean=0, sd=1).sample(rng, 20000),
    }
    out = impose_rank_correlation(samples, [("a", "b", 0.7), ("b", "c", -0.4)], rng)
    assert spearmanr(out["a"], out["b"]).statistic == pytest.approx(0.7, abs=0.03)
    assert spearmanr(out["b"], out["c"]).statistic == pytest.approx(-0.4, abs=0.03)
    for name in samples:
        assert np.array_equal(np.sort(out[name]), np.sort(samples[name]))


def test_inconsistent_correlations_are_refused():
    with pytest.raises(InputError, match="not positive definite"):
        correlation_matrix(["a", "b", "c"], [("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9)])
    with pytest.raises(InputError, match="strictly between"):
        correlation_matrix(["a", "b"], [("a", "b", 1.0)])


SCENARIO = """
title: t
inputs:
  util: {{range: [30%, 50%], source: s}}
  months: {{value: 2 to 4 month, source: s}}
  chips: {{value: 1000, unit: chip, source: s}}
correlations: [{pairs}]
outputs:
  x: {{expr: util * months, unit: month}}
"""


def test_scenario_correlations_widen_a_product(write):
    independent = evaluate(load_scenario(write(SCENARIO.format(pairs=""), "i.yaml")))
    correlated = evaluate(
        load_scenario(write(SCENARIO.format(pairs="[util, months, 0.8]"), "c.yaml"))
    )
    spread = [r.outputs[0].summary.p95 / r.outputs[0].summary.p5 for r in (independent, correlated)]
    assert spread[1] > spread[0]
    assert correlated.outputs[0].sensitivity.method == "rank"
    assert independent.outputs[0].sensitivity.method == "log-variance"


@pytest.mark.parametrize(
    ("pairs", "kind", "fragment"),
    [("[util, mnths, 0.5]", UnknownNameError, "did you mean months"),
     ("[util, chips, 0.5]", InputError, "point value"),
     ("[util, util, 0.5]", InputError, "itself")],
)  # fmt: skip
def test_bad_correlations(write, pairs, kind, fragment):
    with pytest.raises(kind) as err:
        load_scenario(write(SCENARIO.format(pairs=pairs)))
    assert fragment in str(err.value) and "correlations" in str(err.value)
