"""The script's data section: the configured data set regenerated from its seed with the engine's
RNG calls in the engine's order (descentlab.engine.datasets), or, when it cannot be (an uploaded
CSV, the drawn "shapes" pictures), its arrays embedded. Only the parts the config uses are written."""
from __future__ import annotations

import base64
import zlib

import numpy as np

from descentlab.engine.datasets import DATASETS

# Each generator is the engine's, line for line in its random draws; `rng` is the data generator.
_BALANCED = "    y = np.arange(n) % {k}  # balanced classes: example i gets class i mod {k}\n"
GENERATORS = {
    "circles": ("A small ring (label 1) inside a big ring (label 0).", _BALANCED.format(k=2) + """\
    r = np.where(y == 1, 0.5, 1.0)
    t = rng.uniform(0.0, 2 * np.pi, n)
    points = np.stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0.0, noise, (2, n))
    return points, y
"""),
    "moons": ("Two interleaving half-moons, centred and shrunk into the unit box.", _BALANCED.format(k=2) + """\
    t = rng.uniform(0.0, np.pi, n)
    x1 = np.where(y == 0, np.cos(t), 1.0 - np.cos(t))
    x2 = np.where(y == 0, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([(x1 - 0.5) / 1.5, (x2 - 0.25) / 1.5]) + rng.normal(0.0, noise, (2, n))
    return points, y
"""),
    "xor": ("Label 1 where x1 and x2 have the same sign.", _BALANCED.format(k=2) + """\
    a, b = rng.uniform(0.05, 1.0, (2, n))  # magnitudes from 0.05: no clean point on an axis
    s = rng.choice([-1.0, 1.0], n)
    points = np.stack([s * a, np.where(y == 1, s * b, -s * b)])
    return points + rng.normal(0.0, noise, (2, n)), y
"""),
    "gaussians": ("Two round clouds of points on a diagonal.", _BALANCED.format(k=2) + """\
    centre = np.where(y == 1, 0.5, -0.5)
    return centre + rng.normal(0.0, 0.15 + noise, (2, n)), y
"""),
    "spiral": ("Two interleaved spirals (1.75 turns); the jitter is noise / 4.", _BALANCED.format(k=2) + """\
    r = rng.uniform(0.0, 1.0, n)
    t = 1.75 * 2 * np.pi * r + np.pi * (y == 0)
    points = np.stack([r * np.sin(t), r * np.cos(t)]) + rng.normal(0.0, noise / 4, (2, n))
    return points, y
"""),
    "linear": ("Two groups split by a random line through the origin, kept 0.1 away from it.",
               _BALANCED.format(k=2) + """\
    angle = rng.uniform(0.0, np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])  # normal of the separating line
    kept, have = [], 0
    while have < n:  # rejection sampling: drop points closer than 0.1 to the line
        candidates = rng.uniform(-1.0, 1.0, (2, 2 * n))
        candidates = candidates[:, np.abs(w @ candidates) >= 0.1]
        kept.append(candidates)
        have += candidates.shape[1]
    points = np.concatenate(kept, axis=1)[:, :n]
    side = np.sign(w @ points) * np.where(y == 1, 1.0, -1.0)  # flip each point onto its label's side
    return points * side + rng.normal(0.0, noise, (2, n)), y
"""),
    "spiral3": ("Three spiral arms, one class each (CS231n's example).", _BALANCED.format(k=3) + """\
    r = rng.uniform(0.0, 1.0, n)
    t = 4.0 * y + 4.0 * r + rng.normal(0.0, 2.0 * noise, n)
    return np.stack([r * np.sin(t), r * np.cos(t)]), y
"""),
    "blobs3": ("Three round clouds on a triangle, one class each.", _BALANCED.format(k=3) + """\
    angle = np.pi / 2 + 2 * np.pi / 3 * y
    centres = 0.6 * np.stack([np.cos(angle), np.sin(angle)])
    return centres + rng.normal(0.0, 0.15 + noise, (2, n)), y
"""),
    "plane": ("A tilted plane y = (x1 + x2) / 2 plus noise (regression).", """\
    points = rng.uniform(-1.0, 1.0, (2, n))
    return points, (points[0] + points[1]) / 2 + rng.normal(0.0, noise, n)
"""),
    "gaussian_bumps": ("Six bumps and dips (TensorFlow Playground's reg-gauss; regression).", """\
    bumps = ((-2 / 3, 5 / 12, 1.0), (0.0, 5 / 12, -1.0), (2 / 3, 5 / 12, 1.0),
             (-2 / 3, -5 / 12, -1.0), (0.0, -5 / 12, 1.0), (2 / 3, -5 / 12, -1.0))
    points = rng.uniform(-1.0, 1.0, (2, n))
    y = np.zeros(n)
    for cx, cy, sign in bumps:
        y += sign * np.exp(-((points[0] - cx) ** 2 + (points[1] - cy) ** 2) / (2 * 0.2**2))
    return points, y + rng.normal(0.0, noise, n)
"""),
}

FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1_sq": "x1 * x1", "x2_sq": "x2 * x2", "x1_x2": "x1 * x2",
                "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)"}

_SPLIT_STRATIFIED = '''\
def split_train_test(labels, n_test, rng):
    """Shuffle, then hold out n_test examples; each class keeps its share in both parts."""
    order = rng.permutation(len(labels))
    if n_test == 0:
        return order, order[:0]
    classes, counts = np.unique(labels, return_counts=True)
    share = counts * (n_test / len(labels))
    k_test = np.floor(share).astype(int)
    # the largest remainders get the leftover test slots, so exactly n_test are held out
    k_test[np.argsort(k_test - share, kind="stable")[:n_test - k_test.sum()]] += 1
    train, test = [], []
    for c, k in zip(classes, k_test):
        members = order[labels[order] == c]  # this class, in shuffled order
        train.append(members[:members.size - k])
        test.append(members[members.size - k:])
    train, test = np.concatenate(train), np.concatenate(test)
    return train[rng.permutation(train.size)], test[rng.permutation(test.size)]
'''

