"""descentlab.engine.images.read_image, the reader behind the "Images as vectors" upload: one table of bad and
awkward files, each refused with a reason or converted with a note; plus the example pictures and the
helpers that turn any picture into the classifier's input."""
import importlib.util
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from descentlab.engine.images import (
    IMAGE_SHAPE,
    MAX_IMAGE_BYTES,
    MAX_KEPT_SIDE,
    ImageError,
    image2vector,
    model_input,
    read_image,
    resize_rgb,
)

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def _encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int, idat: bytes = b"") -> bytes:
    """A PNG that claims width × height RGB pixels: a decompression bomb needs no more than this."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _rgb(w=20, h=10, color=(200, 30, 60)):
    return Image.new("RGB", (w, h), color)


def _half_transparent():
    img = Image.new("RGBA", (8, 8), (255, 0, 0, 255))
    img.paste((0, 0, 255, 0), (0, 0, 4, 8))  # left half fully transparent blue
    return img


def _palette_transparent():
    img = _rgb(color=(0, 51, 102)).convert("P")
    return _encode(img, transparency=img.getpixel((0, 0)))  # the one colour used is transparent


def _rotated_jpeg():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    return _encode(_rgb(40, 20), "JPEG", exif=exif)


# name, file bytes, the error's words (refused) or None (accepted)
REFUSED = [
    ("empty file", b"", "empty"),
    ("text", b"x1,x2,label\n0.5,1.0,1\n", "text, not a picture"),
    ("binary junk", bytes(range(256)) * 4, "not a PNG or JPEG"),
    ("GIF", _encode(_rgb(), "GIF"), "GIF"),
    ("BMP", _encode(_rgb(), "BMP"), "BMP"),
    ("truncated PNG", _encode(Image.effect_noise((64, 64), 40).convert("RGB"))[:300], "truncated or damaged"),
    ("truncated JPEG", _encode(Image.effect_noise((64, 64), 40).convert("RGB"), "JPEG")[:400], "truncated or damaged"),
    ("PNG with garbage pixel data", _png_header_only(10, 10, b"not zlib at all"), "truncated or damaged"),
    ("too many bytes", b"\x89PNG\r\n\x1a\n" + bytes(MAX_IMAGE_BYTES), "limit is 5.0 MB"),
    ("too many pixels (our cap)", _png_header_only(5000, 5000), "megapixels"),
    ("decompression bomb (Pillow's cap too)", _png_header_only(100_000, 100_000), "megapixels"),
]


@pytest.mark.parametrize("name, data, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_files_are_refused_with_a_reason(name, data, words):
    with pytest.raises(ImageError, match=words):
        read_image(data)


# name, file bytes, expected (height, width), a note's words (None: no note), check on the pixels
ACCEPTED = [
    ("plain RGB PNG", _encode(_rgb()), (10, 20), None, lambda p: (p == (200, 30, 60)).all()),
    ("RGB JPEG", _encode(_rgb(), "JPEG", quality=95), (10, 20), None, lambda p: np.abs(p.astype(int) - (200, 30, 60)).max() < 8),
    ("transparent parts", _encode(_half_transparent()), (8, 8), "white background",
     lambda p: (p[:, :4] == 255).all() and (p[:, 4:] == (255, 0, 0)).all()),
    ("opaque alpha", _encode(Image.new("RGBA", (5, 5), (1, 2, 3, 255))), (5, 5), "fully opaque", lambda p: (p == (1, 2, 3)).all()),
    ("grayscale", _encode(Image.new("L", (6, 4), 77)), (4, 6), "grayscale", lambda p: (p == 77).all()),
    ("grayscale with alpha", _encode(Image.new("LA", (6, 4), (77, 0))), (4, 6), "transparent parts", lambda p: (p == 255).all()),
    ("palette", _encode(_rgb(color=(0, 51, 102)).convert("P")), (10, 20), "palette", lambda p: (p == (0, 51, 102)).all()),
    ("palette with transparency", _palette_transparent(), (10, 20), "transparent parts", lambda p: (p == 255).all()),
    ("16-bit grayscale", _encode(Image.fromarray(np.full((3, 3), 65535, np.uint16))), (3, 3), "16 bits", lambda p: (p == 255).all()),
    ("CMYK JPEG", _encode(Image.new("CMYK", (8, 8), (0, 0, 0, 0)), "JPEG"), (8, 8), "CMYK", lambda p: (p > 240).all()),
    ("camera-rotated JPEG", _rotated_jpeg(), (40, 20), "upright", lambda p: p.shape == (40, 20, 3)),
    ("bigger than the page keeps", _encode(_rgb(3000, 1500)), (1500, 3000), "shrunk",
     lambda p: p.shape == (MAX_KEPT_SIDE // 2, MAX_KEPT_SIDE, 3)),
]


@pytest.mark.parametrize("name, data, size, note, check", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_awkward_files_are_converted_to_rgb_and_say_how(name, data, size, note, check):
    img = read_image(data)
    assert img.original_size == size and img.n_x == size[0] * size[1] * 3
    assert img.pixels.dtype == np.uint8 and img.pixels.ndim == 3 and img.pixels.shape[2] == 3
    assert not img.pixels.flags.writeable
    assert check(img.pixels)
    if note is None:
        assert img.notes == ()
    else:
        assert any(note in n for n in img.notes), img.notes


def test_limits_are_parameters():
    data = _encode(_rgb(100, 100))
    with pytest.raises(ImageError, match="limit"):
        read_image(data, max_bytes=len(data) - 1)
    with pytest.raises(ImageError, match="megapixels"):
        read_image(data, max_pixels=9_999)
    assert read_image(data, max_side=50).pixels.shape == (50, 50, 3)


@pytest.mark.parametrize("value", [None, "a string", 42, np.zeros(3)])
def test_only_bytes_are_read(value):
    with pytest.raises(ImageError, match="bytes"):
        read_image(value)


def test_examples_are_128_pixel_pngs_matching_their_script():
    spec = importlib.util.spec_from_file_location("make_examples", ASSETS / "make_examples.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    paths = sorted((ASSETS / "examples").glob("*.png"))
    assert [p.stem for p in paths] == ["ball", "circle", "square", "triangle"]
    for path in paths:
        img = read_image(path.read_bytes())
        assert img.format == "PNG" and img.notes == () and img.n_x == 49_152  # the course's 128×128×3
        np.testing.assert_array_equal(img.pixels, np.asarray(getattr(script, path.stem)()))


def test_model_input_is_a_shapes_column():
    pixels = np.random.default_rng(0).integers(0, 256, (90, 60, 3), dtype=np.uint8)
    x = model_input(pixels)
    assert x.shape == (IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * 3, 1) and 0 <= x.min() and x.max() <= 1
    np.testing.assert_allclose(x, image2vector(resize_rgb(pixels, 16)) / 255.0)
    flat = np.full((32, 32, 3), (10, 20, 30), np.uint8)
    assert (resize_rgb(flat, 4) == (10, 20, 30)).all()  # area averaging keeps a flat colour
    assert resize_rgb(pixels, 8, 5).shape == (8, 5, 3)


def test_channel_figure_and_vector_frame_show_the_picture_numbers():
    from descentlab.viz import images as vc

    pixels = np.random.default_rng(1).integers(0, 256, (4, 5, 3), dtype=np.uint8)
    fig = vc.channels_figure(pixels)
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    for k, trace in enumerate(fig.data):
        np.testing.assert_array_equal(np.asarray(trace.z), pixels[..., k])
        assert trace.texttemplate == "%{z}"
    assert vc.channels_figure(pixels, numbers=False).data[0].texttemplate is None
    frame = vc.vector_frame(pixels)
    assert len(frame) == 4 * 5 * 3
    assert frame["pixel"].iloc[:4].tolist() == ["px(0,0,R)", "px(0,0,G)", "px(0,0,B)", "px(0,1,R)"]
    i, j, k = 2, 3, 1  # entry (i·w + j)·3 + k is pixel (i, j), channel k
    assert frame["value"].iloc[(i * 5 + j) * 3 + k] == pixels[i, j, k]
