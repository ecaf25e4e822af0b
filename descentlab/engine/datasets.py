"""Datasets for Descent Lab: toy 2-D point sets, a small image set and CSV uploads.

Course notation: X is (n_x, m) with one example per COLUMN, Y is (n_y, m). Binary labels are a
(1, m) row of 0.0/1.0, multiclass labels are one-hot (k, m), regression targets are (1, m).

Every random draw comes from ``np.random.default_rng(seed)``, so the same arguments always give
bit-identical arrays. Point sets live at unit scale (roughly inside [-1.2, 1.2]^2), like
scikit-learn's. Normalization statistics come from the TRAINING split only and are reused for
the test split and for ``Dataset.featurize`` (e.g. the UI's decision-boundary grid).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Callable

import numpy as np

from descentlab.engine.csv_data import listing, parse_csv
from descentlab.engine.features import (
    DEFAULT_FEATURES,
    FEATURES,
    NORMALIZATIONS,
    DatasetError,
    Feature,
    apply_normalization,
    check_features,
    check_normalization,
    check_points,
    expand,
    fit_normalization,
)
from descentlab.engine.images import (
    SHAPES_CLASS_NAMES,
    image2vector,
    make_shapes,
    pixel_names,
)

__all__ = ["DATASETS", "Dataset", "DatasetError", "DatasetSpec", "FEATURES", "Feature",
           "NORMALIZATIONS", "image2vector", "load_csv", "make_dataset"]

TASKS = ("binary", "multiclass", "regression")
N_SAMPLES_RANGE = (10, 20_000)
UNIT_BOX = 1.2  # generated point sets get at least this plotting box, so plots don't jump around


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split ready for training. Arrays are read-only so a cached dataset can't be
    changed by accident (copy first if you want to modify one)."""
    name: str
    task: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    points_train: np.ndarray | None
    points_test: np.ndarray | None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None
    image_shape: tuple[int, int, int] | None = None
    notes: tuple[str, ...] = ()
    # What featurize() needs to map raw points into exactly the space of X_train.
    _feature_keys: tuple[str, ...] | None = field(default=None, repr=False)
    _shift: np.ndarray | None = field(default=None, repr=False)
    _scale: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_x(self) -> int:
        return self.X_train.shape[0]

    @property
    def n_y(self) -> int:
        return self.Y_train.shape[0]

    @property
    def m_train(self) -> int:
        return self.X_train.shape[1]

    @property
    def m_test(self) -> int:
        return self.X_test.shape[1]

    def _labels(self, Y: np.ndarray) -> np.ndarray:
        if self.task == "regression":
            raise DatasetError(f"'{self.name}' is a regression dataset: it has target values, "
                               f"not class labels.")
        if self.task == "binary":
            return Y[0].astype(np.int64)
        return np.argmax(Y, axis=0).astype(np.int64)

    @property
    def labels_train(self) -> np.ndarray:
        return self._labels(self.Y_train)

    @property
    def labels_test(self) -> np.ndarray:
        return self._labels(self.Y_test)

    def featurize(self, points: np.ndarray) -> np.ndarray:
        """Raw (2, m) points -> (n_x, m): same feature expansion and same TRAIN statistics."""
        if self.points_train is None or self._feature_keys is None:
            raise DatasetError(f"featurize() only works on 2-D point datasets; '{self.name}' "
                               f"has {self.n_x} features that are not 2-D points.")
        pts = check_points(points)
        return apply_normalization(expand(pts, self._feature_keys), self._shift, self._scale)


@dataclass(frozen=True)
class DatasetSpec:
    """One registry entry. ``generator(rng, n, noise)`` returns (raw, targets): raw is (2, n)
    points for kind "points" or (n, h, w, c) uint8 images for kind "images"; targets is (n,)
    int class indices (balanced: counts differ by at most 1) or float regression targets."""
    name: str
    task: str
    description: str
    kind: str
    generator: Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]
    class_names: tuple[str, ...] = ()


