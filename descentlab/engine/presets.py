"""One-click lecture scenarios, kept in one place: a RunConfig plus the kind of lab that shows it
best and, for side-by-side labs, the one dimension it varies. Every preset is exercised by a test."""
from __future__ import annotations

from dataclasses import dataclass

from descentlab.engine.config import RunConfig

# The kinds of lab a preset can open. The engine knows no pages: descentlab.ui.pages names the page
# that shows each kind, and descentlab.ui.presets_menu opens it.
LABS = ("playground", "compare", "init_lab", "lr")


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    caption: str  # two lines for the lecturer: what to do, what to point at
    config: RunConfig
    lab: str = "playground"  # one of LABS
    vary: tuple[str, tuple] | None = None  # (field, values) for side-by-side comparison


_CIRCLES = RunConfig(dataset="circles", n_samples=400, noise=0.1, hidden=(10, 5), activation="relu",
                     learning_rate=0.01)

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset("default", "Start here: circles with tanh",
               "Press Play: a 2-hidden-layer tanh network separates two rings in seconds.\n"
               "Watch the boundary bend and the cost fall.", RunConfig()),
        Preset("zero_vs_random", "Zero vs random initialization",
               "The course's experiment: [2, 10, 5, 1], ReLU, learning rate 0.01.\n"
               "With zeros the cost stays at ln 2 = 0.693 and accuracy at 50%; He initialization learns.",
               _CIRCLES.replace(init="zeros"), lab="init_lab", vary=("init", ("zeros", "random", "he"))),
        Preset("symmetry", "Symmetry breaking",
               "Zeros: on balanced data every gradient is 0 (up to rounding), nothing moves. A constant start\n"
               "moves, but the rows of W stay identical (one distinct unit per layer); random W breaks the symmetry.",
               RunConfig(dataset="circles", hidden=(6, 4), activation="sigmoid", init="zeros",
                         learning_rate=0.5), lab="init_lab",
               vary=("init", ("zeros", "constant:0.5", "random", "xavier"))),
        Preset("vanishing", "Sigmoid vs ReLU in an 8-layer net (vanishing gradients)",
               "Eight sigmoid layers: the gradient norm of the first layers is orders of magnitude smaller.\n"
               "Side by side with tanh and ReLU, whose first layers do learn.",
               RunConfig(dataset="circles", hidden=(8,) * 8, activation="sigmoid", init="xavier",
                         learning_rate=0.1), lab="compare", vary=("activation", ("sigmoid", "tanh", "relu"))),
        Preset("dead_relus", "Dead ReLUs after a too-large learning rate",
               "A large learning rate throws ReLU units into the region z < 0 for every example.\n"
               "Their gradient is 0 there, so they never come back: see the dead fraction per layer.",
               RunConfig(dataset="circles", hidden=(16, 16), activation="relu", learning_rate=3.0),
               lab="compare", vary=("learning_rate", (0.03, 0.3, 3.0))),
        # Square loss (TensorFlow Playground's) and tanh: with cross-entropy every rate up to 3 converges
        # on this problem, so the lesson would contradict itself (tests/test_presets.py holds it).
        Preset("learning_rates", "Learning rate too small / right / too large",
               "One network, 16 learning rates from 0.001 to 3; the dotted lines mark 0.001, 0.1 and 3.\n"
               "0.001 crawls, about 0.1 converges, and from about 0.6 up the cost blows up within a few "
               "hundred iterations.",
               RunConfig(dataset="circles", n_samples=400, noise=0.1, hidden=(8, 8), activation="tanh",
                         loss="mse", learning_rate=0.1), lab="lr",
               vary=("learning_rate", (0.001, 0.1, 3.0))),
        Preset("normalize", "Why normalize inputs",
               "Extra input features with very different scales make gradient descent zig-zag.\n"
               "Standardized, the same learning rate converges smoothly.",
               RunConfig(dataset="circles", features=("x1", "x2", "x1_sq", "x2_sq", "x1_x2"),
                         normalization="none", hidden=(4,), learning_rate=0.3),
               lab="compare", vary=("normalization", ("none", "standardize"))),
        Preset("overfitting", "Overfitting and L2",
               "Few noisy points and a big network: the training cost falls while the test cost rises.\n"
               "With L2 regularization the boundary smooths out and the test cost improves.",
               RunConfig(dataset="spiral", n_samples=120, noise=0.4, test_fraction=0.5, hidden=(32, 32),
                         activation="relu", optimizer="adam", learning_rate=0.01),
               lab="compare", vary=("l2", (0.0, 0.001, 0.01))),
        Preset("spirals", "Spirals need depth",
               "One hidden layer struggles with two spirals; three layers of tanh untangle them.\n"
               "Look at the unit pictures: later layers combine the simple shapes of the first.",
               RunConfig(dataset="spiral", hidden=(12, 12, 12), activation="tanh", optimizer="adam",
                         learning_rate=0.01), lab="compare", vary=("hidden", ((12,), (12, 12), (12, 12, 12)))),
        Preset("optimizers", "Momentum and Adam vs plain gradient descent",
               "Same network, same start, three optimizers.\n"
               "Momentum and Adam cut through the flat valley that plain gradient descent crawls along.",
               RunConfig(dataset="moons", hidden=(8, 8), activation="tanh", learning_rate=0.01),
               lab="compare", vary=("optimizer", ("gd", "momentum", "adam"))),
    )
}
