"""Command line: ``python -m descentlab train|gradcheck|demo``.

The train/gradcheck flags are generated from RunConfig's field table, so every knob of the app is
also a flag. Usage mistakes end with exit status 2 and one ``error: ...`` line on stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import tempfile

import numpy as np

from descentlab.engine.build import build
from descentlab.engine.config import (
    DEFAULTS,
    MAX_JSON_CHARS,
    SPECS,
    ConfigError,
    RunConfig,
    format_value,
    parse_value,
)

MAX_GRADCHECK_PARAMS = 100_000


class UsageError(Exception):
    """A mistake by the caller: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the whole usage text first
        raise UsageError(message)


def _bounded_int(lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be an integer in [{lo}, {hi}]; got {text!r}")
        return value
    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0; got {text!r}")
    return value


_METAVARS = {"int": "N", "float": "X", "choice": "NAME", "names": "NAME,...", "hidden": "N,...",
             "activation": "NAME[,...]", "edits": "IT_W2_I_J_V[~...]"}


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("run configuration (defaults shown; see also --config)")
    for name, spec in SPECS.items():
        flags = [f"--{n.replace('_', '-')}" for n in (name, *spec.aliases)]
        text = f"{spec.help}: {spec.allowed()} (default {format_value(name, DEFAULTS[name])})"
        # SUPPRESS keeps flags that were not typed out of the namespace, so they don't override --config
        group.add_argument(*flags, dest=name, default=argparse.SUPPRESS, metavar=_METAVARS[spec.kind],
                           help=text.replace("%", "%%"))
    parser.add_argument("--config", metavar="FILE.json",
                        help="start from this saved config; flags given explicitly override it")


def _make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m descentlab", allow_abbrev=False,
                     description="Descent Lab engine: train small numpy networks from the shell.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    kw = dict(allow_abbrev=False)

    p = sub.add_parser("train", help="train one configuration", **kw)
    _add_config_flags(p)
    p.add_argument("--iterations", type=_bounded_int(1, 10**8), default=1000, metavar="N",
                   help="gradient steps to take (default 1000)")
    p.add_argument("--json", action="store_true", help="print the final record as one JSON object")
    p.add_argument("--history", metavar="OUT.csv", help="write the recorded history as CSV")
    p.add_argument("--save-config", metavar="FILE.json", help="write the resolved config as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("gradcheck", help="compare backprop with numerical gradients", **kw)
    _add_config_flags(p)
    p.add_argument("--eps", type=_positive_float, default=1e-7,
                   help="finite-difference step (default 1e-7)")
    p.add_argument("--tolerance", type=_positive_float, default=1e-6,
                   help="largest relative error that passes (default 1e-6)")
    p.set_defaults(func=_cmd_gradcheck)

    p = sub.add_parser("demo", help="a short demo: train the default config, draw the result", **kw)
    p.add_argument("--iterations", type=_bounded_int(1, 10**6), default=3000, metavar="N",
                   help="gradient steps (default 3000)")
    p.set_defaults(func=_cmd_demo)
    return parser


# --- config and files ------------------------------------------------------------------------

def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _read_config(path: str) -> RunConfig:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_JSON_CHARS + 1)
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise UsageError(f"cannot read config file {path!r}: {reason}") from None
    try:
        return RunConfig.from_json(text)
    except ConfigError as exc:
        raise UsageError(f"config file {path!r}: {exc}") from None


def _resolve_config(args: argparse.Namespace) -> RunConfig:
    base = _read_config(args.config) if args.config else RunConfig()
    try:
        changes = {name: parse_value(name, getattr(args, name)) for name in SPECS if hasattr(args, name)}
        return base.replace(**changes)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _check_writable(path: str, what: str) -> None:
    """Fail before training rather than after it."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError(f"cannot write {what} {path!r}: it is a directory")
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {what} {path!r}: folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write {what} {path!r}: folder {folder!r} is not writable")


def _write_atomic(path: str, what: str, write) -> None:
    """Write via a temp file in the same folder + os.replace: a crash never leaves half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {what} {path!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UsageError(f"cannot write {what} {path!r}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _jsonable(value):
    """Plain JSON types; NaN and inf become null (JSON has no spelling for them)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        value = value.item()  # numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# --- training ----------------------------------------------------------------------------------

def _fmt(value, spec: str = ".4g") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(float(value), spec)


def _score(record: dict, split: str) -> str:
    if f"accuracy_{split}" in record:
        acc = _fmt(100 * (record[f"accuracy_{split}"] or math.nan), ".1f")
        return f"acc {acc}%" if acc != "-" else "acc -"
    return f"r2 {_fmt(record.get(f'r2_{split}'), '.3f')}"


def _progress_text(record: dict, done: int, total: int, width: int = 20) -> str:
    filled = width * done // total
    return (f"[{'#' * filled}{'-' * (width - filled)}] {100 * done // total:3d}% "
            f"it {record.get('iteration', done)}  cost {_fmt(record.get('cost_train'))}  "
            f"{_score(record, 'train')}")


def _run_steps(trainer, iterations: int, report=None) -> dict:
    """Step in ~100 chunks so progress can be shown; stop early when training diverges or reaches
    its target cost (--target-cost).
    Returns the final record: a history row for the last iteration."""
    chunk = max(1, iterations // 100)
    done, record = 0, {}
    while done < iterations and not (trainer.diverged or trainer.finished):
        n = min(chunk, iterations - done)
        record = trainer.step(n) or {}  # None only if even the initial state was not finite
        done += n
        if report:
            report(record, done)
    # stopped between two records (record_every): record the weights as they are now (a no-op if
    # this iteration already has its row; a diverged run keeps its last finite row)
    return trainer.last_record if trainer.diverged else trainer.record()


def _cmd_train(args) -> int:
    config = _resolve_config(args)
    for path, what in ((args.history, "history"), (args.save_config, "config")):
        if path:
            _check_writable(path, what)
    if args.save_config:
        _write_atomic(args.save_config, "config", lambda fh: fh.write(config.to_json() + "\n"))
    try:
        run = build(config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    show_bar = not args.quiet and sys.stderr.isatty()

    def bar(record, done):
        sys.stderr.write("\r" + _progress_text(record, done, args.iterations))
        sys.stderr.flush()

    record = _run_steps(run.trainer, args.iterations, bar if show_bar else None)
    if show_bar:
        sys.stderr.write("\n")
    tr = run.trainer
    if tr.diverged:
        print(_one_line(tr.message or f"diverged at iteration {tr.diverged_at}"), file=sys.stderr)
    if args.history:
        _write_atomic(args.history, "history", lambda fh: tr.history.to_csv(fh, index=False))
    if args.json:
        # the newest recorded row (iteration/epoch fill in if nothing finite was ever recorded)
        out = {"iteration": tr.iteration, "epoch": tr.epoch, **record, "iterations_done": tr.iteration,
               "diverged": bool(tr.diverged), "diverged_at": tr.diverged_at,
               "target_reached_at": tr.target_reached_at, "message": tr.message}
        print(json.dumps(_jsonable(out), allow_nan=False))
    elif not args.quiet:
        if tr.finished:
            print(tr.message)  # "Reached J < 0.05 at iteration 1,234"
        print(f"{config.dataset}: {record.get('iteration')} iterations, "
              f"cost {_fmt(record.get('cost_train'))} (test {_fmt(record.get('cost_test'))}), "
              f"{_score(record, 'train')} (test {_score(record, 'test')})"
              + (" - DIVERGED" if tr.diverged else ""))
    return 0


def _cmd_gradcheck(args) -> int:
    from descentlab.engine import gradcheck

    config = _resolve_config(args)
    if config.dtype != "float64":  # float32 rounding swamps any finite difference
        print("note: gradient check runs in float64", file=sys.stderr)
        config = config.replace(dtype="float64")
    try:
        run = build(config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if run.network.n_params > MAX_GRADCHECK_PARAMS:  # two forward passes per parameter
        raise UsageError(f"gradcheck: the network has {run.network.n_params:,} parameters; "
                         f"use one with at most {MAX_GRADCHECK_PARAMS:,}")
    X, Y = run.dataset.X_train[:, :16], run.dataset.Y_train[:, :16]
    errors = gradcheck.check(run.network, X, Y, eps=args.eps, l1=config.l1, l2=config.l2)
    ok = all(err < args.tolerance for err in errors.values())  # NaN fails too
    for name, err in errors.items():
        print(f"{name:>4}  {err:.3e}  {'ok' if err < args.tolerance else 'FAIL'}")
    print(f"{'passed' if ok else 'FAILED'}: {len(errors)} parameters, {X.shape[1]} examples, "
          f"tolerance {args.tolerance:g}")
    return 0 if ok else 1


_REGION = " .:+*=~-"  # background character per predicted class
_RAMP = " .:-=+*#%@"  # regression: low to high


def _ascii_boundary(trainer, width: int = 40, height: int = 20) -> str:
    """The decision regions as text, training points drawn as their class digit."""
    grid = trainer.decision_grid(resolution=width)
    x1, x2, out = grid["x1"], grid["x2"], np.asarray(grid["output"])
    rows = np.linspace(width - 1, 0, height).round().astype(int)  # grid rows run along x2, upwards
    if trainer.dataset.task == "regression":
        lo, hi = np.nanmin(out), np.nanmax(out)
        level = np.nan_to_num((out - lo) / ((hi - lo) or 1.0)) * (len(_RAMP) - 1)
        cells = [[_RAMP[int(round(v))] for v in level[r]] for r in rows]
    else:
        cls = out.argmax(axis=0) if out.ndim == 3 else (out >= 0.5).astype(int)
        cells = [[_REGION[c % len(_REGION)] for c in cls[r]] for r in rows]
        pts, labels = trainer.dataset.points_train, trainer.dataset.labels_train
        span1, span2 = (x1[-1] - x1[0]) or 1.0, (x2[-1] - x2[0]) or 1.0
        for (p1, p2), label in zip(pts.T, labels):
            col = int(round((p1 - x1[0]) / span1 * (width - 1)))
            row = int(round((x2[-1] - p2) / span2 * (height - 1)))
            if 0 <= col < width and 0 <= row < height:
                cells[row][col] = str(int(label) % 10)
    border = "+" + "-" * width + "+"
    return "\n".join([border, *("|" + "".join(line) + "|" for line in cells), border])


def _cmd_demo(args) -> int:
    total = args.iterations
    config = RunConfig(record_every=max(1, total // 100))  # the default run; sparse records = fast
    run = build(config)
    print(f"Descent Lab demo: {config.dataset} data, hidden layers {list(config.hidden)} "
          f"({config.activation}), {config.optimizer} with learning rate {config.learning_rate}")
    tty = sys.stdout.isatty()
    shown = [0]

    def report(record, done):
        if tty:
            sys.stdout.write("\r" + _progress_text(record, done, total))
            sys.stdout.flush()
        elif done * 5 // total > shown[0] or done == total:  # a line every 20% when piped
            shown[0] = done * 5 // total
            print(_progress_text(record, done, total))

    _run_steps(run.trainer, total, report)
    if tty:
        print()
    final = run.trainer.evaluate()  # the current weights, whatever the record cadence
    print(f"after {run.trainer.iteration} iterations: training set {_score(final, 'train')}, "
          f"test set {_score(final, 'test')}")
    if run.trainer.diverged:
        print(run.trainer.message)
    print(_ascii_boundary(run.trainer))
    print("digits: training points by class; background: the predicted class "
          f"({', '.join(repr(c) for c in _REGION[:max(2, run.dataset.n_y)])})")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _make_parser().parse_args(argv)
        status = args.func(args)
        sys.stdout.flush()  # surface a closed pipe here, not at interpreter exit
        return status
    except UsageError as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `... | head`: the reader is gone, so stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
