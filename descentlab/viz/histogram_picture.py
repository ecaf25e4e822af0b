"""Histograms as one picture for live frames: bar traces that change make Plotly recompute and
redraw the whole chart (~20 ms in the browser for the Activations chart), while a changed layout
image is swapped alone (descentlab.ui.live's live_chart.js). The picture is an SVG (descentlab.viz.svg)."""
from __future__ import annotations

import numpy as np

from descentlab.viz.svg import stretched_svg_uri

WIDTH = HEIGHT = 1000  # the SVG's units: the picture is stretched over the axes' box


def histogram_image(edges: np.ndarray, heights: list[np.ndarray], colors: list[str], opacity: float,
                    top: float, y_range, xref: str = "x", yref: str = "y") -> dict:
    """Histograms on the same bins ``edges`` as one layout image over the axes ``xref`` / ``yref``,
    spanning x from edges[0] to edges[-1] and y over ``y_range``, the fixed range of axis ``yref``:
    each a filled step outline of its ``heights`` (0 at the bottom, ``top`` at the top) in its
    colour at ``opacity``, later ones over earlier ones, as Plotly draws overlaid bars with no gap
    (one outline, not a rectangle per bin: no seams between bins), over the chart's lines as bars
    on an overlaying axis are. The heights' own axis may step
    its range from frame to frame (its top is ``top``): the image stays where it is and only its
    picture changes, which the page swaps without a redraw."""
    edges = np.asarray(edges, float)
    span = float(edges[-1] - edges[0]) or 1.0
    xs = [f"{x:.1f}" for x in (edges - edges[0]) * (WIDTH / span)]
    paths = []
    for h, color in zip(heights, colors):
        ys = HEIGHT * (1 - np.clip(np.nan_to_num(np.asarray(h, float)) / (top or 1.0), 0, 1))
        steps = "".join(f"V{y:.1f}H{x}" for y, x in zip(ys.tolist(), xs[1:]))
        paths.append(f'<path fill="{color}" d="M{xs[0]} {HEIGHT}{steps}V{HEIGHT}Z"/>')
    lo, hi = float(y_range[0]), float(y_range[1])
    return dict(source=stretched_svg_uri(WIDTH, HEIGHT, f'<g fill-opacity="{opacity:g}">{"".join(paths)}</g>'),
                xref=xref, yref=yref, x=float(edges[0]), y=hi, sizex=span, sizey=hi - lo,
                sizing="stretch", layer="above", name="histograms")


def legend_only(x: np.ndarray) -> dict:
    """A bar trace's data while its histogram is in the picture: one bar of height 0 at x[0], so the
    legend keeps the trace's entry and nothing is drawn or hovered."""
    return dict(x=x[:1], y=np.zeros(min(len(x), 1), np.float32), hoverinfo="skip")
