"""Bad input, one row per case, through the paths users take: the link's query string, the CSV and
config uploads and the saved-run picker (AppTest of the real app), picture uploads (descentlab.engine.images'
reader, which the Images page calls), the command line, and numbers that break training.

Every row asserts a clear message (never a traceback) AND that what was there before is kept: a refused
upload or saved run leaves the session's run, config and uploaded data exactly as they were, and the
page stays usable (Step still trains). The engine's own refusal tables (tests/test_config.py,
test_datasets.py, test_runs.py, test_cli.py) cover more spellings; the rows here are the issue's list.
"""
from __future__ import annotations

import io
import json
import os
import re
import struct
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from descentlab.engine import cli, runs
from descentlab.engine.build import build
from descentlab.engine.config import MAX_JSON_CHARS, RunConfig
from descentlab.engine.datasets import load_csv
from descentlab.engine.images import MAX_IMAGE_BYTES, ImageError, read_image
from descentlab.ui import run_spaces
from descentlab.ui.state import Keys
from descentlab.ui.user_text import md_plain

from .pages import OWNER_KEY, open_page

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = RunConfig()


# ---------------------------------------------------------------- helpers
def _open(query: dict | None = None) -> AppTest:
    # the owner key: what the page's hidden element reports
    return open_page("app_pages/playground.py", query, {run_spaces.OWNER: OWNER_KEY})


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _shown(at: AppTest, kind: str) -> str:
    """The text of the page's boxes of this kind as a reader sees it (user text in them is escaped)."""
    return "\n".join(md_plain(e.value) for e in getattr(at, kind))


def _step(at: AppTest) -> None:
    at.button(key="btn_step").click().run()
    _no_exception(at)


class Before(NamedTuple):
    run: object
    config: RunConfig
    iteration: int
    rows: int
    uploaded: object


def _before(at: AppTest) -> Before:
    """What the session holds now, after two steps so that 'kept' covers a run with history."""
    _step(at)
    _step(at)
    run = at.session_state[Keys.RUN]
    uploaded = at.session_state[Keys.UPLOADED] if Keys.UPLOADED in at.session_state else None
    return Before(run, at.session_state[Keys.CONFIG], run.trainer.iteration, len(run.trainer.history), uploaded)


def _assert_kept(at: AppTest, before: Before) -> None:
    _no_exception(at)
    run = at.session_state[Keys.RUN]
    assert run is before.run and at.session_state[Keys.CONFIG] == before.config
    assert run.trainer.iteration == before.iteration and len(run.trainer.history) == before.rows
    uploaded = at.session_state[Keys.UPLOADED] if Keys.UPLOADED in at.session_state else None
    assert uploaded is before.uploaded


def _assert_usable(at: AppTest) -> None:
    """The page still trains: Step adds exactly one iteration, with no exception."""
    tr = at.session_state[Keys.RUN].trainer
    it = tr.iteration
    _step(at)
    assert at.session_state[Keys.RUN].trainer.iteration == it + 1


