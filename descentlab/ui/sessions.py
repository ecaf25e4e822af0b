"""Sessions that end, end: a closed tab stops training at once and gives its memory back.

Streamlit keeps a session whose websocket closed for server.disconnectedSessionTTL (two minutes),
so that a page that reconnects finds its state, and drops it only when its cache is next touched:
closed tabs held gigabytes for many minutes, and their frame tokens went on training runs nobody
watched. Here a reaper on the server's event loop (started by ``lifespan``, which server.py hands
to st.App) looks every CHECK_SECONDS at the sessions that hold something (a budget in descentlab.ui.budget, a
live stream in descentlab.ui.live.route):

- the moment a session is no longer connected, its live streams are suspended: frames stop
  training (a page that reconnects finds its run paused, and says why);
- grace_seconds() later (DESCENTLAB_SESSION_GRACE_S, default 20: a network blip, a reload), if it
  has not come back, its streams close (the token answers 404), Streamlit closes it for good, its
  state is emptied, its budget is released, and the memory goes back to the system (a full collection, then glibc's malloc_trim for the small blocks numpy's
  allocator keeps).
"""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import threading
import time
import weakref

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

CHECK_SECONDS = 2.0

_log = logging.getLogger(__name__)
_gone_since: dict[str, float] = {}  # session id -> when it was first seen disconnected (reaper's own)
_apps: dict[str, weakref.ref] = {}  # session id -> its AppSession, weakly (see track)
_seated: set[str] = set()  # the sessions this server serves now (at most max_sessions())
_seats_lock = threading.Lock()


def max_sessions() -> int:
    """DESCENTLAB_MAX_SESSIONS (default 60): beyond it a newcomer is told the server is full, rather than
    every session slowing down (ten playing sessions share 0.6 of a core: descentlab.ui.live.pacing; run more replicas
    for a bigger class)."""
    try:
        return max(1, int(os.environ.get("DESCENTLAB_MAX_SESSIONS", "60")))
    except ValueError:
        return 60


def seated(sid: str | None = None) -> bool:
    """Whether this session has (or now gets) one of the server's places. Outside a served session
    (AppTest, bare mode) always."""
    from streamlit.runtime import Runtime

    sid = sid or session_id()
    if not Runtime.exists():
        return True
    track(sid)
    with _seats_lock:
        if sid in _seated:
            return True
        if len(_seated) >= max_sessions():
            return False
        _seated.add(sid)
        return True


def grace_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("DESCENTLAB_SESSION_GRACE_S", "20")))
    except ValueError:
        return 20.0


def session_id() -> str:
    """Streamlit's id of the session running this script ("no-session" outside one)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else "no-session"


def track(sid: str) -> None:
    """Note a session (app.py, through ``seated``, on every run), so that its state can be emptied when
    it ends: Streamlit may keep a closed AppSession referenced for a while (its runtime loop's last
    local variable held the last session it served), and with it every trainer in its state."""
    if sid in _apps:
        return
    from streamlit.runtime import Runtime

    try:
        app = Runtime.instance().get_app_session(sid)
    except RuntimeError:  # no runtime (bare mode, a test): nothing to empty later
        return
    if app is not None:
        _apps[sid] = weakref.ref(app)


def _empty_state(sid: str) -> None:
    """Drop what a closed session's AppSession still holds: its state, and its fragments, whose
    closures hold the page script's variables (Streamlit has no public call for the second)."""
    app = _apps.pop(sid, lambda: None)()
    if app is not None:
        app.session_state.clear()
        fragments = getattr(app, "_fragment_storage", None)
        with contextlib.suppress(Exception):
            fragments.clear()


def _watched() -> set[str]:
    from descentlab.ui import budget
    from descentlab.ui.live import route

    with _seats_lock:
        seated_now = set(_seated)
    return set(budget.ledger.sessions()) | route.stream_sessions() | seated_now


def reap(runtime, now: float | None = None) -> list[str]:
    """One look: suspend the streams of disconnected sessions, end those gone past the grace.
    Returns the ids of the sessions ended. Runs on the runtime's event loop (close_session must), so
    nothing here waits: no session lock, no collection."""
    from descentlab.ui import budget
    from descentlab.ui.live import route

    now = time.monotonic() if now is None else now
    ended = []
    for sid in _watched():
        if runtime.is_active_session(sid):
            _gone_since.pop(sid, None)
            continue
        for stream in route.streams_of(sid):
            stream.suspend()
        since = _gone_since.setdefault(sid, now)
        if now - since >= grace_seconds():
            for stream in route.streams_of(sid):
                stream.close()
            runtime.close_session(sid)
            _empty_state(sid)
            with _seats_lock:
                _seated.discard(sid)
            budget.ledger.release(sid)
            _gone_since.pop(sid, None)
            ended.append(sid)
    watched = _watched()
    for sid in [s for s in _gone_since if s not in watched]:
        del _gone_since[sid]
    if ended:
        _log.info("ended %d closed session(s)", len(ended))
    return ended


# glibc serves blocks over 128 KB from fresh mmap pages and trims the heap's top past 128 KB: a frame's
# big temporaries (grids, pictures' buffers) then cost page faults and zeroing every frame. Measured
# when the weights' picture was drawn with PIL (~0.7 MB masks): 15-18 % more CPU per frame
# (bench.ws_load --no-steps: 66-71 user-frames/s per core with glibc's defaults, 77-82 with these).
# Ended sessions' memory still goes back: give_memory_back trims explicitly.
MMAP_THRESHOLD = 4 << 20
TRIM_THRESHOLD = 16 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (malloc.h)


def keep_freed_memory(libc=None) -> bool:
    """Have glibc keep freed blocks of up to MMAP_THRESHOLD for reuse (server.py, at start); False
    where there is no glibc (the defaults stay)."""
    try:
        libc = libc or ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        return False


def give_memory_back() -> None:
    """Free what the ended sessions held, and hand glibc's free lists back to the system."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


async def reap_forever() -> None:
    from streamlit.runtime import Runtime

    while True:
        await asyncio.sleep(CHECK_SECONDS)
        if not Runtime.exists():
            continue
        try:
            if reap(Runtime.instance()):
                await asyncio.to_thread(give_memory_back)  # a full collection: not on the event loop
        except Exception:  # noqa: BLE001 - the reaper must outlive one bad look
            _log.exception("session reaper failed")


@contextlib.asynccontextmanager
async def lifespan(app):
    """st.App's lifespan (server.py): tidy the runs folder, then reap ended sessions while serving."""
    from descentlab.engine.runs import clean_leftovers

    clean_leftovers()
    task = asyncio.create_task(reap_forever())
    try:
        yield
    finally:
        task.cancel()
