"""Reports as files and as a person sees them in a real headless Chromium."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli
from flopcast.report.html import scenario_html
from flopcast.scenario.evaluate import evaluate
from flopcast.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SEED = sorted((ROOT / "examples" / "seed").glob("*.yaml"))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _html(path: Path) -> str:
    return scenario_html(evaluate(load_scenario(path), samples=2000))


@pytest.mark.parametrize("path", SEED, ids=lambda p: p.stem)
def test_every_seed_claim_file_reports(path):
    page = _html(path)
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<figure>") >= 2  # a distribution per output and the derivation graph
    # Self-contained: no remote scripts, styles, fonts or images.
    assert not re.search(r'<(script|img|link)[^>]+(src|href)=["\']?https?:', page)
    assert "@import" not in page and "url(http" not in page


def test_report_command_html_and_markdown(tmp_path):
    s03 = ROOT / "examples" / "seed" / "S03_current_models_compute.yaml"
    html_out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(s03), "-o", str(html_out), "--samples", "2000"])
    assert result.exit_code == 0, result.output
    assert "HELD" in html_out.read_text() and "hardware_flops" in html_out.read_text()
    md_out = tmp_path / "r.md"
    result = CliRunner().invoke(cli, ["report", str(s03), "-o", str(md_out), "--samples", "2000"])
    assert result.exit_code == 0, result.output
    text = md_out.read_text()
    figures = re.findall(r"\]\((r_files/[^)]+\.svg)\)", text)
    assert len(figures) >= 3 and all((tmp_path / f).read_text().startswith("<svg") for f in figures)


def test_report_of_bad_file_writes_nothing(tmp_path, write):
    bad = write("title: [", "bad.yaml")
    out = tmp_path / "never.html"
    result = CliRunner().invoke(cli, ["report", str(bad), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert not list(tmp_path.glob(".*flopcast*"))


def test_jupyter_repr_is_html():
    result = evaluate(load_scenario(SEED[0]), samples=500)
    assert result._repr_html_().startswith("<h1>")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_report_renders_in_chromium(tmp_path):
    """Every figure has a non-zero rendered size, no page error, a screenshot kept."""
    path = ROOT / "examples" / "seed" / "S29_gigawatt_training_systems.yaml"
    page = tmp_path / "report.html"
    page.write_text(_html(path))
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    body = re.search(r"<body([^>]*)>", dom.stdout)
    assert body, dom.stderr[-2000:]
    sizes = re.search(r'data-figure-sizes="([^"]*)"', body.group(1))
    assert sizes, "the page's load handler did not run"
    rendered = [tuple(map(int, s.split("x"))) for s in sizes.group(1).split(",")]
    assert len(rendered) == page.read_text().count("<figure>")
    assert all(w > 0 and h > 0 for w, h in rendered), rendered
    assert "data-errors" not in body.group(1)
    console_errors = [
        line for line in dom.stderr.splitlines() if "CONSOLE" in line and "rror" in line
    ]
    assert not console_errors, console_errors
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report_s29.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1100,3000",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 10_000


def test_reports_read_on_phones_and_in_dark_mode():
    page = _html(ROOT / "examples" / "seed" / "S29_gigawatt_training_systems.yaml")
    assert '<meta name="viewport" content="width=device-width' in page
    assert "<title>S29: " in page
    assert "prefers-color-scheme:dark" in page
    assert page.count("<table") == page.count("<div class=wide><table")
    figures = re.findall(r"<figure>(<svg[^>]*>(?:<title>[^<]+</title>)?)", page)
    assert figures and all('role="img" aria-label="' in svg for svg in figures)
    assert all(svg.endswith("</title>") for svg in figures)


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_report_fits_a_phone_screen(tmp_path):
    """At a phone's width the page does not scroll sideways (wide tables scroll on their own).
    Headless Chromium will not open a window narrower than 500 px, so that is the width used."""
    page = tmp_path / "report.html"
    page.write_text(_html(ROOT / "examples" / "seed" / "S29_gigawatt_training_systems.yaml"))
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=390,844",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    width = re.search(r'data-page-width="(\d+)x(\d+)"', dom.stdout)
    assert width, dom.stderr[-2000:]
    laid_out, window = map(int, width.groups())
    assert window <= 520 and laid_out <= window, (laid_out, window)