def _csv(rows, header: str = "a,b,label") -> bytes:
    return (header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode()


ROWS = [(i % 7, (3 * i) % 5, i % 2) for i in range(40)]


# ---------------------------------------------------------------- 1. the link's query string
QUERY = [  # (id, query parameters, words the warnings must contain, the config the page opens with)
    ("unknown-key", {"bogus": "1"}, ["bogus"], DEFAULT),
    ("other-apps-keys", {"units": str(10**9), "layers": "-1"}, ["units", "layers"], DEFAULT),
    ("wrong-type", {"n_samples": "abc", "seed": "4"}, ["n_samples", "abc"], RunConfig(seed=4)),
    ("units-1e9", {"hidden": str(10**9)}, ["hidden", str(10**9), "512"], DEFAULT),
    ("layers-minus-1", {"hidden": "-1"}, ["hidden", "-1"], DEFAULT),
    ("too-many-layers", {"hidden": ",".join(["8"] * 17)}, ["hidden", "16"], DEFAULT),
    ("lr-nan", {"lr": "nan"}, ["lr", "nan"], DEFAULT),
    ("lr-inf", {"lr": "inf"}, ["lr", "inf"], DEFAULT),
    ("lr-0", {"lr": "0"}, ["lr", "'0'"], DEFAULT),
    ("lr-minus-1", {"lr": "-1"}, ["lr", "-1"], DEFAULT),
    ("lr-1e9", {"learning_rate": "1e9"}, ["learning_rate", "1e9", "10"], DEFAULT),
    ("lr-overflows", {"lr": "1e400"}, ["lr", "1e400"], DEFAULT),
    ("truncated-list", {"hidden": "8,"}, ["hidden", "'8,'"], DEFAULT),
    ("truncated-empty", {"lr": ""}, ["lr", "''"], DEFAULT),
    ("truncated-name", {"dataset": "circ", "activation": "rel"}, ["dataset", "activation"], DEFAULT),
    ("repeated-key", {"seed": ["1", "2"]}, ["seed given 2 times", "last"], RunConfig(seed=2)),
    ("alias-and-name", {"lr": "0.1", "learning_rate": "0.2"}, ["already given"], RunConfig(learning_rate=0.2)),
    ("value-too-long", {"noise": "1" * 1000}, ["noise", "too long"], DEFAULT),
    ("too-many-keys", {f"k{i}": "1" for i in range(150)}, ["too many"], DEFAULT),
    ("layer-count-clash", {"activation": "relu,tanh,relu"}, ["activation"], DEFAULT),
    ("too-much-work", {"hidden": "512,512,512", "n_samples": "20000"}, ["hidden", "too large", "examples"],
     RunConfig(n_samples=20000)),
    # valid one by one, but no run can be built from them: the key is dropped, the page opens
    ("csv-needs-upload", {"dataset": "csv", "seed": "3"}, ["dataset", "upload"], RunConfig(seed=3)),
    ("loss-misfits-data", {"loss": "softmax_ce"}, ["loss", "binary"], DEFAULT),
    ("output-misfits-loss", {"output_activation": "relu"}, ["output_activation", "probability"], DEFAULT),
    ("features-on-images", {"dataset": "shapes", "features": "x1,x1_sq"}, ["feature"],
     RunConfig(features=("x1", "x1_sq"))),
]


@pytest.mark.parametrize("params, words, expected", [r[1:] for r in QUERY], ids=[r[0] for r in QUERY])
def test_query_string(params, words, expected):
    at = _open(params)
    shown = _shown(at, "warning")
    for word in words:
        assert word in shown
    assert at.session_state[Keys.CONFIG] == expected
    _assert_usable(at)


# ---------------------------------------------------------------- 2. CSV upload
def _png(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size).save(buf, "PNG")
    return buf.getvalue()


CSV = [  # (id, file bytes, "error": refused and the run kept | "warning": used with a note, words[, mark])
    ("empty", b"", "error", ["empty"]),
    ("blank-lines", b"\n \n\n", "error", ["empty"]),
    ("binary-garbage", bytes(range(256)) * 8, "error", ["binary"]),
    ("a-png-named-csv", _png(), "error", ["binary"]),
    ("not-utf8", b"a,b,label\n1,\xff\xfe,0\n", "error", ["UTF-8"]),
    ("text-in-numbers", _csv(ROWS + [(1, "abc", 0)]), "error", ["'b'", "data row 41", "'abc'", "not a number"]),
    ("no-label-column", _csv([(i,) for i in range(10)], "a"), "error", ["only the label column", "feature"]),
    ("label-cells-missing", _csv(ROWS + [(1, 2, "")]), "error", ["label", "data row 41", "missing"]),
    ("one-class", _csv([(i, i, "cat") for i in range(10)]), "error", ["only one class", "'cat'"]),
    ("nan", _csv(ROWS + [("nan", 1, 0)]), "error", ["'a'", "data row 41", "NaN"]),
    ("inf", _csv(ROWS + [(1, "-inf", 0)]), "error", ["'b'", "data row 41", "infinite"]),
    ("too-large-number", _csv(ROWS + [(1, "1e300", 0)]), "error", ["'b'", "too large"]),
    ("header-only", b"a,b,label\n", "error", ["no data rows"]),
    ("single-example", _csv([(1, 2, 0)]), "error", ["only 1 data row", "4"]),
    ("ragged", b"a,b,label\n1,2,0\n1,2,0,9\n", "error", ["line 3", "same number"]),
    ("semicolons", b"a;b;y\n1;2;0\n3;4;1\n5;6;0\n7;8;1\n", "error", ["';'"]),
    ("21-text-classes", _csv([(i, i, f"c{i}") for i in range(21)]), "error", ["21 different", "20"]),
    ("1e6-rows-6MB", b"x,y,label\n" + b"0,0,0\n1,1,1\n" * 500_000, "error", ["6.0 MB", "the limit is 5 MB"]),
    ("1e6-rows-4MB", b"x,label\n" + b"0,0\n1,1\n" * 500_000, "warning", ["capped at 100,000 rows"]),
]


@pytest.mark.parametrize("data, outcome, words", [pytest.param(*r[1:4], id=r[0], marks=r[4:]) for r in CSV])
def test_csv_upload(data, outcome, words):
    at = _open({"seed": "5"})
    before = _before(at)
    at.file_uploader(key="up_csv").upload("data.csv", data, "text/csv").run()
    _no_exception(at)
    shown = _shown(at, outcome)
    for word in words:
        assert word in shown
    if outcome == "error":
        assert shown.startswith("data.csv was not loaded: ")
        _assert_kept(at, before)
    else:
        run = at.session_state[Keys.RUN]
        assert run is not before.run and at.session_state[Keys.CONFIG].dataset == "csv"
        assert run.dataset.m_train + run.dataset.m_test == 100_000
    _assert_usable(at)


@pytest.mark.parametrize("header, width", [("a,label", 1), ("a,b,c,label", 3)])
def test_csv_with_other_than_two_features_trains_and_says_why_there_is_no_boundary(header, width):
    at = _open({"seed": "5"})
    rows = [tuple(i % (k + 5) for k in range(width)) + (i % 2,) for i in range(40)]
    at.file_uploader(key="up_csv").upload("data.csv", _csv(rows, header), "text/csv").run()
    _no_exception(at)
    run = at.session_state[Keys.RUN]
    assert at.session_state[Keys.CONFIG].dataset == "csv" and run.dataset.n_x == width
    assert f"{width} input feature(s)" in _shown(at, "info") and "no plane" in _shown(at, "info")
    _assert_usable(at)


def test_refused_csv_keeps_the_csv_run_and_its_data():
    """A second upload that the current settings cannot train on leaves the first upload in place."""
    at = _open({"loss": "bce"})
    at.file_uploader(key="up_csv").upload("two.csv", _csv(ROWS), "text/csv").run()
    assert at.session_state[Keys.CONFIG].dataset == "csv" and "Loaded your data" in _shown(at, "success")
    before = _before(at)
    three = _csv([(i, i % 5, i % 3) for i in range(40)])
    at.file_uploader(key="up_csv").set_value(("three.csv", three, "text/csv")).run()
    assert "loss 'bce' does not fit the multiclass task" in _shown(at, "error")
    _assert_kept(at, before)
    _assert_usable(at)


def test_uploads_are_capped_in_the_server_config_and_in_code():
    setting = re.search(r"^maxUploadSize\s*=\s*(\d+)", (ROOT / ".streamlit" / "config.toml").read_text(), re.M)
    server = int(setting[1])
    assert server == 5  # MB, refused by Streamlit before our code sees the file
    with pytest.raises(ValueError, match="the limit is 5 MB"):
        load_csv(b"a,b,label\n" + b"1,2,0\n" * 900_000)  # 5.4 MB
    with pytest.raises(ImageError, match="the limit is 5.0 MB"):
        read_image(b"\x89PNG\r\n\x1a\n" + bytes(MAX_IMAGE_BYTES))
    assert MAX_IMAGE_BYTES <= server * 1_000_000


# ---------------------------------------------------------------- 3. config JSON upload
CONFIGS = [  # (id, file bytes, words the error must contain)
    ("not-json", b"{", ["invalid config JSON"]),
    ("json-array", b"[1]", ["JSON object"]),
    ("binary", bytes(range(256)), ["invalid config JSON"]),
    ("wrong-schema", b'{"version": 1, "layers": [4]}', ["unknown config key", "'layers'"]),
    ("wrong-version", b'{"version": 2, "seed": 1}', ["version must be 1", "got 2"]),
    ("version-as-text", b'{"version": "1"}', ["version must be 1"]),
    ("nan-value", b'{"learning_rate": NaN}', ["learning_rate", "finite"]),
    ("units-1e9", b'{"hidden": [1000000000]}', ["hidden", "512"]),
    ("too-large", b'{"seed": 1' + b" " * MAX_JSON_CHARS + b"}", ["too large"]),
    ("loss-misfits-data", b'{"loss": "softmax_ce"}', ["Could not start that run", "does not fit"]),
    ("csv-without-upload", b'{"dataset": "csv"}', ["No CSV uploaded yet"]),
]


@pytest.mark.parametrize("data, words", [r[1:] for r in CONFIGS], ids=[r[0] for r in CONFIGS])
def test_config_upload(data, words):
    at = _open({"seed": "5"})
    before = _before(at)
    at.file_uploader(key="up_config").upload("config.json", data, "application/json").run()
    shown = _shown(at, "error") + _shown(at, "warning")
    for word in words:
        assert word in shown
    assert not at.success
    _assert_kept(at, before)
    _assert_usable(at)


# ---------------------------------------------------------------- 4. saved runs
SAVED = RunConfig(dataset="circles", n_samples=60, hidden=(4,))


def _edit_json(fname: str, **changes):
    def edit(folder: Path):
        (folder / fname).write_text(json.dumps({**json.loads((folder / fname).read_text()), **changes}))
    return edit


def _pickled_npz(folder: Path):
    buf = io.BytesIO()
    np.savez(buf, W1=np.array([{"x": 1}], dtype=object))  # loading it would need pickle
    (folder / "params.npz").write_bytes(buf.getvalue())


def _outside(folder: Path):
    """Replace the run folder by a symlink to a complete run outside the runs folder."""
    target = folder.parent.parent / "outside-run"
    folder.rename(target)
    folder.symlink_to(target, target_is_directory=True)


RUN_FILES = [  # (id, how the run "bad" is damaged, words of the load error; None: it is not even listed)
    ("npz-corrupted", lambda d: (d / "params.npz").write_bytes((d / "params.npz").read_bytes()[:200]),
     ["params.npz", "not a valid NumPy .npz"]),
    ("npz-pickle", _pickled_npz, ["params.npz", "Python objects"]),
    ("config-wrong-schema", lambda d: (d / "config.json").write_text('{"version": 1, "layers": [4]}'),
     ["config.json", "unknown config key"]),
    ("config-wrong-version", _edit_json("config.json", version=7), ["config.json", "version"]),
    ("history-garbage", lambda d: (d / "history.csv").write_bytes(b"\xff\x00" * 100), ["history.csv"]),
    ("params-from-other-network", _edit_json("config.json", hidden=[5]), ["meta.json", "config.json"]),
    ("meta-wrong-version", _edit_json("meta.json", version=9), None),
    ("folder-outside-runs", _outside, None),
]


@pytest.fixture
def runs_root(tmp_path, monkeypatch):
    root = tmp_path / "runs"
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(root))
    return root


