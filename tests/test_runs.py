"""Saved runs: exact round trip, one refusal per way a run folder can be wrong, killed saves, their leftovers."""
import asyncio
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from descentlab.engine import runs
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.runs import (
    RunFileError,
    list_runs,
    load_run,
    params_from_npz_bytes,
    params_to_npz_bytes,
    restore_trainer,
    safe_run_name,
    save_run,
)

REPO = Path(__file__).resolve().parents[1]
CONFIG = RunConfig(dataset="circles", hidden=(4,))


@pytest.fixture
def root(tmp_path, monkeypatch):
    """The runs folder, through the environment variable: nothing is written into the repository."""
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path / "runs"))
    return tmp_path / "runs"


@pytest.fixture(scope="module")
def trained():
    run = build(CONFIG)
    run.trainer.step(50)
    return run


@pytest.mark.parametrize("config", [CONFIG, CONFIG.replace(dtype="float32", dataset="blobs3", hidden=(5, 3))],
                         ids=["float64-binary", "float32-multiclass"])
def test_round_trip_is_exact(root, config):
    run = build(config)
    run.trainer.step(50)
    assert save_run(run.trainer, config, "first") == root / "first"
    assert sorted(os.listdir(root)) == ["first"]  # no temp or set-aside folders left behind
    loaded = load_run("first")
    assert loaded.config == config
    pd.testing.assert_frame_equal(loaded.history, run.trainer.history)
    assert loaded.params.keys() == run.network.params.keys()
    for k, v in run.network.params.items():
        assert loaded.params[k].dtype == v.dtype and np.array_equal(loaded.params[k], v), k
    assert loaded.meta["iteration"] == 50 and loaded.meta["layer_sizes"] == list(run.network.layer_sizes)
    assert loaded.meta["cost_train"] == run.trainer.history["cost_train"].iloc[-1]

    restored, history = restore_trainer(loaded)
    assert restore_trainer(loaded).run.network.layer_sizes == run.network.layer_sizes
    X = run.dataset.X_test
    assert np.array_equal(restored.network.forward(X), run.network.forward(X))
    assert not np.array_equal(build(config).network.forward(X), run.network.forward(X))  # training mattered
    pd.testing.assert_frame_equal(history, run.trainer.history)
    # the restored trainer starts from the saved weights: its first row and Reset use them
    assert restored.trainer.last_record["cost_train"] == pytest.approx(run.trainer.evaluate()["cost_train"])
    restored.trainer.step(3)
    restored.trainer.reset()
    assert np.array_equal(restored.network.forward(X), run.network.forward(X))


def test_list_runs_newest_first_and_only_runs(root, trained):
    assert list_runs() == []  # the folder does not exist yet
    for name in ("a", "b", "c", "a"):  # saving "a" again moves it to the front
        save_run(trained.trainer, CONFIG, name, replace=True)
        time.sleep(0.002)
    (root / "empty").mkdir()
    (root / "notes.txt").write_text("not a run")
    (root / f".tmp-d-{'0' * 32}").mkdir()
    shutil.copytree(root / "b", root / "broken")
    (root / "broken" / "history.csv").unlink()
    rows = list_runs()
    assert [r["name"] for r in rows] == ["a", "c", "b"]
    assert rows[0]["iteration"] == 50 and rows[0]["cost_train"] == trained.trainer.history["cost_train"].iloc[-1]


# ---------- refusals: each row sets up a folder that must NOT load, and what the message must name ----------
def _copy(root, to):
    shutil.copytree(root / "good", to)
    return to


def _bad(mutate):
    def setup(root):
        mutate(_copy(root, root / "bad"))
        return "bad"
    return setup


def _json_edit(fname, **changes):
    def mutate(d):
        (d / fname).write_text(json.dumps({**json.loads((d / fname).read_text()), **changes}))
    return mutate


def _npz(**overrides):
    def mutate(d):
        with np.load(d / "params.npz") as saved:
            params = {k: v for k, v in {**saved, **overrides}.items() if v is not None}
        buf = io.BytesIO()
        np.savez(buf, **params)  # pickles object arrays (allow_pickle defaults to True when saving)
        (d / "params.npz").write_bytes(buf.getvalue())
    return mutate


