"""The course's binary image classifier on the engine's "shapes" pictures: is it a circle?

Logistic regression (the course's first model) or a network with one hidden layer, each a RunConfig
trained by the engine's Trainer. ``train_classifier`` returns a frozen result — read-only parameters,
scores and the cost history as arrays — so one trained model can be shared by every user (e.g. in
st.cache_resource); ``predict`` builds a fresh Network from it for each question.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.images import IMAGE_SHAPE, model_input
from descentlab.engine.network import Network


@dataclass(frozen=True)
class ModelSpec:
    label: str
    config: RunConfig
    iterations: int


_DATA = dict(dataset="shapes", n_samples=2000, noise=0.1, test_fraction=0.25, data_seed=0, seed=0,
             optimizer="gd", dtype="float32", record_every=25)
MODELS: dict[str, ModelSpec] = {
    # zeros, as the course starts logistic regression; a small α: 768 inputs sum into one z.
    # Measured (seed 0): logistic ~73% train / 75% test, hidden ~89% / 88%; both get the four
    # example pictures in assets/examples right.
    "logistic": ModelSpec("Logistic regression", RunConfig(**_DATA, hidden=(), init="zeros",
                                                           learning_rate=0.01), 1500),
    "hidden": ModelSpec("One hidden layer (16 ReLU units)", RunConfig(
        **_DATA, hidden=(16,), activation="relu", init="he", learning_rate=0.05), 1500),
}


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class TrainedClassifier:
    key: str
    label: str
    config: RunConfig
    layer_sizes: tuple[int, ...]
    params: Mapping[str, np.ndarray]      # {"W1", "b1", ...}, read-only
    scores: Mapping[str, float]           # cost_train, accuracy_train, cost_test, accuracy_test
    history: Mapping[str, np.ndarray]     # iteration, cost_train, cost_test, accuracy_* columns
    dataset: object                       # the shapes Dataset (its arrays are read-only)
    iterations: int

    def network(self) -> Network:
        """A fresh Network holding the trained parameters (safe to use, nothing shared changes)."""
        c = self.config
        net = Network(self.layer_sizes, activation=c.activation, init="zeros", dtype=c.dtype)
        net.set_params(self.params)
        return net

    def predict(self, pixels: np.ndarray) -> float:
        """P(circle) for one RGB picture of any size (resized to 16 × 16 × 3 first)."""
        return float(self.network().forward(model_input(pixels, IMAGE_SHAPE[0]))[0, 0])


def train_classifier(key: str, progress: Callable[[float], None] | None = None,
                     chunk: int = 100) -> TrainedClassifier:
    """Train MODELS[key] with the engine (``progress(fraction)`` after every ``chunk`` iterations)."""
    if key not in MODELS:
        raise ValueError(f"unknown model {key!r}; the models are: {', '.join(MODELS)}")
    spec = MODELS[key]
    run = build(spec.config)
    tr = run.trainer
    while tr.iteration < spec.iterations and not tr.diverged:
        tr.step(min(chunk, spec.iterations - tr.iteration))
        if progress is not None:
            progress(tr.iteration / spec.iterations)
    row = tr.record()
    h = tr.history
    columns = ("iteration", "cost_train", "cost_test", "accuracy_train", "accuracy_test")
    return TrainedClassifier(
        key=key, label=spec.label, config=spec.config, layer_sizes=run.network.layer_sizes,
        params=MappingProxyType({k: _frozen(v) for k, v in run.network.params.items()}),
        scores=MappingProxyType({k: float(row[k]) for k in columns[1:]}),
        history=MappingProxyType({c: _frozen(h[c].to_numpy()) for c in columns}),
        dataset=run.dataset, iterations=tr.iteration)
