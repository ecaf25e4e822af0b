"""Building a run: the data set, network and trainer (with its optimizer) that a RunConfig describes.

descentlab.engine.config says what a run's settings are and how they are written down; this module
turns them into the numpy objects that train, so the config's table and codecs need none of the
modules that build networks. It also holds what building decides beyond the fields: how many
parameter snapshots the trainer may keep.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from descentlab.engine.config import ConfigError, RunConfig

# Parameter snapshots (for rewinding) a run may keep, in bytes: 200 copies of θ is nothing for the
# default network but 6 GB for 16 layers of 512, so big networks keep fewer (never under 4).
SNAPSHOT_BYTES = 16 * 2**20
MAX_SNAPSHOTS = 200


class Run(NamedTuple):
    """What build() makes: descentlab.engine.network.Network, descentlab.engine.datasets.Dataset, descentlab.engine.trainer.Trainer."""

    network: Any
    dataset: Any
    trainer: Any


def build(config: RunConfig, dataset=None) -> Run:
    """Make the data set, network and trainer that `config` describes.

    A given `dataset` (required for config.dataset == "csv") is used as is, ignoring the data fields.
    "draw" without one starts from descentlab.engine.drawn's few points (the drawn set lives with the app)."""
    from descentlab.engine import datasets, network, trainer
    from descentlab.engine.activations import get_activation
    from descentlab.engine.losses import TASK_LOSSES

    c = config
    if dataset is None:
        if c.dataset == "csv":
            raise ConfigError("dataset 'csv' needs the uploaded data: pass build(config, dataset=...)",
                              "dataset")
        try:
            if c.dataset == "draw":
                from descentlab.engine.drawn import DrawnSet
                dataset = DrawnSet.start().dataset(c.features, c.normalization)
            else:
                dataset = datasets.make_dataset(
                    c.dataset, n_samples=c.n_samples, noise=c.noise, test_fraction=c.test_fraction,
                    seed=c.data_seed, features=c.features, normalization=c.normalization)
        except datasets.DatasetError as exc:
            raise ConfigError(f"dataset: {exc}", "dataset") from None
    fits = TASK_LOSSES[dataset.task]
    loss = c.loss or fits[0]
    if loss not in fits:
        raise ConfigError(f"loss {loss!r} does not fit the {dataset.task} task of {dataset.name!r}; "
                          f"use one of {', '.join(fits)}", "loss")
    names = c.activation if isinstance(c.activation, tuple) else (c.activation,)
    acts = [get_activation(a, **({"slope": c.leaky_slope} if a == "leaky_relu" else {}))
            for a in names]
    try:
        net = network.Network(
            [dataset.n_x, *c.hidden, dataset.n_y],
            activation=acts if isinstance(c.activation, tuple) else acts[0],
            output_activation=c.output_activation, loss=loss, init=c.init, init_scale=c.init_scale,
            seed=c.seed, dtype=c.dtype)
    except ValueError as exc:  # the fields are valid one by one; the network refused the mix
        raise ConfigError(f"network: {exc}") from None
    tr = trainer.Trainer(net, dataset, learning_rate=c.learning_rate, optimizer=optimizer_from_config(c),
                         batch_size=c.batch_size, l1=c.l1, l2=c.l2, dropout=c.dropout, seed=c.seed,
                         record_every=c.record_every, target_cost=c.target_cost,
                         max_snapshots=max(4, min(MAX_SNAPSHOTS, SNAPSHOT_BYTES // net.theta.nbytes)))
    if c.edits:
        try:
            tr.plan_edits(c.edits)
        except ValueError as exc:  # valid one by one; this network lacks an entry
            raise ConfigError(f"edits: {exc}", "edits") from None
    return Run(net, dataset, tr)


def optimizer_from_config(config: RunConfig):
    """The optimizer (with its learning-rate schedule) that ``config`` describes, fresh: no moving averages yet."""
    from descentlab.engine.optimizers import make_optimizer, make_schedule

    c = config
    return make_optimizer(c.optimizer, c.learning_rate, make_schedule(c.schedule, c.decay_rate, c.decay_steps),
                          momentum=c.momentum, beta1=c.beta1, beta2=c.beta2, rho=c.rho, epsilon=c.epsilon)
