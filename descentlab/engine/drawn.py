"""A data set drawn by hand on the input plane (ConvNetJS, GAN Lab): points added and removed one click at a
time, while the network trains on them.

``DrawnSet`` holds the points (raw x₁, x₂), their labels (class 0..k-1, or a value for regression) and the
plane they are drawn on; it makes the ``Dataset`` the trainer trains on (``dataset``), and is written as a
CSV table (``to_csv``, the columns load_csv reads back), as JSON (saved runs, ``to_json``) and as a short
text for links (``encode``: at most LINK_POINTS points).

Rules, chosen for a set that changes while it trains:

- Every drawn point is a training example; the test set is empty. A click must move the boundary: a point
  that went to a test split would be drawn but not learnt, and a split of a few points says nothing.
- Normalization statistics come from the PLANE (a fixed grid over it), not from the points: adding a point
  then changes nothing about the other points' features, so θ keeps its meaning and training just goes on.
  (Statistics of the points would shift every example's inputs at each click and jolt the boundary.)
- The plane is fixed when the set starts (the unit box, or a larger one that holds the start's points);
  points outside it are refused, so the chart's axes do not move while you draw.
- An empty set is allowed: its Dataset has no examples, and the Trainer trains nothing until a point
  is added (descentlab.engine.trainer: step() with an empty training set does nothing).
"""
from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass, field

import numpy as np

from descentlab.engine.datasets import DATASETS, UNIT_BOX, Dataset, make_dataset
from descentlab.engine.features import (
    FEATURES,
    DatasetError,
    apply_normalization,
    check_features,
    check_normalization,
    expand,
    fit_normalization,
)

KINDS = {"2 classes": ("binary", 2), "3 classes": ("multiclass", 3), "values": ("regression", 0)}
DEFAULT_KIND = "2 classes"
MAX_POINTS = 2_000       # the most a drawn set holds (a start of START_POINTS plus clicks)
LINK_POINTS = 200        # the most a link carries (~900 characters of the address)
START_POINTS = 100       # a start from a generated set: enough to see its shape, few enough for a link
MAX_VALUE = 10.0         # |a regression value| drawn (the link keeps 3 decimals)
FEW = "a few points"
EMPTY = "empty plane"
# The default start: two small groups of each class, which any network separates at once, so the first
# click (an "outlier") visibly bends the boundary. Regression: a tilt from -1 to 1.
_FEW_POINTS = np.array([[-0.6, -0.5, -0.7, 0.6, 0.5, 0.7, -0.1, 0.1, 0.0],
                        [0.5, 0.7, 0.3, -0.5, -0.7, -0.3, -0.8, 0.8, 0.1]])
_FEW_LABELS = {"2 classes": [0, 0, 0, 1, 1, 1, None, None, None],
               "3 classes": [0, 0, 0, 1, 1, 1, 2, 2, 2],
               "values": [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]}
_LINK_VERSION = 1
_PLANE_STEP = 20         # the plane's half-width is a whole number of 1/20ths (1.2 = 24/20): exact in a link
_LEVELS = 4095           # 12 bits per coordinate over the plane: 0.0006 on the unit box
_REF_GRID = 41           # the plane's reference grid for normalization statistics (41 x 41 points)


class DrawnError(DatasetError):
    """A drawn set that cannot be made (bad link text, bad saved file, a point off the plane...)."""


def starts() -> tuple[str, ...]:
    """What a drawn set can start from: a few points, nothing, or any generated point set."""
    return (FEW, EMPTY) + tuple(n for n, s in DATASETS.items() if s.kind == "points")


def kind_of_task(task: str, n_classes: int) -> str:
    return "values" if task == "regression" else "3 classes" if n_classes >= 3 else "2 classes"


def _half(points: np.ndarray) -> float:
    """The plane's half-width for these points: the unit box, or 5% beyond the farthest, in 1/20ths."""
    far = float(np.max(np.abs(points))) * 1.05 if points.size else 0.0
    return max(UNIT_BOX, math.ceil(far * _PLANE_STEP - 1e-9) / _PLANE_STEP)


