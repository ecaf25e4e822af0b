"""Saved runs: <runs dir>/<name>/ holds config.json, history.csv, params.npz (W1, b1, ..., iteration)
and meta.json. Loading runs nothing: no pickle, the strict RunConfig.from_json, numbers-only CSV,
size caps, no symlinks. Saving is atomic: write and fsync a hidden temp folder, then rename the old run
aside (.old-<name>-<id>), the new one in, and delete the old. A crash between the renames leaves the old
run aside: readers use it and the next save puts it back. Run names have no dots, leftovers all do.
A leftover's id starts with its writer's pid: a save's tidy deletes temp folders of ended processes at once
(others once STALE_SECONDS old), and the server's start (clean_leftovers) clears what killed saves left.
Messages name runs, never the server's paths.

A server shared by a room keeps each browser's runs apart: `owner_space(key)` is <runs dir>/owners/
<sha-256 of the browser's key, 32 hex>, so the key itself is never written down, and a run is reached
only through the key that saved it. `library_space()` is the class library, which everyone reads and
the UI lets only the lecturer write (descentlab.ui.run_spaces). A save never replaces a run unless asked to."""
from __future__ import annotations

import hashlib  # noqa: E401
import io
import json
import os
import re
import shutil
import stat
import time
import uuid
import zipfile
import zlib
from contextlib import suppress
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from descentlab.engine.build import Run, build
from descentlab.engine.config import ConfigError, RunConfig

RUNS_DIR_ENV = "DESCENTLAB_RUNS_DIR"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 50 * 2**20  # 16 layers of 512 on 16x16x3 images save 33 MB of parameters
FILES = ("config.json", "history.csv", "params.npz", "meta.json")
DRAWN_FILE = "drawn.json"  # a "draw" run's points (descentlab.engine.drawn), beside FILES; only in such runs
STALE_SECONDS = 600  # a temp folder this old is a crashed save's, not a running one's (whatever its pid)
_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9_-]{0,62}[A-Za-z0-9])?")
_PARAM = re.compile(r"[Wb][1-9][0-9]{0,2}")
_LEFTOVER = re.compile(r"\.(tmp|old)-([A-Za-z0-9_-]{1,64})-([0-9a-f]{32})")  # id: _stamp()
# POSIX (reads use O_NOFOLLOW and directory handles): no symlink even if swapped in late; a FIFO can't hang us
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_META = {"name": str, "saved_at": str, "iteration": int, "epoch": int, "diverged": bool, "message": str,
         "layer_sizes": list, "engine_version": str}
ENGINE_VERSION = next((d.version for d in metadata.distributions(name="descentlab")), "unknown")  # if installed


class RunFileError(ValueError):
    """A run that cannot be saved or loaded; the message says why in one sentence."""


class LoadedRun(NamedTuple):
    config: RunConfig
    history: pd.DataFrame
    params: dict
    meta: dict
    drawn: object = None  # a "draw" run's DrawnSet (descentlab.engine.drawn), from drawn.json


class RestoredRun(NamedTuple):
    run: Run               # build(config) with the saved weights; its trainer starts at iteration 0, fresh
    history: pd.DataFrame  # optimizer and history (none of those is saved): this is the saved history to show


def runs_dir(directory=None) -> Path:
    """`directory` if given, else $DESCENTLAB_RUNS_DIR, else ./runs (created by the first save)."""
    return Path(directory if directory is not None else os.environ.get(RUNS_DIR_ENV) or "runs").absolute()


OWNERS, LIBRARY = "owners", "library"
_OWNER_KEY = re.compile(r"[0-9a-f]{32,128}")


def owner_space(owner_key: str, directory=None) -> Path:
    """The runs folder of the browser holding ``owner_key`` (hex, at least 128 bits, made in the browser)."""
    if not isinstance(owner_key, str) or not _OWNER_KEY.fullmatch(owner_key):
        raise RunFileError("this browser has no valid key for its saved runs yet.")
    return runs_dir(directory) / OWNERS / hashlib.sha256(owner_key.encode()).hexdigest()[:32]


def library_space(directory=None) -> Path:
    """The class library: runs everyone may open."""
    return runs_dir(directory) / LIBRARY


def safe_run_name(name: str) -> str:
    """A folder-safe version of any text: letters, digits, - and _, at most 64 characters."""
    if not isinstance(name, str):
        raise RunFileError(f"a run name must be text, not {type(name).__name__}.")
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_-")[:64].rstrip("_-")
    if not re.search(r"[A-Za-z0-9]", clean):
        raise RunFileError(f"{name[:40]!r} has no letters or digits to name a run with.")
    return clean


