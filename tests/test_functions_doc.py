"""``flopcast functions`` lists every expression function, and docs/functions.md is its output."""

import json
from pathlib import Path

from click.testing import CliRunner

from flopcast.cli.main import cli
from flopcast.report.functions import functions_markdown
from flopcast.scenario.functions import function_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "functions.md"


def test_the_functions_document_is_generated_from_the_code():
    assert DOC.read_text() == functions_markdown(function_table()), (
        "docs/functions.md is stale: run `flopcast functions --format markdown > docs/functions.md`"
    )


def test_functions_lists_every_function_with_its_signature():
    result = CliRunner().invoke(cli, ["functions", "--format", "json"])
    listed = {entry["name"]: entry for entry in json.loads(result.output)}
    assert set(listed) == set(function_table())
    assert listed["ownership_cost"]["signature"].startswith("ownership_cost(chips, duration")
    assert all(entry["doc"] for entry in listed.values())


def test_functions_describes_one_and_names_the_closest_for_a_typo():
    runner = CliRunner()
    one = runner.invoke(cli, ["functions", "training_energy"])
    assert one.exit_code == 0 and "Patterson" in one.output and "PUE" in one.output
    typo = runner.invoke(cli, ["functions", "trainig_energy"])
    assert typo.exit_code == 2 and "closest: training_energy" in typo.output
