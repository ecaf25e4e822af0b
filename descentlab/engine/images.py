"""Images for Descent Lab: the course's image2vector reshape and the synthetic "shapes" dataset.

"shapes" is the course's cat / not-cat exercise without a download: small RGB pictures where
label 1 is a filled circle (or slightly squashed ellipse) and label 0 is a filled square or
triangle. Colours, position, size and background tint are random, so a model has to learn the
*shape*, not a colour. Shapes are always darker than their light background.

``read_image`` turns an uploaded PNG / JPEG into RGB pixels safely (see its section below), and
``model_input`` makes any picture a column like the shapes dataset's.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageOps

from descentlab.engine.features import DatasetError

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


# ---------------------------------------------------------------- reading uploaded pictures
# Uploads are untrusted: the size is checked before anything is decoded, only PNG and JPEG are
# opened, the pixel count is checked from the header before the pixels are decompressed (a small
# file can claim a gigapixel image: a "decompression bomb"), and every way the result differs from
# plain 8-bit RGB is said in words.
MAX_IMAGE_BYTES = 5_000_000     # the server refuses bigger uploads too (.streamlit/config.toml: 5 MB)
MAX_IMAGE_PIXELS = 4096 * 4096  # width × height; Pillow's own bomb guard (89 Mpx) stays on behind it
MAX_KEPT_SIDE = 1024            # bigger pictures are shrunk after decoding (memory per session)
_FORMATS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
_OTHER_FORMATS = {b"GIF8": "a GIF image", b"BM": "a BMP image", b"RIFF": "a WebP (RIFF) file",
                  b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image", b"%PDF": "a PDF document",
                  b"PK\x03\x04": "a ZIP archive (or .docx / .xlsx)", b"<svg": "an SVG drawing",
                  b"<?xml": "an XML file (an SVG?)"}
_EXIF_ORIENTATION = 0x0112
_GREY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")


class ImageError(ValueError):
    """An upload that cannot be used as a picture; the message says why, for the user."""


@dataclass(frozen=True)
class LoadedImage:
    pixels: np.ndarray               # (height, width, 3) uint8, read-only
    format: str                      # "PNG" or "JPEG"
    original_size: tuple[int, int]   # (height, width) of the picture in the file
    notes: tuple[str, ...]           # each change made to get plain RGB, in words

    @property
    def n_x(self) -> int:
        """Length of the column image2vector makes of the picture at its original size."""
        h, w = self.original_size
        return h * w * 3


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB" if n >= 1000 else f"{n} bytes"


def _what_is_it(raw: bytes) -> str:
    for magic, name in _OTHER_FORMATS.items():
        if raw.startswith(magic):
            return f"it is {name}, not a PNG or JPEG picture"
    head = raw[:512]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c.isprintable() or c in "\r\n\t" for c in text):
        return "it is text, not a picture"
    return "it is not a PNG or JPEG picture (its first bytes are not an image header)"


def _to_rgb(img: Image.Image, notes: list[str]) -> Image.Image:
    """Plain 8-bit RGB, noting each conversion (alpha on white, grey copied to R, G, B, palette)."""
    mode = img.mode
    if mode in _GREY_MODES:
        notes.append("It is a grayscale picture: its one channel was copied into R, G and B, so the "
                     "three matrices below are equal.")
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):  # 16-bit or float grey: scale to 0..255
        grey = np.asarray(img, dtype=np.float64)
        if mode.startswith("I;16") or (grey.size and grey.max() > 255):  # "I" / "F": depth unknown
            grey = grey * (255.0 / 65535.0)
            notes.append("It has 16 bits per pixel: the values were scaled to 8 bits (0–255).")
        img = Image.fromarray(np.clip(np.rint(grey), 0, 255).astype(np.uint8), "L")
        mode = "L"
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")
        if int(np.asarray(rgba)[..., 3].min()) == 255:
            notes.append("It has an alpha (transparency) channel, fully opaque: it was dropped.")
        else:
            notes.append("It has transparent parts (an alpha channel): they are shown on a white "
                         "background and the alpha channel is dropped — a model sees only R, G, B.")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if mode == "P":
        notes.append("It uses a colour palette (indexed colours): it was converted to plain RGB.")
    elif mode == "CMYK":
        notes.append("It is a CMYK (print) picture: it was converted to RGB; colours may shift a little.")
    elif mode not in ("RGB", "L", "1"):
        notes.append(f"Its colour mode {mode} was converted to RGB.")
    return img.convert("RGB")


def read_image(data, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS,
               max_side: int = MAX_KEPT_SIDE) -> LoadedImage:
    """Decode an uploaded PNG or JPEG into (height, width, 3) uint8 RGB, safely.

    Raises ImageError with a sentence for the user: empty, too many bytes, not PNG / JPEG (text,
    GIF, ...), too many pixels (checked from the header, before decoding), truncated or damaged.
    Alpha is composited on white; grayscale, palette, 16-bit and CMYK are converted; JPEG EXIF
    rotation is applied; pictures larger than ``max_side`` are shrunk. ``notes`` says what changed."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ImageError(f"expected the file's bytes, got {type(data).__name__}.")
    raw = bytes(data)
    if not raw:
        raise ImageError("the file is empty (0 bytes).")
    if len(raw) > max_bytes:
        raise ImageError(f"the file is {_megabytes(len(raw))}; the limit is {_megabytes(max_bytes)}. "
                         "Save a smaller picture and try again.")
    fmt = next((name for magic, name in _FORMATS.items() if raw.startswith(magic)), None)
    if fmt is None:
        raise ImageError(_what_is_it(raw) + ". Upload a .png or .jpg picture.")
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(raw), formats=[fmt])
            width, height = img.size
            if width * height > max_pixels:
                raise ImageError(
                    f"the picture is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} megapixels); "
                    f"the limit is {max_pixels / 1e6:.0f} megapixels. Shrink it and try again.")
            if fmt == "JPEG":
                img.draft("RGB", (max_side, max_side))  # decode big JPEGs at 1/2, 1/4 or 1/8 scale
            img.load()
            if getattr(img, "n_frames", 1) > 1:
                notes.append("It is animated: only the first frame is used.")
            orientation = img.getexif().get(_EXIF_ORIENTATION, 1)
            if orientation not in (0, 1):
                img = ImageOps.exif_transpose(img)
                notes.append("It was turned upright, as its camera (EXIF) orientation says.")
                if orientation in (5, 6, 7, 8):  # a quarter turn: the upright picture is transposed
                    width, height = height, width
            img = _to_rgb(img, notes)
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(f"the picture claims more pixels than is safe to decode; the limit is "
                             f"{max_pixels / 1e6:.0f} megapixels.") from None
        except Exception as exc:  # noqa: BLE001 - a crafted file can make a decoder raise anything
            # (OSError "truncated", SyntaxError for a broken chunk, zlib.error, struct.error, ...):
            # whatever it is, the user gets a sentence, never a traceback.
            raise ImageError(f"it looks like a {fmt} file but cannot be decoded: it is truncated or "
                             f"damaged ({exc}).") from None
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        notes.append(f"It was shrunk to {img.size[0]} × {img.size[1]} pixels for this page "
                     f"(n_x below still counts the original {width:,} × {height:,}).")
    pixels = np.array(img, dtype=np.uint8)
    pixels.setflags(write=False)
    return LoadedImage(pixels, fmt, (height, width), tuple(notes))


def resize_rgb(pixels: np.ndarray, height: int, width: int | None = None) -> np.ndarray:
    """An (h, w, 3) uint8 picture resized with Pillow to (height, width, 3) (square when width is
    None): area-averaged when shrinking, so each small pixel is the mean colour of its patch."""
    img = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8), "RGB")
    size = (int(width or height), int(height))
    return np.asarray(img.resize(size, Image.Resampling.BOX), dtype=np.uint8)


def model_input(pixels: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    """A picture as the shapes models' input: resized to size × size × 3, image2vector, / 255:
    a (size·size·3, 1) column in [0, 1], exactly like make_dataset("shapes")'s X columns."""
    return image2vector(resize_rgb(pixels, size)) / 255.0
