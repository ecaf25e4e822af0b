"""Images for Descent Lab: the course's image2vector reshape and the synthetic "shapes" dataset.

"shapes" is the course's cat / not-cat exercise without a download: small RGB pictures where
label 1 is a filled circle (or slightly squashed ellipse) and label 0 is a filled square or
triangle. Colours, position, size and background tint are random, so a model has to learn the
*shape*, not a colour. Shapes are always darker than their light background.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .features import DatasetError

IMAGE_SIZE = 16
IMAGE_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 3)
SHAPES_CLASS_NAMES = ("not a circle", "circle")

# Shapes are drawn at 4x resolution and box-filtered down: anti-aliased edges look like real
# photos instead of jagged pixel art, and small circles still look round.
_SUPER = 4


def image2vector(images: np.ndarray) -> np.ndarray:
    """Flatten images into column vectors, exactly like the course's reshape.

    (m, h, w, c) -> (h*w*c, m), and a single image (h, w, c) -> (h*w*c, 1). Pixels are read in C
    order, so within a column the channel changes fastest, then the column, then the row:
    ``v[(i*w + j)*c + k, n] == images[n, i, j, k]``. The dtype is kept (divide by 255 yourself).
    """
    arr = np.asarray(images)
    if arr.ndim == 3:
        return arr.reshape(arr.size, 1)
    if arr.ndim == 4:
        m = arr.shape[0]
        return arr.reshape(m, arr.size // m if m else int(np.prod(arr.shape[1:]))).T
    raise DatasetError(f"image2vector expects images of shape (m, height, width, channels) or one "
                       f"image (height, width, channels), got shape {arr.shape}.")


def _draw(label: int, kind: int, box: np.ndarray, bg: tuple, fg: tuple) -> np.ndarray:
    big = IMAGE_SIZE * _SUPER
    img = Image.new("RGB", (big, big), bg)
    draw = ImageDraw.Draw(img)
    x0, y0, x1, y1 = (float(v) * _SUPER for v in box)
    if label == 1:
        draw.ellipse((x0, y0, x1, y1), fill=fg)
    elif kind == 0:
        draw.rectangle((x0, y0, x1, y1), fill=fg)
    else:
        # Triangle pointing up or down (kind 1 / 2) so "pointy top" is not a giveaway either.
        xm = (x0 + x1) / 2
        tri = [(x0, y1), (x1, y1), (xm, y0)] if kind == 1 else [(x0, y0), (x1, y0), (xm, y1)]
        draw.polygon(tri, fill=fg)
    small = img.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8)


def make_shapes(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """n images (n, 16, 16, 3) uint8 and labels (n,) int: balanced circles (1) vs not (0).

    Pixel noise is Gaussian with std 0.5 * noise * 255 (noise=0.1 -> about 13 grey levels).
    """
    labels = np.arange(n) % 2  # balanced; the caller shuffles before splitting
    # Every random number is drawn up front (vectorized) so the images depend only on the seed.
    side = rng.uniform(7.0, 13.0, n)                  # bounding-box width in pixels
    aspect = rng.uniform(0.8, 1.0, n)                 # circles may be slightly squashed ellipses
    tall = rng.random(n) < 0.5
    w = np.where(tall, side * aspect, side)
    h = np.where(tall, side, side * aspect)
    h = np.where(labels == 1, h, side)                # squares/triangles keep equal width and height
    w = np.where(labels == 1, w, side)
    x0 = rng.uniform(0.0, 1.0, n) * (IMAGE_SIZE - w)
    y0 = rng.uniform(0.0, 1.0, n) * (IMAGE_SIZE - h)
    kinds = rng.integers(0, 3, n)                     # 0 square, 1 triangle up, 2 triangle down
    # A light random tint behind a darker random colour: like a photo's object on a background,
    # brightness carries the outline, so logistic regression on raw pixels gets ~70% (the
    # course's cat result) while a small hidden-layer net does clearly better.
    bg = rng.integers(150, 256, (n, 3))
    fg = rng.integers(0, 130, (n, 3))
    images = np.empty((n, *IMAGE_SHAPE), dtype=np.uint8)
    for i in range(n):
        box = np.array([x0[i], y0[i], x0[i] + w[i], y0[i] + h[i]])
        images[i] = _draw(int(labels[i]), int(kinds[i]), box, tuple(map(int, bg[i])),
                          tuple(map(int, fg[i])))
    # Drawn even when noise == 0 so the random stream (and so the train/test split) is the same
    # for every noise level: moving the noise slider only adds noise to the same pictures.
    jitter = rng.standard_normal(images.shape) * (0.5 * noise * 255.0)
    if noise > 0:
        images = np.clip(np.rint(images + jitter), 0, 255).astype(np.uint8)
    return images, labels


def pixel_names(shape: tuple[int, int, int] = IMAGE_SHAPE) -> tuple[str, ...]:
    """One name per row of image2vector's output, in the same C order: 'px(row,col,R)'."""
    h, w, c = shape
    channels = "RGB" if c == 3 else [str(k) for k in range(c)]
    return tuple(f"px({i},{j},{channels[k]})" for i in range(h) for j in range(w) for k in range(c))