def _check_name(name) -> str:
    # = safe_run_name's outputs. Refuse, not rename: "a/b" saved as "a_b" would surprise (and clobber a_b).
    if isinstance(name, str) and _NAME.fullmatch(name):
        return name
    raise RunFileError(f"{str(name)[:40]!r} is not a run name: use 1 to 64 letters, digits, - and _ "
                       "(no dots, slashes or spaces), starting and ending with a letter or digit.")


# ---------- saving ----------
def params_to_npz_bytes(params, iteration: int | None = None) -> bytes:
    extra = {} if iteration is None else {"iteration": np.asarray(int(iteration), np.int64)}
    buf = io.BytesIO()
    np.savez(buf, allow_pickle=False, **{k: np.asarray(v) for k, v in params.items()}, **extra)
    return buf.getvalue()


def save_run(trainer, config: RunConfig, name: str, directory=None, replace: bool = False) -> Path:
    """Save under ``name`` in ``directory``; a run of that name is replaced only with ``replace``."""
    name = _check_name(name)
    net, history = trainer.network, trainer.history
    sizes = [int(n) for n in net.layer_sizes]
    if not isinstance(config, RunConfig) or list(config.hidden) != sizes[1:-1]:
        raise RunFileError(f"save_run needs the RunConfig of this network (hidden layers {sizes[1:-1]}).")
    last = history.iloc[-1]
    meta = {"version": FORMAT_VERSION, "name": name, "saved_at": datetime.now(timezone.utc).isoformat(),
            "iteration": int(trainer.iteration), "epoch": int(trainer.epoch), "diverged": bool(trainer.diverged),
            "message": str(trainer.message), "layer_sizes": sizes, "engine_version": ENGINE_VERSION,
            **{k: float(last[k]) if k in last and np.isfinite(last[k]) else None  # JSON has no NaN
               for k in ("cost_train", "cost_test")}}
    files = {"config.json": config.to_json().encode(),
             "history.csv": history.to_csv(index=False, lineterminator="\n").encode(),
             "params.npz": params_to_npz_bytes(net.params, trainer.iteration),
             "meta.json": json.dumps(meta, indent=2, allow_nan=False).encode()}
    if config.dataset == "draw":  # the points drawn are the data: the run is not that run without them
        from descentlab.engine.drawn import DrawnSet
        files[DRAWN_FILE] = json.dumps(DrawnSet.from_dataset(trainer.dataset).to_json(), allow_nan=False).encode()
    if max(map(len, files.values())) > MAX_FILE_BYTES:  # (wide CSV data x big layers) loading would refuse it
        raise RunFileError(f"this run is too large to save: a file would be over {MAX_FILE_BYTES >> 20} MB.")
    root = runs_dir(directory)
    final, tmp, aside = (root / n for n in (name, *(f".{k}-{name}-{_stamp()}" for k in ("tmp", "old"))))
    try:
        root.mkdir(parents=True, exist_ok=True)
        _tidy(root, name)
        if not replace and os.path.lexists(final):
            raise RunFileError(f"a run named {name!r} is already saved; choose another name, or replace it.")
        tmp.mkdir()
        for fname, data in files.items():
            with open(tmp / fname, "xb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        _fsync_dir(tmp)
        if replace and os.path.lexists(final):
            os.rename(final, aside)
        os.rename(tmp, final)  # fails if another save of this name got in between: ours is refused
        _fsync_dir(root)
    except OSError as exc:
        # strerror only: str(exc) names the server's absolute path
        raise RunFileError(f"could not save run {name!r} in the runs folder: "
                           f"{exc.strerror or type(exc).__name__}.") from None
    finally:  # rmtree refuses symlinks (never deletes outside); the old run goes only once replaced
        for p in (tmp, aside) if os.path.lexists(final) else (tmp,):
            shutil.rmtree(p, ignore_errors=True)
    return final


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):  # makes the renames in it durable
        fd = os.open(path, os.O_RDONLY)
        with suppress(OSError):
            os.fsync(fd)
        os.close(fd)


def _stamp() -> str:
    """A leftover's id: 32 hex digits, the writer's pid (8) then random ones (24)."""
    pid = os.getpid()
    return f"{pid:08x}{uuid.uuid4().hex[8:]}" if 0 < pid < 2**32 else uuid.uuid4().hex


