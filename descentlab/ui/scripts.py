"""The JavaScript of the app's own elements (Streamlit custom components), read once at import."""
from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).with_name("assets")


def read_js(path: Path) -> str:
    """A script without its full-line comments: a live chart's script is re-sent with every update."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//"))


def asset_js(name: str) -> str:
    """One of descentlab/ui/assets' scripts (the live transport keeps its own in ui/live/assets)."""
    return read_js(ASSETS / name)
