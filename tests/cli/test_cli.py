"""The command line as a user meets it: exit codes, last lines, messages without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopcast import __version__
from flopcast.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
S03 = EXAMPLES / "seed" / "S03_current_models_compute.yaml"

CLAIM = """
id: T1
title: t
inputs:
  a: {{value: 3, unit: MW, source: s}}
outputs:
  b:
    expr: a * 2
    unit: MW
    expect: {{quote: q, value: {claimed}}}
"""


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_run_table():
    result = invoke("run", S03, "--samples", 2000)
    assert result.exit_code == 0, result.output
    assert "compute" in result.output and "FLOP" in result.output and "HELD" in result.output
    assert "duration 100%" in result.output


def test_run_json_is_reproducible():
    first = json.loads(invoke("run", S03, "--format", "json", "--seed", 3).output)
    again = json.loads(invoke("run", S03, "--format", "json", "--seed", 3).output)
    assert first == again
    compute = first["outputs"][0]
    assert compute["unit"] == "FLOP" and compute["claim"]["held"] is True
    assert 1.0e26 < compute["p5"] < compute["median"] < compute["p95"] < 2.2e26
    assert compute["sensitivity"]["shares"][0]["input"] == "duration"
    assert first["samples"] == 20_000


def test_run_extra_percentiles():
    document = json.loads(invoke("run", S03, "--format", "json", "--percentiles", "1,99").output)
    levels = document["outputs"][0]["percentiles"]
    assert list(levels) == ["1", "5", "50", "95", "99"]
    assert levels["1"] < levels["5"] and levels["95"] < levels["99"]


def test_run_bad_percentiles():
    result = invoke("run", S03, "--percentiles", "150")
    assert result.exit_code == 2 and "--percentiles" in result.output


def test_run_markdown():
    result = invoke("run", S03, "--format", "markdown", "--samples", 1000)
    assert result.output.startswith("## S03")
    assert "| `compute` |" in result.output and "**HELD**" in result.output


def test_check_folder_of_held_claims(write, tmp_path):
    write(CLAIM.format(claimed="6 MW"), "a.yaml")
    (tmp_path / "sub").mkdir()
    write(CLAIM.format(claimed="6000 kW"), "sub/b.yml")
    write("not: [a claim file", "notes.txt")
    result = invoke("check", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "2 claims: 2 held, 0 failed, 0 undecided"


def test_check_seed_folder_counts_recorded_verdicts():
    result = invoke("check", EXAMPLES / "seed")
    verdicts = [line.split()[0] for line in result.output.splitlines()[:-1]]
    held, failed = verdicts.count("HELD"), verdicts.count("FAILED")
    undecided = verdicts.count("UNDECIDED")
    assert undecided > 0 and failed > 0  # the seed has claims of every verdict
    assert result.output.strip().splitlines()[-1] == (
        f"{held + failed + undecided} claims: {held} held, {failed} failed, {undecided} undecided"
    )
    assert result.exit_code == 1


def test_check_failure_exit_one(write):
    held = write(CLAIM.format(claimed="6 MW"), "held.yaml")
    failed = write(CLAIM.format(claimed="7 MW"), "failed.yaml")
    result = invoke("check", held, failed)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "2 claims: 1 held, 1 failed, 0 undecided"
    assert "FAILED    T1 b" in result.output


def test_check_errors_are_counted(write):
    good = write(CLAIM.format(claimed="6 MW"), "good.yaml")
    bad = write("title: [", "bad.yaml")
    result = invoke("check", good, bad)
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last == "1 claims: 1 held, 0 failed, 0 undecided, 1 errors"


def test_check_json(write):
    held = write(CLAIM.format(claimed="6 MW"), "held.yaml")
    document = json.loads(invoke("check", held, "--format", "json").output)
    assert document["summary"] == {
        "claims": 1,
        "held": 1,
        "failed": 0,
        "undecided": 0,
        "errors": 0,
        "line": "1 claims: 1 held, 0 failed, 0 undecided",
    }
    assert document["claims"][0]["quote"] == "q"


def test_check_empty_folder(tmp_path):
    result = invoke("check", tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == "0 claims: 0 held, 0 failed, 0 undecided"


def test_explicit_file_without_claims_is_an_error(write):
    path = write("title: t\noutputs:\n  x: {expr: '1'}\n")
    result = invoke("check", path)
    assert result.exit_code == 2 and "expect" in result.output


BAD_INPUTS = {
    "missing": None,
    "invalid_yaml": "title: [",
    "wrong_shape": "- 1\n- 2\n",
    "random_bytes": bytes(range(256)),
    "unknown_unit": "title: t\ninputs:\n  a: {value: 3 blorps, source: s}\n"
    "outputs:\n  b: {expr: a}\n",
    "dimension": "title: t\ninputs:\n  a: {value: 3 MW, source: s}\n"
    "outputs:\n  b: {expr: a, unit: FLOP}\n",
    "lo_above_hi": "title: t\ninputs:\n  a: {range: [5, 1], source: s}\noutputs:\n  b: {expr: a}\n",
    "cycle": "title: t\noutputs:\n  a: {expr: b}\n  b: {expr: a}\n",
    "unknown_name": "title: t\noutputs:\n  a: {expr: zzz}\n",
    "import": "title: t\noutputs:\n  a: {expr: \"__import__('os')\"}\n",
    "attribute": 'title: t\noutputs:\n  a: {expr: "(1).real"}\n',
    "lambda": 'title: t\noutputs:\n  a: {expr: "(lambda: 1)"}\n',
    "comprehension": 'title: t\noutputs:\n  a: {expr: "[i for i in ()]"}\n',
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_without_traceback(tmp_path, case):
    path = tmp_path / f"{case}.yaml"
    content = BAD_INPUTS[case]
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = invoke("run", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.output
    assert result.output.startswith("error: ")


def test_field_is_named_in_messages(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(BAD_INPUTS["dimension"])
    assert "outputs.b.unit" in invoke("run", path).output


def test_real_process_bad_input(tmp_path):
    """The installed command, as a separate process: message on stderr, no traceback."""
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_INPUTS["import"])
    done = subprocess.run(
        [sys.executable, "-m", "flopcast", "run", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "outputs.a.expr" in done.stderr and "unknown function" in done.stderr
    assert done.stdout == ""


def test_real_process_check_examples():
    done = subprocess.run(
        [sys.executable, "-m", "flopcast", "check", str(EXAMPLES)], capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.strip().splitlines()[-1].endswith("undecided")


UNCERTAIN_CLAIM = """
id: T2
title: t
source_text: source.txt
inputs:
  a: {{value: 2 to 4, unit: MW, source: s}}
