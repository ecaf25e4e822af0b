"""Telling variants apart where their curves coincide (Compare's values, the Initialization lab's schemes).

Colour alone fails where two curves lie on top of each other: the one drawn last hides the other
(Leaky ReLU over ReLU, zeros under random × 0.01). So each variant also gets its own marker shape,
placed on its curve at a few points that are staggered between variants: where two curves coincide,
the reader sees both shapes take turns along the one line. ``coincide_note`` says it in words when
two runs are the same to the precision the charts show.

The marker positions sit at fixed fractions of the (stepped) iteration axis, so on a live chart they
only move when the axis steps on.
"""
from __future__ import annotations

import itertools

import numpy as np

from descentlab.viz.arrays import f32

# Shapes that differ in outline, not only in size, and that ui/assets/live_chart.js also draws on its
# canvas while training plays (keep the two lists in step). Index i goes with VARIANT_COLORS[i].
VARIANT_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "triangle-down")
MARKERS_PER_CURVE = 6
# The charts' hover labels show costs to 4 significant digits (".4g"): runs whose every recorded cost
# agrees to that many digits are drawn as one line.
PLOTTED_DIGITS = 4
COINCIDE_COLUMNS = ("cost_train", "cost_test")


def variant_symbol(i: int) -> str:
    return VARIANT_SYMBOLS[i % len(VARIANT_SYMBOLS)]


def marker_sizes(iterations, i: int, n: int, axis_top: float, size: float) -> np.ndarray:
    """Per-point marker sizes for variant ``i`` of ``n`` on a curve at ``iterations`` (sorted): ``size``
    at MARKERS_PER_CURVE points, 0 elsewhere. Variant i's points sit at fractions (k + (i + 0.5) / n)
    / MARKERS_PER_CURVE of the axis (0 .. ``axis_top``), each on the first recorded point at or after
    it, so no two variants put a marker at the same place."""
    it = np.asarray(iterations, float)
    sizes = np.zeros(len(it), np.float32)
    if len(it) == 0 or not axis_top > 0:
        return sizes
    targets = axis_top * (np.arange(MARKERS_PER_CURVE) + (i % max(n, 1) + 0.5) / max(n, 1)) / MARKERS_PER_CURVE
    targets = targets[targets <= it[-1]]
    sizes[np.searchsorted(it, targets, side="left")] = size
    return sizes


def marker_style(i: int, color: str, sizes: np.ndarray, outline: str, width: float) -> dict:
    """The ``marker`` of variant i's line trace (mode "lines+markers"): its shape, filled with its
    colour, with an outline that separates it from a line of another colour underneath."""
    return dict(symbol=variant_symbol(i), color=color, size=f32(sizes), opacity=1,
                line=dict(color=outline, width=max(1.0, width * 0.5)))


def coinciding_groups(histories, digits: int = PLOTTED_DIGITS) -> list[list[int]]:
    """Groups (indices, two or more) of runs whose costs agree to ``digits`` significant digits at
    every iteration they all recorded, once they have trained (two recorded rows or more). Runs that
    diverged (a non-finite cost) coincide with nothing."""
    keys = [_rounded(h, digits) for h in histories]
    groups: list[list[int]] = []
    placed: set[int] = set()
    for a, b in itertools.combinations(range(len(keys)), 2):
        if keys[a] is None or b in placed or keys[a] != keys[b]:
            continue
        group = next((g for g in groups if a in g), None)
        if group is None:
            group = [a]
            groups.append(group)
            placed.add(a)
        group.append(b)
        placed.add(b)
    return groups


def _rounded(history, digits: int):
    """The history's iterations and costs rounded to ``digits`` significant digits (vectorised: this
    runs every live frame), as bytes to compare; None before training or after a divergence."""
    columns = [c for c in COINCIDE_COLUMNS if history is not None and c in history]
    if not columns or len(history) < 2:
        return None
    values = np.concatenate([history[c].to_numpy(dtype=float, na_value=np.nan) for c in columns])
    if np.isinf(values).any() or np.isnan(values).all():
        return None
    return history["iteration"].to_numpy(dtype=np.int64).tobytes() + significant(values, digits).tobytes()


def significant(values, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (NaN and 0 stay as they are)."""
    v = np.asarray(values, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.where(np.isfinite(v) & (v != 0), np.floor(np.log10(np.abs(v))), 0.0)
        scale = 10.0 ** (digits - 1 - exponent)
        return np.round(v * scale) / scale


def coincide_note(labels, histories, digits: int = PLOTTED_DIGITS) -> str:
    """Plain text (labels as given: escape for Markdown or HTML where it goes) that names the runs
    whose curves coincide, e.g. "ReLU and Leaky ReLU coincide to 4 digits in cost: one line on the chart,
    their markers take turns on it."; "" when none do."""
    sentences = []
    for group in coinciding_groups(histories, digits):
        names = [str(labels[i]) for i in group]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        sentences.append(f"{joined} coincide to {digits} digits in cost")  # not in accuracy, maybe
    if not sentences:
        return ""
    return "; ".join(sentences) + ": one line on the chart, their markers take turns on it."


# The shapes in a 10 x 10 box centred on (5, 5), for keys drawn in HTML (same look as Plotly's).
_SVG_SHAPES = {
    "circle": '<circle cx="5" cy="5" r="3.6"/>',
    "square": '<rect x="1.8" y="1.8" width="6.4" height="6.4"/>',
    "diamond": '<polygon points="5,0.8 9.2,5 5,9.2 0.8,5"/>',
    "triangle-up": '<polygon points="5,1 9.2,8.6 0.8,8.6"/>',
    "x": '<polygon points="2,1 5,4 8,1 9,2 6,5 9,8 8,9 5,6 2,9 1,8 4,5 1,2"/>',
    "triangle-down": '<polygon points="5,9 9.2,1.4 0.8,1.4"/>',
}


def key_svg(i: int, color: str) -> str:
    """Variant i's key as inline SVG: a short line in its colour with its marker shape on it. ``color``
    is one of ours (a hex colour), never user text."""
    shape = _SVG_SHAPES[variant_symbol(i)]
    return ('<svg class="variant-key" viewBox="-6 0 22 10" width="2.2em" height="1em" aria-hidden="true">'
            f'<line x1="-6" y1="5" x2="16" y2="5" stroke="{color}" stroke-width="1.6"/>'
            f'<g fill="{color}" stroke="#FFFFFF" stroke-width="0.6">{shape}</g></svg>')


def coincide_caption(labels, histories, caption: str = "") -> str:
    """``caption`` (plain text, under a live chart) with ``coincide_note`` in front of it when runs
    coincide: the reader learns why one line carries two shapes before reading the rest."""
    note = coincide_note(labels, histories)
    return f"{note} {caption}".strip() if note else caption