def _symlink_outside(root):
    os.symlink(_copy(root, root.parent / "outside"), root / "link")
    return "link"


def _symlinked_file(d):
    outside = d.parent.parent / "config-outside.json"
    shutil.copy(d / "config.json", outside)
    (d / "config.json").unlink()
    os.symlink(outside, d / "config.json")


def _huge(d):
    with open(d / "history.csv", "r+b") as f:  # sparse: costs no disk and no time
        f.truncate(runs.MAX_FILE_BYTES + 1)


REFUSALS = [
    # (id, setup(root) -> name to load, fragments the message must contain)
    ("parent", lambda r: (_copy(r, r.parent / "evil"), "../evil")[1], ["not a run name"]),
    ("slash", lambda r: (_copy(r, r / "a" / "b"), "a/b")[1], ["not a run name"]),
    ("empty", lambda r: "", ["not a run name"]),
    ("hidden", lambda r: (_copy(r, r / ".hidden"), ".hidden")[1], ["not a run name"]),
    ("absolute", lambda r: str(r / "good"), ["not a run name"]),
    ("missing-run", lambda r: "nothing", ["no saved run named 'nothing'"]),
    ("symlink-outside", _symlink_outside, ["outside the runs folder"]),
    ("symlink-inside", lambda r: (os.symlink(r / "good", r / "alias"), "alias")[1], ["not a plain folder"]),
    ("symlinked-file", _bad(_symlinked_file), ["config.json", "symlinks are refused"]),
    ("config-schema", _bad(lambda d: (d / "config.json").write_text('{"version": 1, "layers": [4]}')),
     ["config.json", "unknown config key"]),
    ("config-version", _bad(_json_edit("config.json", version=99)), ["config.json", "version"]),
    ("meta-version", _bad(_json_edit("meta.json", version=99)), ["meta.json", "format version 99"]),
    ("meta-not-json", _bad(lambda d: (d / "meta.json").write_text("{")), ["meta.json", "JSON"]),
    ("meta-bad-field", _bad(_json_edit("meta.json", iteration="50")), ["meta.json", "'iteration'"]),
    ("meta-config-clash", _bad(_json_edit("meta.json", layer_sizes=[2, 5, 1])), ["meta.json", "config.json"]),
    ("npz-garbage", _bad(lambda d: (d / "params.npz").write_bytes(b"PK\x03\x04 not really a zip")),
     ["params.npz", "not a valid NumPy .npz"]),
    ("npz-truncated", _bad(lambda d: (d / "params.npz").write_bytes((d / "params.npz").read_bytes()[:300])),
     ["params.npz", "not a valid NumPy .npz"]),
    ("npz-bitflip", _bad(lambda d: (d / "params.npz").write_bytes(
        (lambda b: b[:200] + bytes([b[200] ^ 0xFF]) + b[201:])((d / "params.npz").read_bytes()))),
     ["params.npz", "not a valid NumPy .npz"]),
    ("npz-pickle", _bad(_npz(W1=np.array([{"x": 1}, None], dtype=object))),
     ["params.npz", "Python objects"]),
    ("npz-wrong-shape", _bad(_npz(W1=np.zeros((3, 2)))),
     ["params.npz", "W1 as float64 of shape (3, 2)", "needs floating-point numbers of shape (4, 2)"]),
    ("npz-missing-param", _bad(_npz(b2=None)),
     ["params.npz", "holds W1, W2, b1, but this network needs W1, W2, b1, b2"]),
    ("npz-strings", _bad(_npz(b2=np.array([["1"]]))), ["params.npz", "b2 as <U1", "floating-point"]),
    ("npz-other-iteration", _bad(_npz(iteration=np.int64(7))), ["params.npz", "iteration 7"]),
    ("missing-history", _bad(lambda d: (d / "history.csv").unlink()), ["history.csv", "missing"]),
    ("huge-history", _bad(_huge), ["history.csv", "50 MB"]),
    ("history-text", _bad(lambda d: (d / "history.csv").write_text("iteration,cost_train\n0,abc\n")),
     ["history.csv", "'cost_train'", "numbers"]),
    ("history-no-iteration", _bad(lambda d: (d / "history.csv").write_text("cost_train\n0.5\n")),
     ["history.csv", "iteration"]),
    ("history-binary", _bad(lambda d: (d / "history.csv").write_bytes(b"\xff\xfe\x00\x01\x00" * 50)),
     ["history.csv"]),
]