outputs:
  b:
    expr: a * 2
    unit: MW
    expect: {{quote: "{quote}", lines: [{line}], value: 6 MW}}
"""


def test_check_undecided_exits_one_and_is_counted(write):
    write("The site has about 6 MW.\n", "source.txt")
    path = write(UNCERTAIN_CLAIM.format(quote="about 6 MW", line=1), "u.yaml")
    result = invoke("check", path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("UNDECIDED T2 b")
    assert "80% confidence" in result.output
    assert result.output.strip().splitlines()[-1] == "1 claims: 0 held, 0 failed, 1 undecided"


def test_check_confidence_changes_the_verdict(write):
    write("The site has about 6 MW.\n", "source.txt")
    path = write(UNCERTAIN_CLAIM.format(quote="about 6 MW", line=1), "u.yaml")
    # a confidence at or below one half could call a claim and its negation both held
    refused = invoke("check", path, "--confidence", "0.4")
    assert refused.exit_code == 2 and "--confidence" in refused.output
    loose = invoke("check", path, "--confidence", "0.51", "--format", "json")
    claim = json.loads(loose.output)["claims"][0]
    assert claim["confidence"] == 0.51
    assert claim["verdict"] in ("held", "failed", "undecided")
    assert 0.0 <= claim["probability_in_range"] <= 1.0


def test_check_strict_flags_a_misquote(write):
    write("The site has about 6 MW.\nNothing else.\n", "source.txt")
    wrong_line = write(UNCERTAIN_CLAIM.format(quote="about 6 MW", line=2), "a.yaml")
    result = invoke("check", wrong_line, "--strict")
    assert result.exit_code == 2
    assert "line(s) 2" in result.output and "errors" in result.output.strip().splitlines()[-1]
    assert invoke("check", wrong_line).exit_code == 1  # without --strict: the verdict only
    misquoted = write(UNCERTAIN_CLAIM.format(quote="roughly 6 MW", line=1), "b.yaml")
    assert invoke("check", misquoted, "--strict").exit_code == 2
