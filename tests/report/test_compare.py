"""flopcast compare: scenarios side by side, each cell the file's own run."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
S03 = str(SEED / "S03_current_models_compute.yaml")
S04 = str(SEED / "S04_upcoming_models_compute.yaml")


def test_each_cell_is_the_files_own_run():
    result = CliRunner().invoke(cli, ["compare", S03, S04, "--format", "json",
                                      "--samples", "3000", "--seed", "2"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {row["output"]: row["scenarios"] for row in json.loads(result.output)}
    for path in (S03, S04):
        run = evaluate(load_scenario(path), samples=3000, seed=2)
        for output in run.outputs:
            cell = rows[output.definition.name][path]
            assert cell["median"] == pytest.approx(float(output.summary.median))
            assert cell["verdict"] == (output.claim.verdict if output.claim else None)
    assert rows["compute"][S04] is None  # S04 has no output named compute


def test_text_has_a_column_per_file_and_one_file_is_refused():
    text = CliRunner().invoke(cli, ["compare", S03, S04, "--samples", "500"]).output
    header = text.splitlines()[0]
    assert header.startswith("output") and S03 in header and S04 in header
    alone = CliRunner().invoke(cli, ["compare", S03])
    assert alone.exit_code == 2 and "at least two" in alone.output


def test_csv_has_a_row_per_output_and_file(tmp_path):
    import csv

    table = tmp_path / "compare.csv"
    result = CliRunner().invoke(cli, ["compare", S03, S04, "--samples", "500", "--csv", str(table)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(table.open()))
    assert {row["file"] for row in rows} == {S03, S04}
    compute = [row for row in rows if row["output"] == "compute"]
    assert len(compute) == 1 and compute[0]["file"] == S03 and compute[0]["verdict"] == "held"
    assert float(compute[0]["p5"]) < float(compute[0]["median"]) < float(compute[0]["p95"])
    into_input = CliRunner().invoke(cli, ["compare", S03, S04, "--csv", S03])
    assert into_input.exit_code == 2