def _writer_running(stamp: str, at_start: bool) -> bool | None:
    """Whether the process that named a leftover (the pid in its stamp) still runs; None: cannot tell.
    At start-up our own pid is an ended process's (a restarted container often gets the same pid)."""
    pid = int(stamp[:8], 16)
    if pid == os.getpid():
        return not at_start
    if os.name != "posix" or pid == 0:  # Windows' os.kill would end the process, not probe it; 0: our group
        return None
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except (OSError, OverflowError):  # ids from before pids were stamped in: random digits
        return None
    return True  # (a reused pid only makes the folder wait for STALE_SECONDS)


def _leftovers(root: Path, name: str, kind: str) -> list[Path]:
    try:
        return sorted(Path(e.path) for e in os.scandir(root)
                      if (m := _LEFTOVER.fullmatch(e.name)) and m[1] == kind and m[2] == name)
    except OSError:
        return []


def _done_with(p: Path, kind: str, at_start: bool) -> bool:
    """Whether no save uses leftover `p` any more (and it is a real folder: symlinks are never touched)."""
    try:
        st = p.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    running = _writer_running(p.name[-32:], at_start)
    if at_start:  # no save of ours has started: only another live process's (sharing the folder) is spared
        return running is not True or time.time() - st.st_mtime > STALE_SECONDS
    return kind == "old" or running is False or time.time() - st.st_mtime > STALE_SECONDS


def _remove(root: Path, p: Path, name: str) -> bool:
    """Delete leftover folder `p`: renamed to a fresh name of ours first, as only one rename of it can win:
    a save still writing it fails cleanly, and a save renaming it into place never has it emptied midway.
    rmtree deletes links, never what they point to; a deletion cut short leaves a leftover of ours."""
    mine = root / f".tmp-{name}-{_stamp()}"
    try:
        os.rename(p, mine)
    except OSError:  # gone already, or renamed into place by its save
        return False
    shutil.rmtree(mine, ignore_errors=True)
    return True


def _tidy(root: Path, name: str, at_start: bool = False) -> int:
    """Undo what crashed saves of `name` left: put a set-aside run back, delete the rest (a temp folder once
    its writer has ended or after STALE_SECONDS). Returns how many leftovers it cleared."""
    olds = [p for p in _leftovers(root, name, "old") if _done_with(p, "old", at_start)]
    cleared = 0
    if olds and not os.path.lexists(root / name):
        with suppress(OSError):  # lost a race: another save put a run there
            os.rename(olds[-1], root / name)  # the one readers use
            cleared += 1
        olds.pop()
    for p in olds + [p for p in _leftovers(root, name, "tmp") if _done_with(p, "tmp", at_start)]:
        cleared += _remove(root, p, name)
    return cleared


def clean_leftovers(directory=None) -> int:
    """Clear what killed saves left in the runs folder; returns how many leftovers it cleared. For the server's
    start (descentlab.ui.sessions.lifespan), when no save of this process has begun: every .tmp-/.old- folder goes, except a
    set-aside run whose run is missing (put back: it is the only copy) and the ones of another running
    process (sharing the folder, mid-save). Only real folders named like leftovers, directly in the runs
    folder, are touched: symlinks are never followed, renamed or deleted. Never raises."""
    top = runs_dir(directory)
    folders = [top, top / LIBRARY]
    with suppress(OSError):
        folders += [Path(e.path) for e in os.scandir(top / OWNERS) if e.is_dir(follow_symlinks=False)]
    cleared = 0
    for root in folders:
        try:
            names = sorted({m[2] for e in os.scandir(root) if (m := _LEFTOVER.fullmatch(e.name))})
        except OSError:  # no such folder yet
            continue
        cleared += sum(_tidy(root, name, at_start=True) for name in names)
    return cleared


# ---------- loading ----------
def _read_run(root: Path, name: str, only: str | None = None) -> dict[str, bytes]:
    """The run's files (with `only`, the others are just checked to be there), read through one directory
    handle: they all come from one folder even if a save renames folders meanwhile."""
    folder = root / name
    if not os.path.lexists(folder):
        olds = _leftovers(root, name, "old")  # a save died between its renames: its old run is complete
        if not olds:
            raise RunFileError(f"there is no saved run named {name!r} in the runs folder.")
        folder = olds[-1]
    try:
        outside = folder.resolve().parent != root.resolve()
    except (OSError, RuntimeError):  # a symlink loop: RuntimeError naming the absolute path (Python < 3.13)
        outside = False  # O_NOFOLLOW below refuses it
    if outside:
        raise RunFileError(f"run {name!r} points outside the runs folder, so it is refused.")
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        raise RunFileError(f"run {name!r} is not a plain folder (symlinks are refused).") from None
    try:
        files = {fname: _read(dir_fd, fname, name, keep=only in (None, fname)) for fname in FILES}
        if only is None:
            with suppress(FileNotFoundError):  # only a "draw" run has it (load_run says when it is missing)
                files[DRAWN_FILE] = _read(dir_fd, DRAWN_FILE, name, missing=FileNotFoundError)
        return files
    finally:
        os.close(dir_fd)


