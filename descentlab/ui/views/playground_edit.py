"""Setting a weight or a bias by hand on the Playground's network diagram (TensorFlow Playground's
click on a weight), and keeping the run's link honest about it.

The diagram marks its "weights" and "units" traces editable while paused (viz.network_diagram
EDIT_WEIGHT / EDIT_BIAS); the browser opens a number field on a click and sends an "edit" event
(descentlab.ui.live's contract) that ``edit_handler`` turns into Trainer.edit_parameter. The
handler runs on the frame route's thread under the session's lock: it touches only the trainer it
holds, and trusts nothing in the event (types, indices and the value are
checked; the trainer refuses what does not fit). ``sync_config`` copies the trainer's edits into the
session's config at script time, so the address bar, the config download, a saved run and the
exported script all carry them.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import streamlit as st

from descentlab.engine.edits import MAX_CONFIG_EDITS, check_entry, check_value
from descentlab.ui.live.route import RUN_PAGE, Redraw
from descentlab.ui.state import Keys, current_config, current_run
from descentlab.ui.user_text import md_text


def parse_edit(event) -> tuple[str, int, int, float] | None:
    """(name, i, j, value) from an "edit" event on the "weights" trace (customdata (l, row, column, w),
    from 1) or the "units" trace ((l, unit, b), from 1); None for anything else or anything malformed."""
    if not isinstance(event, dict) or event.get("type") != "edit":
        return None
    trace, data, value = event.get("trace"), event.get("customdata"), event.get("value")
    size = {"weights": 4, "units": 3}.get(trace)
    if size is None or not isinstance(data, (list, tuple)) or len(data) != size:
        return None
    if not all(_whole(x) for x in data[:size - 1]) or isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    l, row, col = (int(x) for x in data[:3]) if trace == "weights" else (int(data[0]), int(data[1]), 1)
    return (f"W{l}" if trace == "weights" else f"b{l}"), row - 1, col - 1, float(value)


def _whole(x) -> bool:
    return (isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)
            and float(x).is_integer() and 0 <= x <= 10_000)


def edit_handler(trainer) -> Callable[[dict], Redraw | bool]:
    """The diagram's handler for "edit" events. When it set the value: every live element redraws
    from the new θ in the next frame, then the page runs (RUN_PAGE), so the address bar and the
    rewind slider take the edit too. False for any other event, or a value the trainer refused (the
    event then reaches the page's script run, where ``show_refusal`` says why)."""
    def on_event(event: dict) -> Redraw | bool:
        edit = parse_edit(event)
        if edit is None:
            return False
        try:
            trainer.edit_parameter(*edit)
        except ValueError:
            return False
        return RUN_PAGE
    return on_event


def refusal(event, trainer) -> str | None:
    """Why an "edit" event was not applied, in a sentence (None when it is not an edit at all)."""
    if not isinstance(event, dict) or event.get("type") != "edit":
        return None
    edit = parse_edit(event)
    if edit is None:
        return "that value is not a number"
    try:
        check_value(edit[3])
        if trainer.diverged:
            return "the run diverged: press Reset before editing its weights"
        check_entry(trainer.network.layer_sizes, *edit[:3])
    except ValueError as exc:
        return str(exc)
    return None


def show_refusal(event, trainer) -> None:
    """Under the diagram, at script time: why the edit just sent was refused (escaped: it quotes what
    the browser sent)."""
    why = refusal(event, trainer)
    if why:
        st.warning(f"Not set: {md_text(why)}.", icon=":material/edit_off:")


def sync_config() -> None:
    """Make the session's config carry the current run's edits (made here, or still to replay from a
    link), so that every link, download and saved run of this run reproduces them; more than a config
    keeps: None (the config says they are not included)."""
    edits = current_run().trainer.planned_edits()
    keep = edits if len(edits) <= MAX_CONFIG_EDITS else None
    config = current_config()
    if config.edits != keep:
        st.session_state[Keys.CONFIG] = config.replace(edits=keep)
