"""Play / Pause / Step / Reset and the live fragment that advances training between frames.

What is trained is a *target*, a descentlab.ui.live.protocol.LiveTarget: step(n), record(), reset(),
``diverged`` and ``message`` — a Trainer on the Playground, a descentlab.engine.group.TrainerGroup on
Compare, a descentlab.engine.sweep.Sweep on the learning-rate page. A ``Loop`` names the target and the
session keys that belong to it, so every page shares this one loop; each page makes its own (the
Playground's is descentlab.ui.views.playground.LOOP). The target lives in session state; buttons sit
outside the fragment and act through on_click callbacks; the fragment re-runs every TICK seconds
while playing, advances k iterations (k sized so a frame's training stays within FRAME_BUDGET
seconds, at most the user's speed), records one history row and redraws. Queued ticks merge, so a
slow browser never builds a backlog. When many people play on one server, descentlab.ui.live.pacing
spaces each session's frames so they share it fairly and clicks stay quick.

Served by server.py (`make run`), a live area opened with ``frames=True`` does not tick: the run draws
it once, and the browser fetches each frame from the frame route (descentlab.ui.live.route), which trains
with the same ``train_frame`` and redraws the same elements without a Streamlit rerun."""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from descentlab.ui.live import pacing, route
from descentlab.ui.live.elements import STEP_TOUCH, frame_pump, presenter_keys
from descentlab.ui.live.protocol import LiveTarget, finished
from descentlab.ui.sessions import session_id
from descentlab.ui.state import Keys, notify
from descentlab.viz.figure import plain_figures

TICK = 0.05          # seconds between frame requests while playing; slower frames merge ticks
FRAME_BUDGET = 0.04  # seconds of training per frame, whatever the network's size
FLUSH_PAUSE = 0.01   # seconds at the end of a frame for the server to send it (see live_area)


@dataclass(frozen=True)
class Loop:
    """One page's training loop: how to find its target, and its session and widget keys."""
    target: Callable[[], LiveTarget]
    playing_key: str = Keys.PLAYING
    step_cost_key: str = Keys.STEP_COST  # running estimate of seconds per iteration, to size frames
    speed_key: str = Keys.SPEED          # most iterations per frame
    button_prefix: str = "btn"
    default_speed: int = 50
    shows_divergence: bool = False  # the page shows target.message itself: no second notice of it
    shows_finish: bool = False      # the same for a met stopping rule (finished: "Reached J < ε at ...")

    def init(self) -> None:
        ss = st.session_state
        ss.setdefault(self.playing_key, False)
        ss.setdefault(self.step_cost_key, 1e-4)
        ss.setdefault(self.speed_key, self.default_speed)

    @property
    def playing(self) -> bool:
        return bool(st.session_state.get(self.playing_key, False))

    def stop(self) -> None:
        st.session_state[self.playing_key] = False
        # A frame the browser has already asked for must not train the run after this: Reset while
        # playing ended at iteration 50 (a frame in flight trained the reset run) in 3 of 6 tries.
        stream = st.session_state.get(route.STREAM_KEY)
        if stream is not None:
            stream.halt()


def page_loop(prefix: str, target: Callable[[], LiveTarget], default_speed: int = 50) -> Loop:
    """A loop whose keys all start with ``prefix``: ``<prefix>_playing``, ``<prefix>_btn_play``..."""
    loop = Loop(target, f"{prefix}_playing", f"{prefix}_step_cost", f"{prefix}_speed", f"{prefix}_btn",
                default_speed)
    loop.init()
    return loop


def frame_iterations(speed: int, step_cost: float) -> int:
    """How many iterations the next frame may run: the user's speed, capped by the time budget."""
    return max(1, min(int(speed), int(FRAME_BUDGET / max(step_cost, 1e-7))))


def train_frame(target: LiveTarget, k: int, step_cost: float) -> float:
    """Train ``k`` iterations and record a history row; returns the new estimate of seconds per step."""
    t0 = time.perf_counter()
    target.step(k)
    target.record()
    per_step = (time.perf_counter() - t0) / k
    return 0.7 * step_cost + 0.3 * per_step  # one slow frame is noise