@pytest.mark.parametrize("damage, words", [r[1:] for r in RUN_FILES], ids=[r[0] for r in RUN_FILES])
def test_saved_run_files(runs_root, damage, words):
    run = build(SAVED)
    run.trainer.step(20)
    space = runs.owner_space(OWNER_KEY)
    for name in ("good", "bad"):
        runs.save_run(run.trainer, SAVED, name, space)
    damage(space / "bad")
    at = _open({"seed": "5"})
    before = _before(at)
    options = at.selectbox(key="saved_run_choice").options
    assert "good" in options  # as shown: descentlab.ui.run_spaces.label
    if words is None:  # unreadable meta.json or not a plain folder inside the space: never offered
        assert "bad" not in options
        with pytest.raises(runs.RunFileError):
            runs.load_run("bad", space)
    else:
        at.selectbox(key="saved_run_choice").set_value("mine/bad").run()
        at.button(key="btn_load_run").click().run()
        shown = _shown(at, "error")
        assert shown.startswith("Could not load bad: ")
        for word in words:
            assert word in shown
        _assert_kept(at, before)
    _assert_usable(at)


def test_a_run_name_naming_a_path_outside_is_saved_inside(runs_root):
    at = _open()
    at.text_input(key="save_name").input("../../outside/evil").run()
    at.button(key="btn_save_run").click().run()
    _no_exception(at)
    assert "Saved as outside_evil" in _shown(at, "success")
    assert sorted(os.listdir(runs.owner_space(OWNER_KEY))) == ["outside_evil"]
    assert sorted(os.listdir(runs_root.parent)) == ["runs"]  # nothing written beside or above it
    at.text_input(key="save_name").input("../..").run()
    at.button(key="btn_save_run").click().run()
    assert "Not saved" in _shown(at, "error") and "no letters or digits" in _shown(at, "error")
    _assert_usable(at)


