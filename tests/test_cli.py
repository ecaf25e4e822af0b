"""`python -m descentlab`, run as a real subprocess from the repository root."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from descentlab.engine import cli

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--n-samples", "60", "--hidden", "4"]


def _start(args, cwd=ROOT):
    return subprocess.Popen([sys.executable, "-m", "descentlab", *args], cwd=cwd, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc):
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def run(*args, cwd=ROOT):
    return _finish(_start(args, cwd))


def run_all(commands):
    """Start every command at once (each pays the interpreter start-up), then collect."""
    procs = [_start(args) for args in commands]
    return [_finish(p) for p in procs]


JSON_RUN = ["train", *SMALL, "--iterations", "30", "--seed", "3", "--json"]
PROCESS_RUNS = {
    "json": JSON_RUN, "json_again": JSON_RUN, "json_seed4": [*JSON_RUN[:-2], "4", "--json"],
    "diverge": ["train", "--dataset", "plane", "--activation", "linear", "--lr", "10",
                "--iterations", "200", "--json"],
    "demo": ["demo", "--iterations", "200"],
    "gradcheck": ["gradcheck", *SMALL],
    "bad_value": ["train", "--lr", "nan"],
}


@pytest.fixture(scope="module")
def results():
    """All independent process runs at once: each pays ~0.7 s of start-up, so overlap them."""
    return dict(zip(PROCESS_RUNS, run_all(PROCESS_RUNS.values())))


RECORD_KEYS = {"iteration", "epoch", "learning_rate", "cost_train", "cost_test", "accuracy_train",
               "accuracy_test", "diverged", "diverged_at", "message"}


def test_train_json_is_one_object_and_deterministic(results):
    (rc1, out1, err1), (rc2, out2, _), (rc3, out3, _) = (
        results["json"], results["json_again"], results["json_seed4"])
    assert rc1 == rc2 == rc3 == 0, err1
    assert err1 == ""  # no progress bar: stderr is not a terminal here
    assert len(out1.strip().splitlines()) == 1
    record = json.loads(out1)
    assert RECORD_KEYS <= set(record)
    assert record["iteration"] == 30 and record["diverged"] is False
    assert 0.0 <= record["accuracy_train"] <= 1.0
    assert out1 == out2  # same seed, same everything
    assert json.loads(out3)["cost_train"] != record["cost_train"]  # another seed, other weights


def test_final_record_is_current_between_records(capsys):
    # stopping between two history rows must not report the older row as the final state
    assert cli.main(["train", *SMALL, "--iterations", "30", "--record-every", "1000", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["iteration"] == 30 and RECORD_KEYS <= set(record)


def test_train_human_summary(capsys):
    rc = cli.main(["train", *SMALL, "--iterations", "5", "--lr", "0.1"])
    out = capsys.readouterr().out
    assert rc == 0 and "circles" in out and "cost" in out and "acc" in out


def test_train_stops_at_the_target_cost_and_says_where(capsys):
    from descentlab.engine.build import build
    from descentlab.engine.config import RunConfig

    tr = build(RunConfig(n_samples=60, hidden=(4,), learning_rate=0.3)).trainer
    tr.step(200)
    target = repr(float(tr.history.cost_train.iloc[150]) * (1 + 1e-9))
    args = ["train", *SMALL, "--lr", "0.3", "--iterations", "500", "--target-cost", target]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    reached = build(RunConfig(n_samples=60, hidden=(4,), learning_rate=0.3, target_cost=float(target)))
    reached.trainer.step(500)
    at = reached.trainer.target_reached_at
    assert at is not None and 0 < at <= 150
    assert f"Reached J < {float(target):g} at iteration {at:,}" in out and f"{at} iterations" in out
    assert cli.main([*args, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["iteration"] == record["iterations_done"] == record["target_reached_at"] == at


def test_history_config_files_and_overrides(tmp_path):
    hist, saved, again = tmp_path / "h.csv", tmp_path / "a.json", tmp_path / "b.json"
    rc, out, err = run("train", *SMALL, "--activation", "relu,", "--iterations", "30", "--record-every",
                       "10", "--quiet", "--history", str(hist), "--save-config", str(saved))
    assert rc == 0 and out == "" and err == "", err
    rows = list(csv.DictReader(hist.open()))
    assert [int(r["iteration"]) for r in rows] == [0, 10, 20, 30]  # one row per recorded step
    assert {"cost_train", "accuracy_test"} <= set(rows[0])
    assert json.loads(saved.read_text())["hidden"] == [4]
    # flags typed on the command line override the file; everything else comes from it
    rc, _, err = run("train", "--config", str(saved), "--seed", "9", "--iterations", "1", "--quiet",
                     "--save-config", str(again))
    assert rc == 0, err
    b = json.loads(again.read_text())
    assert (b["hidden"], b["activation"], b["n_samples"], b["seed"]) == ([4], ["relu"], 60, 9)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "h.csv"]  # no temp files


def _bad_config(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text)
    return str(path)


BAD_ARGS = [
    ["train", "--lr", "nan"],
    ["train", "--learning-rate", "inf"],
    ["train", "--hidden", "0,5"],
    ["train", "--hidden", "8,"],
    ["train", "--activation", "nope"],
    ["train", "--activation", "relu,tanh,relu"],  # 3 names for 2 hidden layers
    ["train", "--bogus"],
    ["train", "--iterations", "0"],
    ["train", "--seed", "-1"],
    ["train", "--config", "missing.json"],
    ["train", "--config", "{tmp}/bad.json"],
    ["train", "--config", "{tmp}/wrong.json"],
    ["train", "--config", "{tmp}"],
    ["train", "--history", "/nonexistent/dir/x.csv"],
    ["train", "--save-config", "/nonexistent/dir/x.json"],
    ["train", "--loss", "softmax_ce"],  # does not fit binary data
    ["gradcheck", "--init-scale", "0"],
    ["nope"],
    [],
]


@pytest.fixture(scope="module")
def tmp_configs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cfg")
    _bad_config(tmp, "bad.json", "{not json")
    _bad_config(tmp, "wrong.json", '{"version": 1, "hidden": [0]}')
    return tmp


# The whole table runs in-process (cli.main is what __main__ calls; a process per case would cost
# ~0.7 s of imports each); test_bad_arguments_in_a_real_process checks the same contract end to end.
@pytest.mark.parametrize("args", BAD_ARGS, ids=[" ".join(a) or "(none)" for a in BAD_ARGS])
def test_bad_arguments_exit_2_with_one_line(tmp_configs, capsys, args):
    rc = cli.main([a.replace("{tmp}", str(tmp_configs)) for a in args])
    out, err = capsys.readouterr()
    assert rc == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and "usage:" not in err


def test_bad_arguments_in_a_real_process(results):
    rc, out, err = results["bad_value"]
    assert rc == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err


def test_help_still_works(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0 and "--learning-rate" in out and "--lr" in out and "--hidden" in out


def test_gradcheck(results, capsys):
    rc, out, err = results["gradcheck"]
    assert rc == 0, out + err
    assert "W1" in out and "b2" in out and "passed" in out
    # nothing is that exact: proves the exit status depends on the errors
    assert cli.main(["gradcheck", *SMALL, "--tolerance", "1e-300"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_diverging_run_is_reported(results):
    rc, out, err = results["diverge"]
    assert rc == 0, err
    record = json.loads(out)  # NaN / inf would have been written as null
    assert record["diverged"] is True and isinstance(record["diverged_at"], int)
    assert record["iteration"] < 200
    assert "diverged" in err and "Traceback" not in err


def test_demo_draws_a_picture(results):
    rc, out, err = results["demo"]
    assert rc == 0, err
    assert "accuracy" in out or "acc" in out
    frame = [line for line in out.splitlines() if line.startswith("|")]
    assert len(frame) == 20 and all(len(line) == 42 for line in frame)
    assert any(ch in "".join(frame) for ch in "01")  # training points drawn


def test_the_engine_cli_runs_nothing_above_the_engine(capsys):
    """The benches live above the engine (they drive browsers and servers): `python -m bench` runs
    them, and the engine's command line neither offers nor imports them."""
    assert cli.main(["bench", "--quick"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert "bench" not in Path(cli.__file__).read_text()


def test_jsonable_writes_nan_as_null():
    import numpy as np

    out = cli._jsonable({"a": float("nan"), "b": np.float64("inf"), "c": np.int64(3), "d": (1.5,)})
    assert json.dumps(out, allow_nan=False) == '{"a": null, "b": null, "c": 3, "d": [1.5]}'