# ---------------------------------------------------------------- point-set generators
def _balanced(n: int, k: int) -> np.ndarray:
    # Class i gets every k-th example: counts differ by at most 1; the split shuffles later.
    return np.arange(n) % k


def _circles(rng, n, noise):
    y = _balanced(n, 2)
    r = np.where(y == 1, 0.5, 1.0)
    t = rng.uniform(0.0, 2 * np.pi, n)
    pts = np.stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0.0, noise, (2, n))
    return pts, y


def _moons(rng, n, noise):
    y = _balanced(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    x1 = np.where(y == 0, np.cos(t), 1.0 - np.cos(t))
    x2 = np.where(y == 0, np.sin(t), 0.5 - np.sin(t))
    # sklearn's moons span x in [-1, 2], y in [-0.5, 1]: centre them and shrink into the unit box.
    pts = np.stack([(x1 - 0.5) / 1.5, (x2 - 0.25) / 1.5]) + rng.normal(0.0, noise, (2, n))
    return pts, y


def _xor(rng, n, noise, margin=0.05):
    y = _balanced(n, 2)
    # Magnitudes start at `margin` so no clean point sits on an axis, where the label flips.
    a, b = rng.uniform(margin, 1.0, (2, n))
    s = rng.choice([-1.0, 1.0], n)
    pts = np.stack([s * a, np.where(y == 1, s * b, -s * b)])  # label 1 <=> x1 * x2 > 0
    return pts + rng.normal(0.0, noise, (2, n)), y


def _gaussians(rng, n, noise):
    y = _balanced(n, 2)
    centre = np.where(y == 1, 0.5, -0.5)
    return centre + rng.normal(0.0, 0.15 + noise, (2, n)), y


def _spiral(rng, n, noise):
    # TensorFlow Playground's spiral at unit scale: 1.75 turns, the second arm rotated by pi.
    # Neighbouring arms are only ~0.14 apart, so the jitter std is noise / 4 (noise 0.1 -> 0.025)
    # to keep the arms visible, like Playground's default.
    y = _balanced(n, 2)
    r = rng.uniform(0.0, 1.0, n)
    t = 1.75 * 2 * np.pi * r + np.pi * (y == 0)
    pts = np.stack([r * np.sin(t), r * np.cos(t)]) + rng.normal(0.0, noise / 4, (2, n))
    return pts, y


def _linear(rng, n, noise, margin=0.1):
    y = _balanced(n, 2)
    angle = rng.uniform(0.0, np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])  # normal of the separating line through 0
    kept, have = [], 0
    while have < n:  # rejection sampling: drop points closer than `margin` to the line
        cand = rng.uniform(-1.0, 1.0, (2, 2 * n))
        cand = cand[:, np.abs(w @ cand) >= margin]
        kept.append(cand)
        have += cand.shape[1]
    pts = np.concatenate(kept, axis=1)[:, :n]
    # p and -p lie in the same box on opposite sides: flip each point onto its label's side.
    side = np.sign(w @ pts) * np.where(y == 1, 1.0, -1.0)
    return pts * side + rng.normal(0.0, noise, (2, n)), y


def _spiral3(rng, n, noise):
    # CS231n's 3-arm spiral: radius 0..1, each arm sweeps 4 radians; noise blurs the angle
    # (noise 0.1 -> angle std 0.2 as in the course notes).
    y = _balanced(n, 3)
    r = rng.uniform(0.0, 1.0, n)
    t = 4.0 * y + 4.0 * r + rng.normal(0.0, 2.0 * noise, n)
    return np.stack([r * np.sin(t), r * np.cos(t)]), y


def _blobs3(rng, n, noise):
    y = _balanced(n, 3)
    angle = np.pi / 2 + 2 * np.pi / 3 * y  # centres on a triangle of radius 0.6
    centres = 0.6 * np.stack([np.cos(angle), np.sin(angle)])
    return centres + rng.normal(0.0, 0.15 + noise, (2, n)), y


