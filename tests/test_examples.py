"""Every claim in examples/ reaches the verdict its file records, quotes its source verbatim,
and earns its tolerance.

Claims may hold, fail or stay undecided under defensible inputs; a failed or undecided claim
says why in a note. A verdict that changes is a test failure either way.
"""

import re
from functools import cache
from pathlib import Path

import pytest

from flopcast.scenario.claims import HELD, rule_tolerance
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario
from flopcast.scenario.quotes import quote_problems

ROOT = Path(__file__).resolve().parents[1] / "examples"
SEED = ROOT / "seed"
EXAMPLES = sorted(p for p in ROOT.rglob("*.yaml") if p.parent.name != "catalogs")
SEED_CLAIMS = sorted(SEED.glob("S[0-9][0-9]_*.yaml"))


@cache
def _result(path: Path):
    return evaluate(load_scenario(path))


def _claims(path: Path):
    return [output for output in _result(path).outputs if output.claim is not None]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_claims_reach_recorded_verdicts(path):
    claims = _claims(path)
    assert claims, f"{path.name} has no claim"
    for output in claims:
        expect = output.definition.expect
        assert output.claim.verdict == expect.verdict, (
            f"{path.name} {output.definition.name}: recorded {expect.verdict}, "
            f"got {output.claim.reason}"
        )
        if expect.verdict != HELD:
            assert expect.note, f"{path.name}: a claim that does not hold must say why in a note"


@pytest.mark.parametrize("path", SEED_CLAIMS, ids=lambda p: p.stem)
def test_seed_quotes_stand_verbatim_on_their_lines(path):
    scenario = load_scenario(path)
    assert scenario.source_text is not None and Path(scenario.source_text).name == "seed.txt"
    assert quote_problems(scenario) == []


@pytest.mark.parametrize("path", SEED_CLAIMS, ids=lambda p: p.stem)
def test_seed_tolerances_follow_the_rule(path):
    for output in _claims(path):
        expect = output.definition.expect
        rule = rule_tolerance(expect.quote, expect.exact)
        name = f"{path.name} {output.definition.name}"
        assert expect.tolerance <= rule + 1e-12 or expect.tolerance_reason, name
        # no claim holds only because its file widened the tolerance
        if output.claim.rule_verdict is not None:
            assert not (output.claim.held and output.claim.rule_verdict != HELD), name


def test_seed_claims_present_and_numbered():
    ids = [load_scenario(path).id for path in SEED_CLAIMS]
    assert ids == [f"S{n:02d}" for n in range(1, len(ids) + 1)]
    assert len(ids) >= 30


# The seed README lists every sentence of seed.txt that holds a digit.
_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[A-Z(“\"$@])")
_ROW = re.compile(r"^\| (\d+) \| (.+?)… \| (.+) \|$")


def _numeric_sentences() -> dict[str, list[int]]:
    """Each sentence with a digit (whitespace squeezed) and the lines it stands on."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate((SEED / "seed.txt").read_text().splitlines(), 1):
        for sentence in _SENTENCE_BREAK.split(line):
            if re.search(r"\d", sentence):
                found.setdefault(" ".join(sentence.split()), []).append(number)
    return found


def _readme_rows() -> list[tuple[int, str, str]]:
    text = (SEED / "README.md").read_text()
    rows = [_ROW.match(line) for line in text.splitlines()]
    return [(int(m[1]), m[2].replace("\\|", "|"), m[3]) for m in rows if m]


def test_every_seed_sentence_with_a_number_is_listed():
    rows = _readme_rows()
    for sentence, lines in _numeric_sentences().items():
        listed = [row for row in rows if row[0] == lines[0] and sentence.startswith(row[1])]
        assert listed, f"seed line {lines[0]} not in examples/seed/README.md: {sentence[:60]}"


def test_seed_readme_rows_name_real_claims_or_a_reason():
    files = {path.name[:3]: path for path in SEED_CLAIMS}
    for line, _, checked_by in _readme_rows():
        named = re.findall(r"\bS\d\d\b", checked_by)
        for claim_id in named:
            assert claim_id in files, f"README row for line {line} names unknown {claim_id}"
        if not named:
            assert checked_by.startswith("not checked: ") and len(checked_by) > 20, line


def test_seed_readme_rows_point_at_claims_that_cite_the_line():
    """A row that says a claim checks a sentence names a file with a claim on that line."""
    sentences = _numeric_sentences()
    files = {path.name[:3]: path for path in SEED_CLAIMS}
    for line, start, checked_by in _readme_rows():
        if not re.match(r"S\d\d ", checked_by):
            continue  # inputs and reasons
        occurrences = next(ls for s, ls in sentences.items() if s.startswith(start))
        cited = {
            cited_line
            for claim_id in re.findall(r"\bS\d\d\b", checked_by)
            for output in load_scenario(files[claim_id]).outputs.values()
            if output.expect is not None
            for cited_line in output.expect.lines
        }
        assert cited & set(occurrences), f"no named claim cites seed line {line}"
