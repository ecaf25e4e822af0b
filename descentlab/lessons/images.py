"""The Images page's worked example: the lecture's 3 × 3 × 2 array unrolled by the engine's
image2vector into one (18, 1) column (height 3, width 3, 2 channels rather than R, G, B)."""
from __future__ import annotations

import numpy as np

from descentlab.engine.images import image2vector

LECTURE_IMAGE = np.array([
    [[0.67826139, 0.29380381], [0.90714982, 0.52835647], [0.4215251, 0.45017551]],
    [[0.92814219, 0.96677647], [0.85304703, 0.52351845], [0.19981397, 0.27417313]],
    [[0.60659855, 0.00533165], [0.10820313, 0.49978937], [0.34144279, 0.94630077]],
])
LECTURE_IMAGE.setflags(write=False)


def lecture_vector(image: np.ndarray = LECTURE_IMAGE) -> np.ndarray:
    """image2vector of the lecture's array: shape (3, 3, 2) → (18, 1)."""
    return image2vector(image)
