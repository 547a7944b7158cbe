"""DESIGN.md's layers, enforced: a lower layer never imports a higher one, and the command
line starts without NumPy or pint."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "flopcast"

#: The layers from the bottom up; each may import only those before it. ``errors`` and
#: ``files`` are shared helpers under every layer; ``network`` sits under ``parallel``
#: because the step model prices its collectives with the one collective-cost API.
LAYERS = ("errors", "files", "quantity", "catalog", "estimate", "network", "parallel",
          "goodput", "validate", "scenario", "report", "api", "serve", "cli")  # fmt: skip


def _imports(path: Path) -> set[str]:
    """The flopcast layers a module imports (anywhere in it, lazily or not)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "flopcast" and len(parts) > 1:
                found.add(parts[1])
    return found


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _layer(p) in LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_layer_imports_a_higher_one(path):
    layer = _layer(path)
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    assert _imports(path) <= allowed, f"{layer} imports {sorted(_imports(path) - allowed)}"


def test_every_module_belongs_to_a_layer():
    others = {_layer(p) for p in PACKAGE.rglob("*.py")} - set(LAYERS)
    assert others <= {"__init__", "__main__"}


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["check", "--help"]])
def test_the_command_line_starts_without_numpy_or_pint(argv):
    code = (
        "import sys\n"
        "from flopcast.cli.main import cli\n"
        f"try:\n    cli({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'pint', 'yaml', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
