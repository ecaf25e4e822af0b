"""What deep networks are for, and the kinds of data they learn from, for the home page: the lab's own
data sets (the engine's registry, descentlab.engine.datasets.DATASETS, plus a CSV upload) sorted into
structured / unstructured data and supervised classification / regression.

Whether a set is a classification or a regression comes from the registry's ``task``; what only a
person can say (are the numbers in a table with a meaning per column, or pixels?) is written here, once
per data set. A data set added to the registry without a line in ``STRUCTURE`` fails ``sort_datasets``
(and its test) until someone sorts it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from descentlab.engine.datasets import DATASETS, Dataset, make_dataset

STRUCTURED, UNSTRUCTURED = "structured", "unstructured"
CSV = "csv"  # an uploaded table: not in the registry, made by load_csv

# What an example x is, per data set, and whether those numbers are structured (each one a named
# quantity, a column of a table) or unstructured (pixels, sound, words: meaning only in the pattern).
STRUCTURE: dict[str, tuple[str, str]] = {
    "circles": (STRUCTURED, "two coordinates (x1, x2)"),
    "moons": (STRUCTURED, "two coordinates (x1, x2)"),
    "xor": (STRUCTURED, "two coordinates (x1, x2)"),
    "gaussians": (STRUCTURED, "two coordinates (x1, x2)"),
    "spiral": (STRUCTURED, "two coordinates (x1, x2)"),
    "linear": (STRUCTURED, "two coordinates (x1, x2)"),
    "spiral3": (STRUCTURED, "two coordinates (x1, x2)"),
    "blobs3": (STRUCTURED, "two coordinates (x1, x2)"),
    "plane": (STRUCTURED, "two coordinates (x1, x2)"),
    "gaussian_bumps": (STRUCTURED, "two coordinates (x1, x2)"),
    "shapes": (UNSTRUCTURED, "a 16 × 16 colour picture: 768 pixel values"),
    CSV: (STRUCTURED, "one row of your table: a number per column"),
}


@dataclass(frozen=True)
class DataKind:
    name: str
    structure: str  # STRUCTURED or UNSTRUCTURED
    learning: str   # "supervised": every example comes with its label y
    task: str       # "classification" or "regression"
    classes: int    # for classification; 0 for regression (and an upload, which decides when read)
    example: str    # what one example x is
    description: str


def _task(task: str) -> str:
    return "regression" if task == "regression" else "classification"


def sort_datasets() -> list[DataKind]:
    """Every registered data set, then the CSV upload, with its kind; KeyError naming any data set
    of the registry that STRUCTURE does not sort."""
    unsorted = [name for name in DATASETS if name not in STRUCTURE]
    if unsorted:
        raise KeyError(f"data sets not sorted into structured / unstructured: {', '.join(unsorted)} "
                       "(add them to descentlab.lessons.data_kinds.STRUCTURE)")
    kinds = [DataKind(name, STRUCTURE[name][0], "supervised", _task(spec.task), len(spec.class_names),
                      STRUCTURE[name][1], spec.description) for name, spec in DATASETS.items()]
    kinds.append(DataKind(CSV, STRUCTURE[CSV][0], "supervised", "classification or regression", 0,
                          STRUCTURE[CSV][1], "Its label column decides the task: 2–20 different "
                          "values, classification; other numbers, regression."))
    return kinds


def groups() -> dict[tuple[str, str], list[DataKind]]:
    """{(structure, task): its data sets}, in a fixed order: structured classification, structured
    regression, unstructured classification, then the upload's group (structured, either task)."""
    out: dict[tuple[str, str], list[DataKind]] = {}
    for k in sorted(sort_datasets(), key=lambda k: (k.name == CSV, k.structure != STRUCTURED,
                                                    k.task != "classification")):
        out.setdefault((k.structure, k.task), []).append(k)
    return out


def summary(members: list[DataKind]) -> str:
    """One line on what x and y are in a group of data sets."""
    examples = sorted({k.example for k in members})
    if all(k.task == "regression" for k in members):
        y = "a number"
    else:
        counts = sorted({k.classes for k in members})
        y = f"one of {' or '.join(map(str, counts))} classes"
    drawn = all(k.structure == STRUCTURED for k in members)  # points, coloured by their y
    return f"x: {'; '.join(examples)}. y: {y}{' (the colour)' if drawn else ''}."


def samples(name: str, n: int = 150, seed: int = 0) -> Dataset:
    """A small draw of a registered data set, for a thumbnail."""
    return make_dataset(name, n_samples=n, noise=0.1, test_fraction=0.0, seed=seed)


# What deep networks are used for: (input x, output y, the kind of network, the kind of data).
USES = (
    ("a home's size, rooms, postcode", "its price", "a standard network", STRUCTURED),
    ("an ad and what a user has clicked", "will they click it? (0 / 1)", "a standard network", STRUCTURED),
    ("a photo", "what is in it, e.g. one of 1,000 objects", "a convolutional network", UNSTRUCTURED),
    ("a recording of speech", "the words, as text", "a recurrent network", UNSTRUCTURED),
    ("a sentence in English", "the sentence in French", "a recurrent network (or a transformer)", UNSTRUCTURED),
    ("a camera image and radar", "where the other cars are", "convolutional + custom parts", UNSTRUCTURED),
)


def value_range(d: Dataset) -> tuple[float, float]:
    """The targets' range of a regression set (for a shared colour scale)."""
    y = np.asarray(d.Y_train[0])
    return float(y.min()), float(y.max())
