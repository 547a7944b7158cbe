"""``flopcast serve`` driven in headless Chromium as a person would: open a scenario, move a
slider, see the output change, break the YAML, see the field named; at desktop and phone
widths."""

import shutil
import socket
import threading
import time

import pytest

from tests.browser import DESKTOP, PHONE, browser, needs_chromium, page_fits, screenshot_is_drawn
from tests.serve.test_app import NAME, SEED

pytestmark = needs_chromium


@pytest.fixture
def server(tmp_path):
    uvicorn = pytest.importorskip("uvicorn")
    from flopcast.cli.serve import scenario_files
    from flopcast.serve.app import create_app
    from flopcast.serve.session import Settings

    for name in (NAME, "S14_llama3_step_time.yaml", "seed.txt"):
        shutil.copy(SEED / name, tmp_path / name)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(scenario_files(str(tmp_path)), Settings(samples=500, seed=0))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


READY = "document.body.dataset.state === 'ready'"
ERROR = "document.body.dataset.state === 'error'"


def _open(page, url):
    page.goto(url)
    page.wait_for_function(READY)
    page.select_option("#file", NAME)
    page.wait_for_function(f"{READY} && document.querySelector('[data-output=compute]')")


def test_a_slider_changes_the_output_and_an_error_names_its_field(server, tmp_path):
    with browser() as chromium:
        page = chromium.new_page(viewport=DESKTOP)
        _open(page, server)
        before = page.text_content("[data-output=compute]")
        assert before.endswith("FLOP (held)")
        page.fill("#slider-utilization", "600")  # position 600 of 1000: 60%
        page.wait_for_function(
            f"{READY} && document.querySelector('[data-output=compute]').textContent !== {before!r}"
        )
        after = page.text_content("[data-output=compute]")
        assert after.endswith("FLOP (failed)")
        assert float(after.split()[0]) == pytest.approx(1.5 * float(before.split()[0]), rel=0.01)
        assert "value: 60%" in page.input_value("#editor")
        assert page.text_content("output[for=slider-utilization]") == "60%"

        # Dragging (input events only): outputs follow at once, figures wait for the release.
        page.eval_on_selector("#slider-utilization", "e => { e.value = 700; "
                              "e.dispatchEvent(new Event('input')); }")  # fmt: skip
        page.wait_for_function("document.body.dataset.state === 'outputs'")
        assert page.text_content("output[for=slider-utilization]") == "70%"
        assert page.get_attribute("#results", "class") == "stale"
        dragged = page.text_content("[data-output=compute]")
        assert float(dragged.split()[0]) == pytest.approx(1.75 * float(before.split()[0]), rel=0.01)
        page.eval_on_selector("#slider-utilization", "e => e.dispatchEvent(new Event('change'))")
        page.wait_for_function(READY)
        assert page.get_attribute("#results", "class") == ""
        assert "value: 70%" in page.input_value("#editor")
        page.fill("#slider-utilization", "600")
        page.wait_for_function(f"{READY} && document.getElementById('editor').value"
                               ".includes('value: 60%')")  # fmt: skip

        broken = page.input_value("#editor").replace("value: 60%", "value: sixty")
        page.fill("#editor", broken)
        page.wait_for_function(ERROR)
        error = page.text_content("#errors li")
        line = broken.splitlines().index("    value: sixty") + 1
        assert error.startswith(f"inputs.utilization.value, line {line}: ")
        assert page.get_attribute(".slider[data-input=utilization]", "class") == "slider bad"

        page.click("#save")
        page.wait_for_function("document.getElementById('status').textContent.startsWith('not')")
        assert "value: 40%" in (tmp_path / NAME).read_text()  # a broken text is never saved
        page.fill("#editor", broken.replace("value: sixty", "value: 60%"))
        page.wait_for_function(READY)
        page.keyboard.press("Control+s")  # as the Save button
        page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')")
        assert "value: 60%" in (tmp_path / NAME).read_text()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_playground_fits_the_screen(server, tmp_path, size):
    with browser() as chromium:
        page = chromium.new_page(viewport=size)
        _open(page, server)
        assert page_fits(page), page.evaluate("document.documentElement.scrollWidth")
        shot = tmp_path / "playground.png"
        page.screenshot(path=str(shot))
        assert screenshot_is_drawn(shot, size)
        assert page.evaluate("document.body.dataset.errors || ''") == ""


def _hold_next_answer(page, milliseconds):
    """Make the page's next /api/evaluate answer arrive ``milliseconds`` late."""
    page.evaluate(
        """ms => { const fetch0 = window.fetch; let held = false;
          window.fetch = async (...args) => { const answer = await fetch0(...args);
            if (String(args[0]).includes('evaluate') && !held) {
              held = true; await new Promise(done => setTimeout(done, ms)); }
            return answer; }; }""",
        milliseconds,
    )


def test_a_move_survives_an_answer_made_stale_by_a_newer_move(server):
    with browser() as chromium:
        page = chromium.new_page(viewport=DESKTOP)
        _open(page, server)
        # Hold the next answer back, so that a second move is sent while the first is out.
        _hold_next_answer(page, 800)
        page.eval_on_selector("#slider-chips", "e => { e.value = 800; "
                              "e.dispatchEvent(new Event('input')); }")  # fmt: skip
        page.wait_for_function("document.body.dataset.state === 'busy'")
        page.fill("#slider-utilization", "600")
        page.wait_for_function(f"{READY} && document.getElementById('editor').value"
                               ".includes('value: 60%')")  # fmt: skip
        page.wait_for_timeout(1000)  # the held answer arrives, stale, and is dropped
        text = page.input_value("#editor")
        assert "value: 60%" in text
        # The first move is in the text too: position 800 of 1000 on 5,000-500,000 (log).
        assert "value: 199100\n" in text


def test_typing_while_an_answer_is_out_is_kept(server):
    with browser() as chromium:
        page = chromium.new_page(viewport=DESKTOP)
        _open(page, server)
        # The answer comes back after the typing but before the typing's own request (400 ms).
        _hold_next_answer(page, 200)
        page.fill("#slider-utilization", "600")
        page.wait_for_function("document.body.dataset.state === 'busy'")
        typed = page.input_value("#editor").replace("title: ", "title: Edited version of ", 1)
        page.fill("#editor", typed)  # while the slider's answer is held back
        page.wait_for_function(f"{READY} && document.getElementById('editor').value"
                               ".includes('value: 60%')")  # fmt: skip
        text = page.input_value("#editor")
        assert "title: Edited version of " in text and "value: 60%" in text