def _plane(rng, n, noise):
    pts = rng.uniform(-1.0, 1.0, (2, n))
    return pts, (pts[0] + pts[1]) / 2 + rng.normal(0.0, noise, n)


# Playground's "reg-gauss" layout scaled to the unit box: (x, y, sign) of each bump.
_BUMPS = ((-2 / 3, 5 / 12, 1.0), (0.0, 5 / 12, -1.0), (2 / 3, 5 / 12, 1.0),
          (-2 / 3, -5 / 12, -1.0), (0.0, -5 / 12, 1.0), (2 / 3, -5 / 12, -1.0))


def _gaussian_bumps(rng, n, noise, width=0.2):
    pts = rng.uniform(-1.0, 1.0, (2, n))
    y = np.zeros(n)
    for cx, cy, sign in _BUMPS:
        y += sign * np.exp(-((pts[0] - cx) ** 2 + (pts[1] - cy) ** 2) / (2 * width**2))
    return pts, y + rng.normal(0.0, noise, n)


_BIN, _TRI = ("0", "1"), ("0", "1", "2")
DATASETS: dict[str, DatasetSpec] = {s.name: s for s in (
    DatasetSpec("circles", "binary", "A small ring inside a big ring: no straight line separates "
                "them.", "points", _circles, _BIN),
    DatasetSpec("moons", "binary", "Two interleaving half-moons.", "points", _moons, _BIN),
    DatasetSpec("xor", "binary", "Label 1 where x1 and x2 have the same sign (the XOR "
                "problem).", "points", _xor, _BIN),
    DatasetSpec("gaussians", "binary", "Two round clouds of points on a diagonal: the easy "
                "case.", "points", _gaussians, _BIN),
    DatasetSpec("spiral", "binary", "Two interleaved spirals, as in TensorFlow Playground.",
                "points", _spiral, _BIN),
    DatasetSpec("linear", "binary", "Two groups split by a random straight line through the "
                "origin.", "points", _linear, _BIN),
    DatasetSpec("spiral3", "multiclass", "Three spiral arms, one class each (CS231n's "
                "example).", "points", _spiral3, _TRI),
    DatasetSpec("blobs3", "multiclass", "Three round clouds of points, one class each.",
                "points", _blobs3, _TRI),
    DatasetSpec("plane", "regression", "Predict a tilted plane y = (x1 + x2) / 2 plus noise.",
                "points", _plane),
    DatasetSpec("gaussian_bumps", "regression", "Predict a surface of six bumps and dips "
                "(Playground's reg-gauss).", "points", _gaussian_bumps),
    DatasetSpec("shapes", "binary", "16x16 colour pictures: is the shape a circle? (the "
                "course's cat / not-cat, drawn).", "images", make_shapes, SHAPES_CLASS_NAMES),
)}


# ---------------------------------------------------------------- argument checks
def _check_int(arg: str, value, lo: int, hi: int | None) -> int:
    allowed = f"from {lo:,} to {hi:,}" if hi is not None else f"{lo} or more"
    if isinstance(value, bool) or not isinstance(value, Integral) or not (
            lo <= value and (hi is None or value <= hi)):
        raise DatasetError(f"{arg} must be a whole number {allowed}, got {value!r}.")
    return int(value)


def _check_real(arg: str, value, lo: float, hi: float, hi_open: bool, example: str) -> float:
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value) \
        and lo <= value and (value < hi if hi_open else value <= hi)
    if not ok:
        upper = f"below {hi:g}" if hi_open else f"at most {hi:g}"
        raise DatasetError(f"{arg} must be a number at least {lo:g} and {upper} (e.g. {example}), "
                           f"got {value!r}.")
    return float(value)


def _check_split(test_fraction, seed) -> tuple[float, int]:
    return (_check_real("test_fraction", test_fraction, 0.0, 1.0, True, "0.25"),
            _check_int("seed", seed, 0, None))


