"""Saved runs that belong to their owner.

A room shares one server and one runs folder. Each browser keeps a random key of its own in its
localStorage (assets/owner_key.js; never in a link, never shown), and the runs it saves live in
descentlab.engine.runs.owner_space(key): another browser cannot list, load or replace them, whatever name or
choice it sends. The class library (descentlab.engine.runs.library_space) is open to everyone; only someone who
types the lecturer's key (DESCENTLAB_LECTURER_KEY, set where the server is deployed) may save to it.
Without that variable the library is read-only (filled by hand on the server).
"""
from __future__ import annotations

import hmac
import os
import re
from pathlib import Path

import streamlit as st

from descentlab.engine.runs import RunFileError, library_space, list_runs, owner_space
from descentlab.ui.scripts import asset_js
from descentlab.ui.state import quiet_rerun

OWNER = "dl_owner_key"          # session state: this browser's key, as its element reported it
LECTURER_INPUT = "lecturer_key"  # the password field
LECTURER_ENV = "DESCENTLAB_LECTURER_KEY"
MINE, LIBRARY = "mine", "library"  # the two kinds of choice in the saved-runs picker: "<kind>/<name>"
_ELEMENT = "dl_owner_el"
_KEY = re.compile(r"[0-9a-f]{64}")

_element = st.components.v2.component("descentlab.owner_key", js=asset_js("owner_key.js"),
                                      css=f".st-key-{_ELEMENT} {{ display: none; }}", isolate_styles=False)


def browser_key() -> str | None:
    """This browser's key; None until its hidden element has reported it (one rerun after it mounts)."""
    ss = st.session_state
    # reporting the key reruns the page: a quiet rerun, or the link's warnings would vanish with it
    result = _element(key=_ELEMENT, data={"known": ss.get(OWNER)}, on_key_change=quiet_rerun)
    value = result.get("key") if result is not None else None
    if isinstance(value, str) and _KEY.fullmatch(value):
        ss[OWNER] = value
    return ss.get(OWNER)


def my_space() -> Path | None:
    key = st.session_state.get(OWNER)
    try:
        return owner_space(key) if key else None
    except RunFileError:
        return None


def library_writable() -> bool:
    return bool(os.environ.get(LECTURER_ENV))


def is_lecturer() -> bool:
    """The lecturer's key was typed (compared in constant time: the field may be probed)."""
    expected, typed = os.environ.get(LECTURER_ENV, ""), st.session_state.get(LECTURER_INPUT) or ""
    return bool(expected) and hmac.compare_digest(typed.encode(), expected.encode())


def choices() -> list[str]:
    """The runs this browser may open: its own, then the class library's, as "<kind>/<name>"."""
    mine = my_space()
    own = [f"{MINE}/{r['name']}" for r in list_runs(mine)] if mine else []
    return own + [f"{LIBRARY}/{r['name']}" for r in list_runs(library_space())]


def label(choice: str) -> str:
    kind, _, name = choice.partition("/")
    return f"{name} (class library)" if kind == LIBRARY else name


def resolve(choice) -> tuple[Path, str]:
    """The folder and name a choice stands for: only this browser's space or the library."""
    kind, _, name = str(choice).partition("/")
    space = my_space() if kind == MINE else library_space() if kind == LIBRARY else None
    if space is None:
        raise RunFileError("pick one of your saved runs or one of the class library's.")
    return space, name
