"""Reports as people see them: screenshots at desktop and phone widths in headless Chromium,
in light and dark mode (laid out within the window, figures inside it, text readable)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from flopcast.cli.main import cli
from tests.browser import DESKTOP, PHONE, browser, needs_chromium, page_fits, screenshot_is_drawn

pytestmark = needs_chromium

ROOT = Path(__file__).resolve().parents[2]

#: Smallest body text a phone reader should get, in CSS pixels (browsers' default is 16).
MIN_FONT_PX = 12

#: Each report: the command that writes it (its path appended after the last option).
REPORTS = {
    "scenario": ["report", str(ROOT / "examples/seed/S03_current_models_compute.yaml"),
                 "--samples", "2000", "-o"],
    "trajectory": ["report", str(ROOT / "examples/trajectories/s29_trajectory.yaml"),
                   "--samples", "500", "-o"],
    "search": ["search", "--model", "llama3-70b", "--accelerator", "h100-sxm", "--devices",
               "1024", "--report"],
}  # fmt: skip


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    written = {}
    for name, command in REPORTS.items():
        path = folder / f"{name}.html"
        result = CliRunner().invoke(cli, [*command, str(path)])
        assert path.exists(), result.output
        written[name] = path
    return written


@pytest.fixture(scope="module")
def chromium():
    with browser() as launched:
        yield launched


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(REPORTS))
def test_a_report_fits_and_reads_on_the_screen(chromium, reports, tmp_path, name, size, scheme):
    page = chromium.new_page(viewport=size, color_scheme=scheme)
    try:
        page.goto(reports[name].as_uri())
        assert page_fits(page), page.evaluate("document.documentElement.scrollWidth")
        widths = page.eval_on_selector_all(
            "figure svg", "els => els.map(e => e.getBoundingClientRect().right)"
        )
        assert widths and max(widths) <= size["width"]
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= MIN_FONT_PX
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(18, 18, 18)") == (scheme == "dark")
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot))
        assert screenshot_is_drawn(shot, size)
        assert page.evaluate("document.body.dataset.errors || ''") == ""
    finally:
        page.close()