# ---------------------------------------------------------------- 5. pictures (descentlab.engine.images.read_image)
def _png_claiming(width: int, height: int) -> bytes:
    """A 1 x 1 PNG whose header says width x height (with a valid checksum): decoding would allocate it."""
    raw = bytearray(_png((1, 1)))
    raw[16:24] = struct.pack(">II", width, height)
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(raw[12:29])))
    return bytes(raw)


def _bomb() -> bytes:
    """A real 6000 x 6000 picture that compresses to a few kB: decoded it would need 36 megapixels."""
    buf = io.BytesIO()
    Image.new("1", (6000, 6000)).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _noise_png(mode: str = "RGB") -> bytes:
    """64 x 64 random pixels (seeded), saved as PNG in the given colour mode."""
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8), "RGB")
    buf = io.BytesIO()
    img.convert(mode).save(buf, "PNG")
    return buf.getvalue()


def _transparent_png() -> bytes:
    img = Image.new("RGBA", (4, 4), (200, 10, 10, 255))
    img.putpixel((0, 0), (0, 0, 0, 0))  # one fully transparent pixel: shown on white
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


IMAGES = [  # (id, file bytes, words of the ImageError; or None and a check of the accepted picture)
    ("empty", b"", ["empty"], None),
    ("text", b"a,b,label\n1,2,0\n", ["text, not a picture"], None),
    ("gif", b"GIF89a" + bytes(20), ["GIF"], None),
    ("random-bytes", bytes(range(256)), ["not a PNG or JPEG"], None),
    ("truncated-png", _noise_png()[:2000], ["truncated or damaged"], None),
    ("png-header-only", b"\x89PNG\r\n\x1a\n", ["truncated or damaged"], None),
    ("huge-dimensions", _png_claiming(5000, 5000), ["5,000 × 5,000", "megapixels"], None),
    ("pillow-bomb-limit", _png_claiming(100_000, 100_000), ["more pixels than is safe"], None),
    ("decompression-bomb", _bomb(), ["6,000 × 6,000", "megapixels"], None),
    ("grayscale", _noise_png("L"), None,
     lambda im: (im.pixels[..., 0] == im.pixels[..., 2]).all() and "grayscale" in " ".join(im.notes)),
    ("palette", _noise_png("P"), None, lambda im: "palette" in " ".join(im.notes)),
    ("alpha", _transparent_png(), None,
     lambda im: tuple(im.pixels[0, 0]) == (255, 255, 255) and tuple(im.pixels[1, 1]) == (200, 10, 10)
     and "transparent" in " ".join(im.notes)),
]


