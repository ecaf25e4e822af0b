"""descentlab.engine.config_change's run rules: which config changes a running run takes (and how), which
rebuild it; and descentlab.engine.build's one way a config makes its optimizer."""
import numpy as np
import pytest

from descentlab.engine.build import build, optimizer_from_config
from descentlab.engine.config import SPECS, RunConfig
from descentlab.engine.config_change import (
    CONTINUE_FIELDS,
    OPTIMIZER_FIELDS,
    config_change,
    continue_run,
)
from descentlab.engine.optimizers import Adam, Momentum, Schedule

BASE = RunConfig(n_samples=80, hidden=(4,))


def test_training_settings_continue_and_the_rest_rebuilds_naming_the_fields():
    same = config_change(BASE, BASE)
    assert same.changed == frozenset() and same.continues
    lr = config_change(BASE, BASE.replace(learning_rate=0.1, batch_size=16, l2=0.01))
    assert lr.continues and lr.changed == {"learning_rate", "batch_size", "l2"} and lr.rebuild_fields == frozenset()
    mixed = config_change(BASE, BASE.replace(hidden=(6,), seed=3, learning_rate=0.1))
    assert not mixed.continues
    assert mixed.changed == {"hidden", "seed", "learning_rate"} and mixed.rebuild_fields == {"hidden", "seed"}


def test_only_optimizer_fields_other_than_alpha_need_a_new_optimizer():
    assert not config_change(BASE, BASE.replace(learning_rate=0.1)).needs_new_optimizer
    assert not config_change(BASE, BASE.replace(batch_size=8, dropout=0.2)).needs_new_optimizer
    assert config_change(BASE, BASE.replace(beta1=0.8)).needs_new_optimizer
    assert config_change(BASE, BASE.replace(schedule="step")).needs_new_optimizer


def test_the_rule_names_real_fields_only():
    assert OPTIMIZER_FIELDS <= CONTINUE_FIELDS <= set(SPECS)
    assert {"dataset", "hidden", "init", "seed", "dtype"}.isdisjoint(CONTINUE_FIELDS)


def test_the_optimizer_reads_every_optimizer_field_of_the_config():
    c = BASE.replace(optimizer="adam", learning_rate=0.02, beta1=0.8, beta2=0.99, epsilon=1e-6,
                     schedule="exponential", decay_rate=0.25, decay_steps=50)
    opt = optimizer_from_config(c)
    assert isinstance(opt, Adam) and opt.learning_rate == 0.02 and opt.t == 0
    assert (opt.beta1, opt.beta2, opt.epsilon) == (0.8, 0.99, 1e-6)
    assert opt.schedule == Schedule("exponential", 0.25, 50)
    built = build(c).trainer.optimizer  # build() makes its optimizer the same way
    assert type(built) is Adam and (built.beta1, built.beta2, built.epsilon, built.schedule) == \
        (opt.beta1, opt.beta2, opt.epsilon, opt.schedule)


def test_alpha_alone_keeps_the_optimizer_and_its_state():
    tr = build(BASE.replace(optimizer="momentum")).trainer
    tr.step(5)
    opt, theta = tr.optimizer, tr.network.theta.copy()
    continue_run(tr, BASE.replace(optimizer="momentum"), BASE.replace(optimizer="momentum", learning_rate=0.5))
    assert tr.optimizer is opt and opt.learning_rate == 0.5 and opt.t == 5
    assert tr.iteration == 5 and np.array_equal(tr.network.theta, theta)


def test_other_training_settings_continue_with_a_new_optimizer_when_one_is_named():
    tr = build(BASE).trainer
    tr.step(5)
    theta, rows = tr.network.theta.copy(), len(tr.history)
    new = BASE.replace(optimizer="momentum", momentum=0.5, learning_rate=0.2, batch_size=16, l1=0.01, l2=0.1,
                       dropout=0.25)
    continue_run(tr, BASE, new)
    assert isinstance(tr.optimizer, Momentum) and tr.optimizer.beta == 0.5 and tr.optimizer.learning_rate == 0.2
    assert tr.optimizer.t == 5  # its schedule continues from the run's iteration
    assert (tr.batch_size, tr.l1, tr.l2, tr.keep_prob) == (16, 0.01, 0.1, 0.75)
    assert tr.iteration == 5 and np.array_equal(tr.network.theta, theta) and len(tr.history) == rows
    opt = tr.optimizer
    continue_run(tr, new, new.replace(batch_size=None))  # no optimizer field: the same optimizer goes on
    assert tr.optimizer is opt and tr.batch_size is None


def test_a_change_that_rebuilds_is_refused_by_continue_run():
    tr = build(BASE).trainer
    with pytest.raises(ValueError, match="hidden"):
        continue_run(tr, BASE, BASE.replace(hidden=(5,), learning_rate=0.1))
    assert tr.optimizer.learning_rate == BASE.learning_rate  # nothing was half applied


def test_a_new_target_cost_continues_the_run_and_lets_a_finished_one_train_on():
    run = build(BASE)
    run.trainer.step(40)
    reached = BASE.replace(target_cost=run.trainer.last_record["cost_train"] * 2)
    assert config_change(BASE, reached).continues and not config_change(BASE, reached).needs_new_optimizer
    continue_run(run.trainer, BASE, reached)
    assert run.trainer.finished and run.trainer.target_reached_at == 40  # already below it: stops here
    continue_run(run.trainer, reached, BASE)  # no target: trains on
    run.trainer.step(5)
    assert not run.trainer.finished and run.trainer.iteration == 45
