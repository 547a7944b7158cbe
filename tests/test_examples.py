"""Every claim in examples/ holds (the seed claims are flopcast's acceptance tests)."""

from pathlib import Path

import pytest

from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").rglob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_claims_hold(path):
    result = evaluate(load_scenario(path))
    claims = [output for output in result.outputs if output.claim is not None]
    for output in claims:
        assert output.claim.held, f"{path.name} {output.definition.name}: {output.claim.reason}"


def test_seed_claims_present():
    ids = {load_scenario(path).id for path in EXAMPLES}
    assert {"S03", "S05"} <= ids