@pytest.mark.parametrize("data, words, accepted", [r[1:] for r in IMAGES], ids=[r[0] for r in IMAGES])
def test_picture_upload(data, words, accepted):
    if words is not None:
        with pytest.raises(ImageError) as err:
            read_image(data)
        for word in words:
            assert word in str(err.value)
        return
    image = read_image(data)
    assert image.pixels.dtype == np.uint8 and image.pixels.ndim == 3 and image.pixels.shape[2] == 3
    assert accepted(image), image.notes


# ---------------------------------------------------------------- 6. command line
CLI = [  # (id, arguments, words of the one error line); exit status 2, nothing on stdout
    ("units-1e9", ["--hidden", str(10**9)], ["hidden", "512"]),
    ("layers-minus-1", ["--hidden=-1"], ["hidden", "'-1'"]),
    ("lr-0", ["--lr", "0"], ["learning_rate", "'0'"]),
    ("lr-minus-1", ["--lr=-1"], ["learning_rate", "'-1'"]),
    ("lr-1e9", ["--lr", "1e9"], ["learning_rate", "'1e9'"]),
    ("wrong-type", ["--n-samples", "abc"], ["n_samples", "'abc'"]),
    ("seed-too-big", ["--seed", str(2**40)], ["seed"]),
    ("iterations-too-many", ["--iterations", str(10**9)], ["--iterations"]),
    ("too-much-work", ["--hidden", "512,512,512", "--n-samples", "20000"], ["too large", "examples"]),
    ("csv-without-data", ["--dataset", "csv"], ["csv"]),
    ("config-array", ["--config", "{tmp}/array.json"], ["JSON object"]),
    ("config-wrong-version", ["--config", "{tmp}/v2.json"], ["version must be 1"]),
    ("config-binary", ["--config", "{tmp}/binary.json"], ["cannot read config file"]),
    ("config-too-large", ["--config", "{tmp}/huge.json"], ["too large"]),
]


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "array.json").write_text("[1]")
    (tmp / "v2.json").write_text('{"version": 2}')
    (tmp / "binary.json").write_bytes(bytes(range(128, 256)))
    (tmp / "huge.json").write_text('{"seed": 1' + " " * MAX_JSON_CHARS + "}")
    return tmp