_SPLIT_PLAIN = '''\
def split_train_test(targets, n_test, rng):
    """Shuffle, then hold out the last n_test examples."""
    order = rng.permutation(len(targets))
    return order[:len(order) - n_test], order[len(order) - n_test:]
'''

_RMS = '''\
def row_rms(X):
    """Root-mean-square of each row, scaled by the row's largest |value| first (no overflow)."""
    peak = np.max(np.abs(X), axis=1, keepdims=True)
    safe = np.where(peak > 0, peak, 1.0)
    return peak * np.sqrt(np.mean((X / safe) ** 2, axis=1, keepdims=True))
'''

NORMALIZE = {
    "standardize": ("Standardize each feature (row) with the TRAINING set's mean and spread; the test "
                    "set reuses them.", _RMS + """
mu = np.mean(X_train, axis=1, keepdims=True)
spread = row_rms(X_train - mu)
sigma = np.where(spread <= 1e-12 * np.abs(mu), 1.0, spread)  # a constant feature is only centred
X_train = (X_train - mu) / sigma
X_test = (X_test - mu) / sigma
"""),
    "normalize_rows": ("Divide each feature (row) by its root-mean-square over the TRAINING set "
                       "(normalizeRows times sqrt(m)); the test set reuses it.", _RMS + """
scale = row_rms(X_train)
scale = np.where(scale > 0, scale, 1.0)
X_train = X_train / scale
X_test = X_test / scale
"""),
}

UNPACK = '''\
def unpack(text, shape):
    """An array embedded below: float64 bytes, zlib-compressed, base64 text."""
    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype="<f8").reshape(shape).copy()
'''


def packed(array, indent: str = "    ") -> str:
    """A literal the script's unpack() reads back bit for bit, cut into lines of 76 characters."""
    data = np.ascontiguousarray(np.asarray(array, dtype="<f8"))
    text = base64.b64encode(zlib.compress(data.tobytes(), 9)).decode("ascii")
    chunks = [text[i:i + 76] for i in range(0, len(text), 76)] or [""]
    body = "".join(f"\n{indent}{c!r}" for c in chunks)
    return f"unpack(({body}\n{indent[:-4]}), {tuple(data.shape)!r})"


def can_regenerate(config) -> bool:
    return config.dataset in GENERATORS


def data_sections(config, dataset):
    """[(markdown, code), ...] that leave X_train, Y_train, X_test, Y_test (columns are examples)."""
    if not can_regenerate(config):
        return [_embedded(config, dataset)]
    c = config
    spec = DATASETS[c.dataset]
    name = f"make_{c.dataset}"
    doc, body = GENERATORS[c.dataset]
    generator = f'def {name}(rng, n, noise):\n    """{doc}"""\n{body}'
    split = _SPLIT_PLAIN if spec.task == "regression" else _SPLIT_STRATIFIED
    rows = ", ".join(FEATURE_CODE[k] for k in c.features)
    features = ('def features(points):\n    """Raw (2, m) points -> one row per input feature."""\n'
                f"    x1, x2 = points[0], points[1]\n    return np.stack([{rows}])\n")
    if spec.task == "multiclass":
        k = len(spec.class_names)
        encode = (f"Y_train = (np.arange({k})[:, None] == labels[train][None, :]).astype(float)  # one-hot, ({k}, m)\n"
                  f"Y_test = (np.arange({k})[:, None] == labels[test][None, :]).astype(float)\n")
    else:
        encode = ("Y_train = labels[train].astype(float).reshape(1, -1)  # (1, m)\n"
                  "Y_test = labels[test].astype(float).reshape(1, -1)\n")
    make = (f"data_seed = {c.data_seed!r}\nn_samples = {c.n_samples!r}\nnoise = {c.noise!r}\n"
            f"test_fraction = {c.test_fraction!r}\n\n"
            "rng = np.random.default_rng(data_seed)  # every draw below comes from this generator, in order\n"
            f"points, labels = {name}(rng, n_samples, noise)\n"
            "n_test = int(round(test_fraction * n_samples))\n"
            "train, test = split_train_test(labels, n_test, rng)\n"
            "X_train, X_test = features(points[:, train]), features(points[:, test])  # (n_x, m)\n" + encode)
    sections = [(f"## The data: {c.dataset}\n\nThe same {c.n_samples} examples as the run, regenerated "
                 "from the data seed. X is (n_x, m): one example per **column**.",
                 "\n\n".join([generator, split, features, make]))]
    if c.normalization in NORMALIZE:
        text, code = NORMALIZE[c.normalization]
        sections.append((text, code))
    return sections


def _embedded(config, dataset):
    why = ("your uploaded CSV file" if config.dataset == "csv"
           else f"the {config.dataset} data set (its pictures are drawn with an image library)")
    code = (f"# The data are embedded: {why} cannot be regenerated with numpy alone.\n"
            "# Features already expanded and normalized as in the run; columns are examples.\n"
            + "\n".join(f"{n} = {packed(getattr(dataset, n))}"
                        for n in ("X_train", "Y_train", "X_test", "Y_test")) + "\n")
    return (f"## The data\n\nThe run's arrays, embedded: {why} cannot be regenerated here. "
            "X is (n_x, m): one example per **column**.", code)
