"""The validate command and the accuracy of the step-time model on published runs."""

import json
from pathlib import Path

from click.testing import CliRunner

from flopcast.catalog.loader import builtin_catalog
from flopcast.cli.main import cli
from flopcast.parallel.calibration import default_calibration
from flopcast.validate.compare import compare, summarize
from flopcast.validate.runs import BUNDLED_TABLE, RunRow, Skipped, read_runs

SAMPLE = Path(__file__).with_name("runs_sample.csv")


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


def test_bundled_table_in_sample_accuracy():
    """Fitted on these rows: the in-sample figures (the README quotes the cross-validated
    ones, :func:`test_cross_validated_accuracy`)."""
    done, skipped = compare(read_runs(BUNDLED_TABLE, builtin_catalog()), default_calibration())
    summary = summarize(done)
    assert summary.rows >= 170
    assert summary.median_abs_error <= 0.065
    assert summary.within >= 0.80
    assert summary.naive_median_abs_error >= 0.2
    assert not [s for s in skipped if "accelerator" in s.reason]


def test_cross_validated_accuracy():
    """The issue's targets, out of sample: each source predicted by a fit without it."""
    result = CliRunner().invoke(cli, ["validate", "--cross-validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    summary = data["cross_validated"]["summary"]
    assert summary["median_abs_error"] <= 0.08
    assert summary["within_20pct"] >= 0.80
    assert 0.70 <= summary["interval_80pct_coverage"] <= 0.90
    assert data["cross_validated"]["seconds"] < 60
    assert data["line"].startswith("cross-validated (leave one source out): median abs error ")
    text = CliRunner().invoke(cli, ["validate", str(SAMPLE), "--cross-validate"])
    assert text.output.strip().splitlines()[-1].startswith("cross-validated (leave one source")
