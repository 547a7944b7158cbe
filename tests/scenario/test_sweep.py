"""flopcast sweep: a scenario over a grid of its inputs' values."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from flopcast.cli.main import cli
from flopcast.errors import InputError
from flopcast.scenario.sweep import parse_axis

ROOT = Path(__file__).resolve().parents[2]
S03 = str(ROOT / "examples" / "seed" / "S03_current_models_compute.yaml")


def test_s03_over_utilization_writes_csv_and_figure(tmp_path):
    table, figure = tmp_path / "s03.csv", tmp_path / "s03.svg"
    result = CliRunner().invoke(cli, ["sweep", S03, "--vary", "utilization=20%:60%:5",
                                      "--csv", str(table), "--figure", str(figure)])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(table.open()))
    assert [r["utilization"] for r in rows] == ["20%", "30%", "40%", "50%", "60%"]
    medians = [float(r["median"]) for r in rows]
    # compute = chips x peak x utilization x duration: linear in utilization, same seed.
    for row, median in zip(rows, medians, strict=True):
        share = float(row["utilization"].rstrip("%")) / 40
        assert median == pytest.approx(medians[2] * share, rel=1e-9)
    # The seed's 1e26-2e26 holds at its own 40% and not at 20%.
    assert rows[2]["verdict"] == "held" and rows[0]["verdict"] == "failed"
    assert figure.read_text().lstrip().startswith("<svg") and "utilization" in figure.read_text()


def test_two_axes_give_their_product():
    result = CliRunner().invoke(cli, ["sweep", S03, "--vary", "utilization=0.3:0.5:3",
                                      "--vary", "chips=25000:100000:3:log",
                                      "--format", "json", "--samples", "500"])  # fmt: skip
    rows = json.loads(result.output)
    assert len(rows) == 9
    assert {r["chips"] for r in rows} == {"25000 chip", "50000 chip", "100000 chip"}
    assert {r["utilization"] for r in rows} == {"0.3", "0.4", "0.5"}  # fractions, as in files
    at_40 = [r for r in rows if r["utilization"] == "0.4" and r["chips"] == "50000 chip"]
    assert at_40[0]["verdict"] == "held"


@pytest.mark.parametrize(
    ("vary", "message"),
    [("nope=1:2", "no input 'nope'"), ("utilization=a:b", "expected numbers"),
     ("utilization", "NAME=LOW:HIGH"), ("chips=0:10:3:log", "positive ends"),
     ("utilization=20%:0.6", "same unit")],
)  # fmt: skip
def test_bad_sweeps_exit_2_naming_the_option(tmp_path, vary, message):
    table = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["sweep", S03, "--vary", vary, "--csv", str(table)])
    assert result.exit_code == 2
    assert "--vary" in result.output and message in result.output
    assert not table.exists()


@given(st.floats(0.01, 1e6), st.floats(0.01, 1e6), st.integers(2, 20), st.booleans())
def test_axes_run_from_low_to_high(low, high, points, log):
    axis = parse_axis(f"x={low!r}:{high!r}:{points}" + (":log" if log else ""))
    assert len(axis.numbers) == points
    assert axis.numbers[0] == pytest.approx(low) and axis.numbers[-1] == pytest.approx(high)
    ordered = sorted(axis.numbers, reverse=low > high)
    assert list(axis.numbers) == pytest.approx(ordered)


def test_a_grid_too_large_is_refused():
    from flopcast.files import read_yaml
    from flopcast.scenario.sweep import sweep

    axes = [parse_axis("utilization=0.1:0.9:100"), parse_axis("chips=1:10:100")]
    with pytest.raises(InputError, match="grid points"):
        sweep(S03, read_yaml(S03), axes, samples=10, seed=0)