def advance(loop: Loop, n: int | None = None) -> None:
    """Train one frame (or exactly ``n`` iterations) and record a history row."""
    ss = st.session_state
    # .get: a fragment run does not re-run loop.init(), and a widget's key can be missing from the state
    # for a moment (Streamlit drops the state of a widget the last full run did not draw)
    cost = ss.get(loop.step_cost_key, 1e-4)
    k = n or frame_iterations(ss.get(loop.speed_key, loop.default_speed), cost)
    ss[loop.step_cost_key] = train_frame(loop.target(), k, cost)
    _stop_if_done(loop)


def _stop_if_done(loop: Loop) -> None:
    """Pause a playing loop whose target diverged or met its stopping rule (e.g. J < ε), saying so."""
    target = loop.target()
    if loop.playing and (target.diverged or finished(target)):
        loop.stop()
        if target.diverged and not loop.shows_divergence:
            notify("error", target.message)
        elif not target.diverged and not loop.shows_finish:
            notify("success", target.message)


@route.exclusively
def _set_playing(loop: Loop, playing: bool) -> None:
    # The state the button showed, not a toggle: a click that reaches the server twice (or races a
    # frame) must not flip Play back on.
    target = loop.target()
    if playing and target.diverged:
        notify("error", f"{target.message}. Press Reset to start again.")
        return
    if playing and finished(target):  # stepping would do nothing: say why instead of playing in place
        notify("info", f"{target.message}. Lower or clear the target cost to train on, or press Reset.")
        return
    if playing:
        st.session_state[loop.playing_key] = True
    else:
        loop.stop()


@route.exclusively
def _step(loop: Loop) -> None:
    loop.stop()
    advance(loop, 1)


def _step_touch(loop: Loop, event: dict) -> route.Redraw | None:
    """Step pressed on this page while paused, sent to the frame route (keyboard.js): one iteration,
    answered by a frame of the live area (~50 ms in Chromium, against ~215 for the button's page run);
    the page runs after it for the rest (the rewind slider's iterations, a traced example, a static
    panel). Declined, the click goes to the button: playing (Step then pauses first), a run that
    diverged or met its target (the button's run says so), or a Step from another page's buttons."""
    if not isinstance(event, dict) or event.get("type") != "step" or event.get("prefix") != loop.button_prefix:
        return None
    target = loop.target()
    if loop.playing or target.diverged or finished(target):
        return None
    advance(loop, 1)
    return route.RUN_PAGE


@route.exclusively
def _reset(loop: Loop) -> None:
    loop.stop()
    loop.target().reset()


def controls(loop: Loop, reset_help: str = "Back to iteration 0 with the same initial weights") -> None:
    """The transport row: Play/Pause, Step, Reset (same initial weights)."""
    loop.init()
    playing, p = loop.playing, loop.button_prefix
    c1, c2, c3 = st.columns(3)
    # Material icons, not emoji: a projector PC or a headless browser may have no emoji font
    c1.button("Pause" if playing else "Play", key=f"{p}_play", on_click=_set_playing, args=(loop, not playing),
              type="primary",
              icon=":material/pause:" if playing else ":material/play_arrow:", width="stretch")
    c2.button("Step", key=f"{p}_step", on_click=_step, args=(loop,), icon=":material/skip_next:",
              width="stretch", help="One iteration (one mini-batch update). Keys: →, N or PageDown step; "
                                    "Space or PageUp play / pause; R reset; P presentation mode")
    c3.button("Reset", key=f"{p}_reset", on_click=_reset, args=(loop,), icon=":material/replay:",
              width="stretch", help=f"{reset_help}. Key: R")
    presenter_keys(p)


