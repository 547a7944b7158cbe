"""The playground's HTTP API (Starlette's test client; no browser, no network)."""

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from flopcast.cli.serve import scenario_files
from flopcast.serve.app import create_app
from flopcast.serve.session import Settings

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
NAME = "S03_current_models_compute.yaml"


@pytest.fixture
def folder(tmp_path):
    shutil.copy(SEED / NAME, tmp_path / NAME)
    shutil.copy(SEED / "seed.txt", tmp_path / "seed.txt")
    return tmp_path


@pytest.fixture
def client(folder):
    app = create_app(scenario_files(str(folder)), Settings(samples=500, seed=0), host="testserver")
    return TestClient(app)


def _evaluate(client, text, moves=None):
    response = client.post("/api/evaluate", json={"name": NAME, "text": text, "moves": moves or {}})
    assert response.status_code == 200
    return response.json()


def test_the_page_lists_the_files_and_carries_its_script(client):
    page = client.get("/").text
    assert NAME in page and "/api/evaluate" in page and 'name="viewport"' in page
    assert client.get("/api/files").json() == {"files": [NAME]}


def test_moving_a_slider_rewrites_the_text_and_changes_the_output(client):
    text = client.get("/api/file", params={"name": NAME}).json()["text"]
    before = _evaluate(client, text)
    assert before["errors"] == [] and "utilization" in {s["id"] for s in before["sliders"]}
    after = _evaluate(client, text, {"utilization": 60})
    assert "value: 60%" in after["text"]
    compute = {o["name"]: o for o in after["outputs"]}["compute"]
    assert compute["median"] == pytest.approx(before["outputs"][0]["median"] * 1.5)
    assert compute["verdict"] == "failed" and before["outputs"][0]["verdict"] == "held"
    assert "<svg" in after["html"] and "Claims" in after["html"]


def test_outputs_alone_while_a_slider_is_dragged(client):
    text = (SEED / NAME).read_text()
    request = {"name": NAME, "text": text, "moves": {"utilization": 60}, "render": False}
    answer = client.post("/api/evaluate", json=request).json()
    assert answer["html"] == "" and answer["outputs"][0]["verdict"] == "failed"
    assert "value: 60%" in answer["text"] and answer["sliders"]


def test_an_error_names_the_field_and_its_line(client):
    text = (SEED / NAME).read_text().replace("value: 40%", "value: forty")
    answer = _evaluate(client, text)
    (error,) = answer["errors"]
    assert error["field"].startswith("inputs.utilization")
    assert text.splitlines()[error["line"] - 1].strip() == "value: forty"
    assert answer["outputs"] == [] and answer["text"] == text
    broken = _evaluate(client, text.replace("inputs:", "inputs: [", 1))
    assert "invalid YAML at line" in broken["errors"][0]["message"]
    assert broken["errors"][0]["line"] is not None


def test_save_writes_a_valid_text_and_refuses_a_broken_one(client, folder):
    text = (folder / NAME).read_text()
    bad = text.replace("value: 40%", "value: forty")
    assert client.post("/api/save", json={"name": NAME, "text": bad}).json()["saved"] is False
    assert (folder / NAME).read_text() == text  # nothing written
    good = text.replace("value: 40%", "value: 45%")
    assert client.post("/api/save", json={"name": NAME, "text": good}).json()["saved"] is True
    assert (folder / NAME).read_text() == good


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"json": {"name": "../secret.yaml", "text": ""}}, "name one of"),
        ({"json": {"name": NAME}}, "'text'"),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, "JSON"),
        ({"content": b'{"name": 1}', "headers": {"Content-Type": "text/plain"}}, "Content-Type"),
        ({"json": {"name": NAME, "text": "", "moves": [1]}}, "moves"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(client, request_kwargs, message):
    for route in ("/api/evaluate", "/api/save"):
        response = client.post(route, **request_kwargs)
        if route == "/api/save" and message == "moves":
            continue  # save takes no moves
        assert response.status_code == 400
        assert message in response.json()["errors"][0]["message"]


def test_files_are_opened_by_listed_name_only(client):
    response = client.get("/api/file", params={"name": "/etc/passwd"})
    assert response.status_code == 400 and "no file" in response.json()["errors"][0]["message"]


def test_a_foreign_host_is_refused(folder):
    app = create_app(scenario_files(str(folder)), Settings(samples=100, seed=0))
    client = TestClient(app, base_url="http://evil.example")
    assert client.get("/").status_code == 400


def test_a_folder_offers_scenarios_not_catalogs(tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(SEED / NAME, tmp_path / "sub" / NAME)
    (tmp_path / "cat.yaml").write_text("kind: accelerator\nentries: []\n")
    (tmp_path / "broken.yaml").write_text("inputs: [\n")
    assert set(scenario_files(str(tmp_path))) == {"broken.yaml", f"sub/{NAME}"}


def test_a_scenario_over_years_shows_its_last_year_and_fan_charts():
    from flopcast.serve.session import evaluate_text

    path = SEED.parent / "trajectories" / "s29_trajectory.yaml"
    answer = evaluate_text(path, path.read_text(), {}, Settings(samples=300, seed=0))
    assert answer["errors"] == [] and answer["outputs"]
    assert "<svg" in answer["html"] and "bands" in answer["html"]


def test_an_internal_failure_is_one_json_line(folder, monkeypatch):
    from flopcast.serve import app as app_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app_module, "evaluate_text", broken)
    app = create_app(scenario_files(str(folder)), Settings(samples=10, seed=0), host="testserver")
    response = TestClient(app, raise_server_exceptions=False).post(
        "/api/evaluate", json={"name": NAME, "text": "", "moves": {}}
    )
    assert response.status_code == 500
    assert response.json()["errors"][0]["message"] == (
        "internal error (a bug in flopcast): RuntimeError: boom"
    )


def test_an_oversized_request_is_refused_before_it_is_read(client):
    from flopcast.serve.app import MAX_REQUEST_BYTES

    response = client.post(
        "/api/evaluate",
        content=b"{}",
        headers={"Content-Type": "application/json", "Content-Length": str(MAX_REQUEST_BYTES + 1)},
    )
    assert response.status_code == 400 and "at most" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "text",
    ["inputs: " + "[" * 5000 + "]" * 5000, "a: &x [1]\nb: *x\n", "- 1\n", "", "\x00"],
    ids=["deep", "alias", "list", "empty", "nul"],
)
def test_hostile_texts_get_an_error_answer_not_a_crash(client, text):
    answer = _evaluate(client, text)
    assert answer["errors"] and answer["outputs"] == [] and answer["sliders"] == []


def test_answers_drawn_on_many_threads_match_one_drawn_alone(folder):
    from concurrent.futures import ThreadPoolExecutor

    from flopcast.serve.session import evaluate_text

    path = folder / NAME
    text, settings = path.read_text(), Settings(samples=300, seed=0)
    alone = evaluate_text(path, text, {}, settings)["html"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda _: evaluate_text(path, text, {}, settings)["html"], range(8))
        )
    assert all(html == alone for html in answers)


def test_serve_without_its_extra_says_how_to_install_it(monkeypatch):
    import sys

    from click.testing import CliRunner

    from flopcast.cli.main import cli

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli, ["serve", str(SEED / NAME)])
    assert result.exit_code == 2
    assert "pip install 'flopcast[serve]'" in result.output


def test_serve_of_a_missing_path_exits_2():
    from click.testing import CliRunner

    from flopcast.cli.main import cli

    result = CliRunner().invoke(cli, ["serve", "no/such/folder"])
    assert result.exit_code == 2 and "no such file or folder" in result.output