@pytest.mark.parametrize("args, words", [r[1:] for r in CLI], ids=[r[0] for r in CLI])
def test_command_line(cli_files, capsys, args, words):
    rc = cli.main(["train", "--quiet", *(a.replace("{tmp}", str(cli_files)) for a in args)])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    for word in words:
        assert word in err


# ---------------------------------------------------------------- 7. numbers that break training
def _diverges(at: AppTest) -> None:
    """The run stops with the reason on the page, keeps its history, refuses Play; Reset restarts it."""
    tr = at.session_state[Keys.RUN].trainer
    for _ in range(10):
        _step(at)
        if tr.diverged:
            break
    assert tr.diverged and f"diverged at iteration {tr.diverged_at}" in _shown(at, "error")
    assert len(tr.history) >= 2 and np.isfinite(tr.history.cost_train).all()
    assert np.isfinite(tr.network.theta).all()  # the last finite weights are what the page shows
    at.button(key="btn_play").click().run()
    assert "Press Reset" in _shown(at, "error") and not at.session_state[Keys.PLAYING]
    at.button(key="btn_reset").click().run()
    assert tr.iteration == 0 and not tr.diverged and not at.error


def _trains_or_says_why(at: AppTest) -> None:
    """Three steps: finite costs all along, or a stop with the reason on the page."""
    tr = at.session_state[Keys.RUN].trainer
    for _ in range(3):
        _step(at)
    assert np.isfinite(tr.history.cost_train).all()
    assert tr.diverged == ("diverged at iteration" in _shown(at, "error"))
    if tr.diverged:
        at.button(key="btn_reset").click().run()


DIVERGING = {"dataset": "plane", "loss": "mse", "hidden": "16,16", "activation": "relu", "init": "random",
             "init_scale": "20", "lr": "10"}
IDENTICAL = _csv([(1.5, -2, i % 2) for i in range(40)])
NUMERICAL = [  # (id, query, CSV to upload first or None, what to do and check)
    ("lr-diverges", DIVERGING, None, _diverges),
    ("lr-10-on-defaults", {"lr": "10"}, None, _trains_or_says_why),
    ("huge-init-scale", {"init": "random", "init_scale": "100"}, None, _trains_or_says_why),
    ("huge-init-sigmoid", {"init": "random", "init_scale": "100", "activation": "sigmoid"}, None, _trains_or_says_why),
    ("all-identical-inputs", {}, IDENTICAL, _trains_or_says_why),
    ("all-identical-standardized", {"normalization": "standardize"}, IDENTICAL, _trains_or_says_why),
    ("four-examples", {}, _csv([(1, 2, 0), (2, 3, 1), (3, 4, 0), (4, 5, 1)]), _trains_or_says_why),
    ("one-class-in-training", {"test_fraction": "0.5"}, _csv([(1, 2, 0), (2, 3, 0), (3, 4, 0), (4, 5, 1)]),
     _trains_or_says_why),
    ("huge-feature-values", {"features": "x1,x2,x1_sq,x1x2"}, _csv([(1e14, -1e14, 0), (-1e14, 1e14, 1)] * 10),
     _trains_or_says_why),
]


@pytest.mark.parametrize("query, data, act", [r[1:] for r in NUMERICAL], ids=[r[0] for r in NUMERICAL])
def test_numerical(query, data, act):
    at = _open(query)
    if data is not None:
        at.file_uploader(key="up_csv").upload("data.csv", data, "text/csv").run()
        assert "Loaded your data" in _shown(at, "success"), _shown(at, "error")
    act(at)
    _no_exception(at)
    _assert_usable(at)