@dataclass(eq=False)
class DrawnSet:
    kind: str = DEFAULT_KIND
    half: float = UNIT_BOX                   # the plane is [-half, half]²
    points: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))  # (2, n) raw x₁, x₂
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0))       # (n,) class index or value

    def __post_init__(self):
        if self.kind not in KINDS:
            raise DrawnError(f"a drawn set is one of {', '.join(KINDS)}, not {str(self.kind)[:20]!r}.")
        self.points = np.array(self.points, dtype=np.float64).reshape(2, -1)
        self.labels = np.array(self.labels, dtype=np.float64).reshape(-1)
        h = float(self.half)
        if not (math.isfinite(h) and UNIT_BOX <= h <= 255 / _PLANE_STEP):
            raise DrawnError(f"the plane's half-width must be from {UNIT_BOX} to {255 / _PLANE_STEP}.")
        self.half = round(h * _PLANE_STEP) / _PLANE_STEP
        n = self.points.shape[1]
        if self.labels.size != n:
            raise DrawnError(f"{n} points but {self.labels.size} labels.")
        if n > MAX_POINTS:
            raise DrawnError(f"a drawn set holds at most {MAX_POINTS:,} points; this one has {n:,}.")
        if not (np.all(np.isfinite(self.points)) and np.all(np.isfinite(self.labels))):
            raise DrawnError("the points and labels must be finite numbers.")
        if n and np.max(np.abs(self.points)) > self.half + 1e-9:
            raise DrawnError(f"a point lies off the plane [-{self.half:g}, {self.half:g}]².")
        k = self.n_classes
        if k and n and not np.all(np.isin(self.labels, np.arange(k))):
            raise DrawnError(f"the classes of a drawn set with {self.kind} are 0 to {k - 1}.")
        if not k and n and np.max(np.abs(self.labels)) > MAX_VALUE:
            raise DrawnError(f"drawn values are from -{MAX_VALUE:g} to {MAX_VALUE:g}.")

    # ---- what it is
    @property
    def task(self) -> str:
        return KINDS[self.kind][0]

    @property
    def n_classes(self) -> int:
        return KINDS[self.kind][1]

    @property
    def size(self) -> int:
        return self.points.shape[1]

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return ((-self.half, self.half), (-self.half, self.half))

    def counts(self) -> list[int]:
        """Points per class (classification); [n] for values."""
        if not self.n_classes:
            return [self.size]
        return [int(np.count_nonzero(self.labels == c)) for c in range(self.n_classes)]

    # ---- starting points
    @classmethod
    def start(cls, start: str = FEW, kind: str | None = None, noise: float = 0.1, seed: int = 0) -> DrawnSet:
        """A new set: ``FEW`` (the default, of ``kind``), ``EMPTY`` (of ``kind``), or START_POINTS points
        of a generated set (its own kind: circles gives 2 classes, blobs3 3, plane values) drawn with
        ``noise`` and ``seed``."""
        if start in (FEW, EMPTY):
            kind = kind or DEFAULT_KIND
            if kind not in KINDS:
                raise DrawnError(f"a drawn set is one of {', '.join(KINDS)}, not {str(kind)[:20]!r}.")
            if start == EMPTY:
                return cls(kind)
            keep = [i for i, v in enumerate(_FEW_LABELS[kind]) if v is not None]
            return cls(kind, UNIT_BOX, _FEW_POINTS[:, keep], [_FEW_LABELS[kind][i] for i in keep])
        if start not in starts():
            raise DrawnError(f"a drawn set starts from {', '.join(starts())}; not {str(start)[:30]!r}.")
        ds = make_dataset(start, n_samples=START_POINTS, noise=noise, test_fraction=0.0, seed=seed)
        return cls.from_dataset(ds)

    @classmethod
    def from_dataset(cls, ds: Dataset) -> DrawnSet:
        """The drawn set of a 2-D point Dataset's training and test points (e.g. the trainer's data)."""
        if ds.points_train is None:
            raise DrawnError(f"'{ds.name}' has no points on a plane to draw on.")
        pts = np.hstack([ds.points_train, ds.points_test])
        Y = np.hstack([ds.Y_train, ds.Y_test])
        labels = Y[0] if ds.task != "multiclass" else np.argmax(Y, axis=0) if Y.size else np.zeros(0)
        if ds.task == "regression":
            labels = np.clip(labels, -MAX_VALUE, MAX_VALUE)
        kind = kind_of_task(ds.task, len(ds.class_names))
        half = _half(pts)
        if ds.name == "draw" and ds.bounds:  # a drawn set's own plane (its points may not reach its edge)
            half = max(half, ds.bounds[0][1])
        return cls(kind, min(half, 255 / _PLANE_STEP), pts, labels)

    # ---- changes (each returns whether the set changed)
    def add(self, x: float, y: float, label: float) -> bool:
        """Add the point (x, y) with ``label`` (a class index, or a value); False if it is off the plane,
        the label does not fit, or the set is full."""
        try:
            x, y, label = float(x), float(y), float(label)
        except (TypeError, ValueError):
            return False
        if not all(map(math.isfinite, (x, y, label))) or max(abs(x), abs(y)) > self.half:
            return False
        if self.n_classes and label not in range(self.n_classes) or not self.n_classes and abs(label) > MAX_VALUE:
            return False
        if self.size >= MAX_POINTS:
            return False
        self.points = np.hstack([self.points, [[x], [y]]])
        self.labels = np.append(self.labels, label)
        return True

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """The index of the point nearest (x, y) within ``radius``, or None."""
        if not self.size or not (math.isfinite(x) and math.isfinite(y)):
            return None
        d = np.hypot(self.points[0] - x, self.points[1] - y)
        i = int(np.argmin(d))
        return i if d[i] <= radius else None

    def remove_near(self, x: float, y: float, radius: float) -> bool:
        """Remove the point nearest (x, y) if it lies within ``radius``."""
        try:
            i = self.nearest(float(x), float(y), float(radius))
        except (TypeError, ValueError):
            return False
        if i is None:
            return False
        self.points = np.delete(self.points, i, axis=1)
        self.labels = np.delete(self.labels, i)
        return True

    def clear(self) -> bool:
        changed = self.size > 0
        self.points, self.labels = np.zeros((2, 0)), np.zeros(0)
        return changed

    def as_kind(self, kind: str) -> DrawnSet:
        """The same points as another kind: 2 -> 3 classes keeps every label; 3 -> 2 classes drops the
        points of class 2; classes -> values gives class c the value c; values -> classes gives class 1
        to the values >= 0 (and 0 to the others)."""
        if kind not in KINDS:
            raise DrawnError(f"a drawn set is one of {', '.join(KINDS)}, not {str(kind)[:20]!r}.")
        pts, lab = self.points, self.labels
        if KINDS[kind][1] and not self.n_classes:
            lab = (lab >= 0).astype(float)
        elif KINDS[kind][1]:
            keep = lab < KINDS[kind][1]
            pts, lab = pts[:, keep], lab[keep]
        return DrawnSet(kind, self.half, pts, lab)

    # ---- what the trainer trains on
    def dataset(self, features=("x1", "x2"), normalization: str = "none") -> Dataset:
        """Every point a training example (no test set), features expanded, normalized with statistics of
        the plane (see the module's docstring): the same for every state of the set."""
        keys = check_features(features)
        normalization = check_normalization(normalization)
        g = np.linspace(-self.half, self.half, _REF_GRID)
        g1, g2 = np.meshgrid(g, g)
        shift, scale = fit_normalization(expand(np.vstack([g1.ravel(), g2.ravel()]), keys), normalization)
        X = apply_normalization(expand(self.points, keys), shift, scale)
        k = self.n_classes
        if self.task == "multiclass":
            Y = (np.arange(k)[:, None] == self.labels[None, :]).astype(np.float64)
        else:
            Y = self.labels.reshape(1, -1).copy()
        n_y = Y.shape[0]
        arrays = dict(X_train=X, Y_train=Y, X_test=np.zeros((len(keys), 0)), Y_test=np.zeros((n_y, 0)),
                      points_train=self.points.copy(), points_test=np.zeros((2, 0)), _shift=shift, _scale=scale)
        for a in arrays.values():
            a.setflags(write=False)
        return Dataset(name="draw", task=self.task, feature_names=tuple(FEATURES[k].label for k in keys),
                       class_names=tuple(str(c) for c in range(k)), bounds=self.bounds, _feature_keys=keys,
                       notes=("Drawn by hand: every point trains; there is no test set.",), **arrays)

    # ---- CSV (the columns descentlab.engine.datasets.load_csv reads back)
    def to_csv(self) -> str:
        lines = ["x1,x2,label"]
        for (a, b), v in zip(self.points.T, self.labels):
            lines.append(f"{float(a)!r},{float(b)!r},{int(v) if self.n_classes else repr(float(v))}")
        return "\n".join(lines) + "\n"

    # ---- JSON (saved runs)
    def to_json(self) -> dict:
        return {"version": 1, "kind": self.kind, "half": self.half, "x1": self.points[0].tolist(),
                "x2": self.points[1].tolist(), "labels": self.labels.tolist()}

    @classmethod
    def from_json(cls, data) -> DrawnSet:
        """Strict: exactly the keys to_json writes, lists of numbers."""
        keys = {"version", "kind", "half", "x1", "x2", "labels"}
        if not isinstance(data, dict) or set(data) != keys or data["version"] != 1:
            raise DrawnError(f"a drawn set is a JSON object with {', '.join(sorted(keys))} (version 1).")
        cols = [data[k] for k in ("x1", "x2", "labels")]
        if not all(isinstance(c, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in c)
                   for c in cols) or not isinstance(data["half"], (int, float)) or isinstance(data["half"], bool):
            raise DrawnError("a drawn set's x1, x2 and labels are lists of numbers, and half a number.")
        if not len(cols[0]) == len(cols[1]) == len(cols[2]):
            raise DrawnError("a drawn set's x1, x2 and labels have different lengths.")
        if len(cols[0]) > MAX_POINTS:
            raise DrawnError(f"a drawn set holds at most {MAX_POINTS:,} points; this one has {len(cols[0]):,}.")
        return cls(data["kind"], data["half"], [cols[0], cols[1]], cols[2])

    # ---- links: version, kind, plane, count, then 12-bit x and y per point, then the labels
    def encode(self) -> str:
        """A short URL-safe text of the set (base64url, no padding); DrawnError over LINK_POINTS points.

        Bytes: version 1, kind (0 values, 2 or 3 classes), the plane's half-width in 1/20ths, the count
        (2 bytes), each point's x and y quantized to 12 bits over the plane (3 bytes), then the labels:
        2 bits each for classes, or int16 thousandths for values."""
        n = self.size
        if n > LINK_POINTS:
            raise DrawnError(f"{n} points are too many for a link (at most {LINK_POINTS}).")
        q = np.rint((self.points + self.half) / (2 * self.half) * _LEVELS).astype(np.int64).clip(0, _LEVELS)
        xy = np.empty(3 * n, np.uint8)
        xy[0::3] = q[0] >> 4
        xy[1::3] = ((q[0] & 15) << 4) | (q[1] >> 8)
        xy[2::3] = q[1] & 255
        if self.n_classes:
            lab = np.zeros(4 * math.ceil(n / 4), np.uint8)
            lab[:n] = self.labels.astype(np.uint8)
            lab = (lab[0::4] << 6 | lab[1::4] << 4 | lab[2::4] << 2 | lab[3::4]).astype(np.uint8)
        else:
            lab = np.rint(self.labels * 1000).astype(">i2").view(np.uint8)
        head = bytes([_LINK_VERSION, self.n_classes, round(self.half * _PLANE_STEP), n >> 8, n & 255])
        return base64.urlsafe_b64encode(head + xy.tobytes() + lab.tobytes()).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text) -> DrawnSet:
        """The set ``encode`` wrote; DrawnError, saying what is wrong, for anything else."""
        if not isinstance(text, str) or not text or len(text) > 2 * (5 + 5 * LINK_POINTS):
            raise DrawnError("the drawn points in the link are missing or too long.")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise DrawnError("the drawn points in the link are not valid (the link may have been cut "
                             "or changed).") from None
        if len(raw) < 5 or raw[0] != _LINK_VERSION or raw[1] not in (0, 2, 3) or not raw[2]:
            raise DrawnError("the drawn points in the link are not in a format this app knows.")
        k, n = raw[1], raw[3] << 8 | raw[4]
        label_bytes = math.ceil(n / 4) if k else 2 * n
        if n > LINK_POINTS or len(raw) != 5 + 3 * n + label_bytes:
            raise DrawnError("the drawn points in the link are cut short or garbled (their length does not "
                             "match their count).")
        half = raw[2] / _PLANE_STEP
        if half < UNIT_BOX:
            raise DrawnError("the drawn points in the link give a plane smaller than the unit box.")
        xy = np.frombuffer(raw, np.uint8, 3 * n, 5).astype(np.int64)
        q = np.vstack([xy[0::3] << 4 | xy[1::3] >> 4, (xy[1::3] & 15) << 8 | xy[2::3]])
        pts = q / _LEVELS * (2 * half) - half
        rest = np.frombuffer(raw, np.uint8, label_bytes, 5 + 3 * n)
        if k:
            labels = np.stack([rest >> 6, rest >> 4 & 3, rest >> 2 & 3, rest & 3], axis=1).ravel()
            if labels[n:].any():  # encode leaves the last byte's unused slots 0
                raise DrawnError("the drawn points in the link are garbled (their last byte is not one "
                                 "this app writes).")
            labels = labels[:n]
        else:
            labels = rest.view(">i2").astype(np.float64) / 1000
        kind = kind_of_task("regression" if not k else "binary", k)
        return cls(kind, half, pts, labels)  # checks the classes and values
