"""How alive the Compare page is in a real browser with six variants (issue 4 asks for >= 5 frames/s).

    python -m bench.compare_fps [--seconds 10] [--repeat 2] [--query "vary=...&values=..."]

Reuses bench/playground_fps.py's measure(): starts `streamlit run app.py`, opens /compare in headless
Chromium, presses Play (cmp_btn_play) and counts Plotly redraws per live chart, training frames (the
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
    ap.add_argument("--query", default=SIX)
    args = ap.parse_args(argv)
    print("| run | live charts | chart redraws/s (slowest / mean) | training frames/s | blank samples | "
          "page load to first chart | server CPU | server RSS |\n|---|---|---|---|---|---|---|---|")
    playground_fps.PROBE = PROBE  # measure() installs the module's probe in the page
    for i in range(args.repeat):
        r = playground_fps.measure(args.seconds, args.query, panel=None, page_path="compare", play_key="cmp_btn_play")
        print(f"| {i + 1} | {r['charts']} | {r['fps_min']:.1f} / {r['fps_mean']:.1f} | {r['frames']:.1f} | "
              f"{r['blank']:.1%} | {r['first_chart_s']:.1f} s | {r['cpu']:.0%} of a core | {r['rss_mb']:.0f} MB |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
