"""What the live loop (descentlab.ui.live.player) drives: a LiveTarget.

Every lab page trains something different — one Trainer (Playground), a TrainerGroup (Compare, the
Initialization lab, the schedules), a LoggedSweep (descentlab.engine.sweep, Learning rate), a PathSet of
descent paths (the loss surface), a NeuronTraining (One neuron) — and the one loop plays them all,
because each has exactly these members and the loop uses no others."""
from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class LiveTarget(Protocol):
    """A thing the live loop trains a frame at a time.

    ``step(n)``: train ``n`` more iterations (what it returns is ignored). ``record()``: add one
    history row (one per frame: a frame's charts read it). ``reset()``: back to iteration 0 with the
    same initial weights. ``diverged``: truthy once training has blown up (the loop then pauses);
    ``message``: why, in a sentence the page may show ("" while all is well). A frame calls step and
    record on the frame route's thread (descentlab.ui.live.route), so none of them may read session
    state."""

    diverged: object
    message: str

    def step(self, n: int = 1) -> object: ...

    def record(self) -> object: ...

    def reset(self) -> object: ...
