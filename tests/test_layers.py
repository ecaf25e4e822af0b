"""The layers import one way (docs/architecture.md): engine ← lessons ← viz ← ui ← pages. An import
that goes up, or streamlit / plotly below the layer that may use them, fails here with its place."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "descentlab"
# what each layer may NOT import (a prefix of the imported module's dotted name)
FORBIDDEN = {
    "engine": ("descentlab.lessons", "descentlab.viz", "descentlab.ui", "streamlit", "plotly"),
    "lessons": ("descentlab.viz", "descentlab.ui", "streamlit", "plotly"),
    "viz": ("descentlab.ui", "streamlit"),
    "ui": ("app_pages", "app", "server"),
}


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, function-level ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(layer: str, package: Path = PACKAGE) -> list[str]:
    bad = []
    for path in sorted((package / layer).rglob("*.py")):
        for line, module in imports(path):
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(package)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer):
    assert upward_imports(layer) == []


def test_no_relative_imports_that_could_hide_a_layer():
    relative = [f"{p.relative_to(ROOT)}:{n.lineno}" for p in PACKAGE.rglob("*.py")
                for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert relative == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The scan is not vacuous: an engine module importing streamlit is reported."""
    fake = tmp_path / "engine"
    fake.mkdir()
    (fake / "leak.py").write_text("def f():\n    import streamlit as st\n    from descentlab.ui import state\n")
    assert upward_imports("engine", tmp_path) == ["engine/leak.py:2 imports streamlit",
                                        "engine/leak.py:3 imports descentlab.ui"]