@pytest.mark.parametrize("setup, fragments", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals(root, trained, setup, fragments):
    save_run(trained.trainer, CONFIG, "good")
    name = setup(root)
    with pytest.raises(RunFileError) as err:
        load_run(name)
    for fragment in fragments:
        assert fragment in str(err.value)
    assert "good" in [r["name"] for r in list_runs()]  # never crashes, still lists the good run


@pytest.mark.parametrize("name", ["../evil", "a/b", "", ".hidden", "/tmp/evil", "x" * 65, "my run", "-a"])
def test_save_refuses_bad_names_and_writes_nothing(root, trained, name):
    with pytest.raises(RunFileError, match="not a run name"):
        save_run(trained.trainer, CONFIG, name)
    assert not root.exists() and not (root.parent / "evil").exists()


def test_save_refuses_a_run_that_loading_would_refuse(root, trained, monkeypatch):
    monkeypatch.setattr(runs, "MAX_FILE_BYTES", 1000)  # history.csv of 51 rows is larger
    with pytest.raises(RunFileError, match="too large to save"):
        save_run(trained.trainer, CONFIG, "big")
    assert not root.exists()


@given(st.text(max_size=100))
def test_safe_run_name_gives_a_valid_stable_name(text):
    try:
        name = safe_run_name(text)
    except RunFileError:
        assert not re.search(r"[A-Za-z0-9]", text)
        return
    assert re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9_-]{0,62}[A-Za-z0-9])?", name)
    assert safe_run_name(name) == name


def test_params_bytes_for_download_and_upload(trained, monkeypatch):
    params = trained.network.params
    shapes = {k: v.shape for k, v in params.items()}
    back = params_from_npz_bytes(params_to_npz_bytes(params), shapes)
    assert back.keys() == params.keys() and all(np.array_equal(back[k], params[k]) for k in params)
    with pytest.raises(RunFileError, match=r"W1 as float64 of shape \(4, 2\), but .* of shape \(5, 2\)"):
        params_from_npz_bytes(params_to_npz_bytes(params), {**shapes, "W1": (5, 2)})
    buf = io.BytesIO()
    np.savez(buf, W1=np.array([None], dtype=object))
    with pytest.raises(RunFileError, match="Python objects"):
        params_from_npz_bytes(buf.getvalue())
    monkeypatch.setattr(runs, "MAX_FILE_BYTES", 2**20)
    buf = io.BytesIO()
    np.savez_compressed(buf, W1=np.zeros((2, 2**17)))  # 2 MB of zeros in a few kB: a zip bomb in small
    assert len(buf.getvalue()) < 2**16
    with pytest.raises(RunFileError, match="unpack to more than 1 MB"):
        params_from_npz_bytes(buf.getvalue())


# ---------- crash safety ----------
def test_death_between_the_two_renames_keeps_the_old_run(root, trained, monkeypatch):
    """The one moment with no <name> folder (too short to hit by killing at random): readers use the
    set-aside old run, and the next save puts it back before replacing it."""
    save_run(trained.trainer, CONFIG, "r")
    rename = os.rename

    def dies_before_moving_the_new_run_in(src, dst):
        if Path(src).name.startswith(".tmp-"):
            raise KeyboardInterrupt
        rename(src, dst)
    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(os, "rename", dies_before_moving_the_new_run_in)
        save_run(trained.trainer, CONFIG, "r", replace=True)
    assert not (root / "r").exists() and any(n.startswith(".old-r-") for n in os.listdir(root))
    assert [r["name"] for r in list_runs()] == ["r"] and load_run("r").meta["iteration"] == 50
    run = build(CONFIG)
    run.trainer.step(60)
    save_run(run.trainer, CONFIG, "r", replace=True)
    assert os.listdir(root) == ["r"] and load_run("r").meta["iteration"] == 60


