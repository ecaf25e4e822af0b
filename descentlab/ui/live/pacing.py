"""Share the server fairly when a lecture hall plays at once.

One Streamlit server computes every session's frames in one Python process. Left alone, ten
sessions each asking for 20 frames a second want several cores; the server falls behind and a click
(Pause, Step) waits behind everyone's frames for many seconds. Here each playing session measures
the CPU its frames take, and a frame first waits for its turn: with n sessions playing, a session may
use FRAME_SHARE / n of a core, so frames together leave the rest of the core for clicks and page
loads. One person playing alone never waits.

The wait is short sleeps (no CPU, no GIL), each followed by a Streamlit yield point, so a click in
this session interrupts the wait at once instead of queueing behind it.

The registry below is the only module-level state: which sessions framed recently, by the session
id Streamlit gives them. It holds no user data, is guarded by a lock, and forgets a session
ACTIVE_WINDOW seconds after its last frame.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

FRAME_SHARE = 0.6     # of one core, for all sessions' frames together
ACTIVE_WINDOW = 2.0   # s: a session that drew a frame this recently counts as playing
NAP = 0.05            # s between yield points while waiting

_lock = threading.Lock()
_last_frame: dict[str, float] = {}


def playing_sessions(now: float | None = None) -> int:
    """How many sessions drew a frame within ACTIVE_WINDOW; forgets the others."""
    now = time.monotonic() if now is None else now
    with _lock:
        for sid in [s for s, t in _last_frame.items() if now - t > ACTIVE_WINDOW]:
            del _last_frame[sid]
        return len(_last_frame)


def frame_done(session_id: str, now: float | None = None) -> None:
    with _lock:
        _last_frame[session_id] = time.monotonic() if now is None else now


def turn_interval(sessions: int, frame_cpu: float) -> float:
    """Seconds between the starts of one session's frames so that ``sessions`` sessions, each
    spending ``frame_cpu`` CPU seconds a frame, use at most FRAME_SHARE of a core together. A session
    playing alone is not held back (0)."""
    if sessions <= 1:
        return 0.0
    return sessions * max(frame_cpu, 0.0) / FRAME_SHARE


def due(session_id: str, last_start: float, frame_cpu: float, now: float) -> float:
    """When this session's next frame may start: ``last_start + turn_interval(...)``, or ``now`` for a
    session that just pressed Play (its first frame comes at once)."""
    sessions = playing_sessions(now)  # first: it forgets sessions that stopped framing
    if session_id not in _last_frame:
        return now
    return last_start + turn_interval(sessions, frame_cpu)


def wait_for_turn(session_id: str, last_start: float, frame_cpu: float, yield_point: Callable[[], None],
                  sleep: Callable[[float], None] = time.sleep,
                  clock: Callable[[], float] = time.monotonic) -> float:
    """Sleep until ``last_start + turn_interval(...)``, calling ``yield_point`` after every nap (so a
    pending click can interrupt). Returns the seconds waited."""
    start = clock()
    due_at = due(session_id, last_start, frame_cpu, start)
    while (now := clock()) < due_at:
        sleep(min(NAP, due_at - now))
        yield_point()
    return clock() - start
