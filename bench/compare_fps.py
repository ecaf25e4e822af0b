"""How alive the Compare page is in a real browser with six variants (issue 4 asks for >= 5 frames/s).

    python -m bench.compare_fps [--seconds 10] [--repeat 2] [--query "vary=...&values=..."]

Reuses bench/playground_fps.py's measure(): starts `streamlit run server.py`, opens /compare in headless
Chromium, presses Play (cmp_btn_play) and counts redraws per live chart (new figures on screen), training frames (the
distinct iteration values the status line showed), blank samples and server CPU. Prints one Markdown
row per repeat: browser and server share this machine's cores, and other work on it moves the figures,
so measure more than once.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import playground_fps  # noqa: E402

# The boundaries are layout images under WebGL points: a chart counts as drawn when its subplots
# hold their pictures (the Playground's probe looks for SVG traces only).
_DRAWN = "'.overplot .trace, .overplot image, .layer-above image'"
assert _DRAWN in playground_fps.PROBE, "bench/playground_fps.py's probe changed: update this selector"
PROBE = playground_fps.PROBE.replace(_DRAWN, _DRAWN[:-1] + ", .layer-subplot .imagelayer image'")

# Six learning rates on the default run (circles, 8-8 tanh): one of them oscillates, none diverges
# within a typical window, so all six keep training and drawing.
SIX = "vary=learning_rate&values=0.001;0.003;0.01;0.03;0.1;0.3"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--script", default="server.py", choices=("server.py", "app.py"))
    ap.add_argument("--query", default=SIX)
    args = ap.parse_args(argv)
    playground_fps.PROBE = PROBE  # measure() installs the module's probe in the page
    playground_fps.report_repeats("compare", "cmp_btn_play", args.query, args.seconds, args.repeat, script=args.script)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
