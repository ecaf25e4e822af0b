"""Is a run learning? A diagnosis a lecturer can point at, from the history alone.

A run that diverges says so (NaN or inf), but a run can fail without overflowing: at learning rate 10
on circles the cost sits at 9.5 with 50 % accuracy for 44,000 iterations, and a dead ReLU network
stays at J = ln 2 with every unit dead. ``diagnose`` reads the newest rows of a history and names
the first of these it finds, in this order:

- a hidden layer whose units are all dead (ReLU: 0 on every example) or all saturated (|g'| < 1e-2
  almost everywhere): no gradient gets through it;
- the cost rising over the last window: the learning rate may be too large;
- the cost oscillating (its steps change sign most of the time, by more than a few percent);
- classification accuracy at chance (the largest class's share) after MIN_ITERATIONS, with the cost
  not falling either.

It is a diagnosis, not a stop: the run goes on. Nothing is said before MIN_ITERATIONS, while any run
is still starting.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_ITERATIONS = 300   # a run is still starting before this
WINDOW = 30            # newest recorded rows looked at
RISE = 0.05            # the cost ended this share above the window's lowest
SWING = 0.05           # an oscillation moves the cost by this share of its level
FLIPS = 0.4            # ...and its steps change sign at least this often
SATURATED = 0.99       # share of a layer's values with |g'| below the saturation threshold
CHANCE_MARGIN = 0.02   # accuracy within this of chance is chance
FALLING = 0.01         # ...unless the cost fell by this share over the window


@dataclass(frozen=True)
class Diagnosis:
    kind: str   # "dead", "saturated", "rising", "oscillating", "chance"
    short: str  # for a table cell
    text: str   # a sentence for a status line


def chance_accuracy(dataset) -> float | None:
    """The accuracy of always guessing the most common class (None for regression)."""
    if dataset.task == "regression":
        return None
    Y = np.asarray(dataset.Y_train)
    shares = np.bincount((Y[0] > 0.5).astype(int), minlength=2) if Y.shape[0] == 1 else Y.sum(axis=1)
    return float(np.max(shares) / max(Y.shape[1], 1))


def diagnose(history: pd.DataFrame, chance: float | None = None) -> Diagnosis | None:
    """The first sign (see the module) that the run of ``history`` is not learning, or None."""
    if history is None or len(history) < 2 or int(history["iteration"].iloc[-1]) < MIN_ITERATIONS:
        return None
    last = history.iloc[-1]
    for column in (c for c in history.columns if c.startswith("dead_")):
        if last[column] >= 1.0:
            layer = column.removeprefix("dead_")
            return Diagnosis("dead", f"layer {layer} dead",
                             f"Every unit of layer {layer} is dead (0 on every example): no gradient reaches "
                             "them, so they never come back.")
    for column in (c for c in history.columns if c.startswith("saturated_")):
        if last[column] >= SATURATED:
            layer = column.removeprefix("saturated_")
            return Diagnosis("saturated", f"layer {layer} saturated",
                             f"Layer {layer} is saturated: g′(z) is almost 0 for every example, so its "
                             "gradients vanish.")
    cost = history["cost_train"].to_numpy(float)[-WINDOW:]
    if len(cost) >= 5 and np.all(np.isfinite(cost)):
        low, level = cost.min(), max(abs(float(np.median(cost))), 1e-12)
        if cost[-1] > cost[0] and cost[-1] - low > RISE * level:
            return Diagnosis("rising", "cost rising",
                             "The cost is rising: the learning rate may be too large.")
        steps = np.diff(cost)
        flips = np.count_nonzero(np.sign(steps[1:]) * np.sign(steps[:-1]) < 0) / max(len(steps) - 1, 1)
        if flips >= FLIPS and cost.max() - low > SWING * level:
            return Diagnosis("oscillating", "cost oscillating",
                             "The cost is oscillating: the learning rate may be too large.")
    # at chance, and the cost not falling either (a slow run at chance is still on its way)
    falling = len(cost) >= 5 and cost[0] - cost[-1] > FALLING * max(abs(float(cost[0])), 1e-12)
    if chance is not None and "accuracy_train" in history and last["accuracy_train"] <= chance + CHANCE_MARGIN \
            and not falling:
        return Diagnosis("chance", "at chance",
                         f"Accuracy is at chance ({chance:.0%}) after {int(last['iteration']):,} iterations: "
                         "the network is not learning.")
    return None
