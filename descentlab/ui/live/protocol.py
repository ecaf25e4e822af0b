"""What the live loop (descentlab.ui.live.player) drives: a LiveTarget.

Every lab page trains something different — one Trainer (Playground), a TrainerGroup (Compare, the
Initialization lab, the schedules), a LoggedSweep (descentlab.engine.sweep_log, Learning rate), a PathSet of
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
    state.

    A target with a stopping rule (the Trainer's target cost, "until J < ε") also has ``finished``:
    truthy once the rule is met, when ``step`` trains no further; the loop then pauses and ``message``
    says where. It is optional (read with ``finished(target)``): the others never finish on their own."""

    diverged: object
    message: str

    def step(self, n: int = 1) -> object: ...

    def record(self) -> object: ...

    def reset(self) -> object: ...


def finished(target: LiveTarget) -> bool:
    """Whether ``target`` met its stopping rule (False for a target that has none)."""
    return bool(getattr(target, "finished", False))
