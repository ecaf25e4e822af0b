"""Draw the example pictures of the "Images as vectors" page into assets/examples/ (run from anywhere:
`python assets/make_examples.py`). Deterministic: the same PNG bytes on every run with the same Pillow.

128 × 128 pixels, the course's example size (n_x = 128 × 128 × 3 = 49,152). Like the engine's
"shapes" data set, a darker shape sits on a lighter background, so the circle classifier trained on
those 16 × 16 pictures has a fair chance on these.
"""
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SIZE, SUPER = 128, 4  # drawn 4x larger and box-filtered down: smooth edges
OUT = Path(__file__).resolve().parent / "examples"


def _flat(background, draw_shape) -> Image.Image:
    big = Image.new("RGB", (SIZE * SUPER, SIZE * SUPER), background)
    draw_shape(ImageDraw.Draw(big), SIZE * SUPER)
    return big.resize((SIZE, SIZE), Image.Resampling.BOX)


def circle() -> Image.Image:
    return _flat((236, 222, 190), lambda d, n: d.ellipse((0.2 * n, 0.18 * n, 0.8 * n, 0.78 * n), fill=(30, 50, 120)))


def square() -> Image.Image:
    return _flat((200, 215, 230), lambda d, n: d.rectangle((0.22 * n, 0.25 * n, 0.76 * n, 0.79 * n), fill=(140, 30, 40)))


def triangle() -> Image.Image:
    return _flat((245, 205, 215), lambda d, n: d.polygon([(0.15 * n, 0.8 * n), (0.85 * n, 0.8 * n), (0.5 * n, 0.18 * n)],
                                                          fill=(20, 100, 60)))


def ball() -> Image.Image:
    """A shaded ball with a soft shadow on a graded background: a circle, but photo-like."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(float) / SIZE
    img = np.stack([235 - 40 * y, 230 - 30 * y, 210 - 10 * y], axis=-1)          # light, darker at the bottom
    shadow = np.exp(-(((x - 0.55) / 0.3) ** 2 + ((y - 0.86) / 0.06) ** 2))
    img *= 1 - 0.35 * shadow[..., None]
    r = np.hypot(x - 0.5, y - 0.47) / 0.3                                       # inside the ball: r < 1
    light = np.clip(1.1 - 0.9 * np.hypot(x - 0.42, y - 0.38) / 0.3, 0.15, 1.0)  # lit from the top left
    ball_rgb = np.array([150.0, 60.0, 20.0])[None, None, :] * light[..., None]
    edge = np.clip((1 - r) * SIZE * 0.3, 0, 1)[..., None]                       # about one pixel of blend
    img = img * (1 - edge) + ball_rgb * edge
    img += np.random.default_rng(0).normal(0, 3, img.shape)                     # a little sensor noise
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for make in (ball, circle, square, triangle):
        path = OUT / f"{make.__name__}.png"
        make().save(path, optimize=True)
        print(path)
