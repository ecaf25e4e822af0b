"""How alive the learning-rate page's sweep is in a real browser with 16 rates (issue 4 asks for >= 5
frames per second).

    python -m bench.lr_fps [--seconds 10] [--repeat 2] [--rates 16]

Reuses bench/playground_fps.py's measure(): starts `streamlit run server.py`, opens /lr_explorer with a
link that sets the sweep (vary=learning_rate, K rates from 1e-4 to 10), presses Play (lr_btn_play)
and counts redraws per live chart (new figures on screen), training frames (the distinct iteration values the status
line showed), blank samples and server CPU. One Markdown row per repeat: browser and server share
this machine's cores and other work on it moves the figures, so measure more than once.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.playground_fps import report_repeats  # noqa: E402
from descentlab.engine.sweep import lr_grid  # noqa: E402


def query(rates: int) -> str:
    # the default run (circles, 8-8 tanh, cross-entropy): no rate diverges, so all of them keep drawing
    return "vary=learning_rate&values=" + ",".join(f"{r:.4g}" for r in lr_grid(1e-4, 10.0, rates))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--script", default="server.py", choices=("server.py", "app.py"))
    ap.add_argument("--rates", type=int, default=16)
    args = ap.parse_args(argv)
    print(f"{args.rates} learning rates\n")
    report_repeats("lr_explorer", "lr_btn_play", query(args.rates), args.seconds, args.repeat, script=args.script)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