# A writer process imports once, then for each line it reads forks a child that saves the same ~4 MB run
# over and over, each save stamped (every parameter equals its iteration), until the test SIGKILLs it.
WRITER = r"""
import os, sys
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.runs import save_run
config = RunConfig(dataset="circles", n_samples=40, hidden=(512, 512, 512))
run = build(config)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            for i in range(int(line), 2**62):
                run.trainer.iteration = i
                for p in run.network.params.values():
                    p[...] = i
                save_run(run.trainer, config, "crash", replace=True)
                if i == int(line):  # warmed up: from now on a kill lands anywhere in a save
                    print("saving", os.getpid(), flush=True)
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    print("reaped", flush=True)
"""


@contextlib.contextmanager
def _writer(root, cwd):
    """A WRITER process saving into `root`: yields start(first) -> the pid of a child now saving "crash" over
    and over (from iteration `first`), and kill() that SIGKILLs that child. Always stops both."""
    env = {**os.environ, runs.RUNS_DIR_ENV: str(root), "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # one BLAS thread: safe to fork
    writer = subprocess.Popen([sys.executable, "-c", WRITER], env=env, cwd=cwd,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    child = None

    def start(first: int) -> int:
        nonlocal child
        writer.stdin.write(f"{first}\n".encode())
        writer.stdin.flush()
        line = writer.stdout.readline().split()
        assert line[:1] == [b"saving"], f"the writer failed: {line}"
        child = int(line[1])
        return child

    def kill() -> None:
        nonlocal child
        os.kill(child, signal.SIGKILL)  # no cleanup of any kind runs
        assert writer.stdout.readline() == b"reaped\n"
        child = None
    try:
        yield start, kill
    finally:
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        writer.kill()
        writer.wait()


BIG = RunConfig(dataset="circles", n_samples=40, hidden=(512, 512, 512))  # WRITER's config


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_killed_saves_leave_the_old_or_the_new_run(root, tmp_path):
    run = build(BIG)
    for p in run.network.params.values():
        p[...] = 0
    save_run(run.trainer, BIG, "crash")
    history = run.trainer.history
    kills, rng, seen, mid_save = 10, random.Random(7), set(), 0
    with _writer(root, tmp_path) as (start, kill):
        for k in range(kills):
            start((k + 1) * 10**6)
            if k % 2:  # at a random moment: a save takes ~70 ms on a quiet machine, old and new both win
                time.sleep(rng.uniform(0.005, 0.15))
            else:  # once its temp folder is there: on a busy machine a random moment may come too soon
                deadline = time.monotonic() + 60
                while not _temps(root) and time.monotonic() < deadline:
                    time.sleep(0.001)
                time.sleep(rng.uniform(0, 0.02))
            kill()
            mid_save += any(n.startswith(".") for n in os.listdir(root))  # temp / set-aside folders
            assert [r["name"] for r in list_runs()] == ["crash"]
            loaded = load_run("crash")  # a complete run existed before the first kill: never "no such run"
            it = loaded.meta["iteration"]
            assert all(np.all(v == it) for v in loaded.params.values()), f"kill {k}: parameters of two saves"
            pd.testing.assert_frame_equal(loaded.history, history)
            seen.add(it)
    assert mid_save >= 1, "no kill landed in the middle of a save: the test proved nothing"
    print(f"{kills} kills, {mid_save} mid-save, iterations seen: {sorted(seen)}")


# ---------- leftovers of killed saves ----------
def _temps(root) -> list[str]:
    return [n for n in os.listdir(root) if n.startswith(".tmp-")]


def _kill_mid_write(root, start, kill, first: int) -> tuple[str, int]:
    """SIGKILL a saving child while its temp folder is there: the temp folder's name, the child's pid."""
    for attempt in range(20):
        child = start(first + attempt)
        deadline = time.monotonic() + 60  # a busy machine is slow to start a child
        while not _temps(root) and time.monotonic() < deadline:
            time.sleep(0.0005)  # not a busy loop: the child needs the core more than we do
        kill()
        if temps := _temps(root):
            assert len(temps) == 1
            return temps[0], child
    pytest.fail("no kill landed while a temp folder was there")


def _ended_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", ""])
    proc.wait()
    return proc.pid  # reaped: no such process any more


def _id(pid: int) -> str:
    return f"{pid:08x}" + "ab" * 12


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_a_killed_save_leaves_a_temp_folder_that_start_up_and_the_next_save_clear(root, tmp_path):
    run = build(BIG)
    save_run(run.trainer, BIG, "crash")
    with _writer(root, tmp_path) as (start, kill):
        temp, child = _kill_mid_write(root, start, kill, 10**6)
        assert load_run("crash").meta["name"] == "crash" and (root / temp).is_dir()
        assert temp[-32:-24] == f"{child:08x}"  # the writer's pid starts the temp folder's id
        left = [n for n in os.listdir(root) if n.startswith(".")]  # (+ .old-crash-* if killed between renames)
        assert runs.clean_leftovers() == len(left)  # what the server's start does
        assert os.listdir(root) == ["crash"] and load_run("crash").meta["name"] == "crash"

        temp, _ = _kill_mid_write(root, start, kill, 2 * 10**6)
        assert time.time() - (root / temp).stat().st_mtime < runs.STALE_SECONDS
        save_run(run.trainer, BIG, "crash", replace=True)  # its writer has ended: no 10-minute wait for this one
        assert os.listdir(root) == ["crash"] and load_run("crash").meta["iteration"] == 0


def test_clean_leftovers_clears_only_leftover_folders_and_follows_no_symlink(root, trained, tmp_path):
    assert runs.clean_leftovers() == 0 and not root.exists()  # no runs folder: nothing made
    for name in ("a", "b"):
        save_run(trained.trainer, CONFIG, name)
    ended = _ended_pid()
    cleared = [f".tmp-a-{_id(ended)}", f".tmp-b-{_id(0)}", f".tmp-b-{'f' * 32}", f".old-b-{_id(ended)}",
               f".tmp-a-{_id(os.getpid())}"]  # at start-up our own pid is an ended process's (same pid)
    for n in cleared:
        shutil.copytree(root / "a", root / n)
    (root / cleared[0] / "params.npz").unlink()  # killed mid-write
    shutil.copytree(root / "b", root / f".old-c-{_id(ended)}")  # killed between the renames: c's only copy
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "keep.txt").write_text("not the runs folder's")
    os.symlink(outside, root / cleared[0] / "link")  # inside a leftover: the link goes, not its target
    kept = {"a", "b", "notes.txt", ".hidden", ".tmp-a-123", f".tmp-d-{_id(ended)}",
            f".tmp-s-{_id(ended)}", f".old-s-{_id(ended)}"}
    (root / "notes.txt").write_text("not a run")
    (root / ".hidden").mkdir()
    (root / ".tmp-a-123").mkdir()  # not a leftover's name
    (root / f".tmp-d-{_id(ended)}").write_text("a file, not a folder")
    for n in (f".tmp-s-{_id(ended)}", f".old-s-{_id(ended)}"):  # symlinked leftovers: never followed
        os.symlink(outside, root / n)
    # alive until we close its stdin: no fixed time to outlast
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:  # another process sharing the runs folder, saving right now: its temp folder is spared
        live = f".tmp-a-{_id(sleeper.pid)}"
        shutil.copytree(root / "a", root / live)
        assert runs.clean_leftovers() == len(cleared) + 1  # + c put back
    finally:
        sleeper.stdin.close()
        sleeper.wait()
    assert sorted(os.listdir(root)) == sorted(kept | {"c", live})
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == ["sub", "sub/keep.txt"]
    for n in (f".tmp-s-{_id(ended)}", f".old-s-{_id(ended)}"):
        assert os.readlink(root / n) == str(outside)  # still the same link
    assert load_run("c").meta["name"] == "b" and {r["name"] for r in list_runs()} == {"a", "b", "c"}
    assert runs.clean_leftovers() == 1 and live not in os.listdir(root)  # its writer has ended now


def test_the_servers_start_clears_leftovers(root, trained, tmp_path):
    """`make run` serves server.py: its st.App's start-up hook (lifespan, once per server process) clears the
    runs folder's leftovers before the server answers; importing server.py clears nothing."""
    from tests.browser import start_streamlit

    save_run(trained.trainer, CONFIG, "a")
    temp = root / f".tmp-a-{_id(_ended_pid())}"
    shutil.copytree(root / "a", temp)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", "import server"], cwd=tmp_path, env=env, check=True)
    assert temp.exists()  # importing it is no start
    with start_streamlit(REPO / "server.py"):
        assert os.listdir(root) == ["a"]  # the server answers only once its start-up is done


def test_the_start_up_hook_clears_leftovers(root, trained):
    save_run(trained.trainer, CONFIG, "a")
    shutil.copytree(root / "a", root / f".tmp-a-{_id(_ended_pid())}")

    from descentlab.ui.sessions import lifespan

    async def start_and_stop():
        async with lifespan(None):
            return os.listdir(root)
    assert asyncio.run(start_and_stop()) == ["a"]


def test_messages_never_show_the_servers_paths(root, trained, tmp_path, monkeypatch):
    """The runs folder's absolute path is the server's business: messages name runs, not paths."""
    errors = []

    def message(call, *args):
        with pytest.raises(RunFileError) as err:
            call(*args)
        errors.append(str(err.value))
        return str(err.value)
    assert message(load_run, "nothing") == "there is no saved run named 'nothing' in the runs folder."
    save_run(trained.trainer, CONFIG, "a")
    assert "no saved run named 'nothing'" in message(load_run, "nothing")
    os.symlink("loop", root / "loop")  # a symlink loop named like a run: was a RuntimeError naming its path
    assert "symlinks are refused" in message(load_run, "loop")
    assert [r["name"] for r in list_runs()] == ["a"]
    shutil.rmtree(root)
    root.write_text("a file where the runs folder should be")
    assert message(save_run, trained.trainer, CONFIG, "x").startswith("could not save run 'x' in the runs folder")
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(root / "runs"))  # under a file
    assert "could not save run 'x' in the runs folder" in message(save_run, trained.trainer, CONFIG, "x")
    for text in errors:
        assert str(tmp_path) not in text and os.sep not in text, text