def live_area(render: Callable[[], None], loop: Loop, frames: bool = False) -> None:
    """Run ``render`` inside a fragment that ticks while playing and trains before each frame; or,
    with ``frames`` and a server that has the frame route, draw it once and let the browser fetch
    the frames (descentlab.ui.live.route: ``render`` then passes functions to live_chart / live_html)."""
    loop.init()

    def draw() -> None:
        with plain_figures():  # the figures go straight to live charts: no plotly.py objects
            render()

    stream = st.session_state.get(route.STREAM_KEY)
    if stream is not None:
        stream.halt()  # this run draws the page: a frame still in flight is stale
        stream.page_behind = False
    streaming = frames and loop.playing and route.available()
    if streaming:
        _stop_if_done(loop)  # in case the browser's report of it (_frames_ended) was lost
        streaming = loop.playing

    # A fragment either way: its elements keep their identity (and the charts their Plotly divs)
    # when Play or Pause switches between fragment ticks and the frame route.
    @st.fragment(run_every=TICK if loop.playing and not streaming else None)
    def _frame():
        now = st.session_state.get(route.STREAM_KEY)
        if now is not None and now.page_behind:  # a touch asked for the page's run (e.g. a new run: the sidebar)
            st.rerun()
        yield_slot = st.empty()  # always there (an empty element draws nothing): a stable layout
        if streaming:
            if not loop.playing:  # the route stopped the run (_frames_ended): redraw the whole page
                st.rerun()
            with route.exclusive():  # a fragment rerun does not go through app.py's lock
                _stream_area(yield_slot, draw, loop)
            return
        if not loop.playing:
            if frames and route.available():
                _stopped_pump(yield_slot, loop)
                with route.exclusive(), route.recording() as parts:  # touches on a paused page
                    draw()
                    route.handle(STEP_TOUCH, functools.partial(_step_touch, loop), paced=False)
                    route.session_stream().hold(parts)
            else:
                draw()
            return
        sid, pace_key = session_id(), f"{loop.playing_key}_pace"
        last_start, frame_cpu = st.session_state.get(pace_key, (0.0, 0.0))
        pacing.wait_for_turn(sid, last_start, frame_cpu, yield_slot.empty)
        start, cpu0 = time.monotonic(), time.thread_time()
        advance(loop)
        if not loop.playing:  # stopped (diverged, or reached its target) in this frame: redraw the whole page
            st.rerun()
        draw()
        st.session_state[pace_key] = (start, time.thread_time() - cpu0)
        pacing.frame_done(sid)
        # Streamlit drops a fragment's messages not yet sent when its next run starts, and with runs
        # back to back the last elements of a frame were often dropped (measured: the last chart of
        # Compare reached the browser in 5 of 20 frames). Sleeping releases the GIL, so the server's
        # event loop sends them first.
        time.sleep(FLUSH_PAUSE)

    _frame()


def _stream_area(slot, draw: Callable[[], None], loop: Loop) -> None:
    """The live area drawn once by this run; the frame route trains and redraws it. The frame pump's
    element goes into ``slot``. Frames stop, and the page runs again, when the target diverges (or, for
    a group, one more of its members does: the page then shows which)."""
    stream = route.session_stream()
    with route.recording() as parts:
        draw()
    target, ss = loop.target(), st.session_state
    speed, cost = ss.get(loop.speed_key, loop.default_speed), ss.get(loop.step_cost_key, 1e-4)

    message_now = target.message  # names every divergence so far (a trainer's, a group's variants')

    def page_changed() -> bool:
        return target.message != message_now

    def advance_frame() -> None:  # on the route's thread: no session state; the next run gets the note
        nonlocal cost
        cost = train_frame(target, frame_iterations(speed, cost), cost)
        stream.notes[loop.step_cost_key] = cost

    stream.publish(parts, advance_frame, page_changed)
    with slot:
        frame_pump(route.url(stream), stream.generation, True, on_end=functools.partial(_frames_ended, loop))


def _stopped_pump(slot, loop: Loop) -> None:
    """Paused on the route: the pump stays, told the new generation before this run's elements arrive
    (its slot comes first), so a frame made before the pause and delivered late is dropped."""
    stream = route.session_stream()
    with slot:
        frame_pump(route.url(stream), stream.generation, False, on_end=functools.partial(_frames_ended, loop))


@route.exclusively
def _frames_ended(loop: Loop) -> None:
    """The frames stopped: the run diverged or met its stopping rule, the route failed on the server (stream.error), or the
    browser got no frame from it. Pause and say why. The pump's element is in the live fragment, so
    this reruns the fragment, which reruns the page."""
    stream = route.session_stream()
    if loop.target().diverged or finished(loop.target()):
        _stop_if_done(loop)
    elif stream.redraw:
        pass  # e.g. one variant of a group diverged: the rerun shows it, and the others play on
    elif loop.playing:
        loop.stop()
        notify("error", stream.error or "The live frames stopped: the server's frame route did not answer. "
                                        "Press Play to continue.")

