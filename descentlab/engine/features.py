"""Feature expansion (TensorFlow Playground's inputs) and normalization for Descent Lab datasets.

Shapes follow the course: X is (n_x, m) with one example per COLUMN, so a "feature" is a ROW.

``DatasetError`` lives here (the lowest module of the datasets package) so that ``features``,
``images``, ``csv_data`` and ``datasets`` can all raise it without circular imports; import it
from ``descentlab.engine.datasets``.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


class DatasetError(ValueError):
    """Bad dataset arguments or a bad uploaded file; the message is one sentence for a student."""


class Feature(NamedTuple):
    """One expanded input: unpacks as ``label, fn = FEATURES[key]``; ``fn(x1, x2)`` -> array."""
    label: str
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]


# ASCII keys (used in URLs and CLI flags) -> display label and function of the raw coordinates.
FEATURES: dict[str, Feature] = {
    "x1": Feature("x₁", lambda x1, x2: x1),
    "x2": Feature("x₂", lambda x1, x2: x2),
    "x1_sq": Feature("x₁²", lambda x1, x2: x1 * x1),
    "x2_sq": Feature("x₂²", lambda x1, x2: x2 * x2),
    "x1_x2": Feature("x₁x₂", lambda x1, x2: x1 * x2),
    "sin_x1": Feature("sin x₁", lambda x1, x2: np.sin(x1)),
    "sin_x2": Feature("sin x₂", lambda x1, x2: np.sin(x2)),
}
DEFAULT_FEATURES = ("x1", "x2")

NORMALIZATIONS = ("none", "standardize", "normalize_rows")

# A feature whose spread is below this fraction of its mean is treated as constant: its "std" is
# only rounding error, and dividing by it would blow the feature up instead of leaving it centred.
_CONSTANT_RTOL = 1e-12


def check_features(features) -> tuple[str, ...]:
    """Validate a feature selection and return it as a tuple of keys (order kept)."""
    valid = ", ".join(FEATURES)
    if isinstance(features, str) or not isinstance(features, (tuple, list)):
        raise DatasetError(f"features must be a tuple of feature names such as ('x1', 'x2'), "
                           f"not {features!r}; the names are: {valid}.")
    if len(features) == 0:
        raise DatasetError(f"features must name at least one feature; the names are: {valid}.")
    for key in features:
        if not isinstance(key, str) or key not in FEATURES:
            raise DatasetError(f"unknown feature {key!r}; the valid features are: {valid}.")
    if len(set(features)) != len(features):
        dup = next(k for k in features if list(features).count(k) > 1)
        raise DatasetError(f"feature {dup!r} is listed twice; each feature may appear only once.")
    return tuple(features)


def check_normalization(normalization) -> str:
    if not isinstance(normalization, str) or normalization not in NORMALIZATIONS:
        raise DatasetError(f"unknown normalization {normalization!r}; the valid choices are: "
                           f"{', '.join(NORMALIZATIONS)}.")
    return normalization


def check_points(points) -> np.ndarray:
    """Raw 2-D points as a float64 (2, m) array, or DatasetError."""
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise DatasetError("points must be a numeric array of shape (2, m).") from None
    if arr.ndim != 2 or arr.shape[0] != 2:
        raise DatasetError(f"points must have shape (2, m) (one point per column), "
                           f"got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise DatasetError("points must be finite numbers (no NaN or infinity).")
    return arr


def expand(points: np.ndarray, keys: tuple[str, ...]) -> np.ndarray:
    """Raw (2, m) points -> (len(keys), m) float64, one row per feature key."""
    x1, x2 = points[0], points[1]
    X = np.empty((len(keys), points.shape[1]), dtype=np.float64)
    for row, key in enumerate(keys):
        X[row] = FEATURES[key].fn(x1, x2)
    return X


def _rms(X: np.ndarray) -> np.ndarray:
    # Root-mean-square of each row, scaled by the row's largest |value| first so squaring can
    # neither overflow (values ~1e200) nor underflow to zero (values ~1e-200).
    peak = np.max(np.abs(X), axis=1, keepdims=True)
    safe = np.where(peak > 0, peak, 1.0)
    return peak * np.sqrt(np.mean((X / safe) ** 2, axis=1, keepdims=True))


def fit_normalization(X_train: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Statistics (shift, scale), each (n_x, 1), computed from TRAINING data only.

    The normalized data is ``(X - shift) / scale``; the same shift/scale are later applied to the
    test set and to new points, so the model never sees statistics of data it is tested on.

    - "none": shift 0, scale 1.
    - "standardize": shift = row mean, scale = row standard deviation; a constant row keeps
      scale 1, so it is only centred (becomes all zeros) instead of dividing by 0.
    - "normalize_rows": the course's normalizeRows applied to X (n_x, m): each row is divided by
      its L2 norm over the m_train training examples, then multiplied by sqrt(m_train), i.e. the
      scale is ||row|| / sqrt(m_train) (the row's root-mean-square). Without the sqrt(m_train)
      factor values would shrink like 1/sqrt(m) as the dataset grows; with it they stay O(1)
      whatever m. An all-zero row keeps scale 1.
    """
    n_x, m = X_train.shape
    shift = np.zeros((n_x, 1))
    scale = np.ones((n_x, 1))
    if method == "none" or m == 0:
        return shift, scale
    if method == "standardize":
        shift = np.mean(X_train, axis=1, keepdims=True)
        spread = _rms(X_train - shift)
        constant = spread <= _CONSTANT_RTOL * np.abs(shift)  # also catches spread == 0
        scale = np.where(constant, 1.0, spread)
    elif method == "normalize_rows":
        rms = _rms(X_train)
        scale = np.where(rms > 0, rms, 1.0)
    else:  # pragma: no cover - callers validate first
        raise DatasetError(f"unknown normalization {method!r}.")
    return shift, scale


def apply_normalization(X: np.ndarray, shift: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return (X - shift) / scale
