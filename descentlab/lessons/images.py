"""The Images page's worked example: the lecture's 3 × 3 × 2 array unrolled by the engine's
image2vector into one (18, 1) column (height 3, width 3, 2 channels rather than R, G, B)."""
from __future__ import annotations

import numpy as np

from descentlab.engine.images import image2vector

LECTURE_IMAGE = np.array([
    [[0.139, 0.381], [0.982, 0.647], [0.251, 0.551]],
    [[0.219, 0.647], [0.703, 0.845], [0.397, 0.313]],
    [[0.855, 0.165], [0.313, 0.937], [0.279, 0.077]],
])
LECTURE_IMAGE.setflags(write=False)


def lecture_vector(image: np.ndarray = LECTURE_IMAGE) -> np.ndarray:
    """image2vector of the lecture's array: shape (3, 3, 2) → (18, 1)."""
    return image2vector(image)
