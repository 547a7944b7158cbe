"""Hostile input: never a traceback, never a hang, never a lost file.

Every case of the issue has a regression test here: bad input ends with exit status 2 and a
message naming the file and field (legitimate input gives a correct result), within seconds
and bounded memory, and nothing the user owns is lost. A fuzz test draws scenarios from the
scenario grammar and options from the commands' own ranges.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flopcast.cli.main import cli
from flopcast.errors import FlopcastError
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
S03 = ROOT / "examples" / "seed" / "S03_current_models_compute.yaml"


def _run(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    return result


def _scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


CASES = {
    # (scenario text, exit status, fragment of the message or output)
    "arithmetic in a number": (
        'title: t\ninputs: {x: {value: "9**9**9", source: s}}\noutputs: {y: {expr: x}}',
        2, "inputs.x.value",
    ),
    "arithmetic in a unit": (
        'title: t\ninputs: {x: {value: 5, unit: "m**99999999", source: s}}\n'
        "outputs: {y: {expr: x}}",
        2, "inputs.x.unit",
    ),
    "python in a unit": (
        "title: t\ninputs: {x: {value: 5, unit: \"__import__('os')\", source: s}}\n"
        "outputs: {y: {expr: x}}",
        2, "inputs.x.unit",
    ),
    "arithmetic in qty": (
        "title: t\noutputs: {y: {expr: \"qty('9**9**9 m')\"}}", 2, "outputs.y",
    ),
    "aliases": (
        "title: t\na: &a [1, 1, 1]\nb: [*a, *a]\ninputs: {x: {value: 5, source: s}}\n"
        "outputs: {y: {expr: x}}",
        2, "aliases",
    ),
    "long chain": (
        "title: t\ninputs: {b: {value: 1, source: s}}\noutputs: {y: {expr: '"
        + " + ".join(["b"] * 490) + "'}}",
        0, "490",
    ),
    "many outputs in reverse": (
        "title: t\ninputs: {b: {value: 1, source: s}}\noutputs:\n"
        + "".join(f"  o{i}: {{expr: o{i + 1}}}\n" for i in range(1000))
        + "  o1000: {expr: b}",
        0, "o1000",
    ),
    "complex result": ('title: t\noutputs: {y: {expr: "(-8)**0.5"}}', 2, "no real value"),
    "complex samples": (
        'title: t\ninputs: {a: {value: 1 to 2, source: s}}\n'
        'outputs: {y: {expr: "a * (0-1)**0.5"}}',
        2, "no real value",
    ),
    "text for a number": ("title: t\noutputs: {y: {expr: \"sqrt('4')\"}}", 2, "not the text"),
    "text arguments": (
        "title: t\noutputs: {y: {expr: \"hardware_flops('a','b','c','d')\"}}", 2, "chips",
    ),
    "boolean arithmetic": (
        'title: t\ninputs: {a: {value: 1 to 2, source: s}}\n'
        'outputs: {y: {expr: "(a > 1.5) - (a > 1.2)"}}',
        0, "y",
    ),
    "division by zero in a function": (
        "title: t\noutputs: {y: {expr: \"solve_chips(qty('1e25 FLOP'), "
        "qty('1e15 FLOP/s/chip'), 0, qty('1 month'))\"}}",
        2, "solve_chips",
    ),
    "log of zero": ('title: t\noutputs: {y: {expr: "log(0)"}}', 2, "not finite"),
    "huge power": ('title: t\noutputs: {y: {expr: "2**100000"}}', 2, "overflows"),
    "huge unit power": ("title: t\noutputs: {y: {expr: \"qty('2 m')**100000\"}}", 2, "powers"),
    "normal without sd": (
        "title: t\ninputs: {x: {dist: normal, mean: 5, source: s}}\noutputs: {y: {expr: x}}",
        2, "inputs.x.sd",
    ),
    "tolerance with a unit": (
        "title: t\ninputs: {x: {value: 5, source: s}}\n"
        'outputs: {y: {expr: x, expect: {quote: q, value: 5, tolerance: "5 MW"}}}',
        2, "tolerance",
    ),
    "integer of 5000 digits": (
        "title: t\ninputs: {x: {value: " + "9" * 5000 + ", source: s}}\noutputs: {y: {expr: x}}",
        2, "cannot be read",
    ),
    "duplicate keys": (
        "title: t\ninputs:\n  x: {value: 5, source: s}\n  x: {value: 6, source: s}\n"
        "outputs: {y: {expr: x}}",
        2, "duplicate key",
    ),
    "NaN input": (
        "title: t\ninputs: {x: {value: .nan, source: s}}\noutputs: {y: {expr: x}}",
        2, "finite",
    ),
    "infinite input": (
        "title: t\ninputs: {x: {value: .inf, source: s}}\noutputs: {y: {expr: x}}",
        2, "finite",
    ),
    "NaN claim": (
        "title: t\ninputs: {x: {value: 5, source: s}}\n"
        "outputs: {y: {expr: x, expect: {quote: q, value: .nan}}}",
        2, "finite",
    ),
    "value and range": (
        "title: t\ninputs: {x: {value: 5, range: [1, 2], source: s}}\noutputs: {y: {expr: x}}",
        2, "both give the value",
    ),
    "conflicting correlations": (
        "title: t\ninputs: {a: {value: 1 to 2, source: s}, b: {value: 1 to 2, source: s}}\n"
        "correlations: [[a, b, 0.5], [b, a, -0.5]]\noutputs: {y: {expr: a*b}}",
        2, "given twice",
    ),
    "overflowing mixture weights": (
        "title: t\ninputs: {x: {dist: mixture, components: [{value: 1}, {value: 2}], "
        "weights: [1e308, 1e308], source: s}}\noutputs: {y: {expr: x}}",
        2, "weights",
    ),
    "negative devices": (
        "title: t\noutputs: {y: {expr: \"plan_mfu('llama3-8b', 'h100-sxm', qty('-8 chip'), "
        "1, 1, 1, qty('8192 token'), qty('1048576 token'))\"}}",
        2, "devices",
    ),
    "absolute catalog path": (
        "title: t\ncatalogs: [/etc/hostname]\ninputs: {x: {catalog: h100-sxm.tdp}}\n"
        "outputs: {y: {expr: x}}",
        2, "catalogs[0]",
    ),
    "catalog path outside the folder": (
        "title: t\ncatalogs: [../x.yaml]\ninputs: {x: {catalog: h100-sxm.tdp}}\n"
        "outputs: {y: {expr: x}}",
        2, "catalogs[0]",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_scenarios(tmp_path, name):
    text, status, fragment = CASES[name]
    path = _scenario(tmp_path / "", text)
    result = _run("run", str(path), "--samples", "500")
    assert result.exit_code == status, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_nested_mixtures_are_bounded(tmp_path):
    component = "{value: 1}"
    for _ in range(11):  # 2**11 leaves
        component = f"{{dist: mixture, components: [{component}, {component}], weights: [1, 1]}}"
    path = _scenario(tmp_path, f"title: t\ninputs: {{x: {component[:-1]}, source: s}}}}\n"
                     "outputs: {y: {expr: x}}")  # fmt: skip
    result = _run("run", str(path), "--samples", "500")
    assert result.exit_code == 2 and "at most 1000 components" in result.output


def test_a_catalog_entry_of_another_kind_cannot_replace_one(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "kind: model\nentries:\n  h100-sxm: {layers: {value: 1, unit: '1', source: s}}\n"
    )
    path = _scenario(tmp_path, "title: t\ncatalogs: [c.yaml]\n"
                     "inputs: {x: {catalog: h100-sxm.tdp}}\noutputs: {y: {expr: x}}")  # fmt: skip
    result = _run("run", str(path))
    assert result.exit_code == 2 and "kind" in result.output


def test_terminal_and_markdown_escaping(tmp_path):
    path = _scenario(
        tmp_path,
        'title: "t\\x1b[31mRED\\x1b[0m [link=http://x]click[/link] x [/x] <script>"\n'
        "inputs: {x: {value: 5, source: s}}\noutputs: {y: {expr: x}}",
    )
    table = _run("run", str(path))
    assert table.exit_code == 0 and "\x1b" not in table.output and "[/x]" in table.output
    markdown = _run("run", str(path), "--format", "markdown")
    assert "<script>" not in markdown.output and "&lt;script&gt;" in markdown.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", str(S03), "--seed", "-1"], "--seed"),
        (["run", str(S03), "--samples", "1e12"], "--samples"),
        (["run", str(S03), "--samples", str(10**12)], "--max-memory"),
        (["predict", "--model", "llama3-8b", "--accelerator", "h100-sxm", "--devices", "8",
          "--tp", "16"], "does not divide"),
        (["search", "--model", "llama3-8b", "--accelerator", "h100-sxm", "--devices", "8",
          "--global-batch-tokens", "100"], "at least one"),
        (["search", "--model", "llama3-8b", "--accelerator", "h100-sxm", "--devices", "8",
          "--seq-len", str(10**11)], "--seq-len"),
        (["sites", "--params", "1e9", "--step-time", "1", "--exposed-share", "0"], "0<x"),
        (["sites", "--params", "-5", "--step-time", "1"], "positive"),
        (["sites", "--params", "nan", "--step-time", "1"], "positive"),
    ],
)  # fmt: skip
def test_command_line_numbers_are_checked(args, fragment):
    result = _run(*args)
    assert result.exit_code == 2 and fragment in result.output


def test_wide_batch_ranges_are_bounded():
    result = _run("search", "--model", "llama3-8b", "--accelerator", "h100-sxm", "--devices",
                  "8", "--global-batch-tokens", "8192-1e300", "--format", "json")  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.output)["evaluated"] < 10**7


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_special_files_are_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for args in (["run", str(fifo)], ["run", str(S03), "--catalog", str(fifo)],
                 ["run", "/dev/zero"], ["catalog", "list", "--catalog", "/dev/zero"]):  # fmt: skip
        result = _run(*args)
        assert result.exit_code == 2 and "regular file" in result.output, args


def test_reports_never_lose_files(tmp_path):
    scenario = tmp_path / "s.yaml"
    own_peak = "value: 989e12, unit: FLOP/s/chip, source: s"
    scenario.write_text(S03.read_text().replace("catalog: h100-sxm.dense_bf16", own_peak))
    original = scenario.read_text()
    assert _run("report", str(scenario), "-o", str(scenario)).exit_code == 2
    assert scenario.read_text() == original
    folder = tmp_path / "notes_files"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep")
    result = _run("report", str(scenario), "-o", str(tmp_path / "notes.md"))
    assert result.exit_code == 2 and "did not make it" in result.output
    assert (folder / "mine.txt").read_text() == "keep" and not (tmp_path / "notes.md").exists()
    assert _run("report", str(scenario), "-o", str(tmp_path / "no" / "r.html")).exit_code == 2
    assert _run("report", str(scenario), "-o", str(tmp_path)).exit_code == 2
    assert not list(tmp_path.glob(".*flopcast*"))


def test_reports_are_byte_identical_and_markdown_figures_follow_the_text(tmp_path):
    html = [tmp_path / "a.html", tmp_path / "b.html"]
    for path in html:
        assert _run("report", str(S03), "-o", str(path), "--samples", "2000").exit_code == 0
    assert html[0].read_bytes() == html[1].read_bytes()
    report = tmp_path / "r.md"
    for seed in ("1", "0"):
        assert _run("report", str(S03), "-o", str(report), "--samples", "2000",
                    "--seed", seed).exit_code == 0  # fmt: skip
    figures = sorted(p.name for p in (tmp_path / "r_files").glob("*.svg"))
    text = report.read_text()
    assert figures and all(name in text for name in figures)  # old figures removed, new used


def test_near_constant_outputs_draw(tmp_path):
    path = _scenario(tmp_path, "title: t\ninputs: {a: {value: 1 to 1.0000000000001, source: s}}\n"
                     "outputs: {y: {expr: a}}")  # fmt: skip
    assert _run("report", str(path), "-o", str(tmp_path / "r.html")).exit_code == 0


def test_validate_rejects_short_rows_and_bad_numbers(tmp_path):
    header = ROOT / "src" / "flopcast" / "validate" / "data" / "training_runs_public.csv"
    first = header.read_text().splitlines()[0]
    short = tmp_path / "short.csv"
    short.write_text(first + "\n1,SRC\n")
    result = _run("validate", str(short))
    assert result.exit_code == 2 and "line 2" in result.output
    rows = header.read_text().splitlines()
    bad = tmp_path / "bad.csv"
    cells = next(iter(__import__("csv").reader([rows[60]])))
    columns = first.split(",")
    cells[columns.index("num_accel")] = "nan"
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([columns, cells])
    bad.write_text(buffer.getvalue())
    result = _run("validate", str(bad))
    assert result.exit_code == 2 and "num_accel" in result.output


def test_json_output_is_strict():
    for args in (["run", str(S03), "--format", "json", "--samples", "500"],
                 ["sites", "--params", "1e9", "--step-time", "1", "--format", "json"],
                 ["catalog", "show", "h100-sxm", "--format", "json"]):  # fmt: skip
        result = _run(*args)
        json.loads(result.output, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


@pytest.mark.parametrize("home", ["usable", "missing", "stale"])
def test_units_do_not_depend_on_pint_cache(tmp_path, home):
    """The seed claims give the same verdicts with a usable pint cache, none, and a corrupt
    one left behind."""
    env = dict(os.environ)
    if home == "missing":
        env["HOME"] = str(tmp_path / "missing")
        env["XDG_CACHE_HOME"] = str(tmp_path / "missing" / "cache")
        (tmp_path / "missing").mkdir()
        (tmp_path / "missing").chmod(0o500)
    elif home == "stale":
        cache = tmp_path / "home" / ".cache" / "pint"
        cache.mkdir(parents=True)
        first = subprocess.run([sys.executable, "-c", "import flopcast.quantity.units"],
                               env={**env, "HOME": str(tmp_path / "home"),
                                    "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache")},
                               check=True)  # fmt: skip
        assert first.returncode == 0
        for file in cache.glob("*"):
            file.write_bytes(b"garbage")
        env["HOME"] = str(tmp_path / "home")
        env["XDG_CACHE_HOME"] = str(tmp_path / "home" / ".cache")
    command = [sys.executable, "-c", "from flopcast.cli.main import main; main()", "check",
               str(ROOT / "examples" / "seed"), "--samples", "4000"]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    last = result.stdout.strip().splitlines()[-1]
    baseline = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert last == baseline.stdout.strip().splitlines()[-1]
    assert "errors" not in last


# The fuzz test: scenarios drawn from the grammar, with hostile atoms mixed in.
HOSTILE_TEXT = ["9**9**9", "1e999", "nan", "-inf", "$", "__class__", "\x1b[31m", "[/x]", "1 to",
                "to 2", "0 to 0", "-1 to 1", "2 to 1", "1e15 FLOP/s", "40%", "$2/hour", "m**7",
                "(m", "1/0", "", " ", "∞", "1_000", "0x10", "1,000,000 chip"]  # fmt: skip
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30),
                    st.sampled_from(HOSTILE_TEXT))  # fmt: skip
UNITS = st.sampled_from(["", "chip", "FLOP/s", "MW", "W/chip", "month", "%", "m**2", "9**9",
                         "USD/chip/hour", "(((m)))", "bogus", "1/s", "s^2"])  # fmt: skip
INPUT = st.fixed_dictionaries(
    {"source": st.just("s")},
    optional={"value": NUMBERS, "unit": UNITS, "range": st.lists(NUMBERS, max_size=3),
              "dist": st.sampled_from(["normal", "lognormal", "uniform", "pert", "beta",
                                       "mixture", "bogus"]),
              "mean": NUMBERS, "sd": NUMBERS, "median": NUMBERS, "gsd": NUMBERS, "mode": NUMBERS,
              "alpha": NUMBERS, "beta": NUMBERS,
              "weights": st.lists(NUMBERS, max_size=3),
              "components": st.lists(st.fixed_dictionaries({"value": NUMBERS}), max_size=3)},
)  # fmt: skip
VALID_INPUT = st.fixed_dictionaries(
    {"source": st.just("s"),
     "value": st.one_of(st.floats(-1e6, 1e6), st.sampled_from(["1 to 2", "0.5 to 3", "40%",
                                                              "-1 to 1", "3 MW", "2 to 4 month",
                                                              "1e15 FLOP/s/chip"]))},
)  # fmt: skip
ATOMS = st.sampled_from(["a", "b", "c", "1", "0", "-1", "1e308", "qty('1 MW')", "'text'",
                         "to(a, 'MW')", "sqrt(a)", "log(b)", "exp(a)", "max(a, b)", "pi()",
                         "hardware_flops(a, b, c, a)", "min()", "qty('9**9**9')", "True",
                         "unknown(a)", "a.b", "a[0]", "lambda: 1", "(a > b)"])  # fmt: skip
OPERATORS = st.sampled_from(
    [" + ", " - ", " * ", " / ", " ** ", " > ", " and ", " or ", " if a else "]
)


@st.composite
def expressions(draw):
    parts = [draw(ATOMS)]
    for _ in range(draw(st.integers(0, 6))):
        parts += [draw(OPERATORS), draw(ATOMS)]
    return "".join(parts)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    inputs=st.fixed_dictionaries(
        {name: st.one_of(VALID_INPUT, VALID_INPUT, INPUT) for name in ("a", "b", "c")}
    ),
    outputs=st.dictionaries(
        st.sampled_from(["y", "z"]),
        st.fixed_dictionaries({"expr": expressions()}, optional={"unit": UNITS}),
        min_size=1,
        max_size=2,
    ),
)
def test_fuzz_scenarios_fail_only_with_flopcast_errors(tmp_path_factory, inputs, outputs):
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"title": "t", "inputs": inputs, "outputs": outputs}))
    try:
        result = evaluate(load_scenario(path), samples=200)
    except FlopcastError:
        return
    for output in result.outputs:
        assert output.summary.median == output.summary.median  # a finite, real summary


PLAN_OPTIONS = {
    "predict": ["--tp", "--pp", "--cp", "--vpp", "--micro-batch", "--seq-len",
                "--global-batch-tokens", "--nic-gbps"],
    "search": ["--seq-len", "--global-batch-tokens", "--nic-gbps", "--top"],
}  # fmt: skip


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    command=st.sampled_from(sorted(PLAN_OPTIONS)),
    picks=st.lists(st.integers(0, 7), max_size=4),
    values=st.lists(st.sampled_from(["0", "1", "3", "8", "-4", "1e3", "nan", "99999999999",
                                     "4096", "16777216", "x"]), min_size=4, max_size=4),
)  # fmt: skip
def test_fuzz_plan_options_give_a_result_or_a_message(command, picks, values):
    args = [command, "--model", "llama3-8b", "--accelerator", "h100-sxm", "--devices", "8"]
    options = PLAN_OPTIONS[command]
    for pick, value in zip(picks, values, strict=False):
        args += [options[pick % len(options)], value]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 2), (args, result.output, result.exception)


@settings(max_examples=400)
@given(
    text=st.one_of(
        st.text(max_size=60), st.from_regex(r"[-+$]?[0-9.,eE+-]{0,12} ?[a-zA-Z*/^()%0-9 _-]{0,20}")
    )
)
def test_fuzz_number_and_unit_text_is_read_or_refused(text):
    from flopcast.errors import UnitError
    from flopcast.quantity.units import parse_quantity, parse_unit

    for parse in (parse_quantity, parse_unit):
        try:
            value = parse(text)
        except UnitError:
            continue
        assert value is not None


def test_scenario_and_search_sizes_are_bounded(tmp_path):
    from flopcast.scenario.loader import MAX_ENTRIES

    many = "".join(f"  i{i}: {{value: 1, source: s}}\n" for i in range(MAX_ENTRIES + 1))
    path = _scenario(tmp_path, f"title: t\ninputs:\n{many}outputs: {{y: {{expr: i0}}}}")
    result = _run("run", str(path))
    assert result.exit_code == 2 and "at most" in result.output
    from flopcast.parallel import search as search_module

    original = search_module.MAX_GRID
    search_module.MAX_GRID = 1000
    try:
        result = _run("search", "--model", "llama3-8b", "--accelerator", "h100-sxm",
                      "--devices", "8")  # fmt: skip
    finally:
        search_module.MAX_GRID = original
    assert result.exit_code == 2 and "candidate plans" in result.output


def test_a_closed_pipe_stops_quietly():
    """``flopcast check ... | head -1``: no traceback and no internal error when the reader
    leaves early."""
    seed = str(ROOT / "examples" / "seed")
    process = subprocess.Popen(  # six times the seed: more output than a pipe buffers
        [sys.executable, "-m", "flopcast", "check", *[seed] * 6],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=120)
    assert first.startswith(b"HELD")
    assert "Traceback" not in errors and "internal error" not in errors
    assert process.returncode == 141
