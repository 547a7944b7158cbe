"""run --csv: every output's samples, reading back to the run's own numbers."""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli
from flopcast.report.samples_csv import samples_csv
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
S01 = ROOT / "examples" / "seed" / "S01_trainium2_h100_equivalents.yaml"


def test_samples_read_back_to_the_run():
    result = evaluate(load_scenario(S01), samples=3000, seed=5)
    text = samples_csv(result)
    header = text.splitlines()[0].split(",")
    assert len(header) == len(result.outputs)
    table = np.loadtxt(text.splitlines()[1:], delimiter=",", ndmin=2)
    assert table.shape == (3000, len(result.outputs))
    for column, output in zip(table.T, result.outputs, strict=True):
        assert float(np.median(column)) == pytest.approx(float(output.summary.median), rel=1e-9)


def test_run_csv_writes_the_file_and_refuses_bad_targets(tmp_path):
    target = tmp_path / "samples.csv"
    ok = CliRunner().invoke(cli, ["run", str(S01), "--samples", "200", "--csv", str(target)])
    assert ok.exit_code in (0, 1) and len(target.read_text().splitlines()) == 201
    missing = tmp_path / "no-such-folder" / "s.csv"
    bad = CliRunner().invoke(cli, ["run", str(S01), "--csv", str(missing)])
    assert bad.exit_code == 2 and "does not exist" in bad.output


def test_run_csv_of_a_scenario_over_years_is_refused_and_writes_nothing(tmp_path):
    target = tmp_path / "samples.csv"
    path = ROOT / "examples" / "trajectories" / "s29_trajectory.yaml"
    result = CliRunner().invoke(cli, ["run", str(path), "--samples", "200", "--csv", str(target)])
    assert result.exit_code == 2 and "--csv" in result.output
    assert not target.exists()
