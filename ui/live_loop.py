"""Play / Pause / Step / Reset and the live fragment that advances training between frames.

The Trainer lives in session state. Buttons sit outside the fragment and act through on_click
callbacks; the fragment re-runs every TICK seconds while playing, advances k iterations (k sized so a
frame's training stays within FRAME_BUDGET seconds, at most the user's speed), records one history
row and redraws. Queued ticks merge, so a slow browser never builds a backlog."""
from __future__ import annotations

import time
from typing import Callable

import streamlit as st

from .state import Keys, current_run, notify

TICK = 0.05          # seconds between frame requests while playing; slower frames merge ticks
FRAME_BUDGET = 0.04  # seconds of training per frame, whatever the network's size


def frame_iterations(speed: int, step_cost: float) -> int:
    """How many iterations the next frame may run: the user's speed, capped by the time budget."""
    return max(1, min(int(speed), int(FRAME_BUDGET / max(step_cost, 1e-7))))


def advance(n: int | None = None) -> None:
    """Train one frame (or exactly ``n`` iterations) and record a history row."""
    ss = st.session_state
    tr = current_run().trainer
    k = n or frame_iterations(ss[Keys.SPEED], ss[Keys.STEP_COST])
    t0 = time.perf_counter()
    tr.step(k)
    tr.record()
    per_step = (time.perf_counter() - t0) / k
    ss[Keys.STEP_COST] = 0.7 * ss[Keys.STEP_COST] + 0.3 * per_step  # smoothed: one slow frame is noise
    if tr.diverged and ss[Keys.PLAYING]:
        ss[Keys.PLAYING] = False
        notify("error", tr.message)


def _set_playing(playing: bool) -> None:
    # The state the button showed, not a toggle: a click that reaches the server twice (or races a
    # frame) must not flip Play back on.
    tr = current_run().trainer
    if playing and tr.diverged:
        notify("error", f"{tr.message}. Press Reset to start again.")
        return
    st.session_state[Keys.PLAYING] = playing


def _step() -> None:
    st.session_state[Keys.PLAYING] = False
    advance(1)


def _reset() -> None:
    st.session_state[Keys.PLAYING] = False
    current_run().trainer.reset()


def controls() -> None:
    """The transport row: Play/Pause, Step, Reset (same initial weights)."""
    playing = st.session_state[Keys.PLAYING]
    c1, c2, c3 = st.columns(3)
    # Material icons, not emoji: a projector PC or a headless browser may have no emoji font
    c1.button("Pause" if playing else "Play", key="btn_play", on_click=_set_playing, args=(not playing,),
              type="primary",
              icon=":material/pause:" if playing else ":material/play_arrow:", width="stretch")
    c2.button("Step", key="btn_step", on_click=_step, icon=":material/skip_next:", width="stretch",
              help="One iteration (one mini-batch update)")
    c3.button("Reset", key="btn_reset", on_click=_reset, icon=":material/replay:", width="stretch",
              help="Back to iteration 0 with the same initial weights")


def live_area(render: Callable[[], None]) -> None:
    """Run ``render`` inside a fragment that ticks while playing and trains before each frame."""
    playing = st.session_state[Keys.PLAYING]

    @st.fragment(run_every=TICK if playing else None)
    def _frame():
        if st.session_state[Keys.PLAYING]:
            advance()
            if not st.session_state[Keys.PLAYING]:  # diverged in this frame: redraw the whole page
                st.rerun()
        render()

    _frame()