def _read(dir_fd: int, fname: str, name: str, keep: bool = True, missing=None) -> bytes:
    try:
        fd = os.open(fname, _FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        if missing is not None:
            raise
        raise RunFileError(f"run {name!r} is incomplete: {fname} is missing.") from None
    except OSError:
        raise RunFileError(f"run {name!r}: {fname} cannot be opened (symlinks are refused).") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            raise RunFileError(f"run {name!r}: {fname} is not a plain file of at most "
                               f"{MAX_FILE_BYTES >> 20} MB (it is {st.st_size >> 20} MB).")
        return f.read(MAX_FILE_BYTES) if keep else b""  # capped even if the file grows meanwhile


def _meta(data: bytes, name: str) -> dict:
    try:
        meta = json.loads(data)
    except (ValueError, RecursionError):
        raise RunFileError(f"run {name!r}: meta.json is not valid JSON.") from None
    version = meta.get("version") if isinstance(meta, dict) else None
    if type(version) is not int or version != FORMAT_VERSION:
        raise RunFileError(f"run {name!r}: meta.json has format version {str(version)[:20]}; this Descent Lab "
                           f"reads version {FORMAT_VERSION}.")
    wrong = [k for k, kind in _META.items() if type(meta.get(k)) is not kind]
    wrong += [k for k in ("cost_train", "cost_test") if type(meta.get(k)) not in (int, float, type(None))]
    sizes = [] if wrong else meta["layer_sizes"]
    if wrong or not 2 <= len(sizes) <= 20 or any(type(n) is not int or not 0 < n <= 10**5 for n in sizes):
        raise RunFileError(f"run {name!r}: meta.json has a missing or invalid {(wrong or ['layer_sizes'])[0]!r}.")
    return meta


def _check_frame(df, label: str) -> None:
    if not {"iteration", "cost_train"} <= set(df.columns) or len(df) == 0:
        raise RunFileError(f"{label} needs the columns iteration and cost_train and at least one row.")
    text = [str(c)[:40] for c in df.columns if df[c].dtype.kind not in "iuf"]
    if text or df["iteration"].dtype.kind not in "iu":
        raise RunFileError(f"{label}: column {(text or ['iteration'])[0]!r} must hold only (whole) numbers.")


def _npz(data: bytes, expected: dict | None, label: str) -> tuple[dict, int | None]:
    def bad(what):
        return RunFileError(f"{label} {what}.")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        bomb = sum(i.file_size for i in infos) > MAX_FILE_BYTES or len(infos) > 100  # unpacks huge
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:  # object arrays raise ValueError
            arrays = {} if bomb else {n: npz[n] for n in npz.files}
    except (ValueError, OSError, EOFError, MemoryError, TypeError, zipfile.BadZipFile, zlib.error, RuntimeError,
            NotImplementedError):  # encrypted, unknown compression; TypeError: a .npy that is also a zip
        raise bad("is not a valid NumPy .npz archive of numbers (it is corrupted, another kind of file, "
                  "or holds Python objects, which could run code and are refused)") from None
    if bomb:
        raise bad(f"would unpack to more than {MAX_FILE_BYTES >> 20} MB")
    odd = [n for n, a in arrays.items() if not isinstance(a, np.ndarray)]  # non-.npy members come as bytes
    iteration = arrays.pop("iteration", None)
    if odd or (iteration is not None and (iteration.dtype.kind != "i" or iteration.shape != ())):
        raise bad("holds something other than the parameters and the iteration")
    names = sorted(arrays)
    if any(not _PARAM.fullmatch(n) for n in names) or (expected is not None and set(names) != set(expected)):
        need = ", ".join(sorted(expected)) if expected is not None else "W1, b1, ..."
        raise bad(f"holds {', '.join(names)[:80]}, but this network needs {need}")
    for n, a in arrays.items():
        want = tuple(expected[n]) if expected is not None else a.shape if a.ndim == 2 else "(rows, columns)"
        if a.dtype.kind != "f" or a.dtype.itemsize not in (4, 8) or a.shape != want:
            raise bad(f"has {n} as {a.dtype} of shape {a.shape}, but this network needs floating-point "
                      f"numbers of shape {want}")
    return arrays, None if iteration is None else int(iteration)


def params_from_npz_bytes(data: bytes, expected: dict | None = None) -> dict:
    """Parameters {"W1": ..., "b1": ...} from an uploaded .npz; `expected` maps names to shapes."""
    return _npz(bytes(data), expected, "the parameter file")[0]


def load_run(name: str, directory=None) -> LoadedRun:
    name = _check_name(name)
    raw = _read_run(runs_dir(directory), name)
    meta = _meta(raw["meta.json"], name)
    try:
        config = RunConfig.from_json(raw["config.json"])
    except ConfigError as exc:
        raise RunFileError(f"run {name!r}: config.json is not a valid Descent Lab config ({exc}).") from None
    if list(config.hidden) != (sizes := meta["layer_sizes"])[1:-1]:
        raise RunFileError(f"run {name!r}: meta.json's layers {sizes} do not fit config.json's hidden "
                           f"layers {list(config.hidden)}.")
    expected = {k: v for l in range(1, len(sizes))
                for k, v in ((f"W{l}", (sizes[l], sizes[l - 1])), (f"b{l}", (sizes[l], 1)))}
    params, iteration = _npz(raw["params.npz"], expected, f"run {name!r}: params.npz")
    if iteration != meta["iteration"]:
        raise RunFileError(f"run {name!r}: params.npz is from iteration {iteration}, meta.json says "
                           f"{meta['iteration']}.")
    try:
        history = pd.read_csv(io.BytesIO(raw["history.csv"]))  # pandas >= 3 parses floats exactly
    except (ValueError, OverflowError):  # includes ParserError, EmptyDataError, UnicodeDecodeError
        raise RunFileError(f"run {name!r}: history.csv is not a readable CSV table.") from None
    _check_frame(history, f"run {name!r}: history.csv")
    return LoadedRun(config, history, params, meta, _drawn(raw.get(DRAWN_FILE), config, name))


def _drawn(data: bytes | None, config: RunConfig, name: str):
    """A "draw" run's DrawnSet from its drawn.json (strict JSON, no pickle); None for other runs."""
    if config.dataset != "draw":
        return None
    from descentlab.engine.drawn import DrawnError, DrawnSet
    if data is None:
        raise RunFileError(f"run {name!r} is incomplete: its drawn points ({DRAWN_FILE}) are missing.")
    try:
        return DrawnSet.from_json(json.loads(data))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, DrawnError
        why = exc if isinstance(exc, DrawnError) else "not readable JSON"
        raise RunFileError(f"run {name!r}: {DRAWN_FILE} is not a drawn set ({why}).") from None


def list_runs(directory=None) -> list[dict]:
    """Saved runs, newest first, from their meta.json (load_run checks the rest); skips non-runs."""
    root = runs_dir(directory)
    entries = []
    with suppress(OSError):  # no folder yet
        entries = os.listdir(root)
    names = {n for n in entries if not n.startswith(".")}
    names |= {m[2] for n in entries if (m := _LEFTOVER.fullmatch(n)) and m[1] == "old"}
    out = []
    for name in names:
        try:
            meta = _meta(_read_run(root, _check_name(name), "meta.json")["meta.json"], name)
        except (RunFileError, OSError):
            continue
        out.append({"name": name, **{k: meta.get(k) for k in ("saved_at", "iteration", "epoch", "diverged",
                                                               "layer_sizes", "cost_train", "cost_test")}})
    return sorted(out, key=lambda r: (r["saved_at"], r["name"]), reverse=True)  # UTC ISO: sorts as text


def restore_trainer(loaded: LoadedRun, dataset=None) -> RestoredRun:
    if dataset is None and loaded.drawn is not None:  # a "draw" run trains on its own drawn points
        dataset = loaded.drawn.dataset(loaded.config.features, loaded.config.normalization)
    try:
        run = build(loaded.config, dataset)
        if set(run.network.params) != set(loaded.params):
            raise ValueError(f"it has {sorted(run.network.params)}, the file {sorted(loaded.params)}")
        run.network.set_params(loaded.params)
    except (ConfigError, KeyError, ValueError) as exc:
        raise RunFileError(f"this run cannot be rebuilt with its saved parameters: {exc}.") from None
    run.trainer.restart_from_current_weights()  # its first row and Reset now use the saved weights
    return RestoredRun(run, loaded.history)
