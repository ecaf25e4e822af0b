"""The room's frames are made one after another, not side by side.

A frame is mostly Python (numpy on small arrays, strings, JSON) and holds the GIL for most of its
time, so frames made at once do not run in parallel: they take turns at the GIL every few
milliseconds, and each turn evicts the others' data from the core's caches. Measured with
``bench.ws_load --no-steps`` (20 users playing the Playground): side by side a frame cost 1.3-1.4x the
CPU it costs made alone. The frame route therefore queues its requests for one slot per server
process, on the event loop, where waiting holds no thread.

One session must not hold up the room: a request that has waited MAX_WAIT for the slot is made
anyway, beside the frame in progress. A session whose frames are slow (a big network, a busy
moment) thus delays the others' frames by MAX_WAIT at most, as it did before there was a queue.
Touches do not queue: their answer is what a person is waiting for (descentlab.ui.live.route).
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import weakref
from collections.abc import AsyncIterator

MAX_WAIT = 0.05  # s: at ~7 ms a frame and pacing's 0.6 of a core, the queue is a frame or two


class _Slot:
    """Who makes a frame now, and who waits, first come first served. Written out rather than an
    asyncio.Semaphore under a timeout: a wait that runs out just as the slot is handed over must
    neither lose the slot nor hold it forever, and here that is decided in one place, on the loop."""

    def __init__(self) -> None:
        self.busy = False
        self.waiting: collections.deque[asyncio.Future] = collections.deque()

    def release(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():  # a waiter that gave up is cancelled, so done
                turn.set_result(True)  # handed over: the slot stays busy
                return
        self.busy = False


_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Slot] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def frame_slot(max_wait: float = MAX_WAIT) -> AsyncIterator[bool]:
    """Wait for this process's frame slot, at most ``max_wait`` seconds; yields whether it was got
    (False: the wait ran out and the frame is made beside another)."""
    loop = asyncio.get_running_loop()
    slot = _slots.get(loop)
    if slot is None:  # one per event loop (a test may run several loops, one after another)
        slot = _slots[loop] = _Slot()
    if not slot.busy:
        slot.busy = held = True
    else:
        turn = loop.create_future()
        slot.waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), max_wait)
            held = True
        except TimeoutError:
            held = turn.done() and not turn.cancelled()  # handed over as the wait ran out: it is ours
            if not held:
                turn.cancel()  # release() passes over it
    try:
        yield held
    finally:
        if held:
            slot.release()
