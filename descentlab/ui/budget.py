"""Budgets: what one session, and the whole server, may hold, priced by descentlab.engine.cost before anything
is allocated.

A room shares one server, so a run that does not fit is refused with a sentence that says what to
reduce, and the session keeps what it had. Four limits, each an environment variable so that a
department's bigger machine can raise them:

- DESCENTLAB_SESSION_MB (300): the memory one browser tab may hold, over all its pages (the
  Playground's run, Compare's variants, the sweep...). Every preset and the sidebar's default fit.
- DESCENTLAB_SERVER_MB (40 % of the machine's memory): what every session together may hold; past
  it, new work is refused with a message until memory is released (sessions that end give theirs
  back, descentlab.ui.sessions), so that the kernel's OOM killer is not the one who says no. Only a newcomer's
  first small run (16 MB or less: the default run needs 6) is let in regardless. The estimates are within
  2x of the measured peaks, so 40 % keeps even a 2x underestimate off the machine's limit.
- DESCENTLAB_FRAME_WORK (1e10 multiply-adds): the work of the smallest frame (one step and one
  record), which cannot be cut short: a bound on how long one session holds a core at a time. This
  machine's frames do 18-45 billion multiply-adds a second on one core, so a quarter to half a
  second. How the sessions' frames share the cores is descentlab.ui.live.pacing's job.
- DESCENTLAB_COMPUTE_WORK (1e12 multiply-adds): a computation the page waits for (the
  Initialization lab's deep study trains up to 1,000 steps at once), under a minute of a core.

The ledger below is module-level state on purpose: it is the server's, not a user's. It holds only
numbers, by Streamlit's session id and slot (one per page that keeps a trainer), under a lock.
"""
from __future__ import annotations

import contextlib
import os
import threading

from descentlab.engine.cost import MB, Cost, readable_bytes, readable_count
from descentlab.ui.sessions import session_id

# Work this light is never refused for the server's sake: a page must always open on its default run
# (~6 MB), and the server limit is there for the heavy runs, not to lock a late student out.
LIGHT_BYTES = 16 * MB


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def _machine_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def session_limit() -> int:
    return int(_env_number("DESCENTLAB_SESSION_MB", 300) * MB)


def server_limit() -> int:
    return int(_env_number("DESCENTLAB_SERVER_MB", 0.4 * _machine_bytes() / MB) * MB)


def frame_work_limit() -> float:
    return _env_number("DESCENTLAB_FRAME_WORK", 1e10)


def compute_work_limit() -> float:
    return _env_number("DESCENTLAB_COMPUTE_WORK", 1e12)


class Ledger:
    """Bytes each session holds, by slot; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[str, dict[str, int]] = {}

    def reserve(self, sid: str, slot: str, cost: Cost, what: str, reduce: str) -> str | None:
        """Hold ``cost.bytes`` for ``slot`` of session ``sid`` (replacing what the slot held), or say why not."""
        with self._lock:
            refusal = self._refusal(sid, slot, cost, what, reduce)
            if refusal is None:
                self._held.setdefault(sid, {})[slot] = cost.bytes
        return refusal

    def _refusal(self, sid, slot, cost, what, reduce) -> str | None:
        if cost.work > frame_work_limit():
            return (f"{what} needs about {readable_count(cost.work)} multiply-adds a frame; one session may "
                    f"use {readable_count(frame_work_limit())}, so that a frame stays short on cores the room "
                    f"shares. {reduce}")
        nbytes, mine = cost.bytes, self._held.get(sid, {})
        others_here = sum(v for k, v in mine.items() if k != slot)
        if others_here + nbytes > session_limit():
            held = (f"; your other pages hold {readable_bytes(others_here)}" if others_here >= MB else "")
            return (f"{what} needs about {readable_bytes(nbytes)} of memory; one session may hold "
                    f"{readable_bytes(session_limit())}{held}. {reduce}")
        light = others_here == 0 and nbytes <= LIGHT_BYTES  # a newcomer's first, small run
        if not light and self._total() - mine.get(slot, 0) + nbytes > server_limit():
            return (f"The server is full for now: every session together may hold "
                    f"{readable_bytes(server_limit())}, and {what[0].lower() + what[1:]} needs about "
                    f"{readable_bytes(nbytes)} more. Try a smaller run, or again in a minute.")
        return None

    def slot(self, sid: str, slot: str) -> int | None:
        with self._lock:
            return self._held.get(sid, {}).get(slot)

    def put_back(self, sid: str, slot: str, nbytes: int | None) -> None:
        """Give ``slot`` the amount it held before a reservation whose build failed (None: nothing)."""
        with self._lock:
            if nbytes is None:
                self._held.get(sid, {}).pop(slot, None)
            else:
                self._held.setdefault(sid, {})[slot] = nbytes

    def release(self, sid: str) -> None:
        """Everything the session held (it has ended)."""
        with self._lock:
            self._held.pop(sid, None)

    def sessions(self) -> list[str]:
        with self._lock:
            return list(self._held)

    def held(self, sid: str) -> int:
        with self._lock:
            return sum(self._held.get(sid, {}).values())

    def total(self) -> int:
        with self._lock:
            return self._total()

    def _total(self) -> int:
        return sum(sum(slots.values()) for slots in self._held.values())


ledger = Ledger()


class Refused(Exception):
    """What was asked for does not fit the budget; the message says what to reduce."""


@contextlib.contextmanager
def admitted(slot: str, cost: Cost, what: str, reduce: str):
    """Reserve ``cost`` for this session's ``slot`` (e.g. "playground", "compare") around the block that
    builds it: Refused (the caller keeps what the session had) if it does not fit; if the block fails,
    the slot is given back what it held before."""
    sid = session_id()
    before = ledger.slot(sid, slot)
    refusal = ledger.reserve(sid, slot, cost, what, reduce)
    if refusal:
        raise Refused(refusal)
    try:
        yield
    except BaseException:
        ledger.put_back(sid, slot, before)
        raise


@contextlib.contextmanager
def computing(cost: Cost, steps: int, what: str, reduce: str):
    """Hold ``cost`` while a computation the page waits for trains ``steps`` steps (the Initialization
    lab's deep study, the loss slice): its memory counts while it runs, and its total work may not pass
    compute_work_limit()."""
    total = cost.work * max(1, steps)
    if total > compute_work_limit():
        raise Refused(f"{what} needs about {readable_count(total)} multiply-adds; one computation may use "
                      f"{readable_count(compute_work_limit())} (under a minute of a core). {reduce}")
    with admitted("computation", Cost(cost.bytes, 0.0), what, reduce):
        try:
            yield
        finally:
            ledger.put_back(session_id(), "computation", None)


def reason(exc: BaseException) -> str:
    """What to tell the person about a failed build (MemoryError carries no words of its own)."""
    return OUT_OF_MEMORY if isinstance(exc, MemoryError) else str(exc)


OUT_OF_MEMORY = ("The server ran out of memory building this run; nothing changed. Try fewer or narrower "
                 "layers, or fewer examples.")
