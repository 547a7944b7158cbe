"""Every claim in examples/ reaches the verdict its file records and explains.

Most seed claims hold; a few do not under defensible inputs, and their files say why
(``verdict: failed`` with a note). A verdict that changes is a test failure either way.
"""

from pathlib import Path

import pytest

from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(p for p in ROOT.rglob("*.yaml") if p.parent.name != "catalogs")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_claims_reach_recorded_verdicts(path):
    result = evaluate(load_scenario(path))
    claims = [output for output in result.outputs if output.claim is not None]
    assert claims, f"{path.name} has no claim"
    for output in claims:
        expect = output.definition.expect
        recorded = expect.verdict == "held"
        assert output.claim.held is recorded, (
            f"{path.name} {output.definition.name}: {output.claim.reason}"
        )
        if not recorded:
            assert expect.note, f"{path.name}: a failing claim must explain itself in a note"


def test_seed_claims_present():
    ids = {load_scenario(path).id for path in EXAMPLES}
    assert {"S03", "S05"} <= ids
