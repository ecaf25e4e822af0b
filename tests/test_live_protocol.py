"""Every target the live loop plays follows descentlab.ui.live.protocol.LiveTarget, and a thing
missing one of its members does not."""
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.group import build_group
from descentlab.engine.sweep import sweep_from_config
from descentlab.engine.sweep_log import LoggedSweep
from descentlab.lessons.cost_surface import PathSet, neuron_problem
from descentlab.lessons.neuron import NeuronTraining, neuron_config
from descentlab.ui.live import player
from descentlab.ui.live.protocol import LiveTarget

SMALL = RunConfig(hidden=(3,), n_samples=60)
MEMBERS = ("step", "record", "reset", "diverged", "message")
CALLED = ("step", "record", "reset")


def _targets():
    sweep = sweep_from_config(SMALL, [0.01, 0.1])
    return {
        "Trainer (Playground)": build(SMALL).trainer,
        "TrainerGroup (Compare, Initialization lab, schedules)": build_group(SMALL, "learning_rate", [0.01, 0.1]),
        "LoggedSweep (Learning rate)": LoggedSweep(sweep, SMALL),
        "PathSet (loss surface)": PathSet(neuron_problem("gaussians", "linear", noise=0.3), [0.1, 0.5],
                                          start=(1.0, -1.0), bound=100.0),
        "NeuronTraining (One neuron)": NeuronTraining(neuron_config()),
    }


@pytest.mark.parametrize("name", list(_targets()))
def test_every_real_target_is_a_live_target(name):
    target = _targets()[name]
    assert isinstance(target, LiveTarget)
    assert all(callable(getattr(target, m)) for m in CALLED)
    player.train_frame(target, 2, 1e-4)  # what a frame does: step, then record
    assert isinstance(target.message, str) and not target.diverged
    target.reset()


class _Complete:
    diverged, message = False, ""

    def step(self, n=1): ...

    def record(self): ...

    def reset(self): ...


@pytest.mark.parametrize("missing", MEMBERS)
def test_a_thing_missing_a_member_is_not_a_live_target(missing):
    assert isinstance(_Complete(), LiveTarget)
    lacking = type("Lacking", (), {m: getattr(_Complete, m) for m in MEMBERS if m != missing})
    assert not isinstance(lacking(), LiveTarget)


def test_only_a_target_with_a_stopping_rule_finishes():
    """finished is optional: the loop reads it with protocol.finished, False for the targets without one."""
    from descentlab.ui.live.protocol import finished

    assert not any(finished(t) for t in _targets().values())
    trainer = build(SMALL.replace(target_cost=1e6)).trainer  # J starts below it: done at iteration 0
    assert finished(trainer) and trainer.message == "Reached J < 1e+06 at iteration 0"