# ---------- runs that belong to their owner ----------
A_KEY, B_KEY = "a" * 64, "b1" * 32


def test_each_browser_key_has_its_own_space_and_the_key_is_never_written(root, trained):
    a, b = runs.owner_space(A_KEY), runs.owner_space(B_KEY)
    assert a != b and a.parent == b.parent == root / "owners"
    save_run(trained.trainer, CONFIG, "my-run", a)
    save_run(trained.trainer, CONFIG, "my-run", b)  # the same name in another space: no clash
    assert [r["name"] for r in list_runs(a)] == ["my-run"] == [r["name"] for r in list_runs(b)]
    assert list_runs() == [] and list_runs(runs.library_space()) == []  # nothing at the top or in the library
    for path in root.rglob("*"):
        assert A_KEY not in str(path) and B_KEY not in str(path)
    for bad in ("", "../../etc", "A" * 64, "a" * 31, None, 5):
        with pytest.raises(RunFileError, match="no valid key"):
            runs.owner_space(bad)


def test_a_saved_run_is_replaced_only_when_asked(root, trained):
    save_run(trained.trainer, CONFIG, "lecture")
    run = build(CONFIG)
    run.trainer.step(7)
    with pytest.raises(RunFileError, match="already saved"):
        save_run(run.trainer, CONFIG, "lecture")
    assert load_run("lecture").meta["iteration"] == 50 and os.listdir(root) == ["lecture"]
    save_run(run.trainer, CONFIG, "lecture", replace=True)
    assert load_run("lecture").meta["iteration"] == 7


def test_start_up_clears_leftovers_in_every_space(root, trained):
    spaces = [root, runs.library_space(), runs.owner_space(A_KEY)]
    for space in spaces:
        save_run(trained.trainer, CONFIG, "a", space)
        shutil.copytree(space / "a", space / f".tmp-a-{_id(_ended_pid())}")
    assert runs.clean_leftovers() == 3
    assert all(os.listdir(space) == ["a"] for space in spaces[1:])
