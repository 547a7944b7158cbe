"""The validate command and the accuracy of the step-time model on published runs."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopcast.catalog.loader import builtin_catalog
from flopcast.cli.main import cli
from flopcast.parallel.calibration import default_calibration
from flopcast.validate.compare import compare, summarize
from flopcast.validate.runs import RunRow, Skipped, read_runs

SAMPLE = Path(__file__).with_name("runs_sample.csv")
PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "data" / "training_runs_public.csv"


def test_rows_are_predicted_or_skipped_with_reasons():
    rows = read_runs(str(SAMPLE), builtin_catalog())
    assert len(rows) == 8
    skipped = {r.row_id: r.reason for r in rows if isinstance(r, Skipped)}
    assert "MFU alone" in skipped["22"]
    assert "run-level average" in skipped["218"]
    assert "global batch" in skipped["212"]
    predicted = {r.row_id: r for r in rows if isinstance(r, RunRow)}
    assert predicted["37"].hardware.name == "h100-96gb-500w"
    assert predicted["99"].model.is_mla  # DeepSeek-V3 from the catalog, by alias
    assert predicted["109"].plan.vpp == 12


def test_validate_cli_text_and_json():
    runner = CliRunner()
    text = runner.invoke(cli, ["validate", str(SAMPLE)])
    assert text.exit_code == 0, text.output
    last = text.output.strip().splitlines()[-1]
    assert last.startswith("rows: 5 predicted, 3 skipped; median abs error ")
    assert "within 20%: " in last
    assert "naive method" in text.output and "skipped: no measured throughput" in text.output
    data = json.loads(runner.invoke(cli, ["validate", str(SAMPLE), "--format", "json"]).output)
    assert data["summary"]["predicted"] == 5 and data["summary"]["skipped"] == 3
    assert data["line"] == last
    assert {"error", "naive_error", "interval_80pct"} <= set(data["rows"][0])


def test_validate_bad_table(write):
    bad = write("a,b\n1,2\n", "bad.csv")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2 and "missing columns" in result.output


@pytest.mark.skipif(not PUBLIC.exists(), reason="shared/data is not beside the checkout")
def test_public_runs_accuracy():
    """The model beats the naive method by far; the figures are those in the closing notes."""
    done, _skipped = compare(read_runs(str(PUBLIC), builtin_catalog()), default_calibration())
    summary = summarize(done)
    assert summary.rows >= 140
    assert summary.median_abs_error <= 0.10
    assert summary.within >= 0.80  # the targets: median <= 10%, >= 80% within 20%
    assert summary.naive_median_abs_error >= 0.25
    assert 0.7 <= summary.interval_coverage <= 0.9