# ---------------------------------------------------------------- assembly
def _bounds(points: np.ndarray, at_least: float | None):
    box = []
    for lo, hi in zip(points.min(axis=1), points.max(axis=1)):
        span = hi - lo
        pad = 0.05 * span if span > 0 else max(0.5, 0.05 * abs(lo))
        lo, hi = float(lo - pad), float(hi + pad)
        if at_least is not None:
            lo, hi = min(lo, -at_least), max(hi, at_least)
        box.append((lo, hi))
    return tuple(box)


def _encode(task: str, targets: np.ndarray, k: int) -> np.ndarray:
    if task == "multiclass":
        return (np.arange(k)[:, None] == targets[None, :]).astype(np.float64)
    return np.asarray(targets, dtype=np.float64).reshape(1, -1)


def _frozen(a):
    if a is not None:
        a.setflags(write=False)
    return a


def _split(targets, task, n_test, rng):
    """Random train/test split; stratified for classification, so a balanced set stays balanced
    in both parts (zero initialization then sits at exactly 50% accuracy, as the course says)."""
    order = rng.permutation(len(targets))
    if task == "regression" or n_test == 0:
        return order[:len(order) - n_test], order[len(order) - n_test:]
    classes, counts = np.unique(targets, return_counts=True)
    share = counts * (n_test / len(targets))
    k_test = np.floor(share).astype(int)
    # largest remainders get the leftover test slots, so the test set has exactly n_test examples
    k_test[np.argsort(k_test - share, kind="stable")[:n_test - k_test.sum()]] += 1
    train, test = [], []
    for c, k in zip(classes, k_test):
        members = order[targets[order] == c]  # this class, in shuffled order
        train.append(members[:members.size - k])
        test.append(members[members.size - k:])
    train, test = np.concatenate(train), np.concatenate(test)
    return train[rng.permutation(train.size)], test[rng.permutation(test.size)]


def _assemble(*, name, task, targets, class_names, rng, test_fraction, normalization,
              feature_names, points=None, X_raw=None, keys=None, image_shape=None, notes=(),
              unit_box=False) -> Dataset:
    """Shuffle with ``rng``, split (the last round(test_fraction * n) are the test set), expand,
    normalize with train statistics and encode Y. Give either 2-D ``points`` + ``keys`` or
    ``X_raw`` (n_x, n)."""
    n = len(targets)
    n_test = int(round(test_fraction * n))
    if n - n_test < 1:
        raise DatasetError(f"test_fraction={test_fraction:g} puts all {n} examples in the test "
                           f"set and none in the training set; use a smaller test_fraction.")
    train, test = _split(targets, task, n_test, rng)
    if points is not None:
        p_train, p_test = points[:, train].copy(), points[:, test].copy()
        raw_train, raw_test = expand(p_train, keys), expand(p_test, keys)
    else:
        p_train = p_test = None
        raw_train, raw_test = X_raw[:, train], X_raw[:, test]
    shift, scale = fit_normalization(raw_train, normalization)
    k = len(class_names)
    return Dataset(
        name=name, task=task,
        X_train=_frozen(apply_normalization(raw_train, shift, scale)),
        Y_train=_frozen(_encode(task, targets[train], k)),
        X_test=_frozen(apply_normalization(raw_test, shift, scale)),
        Y_test=_frozen(_encode(task, targets[test], k)),
        feature_names=tuple(feature_names), class_names=tuple(class_names),
        points_train=_frozen(p_train), points_test=_frozen(p_test),
        bounds=None if points is None else _bounds(points, UNIT_BOX if unit_box else None),
        image_shape=image_shape, notes=tuple(notes),
        _feature_keys=None if points is None else keys,
        _shift=_frozen(shift), _scale=_frozen(scale))


