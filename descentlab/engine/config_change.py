"""What a change of RunConfig means for a run built from the old one: which changes a running trainer
takes in place (same weights, same history) and which describe another run, and how to apply the first.

Separate from descentlab.engine.config (what the settings are) and descentlab.engine.build (making a
run from them): this is the rule the app follows each time a setting changes while a run exists.
"""
from __future__ import annotations

from typing import NamedTuple

from descentlab.engine.build import optimizer_from_config
from descentlab.engine.config import SPECS, RunConfig

# Changing these continues the run (same weights, same history): the Trainer can take them mid-run.
# Anything else (data, network, initialization, seed, precision...) describes another run: rebuild it.
OPTIMIZER_FIELDS = frozenset({"optimizer", "learning_rate", "momentum", "beta1", "beta2", "rho", "epsilon",
                              "schedule", "decay_rate", "decay_steps"})
# "edits" too: a running run's trainer holds its own edits (the Playground copies them into the config).
CONTINUE_FIELDS = OPTIMIZER_FIELDS | {"batch_size", "l1", "l2", "dropout", "target_cost", "edits"}


def changed_fields(old: RunConfig, new: RunConfig) -> set[str]:
    return {name for name in SPECS if getattr(old, name) != getattr(new, name)}


class ConfigChange(NamedTuple):
    """What going from one RunConfig to another means for the run built from the first."""

    changed: frozenset[str]
    rebuild_fields: frozenset[str]  # the changed fields a running run cannot take; empty = it continues

    @property
    def continues(self) -> bool:
        return not self.rebuild_fields

    @property
    def needs_new_optimizer(self) -> bool:
        """α alone is set on the running optimizer (its state kept); any other optimizer field makes a new one."""
        return bool(self.changed & (OPTIMIZER_FIELDS - {"learning_rate"}))


def config_change(old: RunConfig, new: RunConfig) -> ConfigChange:
    changed = frozenset(changed_fields(old, new))
    return ConfigChange(changed, changed - CONTINUE_FIELDS)


def continue_run(trainer, old: RunConfig, new: RunConfig) -> None:
    """Give ``trainer`` (built from ``old``) the training settings of ``new``; its weights, history and
    iteration stay. Only for a change that continues (ValueError otherwise: that needs build(new))."""
    change = config_change(old, new)
    if not change.continues:
        raise ValueError(f"a running run cannot take these changes: {', '.join(sorted(change.rebuild_fields))}; "
                         "build a new run")
    if not change.changed:
        return
    if "target_cost" in change.changed:  # a lower (or no) target lets a finished run train on
        trainer.set_target_cost(new.target_cost)
    trainer.set_learning_rate(new.learning_rate)
    if change.changed <= {"learning_rate", "edits"}:  # the trainer's edits are its own (it made them)
        return
    trainer.update_settings(optimizer=optimizer_from_config(new) if change.needs_new_optimizer else None,
                            batch_size=new.batch_size, l1=new.l1, l2=new.l2, dropout=new.dropout)
