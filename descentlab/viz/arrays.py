"""Array helpers shared by the builders."""
from __future__ import annotations

import numpy as np


def f32(a) -> np.ndarray:
    """As float32 (half the JSON of float64). Values beyond float32's range become ±inf quietly: a
    diverged run is something to draw (plotly leaves a gap), not a RuntimeWarning."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(a, dtype=np.float64).astype(np.float32)
