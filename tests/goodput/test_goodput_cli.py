"""``flopcast goodput`` and ``search --train-tokens``."""

import json

import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_goodput_json_has_the_job_and_the_table():
    result = invoke("goodput", "--chips", 16384, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    job = data["job"]["synchronous"]
    assert job["mttf_h"] == pytest.approx(1.8, abs=0.01)  # RSC-1's rate at 16K GPUs
    assert job["interval_min"] == pytest.approx(job["daly_interval_min"])
    assert 0 < job["goodput"] < 1
    assert job["goodput"] == pytest.approx(job["goodput_simulated"], rel=0.02)
    sizes = [row["chips"] for row in data["sizes"]["synchronous"]]
    assert sizes == sorted(sizes) and 16384 in sizes
    goodputs = [row["goodput"] for row in data["sizes"]["synchronous"]]
    assert goodputs == sorted(goodputs, reverse=True)  # larger jobs keep less


def test_goodput_replicas_beat_synchronous_and_days_to_train():
    result = invoke("goodput", "--chips", 98304, "--replicas", 12, "--stall", 180,
                    "--recovery", 420, "--model", "llama3-405b", "--accelerator", "h100-sxm",
                    "--train-tokens", 15.6e12, "--global-batch-tokens", 25165824,
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["job"]["replicas"]["goodput"] > data["job"]["synchronous"]["goodput"]
    assert data["days"]["replicas"] < data["days"]["synchronous"]
    assert data["days"]["replicas"] > data["days_without_failures"]


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--replicas", 4], "--replicas needs --stall and --recovery"),
        (["--storage-tbps", 2], "--storage-tbps needs --model"),
        (["--train-tokens", 1e12], "--train-tokens needs --model and --accelerator"),
        (["--reliability", "llama3-405b-pretraining"], "give --restart"),
        (["--reliability", "h100-sxm"], "h100-sxm"),
    ],
)
def test_goodput_bad_input_says_what_is_missing(arguments, fragment):
    result = invoke("goodput", "--chips", 1024, *arguments)
    assert result.exit_code == 2
    assert fragment in result.output and "Traceback" not in result.output


def test_goodput_own_failure_rate_and_report(tmp_path):
    report = tmp_path / "goodput.html"
    result = invoke("goodput", "--chips", 8192, "--failure-rate", 6.5e-3, "--restart", 600,
                    "--checkpoint-write", 300, "--report", report)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "--failure-rate" in result.output and "<svg" in report.read_text()


def test_search_reports_days_and_cost_with_goodput():
    result = invoke("search", "--model", "llama3-70b", "--accelerator", "h100-sxm", "--devices",
                    1024, "--seq-len", 8192, "--global-batch-tokens", 4194304, "--top", 2,
                    "--train-tokens", 15e12, "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    run = json.loads(result.output)["run"]
    assert 0.8 < run["goodput"] < 1
    assert len(run["days_to_train"]) == 2 and run["days_to_train"][0] <= run["days_to_train"][1]
    assert run["rental_cost_usd"][0] > 0