def make_dataset(name: str, n_samples: int = 400, noise: float = 0.1, test_fraction: float = 0.25,
                 seed: int = 0, features=DEFAULT_FEATURES, normalization: str = "none") -> Dataset:
    """Generate the registered dataset ``name`` (see DATASETS) and split it into train/test.

    n_samples: 10..20000 examples in total (classes balanced, counts differ by at most 1);
    noise: 0..1 (its meaning per dataset is in each generator, mostly a Gaussian std);
    test_fraction: 0 <= f < 1 (0 gives empty (n_x, 0) test arrays); seed: int >= 0;
    features: keys of FEATURES (point sets only); normalization: one of NORMALIZATIONS.
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; the datasets are: {', '.join(DATASETS)}.")
    spec = DATASETS[name]
    n = _check_int("n_samples", n_samples, *N_SAMPLES_RANGE)
    noise = _check_real("noise", noise, 0.0, 1.0, False, "0.1")
    test_fraction, seed = _check_split(test_fraction, seed)
    keys = check_features(features)
    normalization = check_normalization(normalization)
    rng = np.random.default_rng(seed)
    if spec.kind == "images":
        if keys != DEFAULT_FEATURES:
            raise DatasetError(f"'{name}' is an image dataset: feature expansion only works on "
                               f"2-D point sets, so leave features at ('x1', 'x2').")
        images, labels = spec.generator(rng, n, noise)
        return _assemble(name=name, task=spec.task, targets=labels, class_names=spec.class_names,
                         rng=rng, test_fraction=test_fraction, normalization=normalization,
                         feature_names=pixel_names(images.shape[1:]),
                         X_raw=image2vector(images) / 255.0, image_shape=tuple(images.shape[1:]))
    points, targets = spec.generator(rng, n, noise)
    return _assemble(name=name, task=spec.task, targets=targets, class_names=spec.class_names,
                     rng=rng, test_fraction=test_fraction, normalization=normalization,
                     feature_names=[FEATURES[k].label for k in keys], points=points, keys=keys,
                     unit_box=True)


def load_csv(data: bytes | str, label_column: str | None = None, test_fraction: float = 0.25,
             seed: int = 0, features=None, normalization: str = "none",
             max_bytes: int = 5_000_000, max_rows: int = 100_000) -> Dataset:
    """Build a Dataset from an uploaded CSV file (bytes or text); see descentlab.engine.csv_data for checks.

    Besides max_bytes and max_rows, descentlab.engine.csv_data bounds the work: at most MAX_COLUMNS columns
    (refused before the body is parsed) and MAX_CELLS rows x columns (later rows cut, with a note).

    The label column is ``label_column``, else a column named label / y / class / target (any
    case), else the last column. Integer or text labels with 2 values -> binary (sorted values
    map to 0/1), 3..20 values -> multiclass; other numeric labels -> regression. With exactly 2
    feature columns the data is a 2-D point set and ``features`` may expand it; otherwise
    ``features`` must be None or ('x1', 'x2'), meaning "the columns as they are".
    """
    test_fraction, seed = _check_split(test_fraction, seed)
    keys = None if features is None else check_features(features)
    normalization = check_normalization(normalization)
    parsed = parse_csv(data, label_column, max_bytes, max_rows)
    notes = list(parsed.notes)
    common = dict(name="csv", task=parsed.task, targets=parsed.targets,
                  class_names=parsed.class_names, rng=np.random.default_rng(seed),
                  test_fraction=test_fraction, normalization=normalization)
    n_cols = len(parsed.feature_columns)
    if n_cols != 2:
        if keys not in (None, DEFAULT_FEATURES):
            raise DatasetError(f"feature expansion needs exactly 2 feature columns, but the file "
                               f"has {n_cols} ({listing(parsed.feature_columns)}); leave "
                               f"features unset.")
        return _assemble(**common, feature_names=parsed.feature_columns, X_raw=parsed.X,
                         notes=notes)
    keys = keys or DEFAULT_FEATURES
    if keys == DEFAULT_FEATURES:
        names = parsed.feature_columns
    else:
        names = [FEATURES[k].label for k in keys]
        a, b = parsed.feature_columns
        notes.append(f"x₁ is column '{a}' and x₂ is column '{b}'.")
    return _assemble(**common, feature_names=names, points=parsed.X, keys=keys, notes=notes)
