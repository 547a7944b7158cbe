"""The playground's web app: a Starlette (ASGI) application serving one page and a JSON API.

Routes::

    GET  /                the page (editor, sliders, results)
    GET  /api/files       the scenario files it may open: {"files": [name, ...]}
    GET  /api/file?name=  one file's text: {"name", "text"}
    POST /api/evaluate    {"name", "text", "moves": {slider id: number}, "render": bool}
                          -> the answer of :func:`flopcast.serve.session.evaluate_text`
    POST /api/save        {"name", "text"} -> {"saved", "errors"}

Only the files named at start (a file, or the scenario files of a folder) can be read or
written, by their name in that list, never by a path from the request. A local server that
writes files must not be driven by other web pages the browser has open: requests must name
this server as their ``Host`` (against DNS rebinding), and a POST must send JSON, which a
foreign page cannot do without a CORS preflight this app never grants.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from flopcast.files import MAX_FILE_BYTES, read_text
from flopcast.serve.page import playground_page
from flopcast.serve.session import Settings, evaluate_text, save_text

#: Host names the app answers to (plus the one it was started on).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")

#: Status of a request the app refuses (bad JSON, unknown file, foreign content type).
BAD_REQUEST = 400

#: Status of an answer that failed inside flopcast (a bug, reported as one line).
INTERNAL_ERROR = 500

#: Largest request body: a scenario file at its limit, JSON-escaped, plus the slider moves.
MAX_REQUEST_BYTES = 2 * MAX_FILE_BYTES


def _refuse(message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"field": "", "line": None, "message": message}]},
                        status_code=BAD_REQUEST)  # fmt: skip


def create_app(files: Mapping[str, Path], settings: Settings, host: str = "127.0.0.1") -> Starlette:
    """The playground over ``files`` (scenario files by the names the page shows)."""
    by_name = dict(files)

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(playground_page(list(by_name)))

    async def list_files(request: Request) -> JSONResponse:
        return JSONResponse({"files": list(by_name)})

    async def read_file(request: Request) -> JSONResponse:
        name = request.query_params.get("name", "")
        if name not in by_name:
            return _refuse(f"no file {name!r}; files: {', '.join(by_name)}")
        text = await run_in_threadpool(read_text, str(by_name[name]))
        return JSONResponse({"name": name, "text": text})

    async def body(request: Request) -> dict[str, Any] | JSONResponse:
        """The request's JSON object with a known file name and a text, or a refusal."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _refuse("expected a JSON request (Content-Type: application/json)")
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_REQUEST_BYTES:
            return _refuse(f"expected a request of at most {MAX_REQUEST_BYTES:,} bytes")
        raw = await request.body()
        if len(raw) > MAX_REQUEST_BYTES:
            return _refuse(f"expected a request of at most {MAX_REQUEST_BYTES:,} bytes")
        try:
            data = await request.json()
        except ValueError:
            return _refuse("the request is not valid JSON")
        if not isinstance(data, dict) or data.get("name") not in by_name:
            return _refuse(f"expected {{name, text}} with name one of: {', '.join(by_name)}")
        if not isinstance(data.get("text"), str):
            return _refuse("expected the scenario's YAML as the string 'text'")
        return data

    async def evaluate(request: Request) -> JSONResponse:
        data = await body(request)
        if isinstance(data, JSONResponse):
            return data
        raw_moves = data.get("moves") or {}
        if not isinstance(raw_moves, dict):
            return _refuse("expected 'moves' as {slider id: number}")
        moves = {str(k): float(v) for k, v in raw_moves.items() if isinstance(v, int | float)}
        path = by_name[data["name"]]
        render = data.get("render", True) is not False
        answer = await run_in_threadpool(
            lambda: evaluate_text(path, data["text"], moves, settings, render=render)
        )
        return JSONResponse(answer)

    async def save(request: Request) -> JSONResponse:
        data = await body(request)
        if isinstance(data, JSONResponse):
            return data
        answer = await run_in_threadpool(save_text, by_name[data["name"]], data["text"])
        return JSONResponse(answer)

    routes = [
        Route("/", page),
        Route("/api/files", list_files),
        Route("/api/file", read_file),
        Route("/api/evaluate", evaluate, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]),
    ]
    hosts = sorted({*LOCAL_HOSTS, host})
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={Exception: _internal_error})  # fmt: skip


async def _internal_error(request: Request, error: Exception) -> JSONResponse:
    """A failure inside flopcast, as one line the page shows (as the CLI's exit status 3)."""
    message = f"internal error (a bug in flopcast): {type(error).__name__}: {error}"
    return JSONResponse({"errors": [{"field": "", "line": None, "message": message}]},
                        status_code=INTERNAL_ERROR)  # fmt: skip
