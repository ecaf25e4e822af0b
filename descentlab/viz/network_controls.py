"""The network diagram's controls, as in TensorFlow Playground: a "−" and a "+" over each hidden
layer (its number of units), and a "−" and a "+" under the diagram (the number of hidden layers).

They are traces of their own, named (``UNITS_MINUS`` ...), drawn after the diagram's other traces so
the curve numbers of those do not move. Their places depend on the network's shape only (not on
the style), so a click can be told apart from the geometry alone (``clicked_target``): what the
browser sends today is a curve number, which depends on which other traces the drawn figure had.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from descentlab.engine.config import SPECS
from descentlab.viz.arrays import f32
from descentlab.viz.style import NEUTRAL, Style

INPUTS = "inputs"            # the diagram's input nodes (descentlab.viz.network_diagram)
UNITS_MINUS, UNITS_PLUS, UNIT_COUNTS = "units_minus", "units_plus", "unit_counts"
LAYERS_MINUS, LAYERS_PLUS, LAYERS_LABEL = "layers_minus", "layers_plus", "layers_label"
TRACES = (UNITS_MINUS, UNITS_PLUS, UNIT_COUNTS, LAYERS_MINUS, LAYERS_PLUS, LAYERS_LABEL)  # in drawing order
CLICKABLE = (INPUTS, UNITS_MINUS, UNITS_PLUS, LAYERS_MINUS, LAYERS_PLUS)

CONTROL_ROW = 0.9      # rows (of the diagram's units) added above the units and below them for the controls
NARROW_PX = 300        # a little under the diagram's width in px at 1280x720 with the sidebar open (~320)
WIDEST_X = 3.0         # the widest x range is L + this (switchable inputs, projector type: -1.3 .. L + 1.7)
BUTTON_GAP_PX = 22     # from a layer's column to each of its buttons, when the columns are wide enough
LABEL_HALF_PX = 82     # half the "16 hidden layers" label in projector type, plus a button and a gap
MATCH = 1e-3           # data units: a click's x, y are the clicked point's own (as float32)
MINUS = "−"            # U+2212: a minus, not a hyphen


def hidden_limits() -> tuple[int, int, int]:
    """(fewest, most units of a hidden layer, most hidden layers): the RunConfig's own limits."""
    spec = SPECS["hidden"]
    return int(spec.lo), int(spec.hi), int(spec.max_len)


def _column_px(L: int, x_width: float | None = None) -> float:
    """At least how many px one column of the diagram spans (at 1280x720), for an x range ``x_width``
    wide (the widest one when not given: places that do not depend on the style)."""
    return NARROW_PX / (x_width if x_width is not None else L + WIDEST_X)


def button_offset(L: int) -> float:
    """A layer's "−" / "+" sit this far left / right of its column (data units): BUTTON_GAP_PX when
    the columns are wide, never more than 0.24 of a column, so that a layer's two buttons are nearer
    each other than to the neighbouring layer's (which layer a button is for is plain to see)."""
    return min(0.24, BUTTON_GAP_PX / _column_px(L))


def control_points(sizes, top: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Where each control trace's points are (x, y arrays), for a network of layer ``sizes`` drawn with
    its units between -top and top (the diagram's half height in rows). The units' buttons: one
    point per hidden layer (layer l at index l - 1); the layers' buttons: one point each."""
    L = len(sizes) - 1
    hidden = np.arange(1, L, dtype=float)
    d, y_units, y_layers = button_offset(L), top + CONTROL_ROW / 2, -top - CONTROL_ROW / 2
    middle, half = L / 2, LABEL_HALF_PX / _column_px(L)
    row = np.full(hidden.size, y_units)
    return {UNITS_MINUS: (hidden - d, row), UNITS_PLUS: (hidden + d, row), UNIT_COUNTS: (hidden, row),
            LAYERS_MINUS: (np.array([middle - half]), np.array([y_layers])),
            LAYERS_PLUS: (np.array([middle + half]), np.array([y_layers])),
            LAYERS_LABEL: (np.array([middle]), np.array([y_layers]))}


def control_traces(sizes, top: float, x_width: float, s: Style) -> list[dict]:
    """The controls' traces, in TRACES' order, for a diagram whose x range is ``x_width`` wide. A
    button that would leave RunConfig's limits is drawn greyed, and its hover says why (a click on it
    says so too: descentlab.ui.views.playground_diagram_controls)."""
    L, (lo, hi, most) = len(sizes) - 1, hidden_limits()
    units = [int(n) for n in sizes[1:-1]]
    points = control_points(sizes, top)
    col_px, d = _column_px(L, x_width), button_offset(L)
    # px: a layer's two buttons, and its "+" and the next layer's "−", stay apart
    count_px = s.text * 0.75
    count_width = 0.6 * count_px * len(str(max(units, default=0))) + 2
    apart = (1 - 2 * d) * col_px * 0.75  # the most a button may be: this "+" and the next layer's "−" apart
    size = max(8.0, min(s.text * 1.3, 2 * d * col_px * 0.6, apart))
    counts_fit = 2 * d * col_px - size >= count_width  # the count between − and +
    if not counts_fit:  # no count (the sidebar has it): the buttons take its room
        size = max(8.0, min(s.text * 1.3, 2 * d * col_px * 0.85, apart))
    glyph = int(min(s.text * 0.95, size * 0.85))

    def buttons(name, text, enabled, hover):
        xs, ys = points[name]
        return dict(type="scatter", x=f32(xs), y=f32(ys), mode="markers+text", name=name, showlegend=False,
                    text=[text] * len(xs), textposition="middle center", cliponaxis=False,
                    textfont=dict(size=glyph, color=[s.ink if e else NEUTRAL for e in enabled]),
                    marker=dict(size=size, symbol="circle", color="rgba(128,128,128,0.14)",
                                line=dict(width=1, color=[s.ink if e else "rgba(128,128,128,0.35)" for e in enabled])),
                    hovertext=hover, hoverinfo="text")

    def note(name, text, size_px):
        xs, ys = points[name]
        return dict(type="scatter", x=f32(xs), y=f32(ys), mode="text", text=text, name=name, showlegend=False,
                    textposition="middle center", cliponaxis=False, hoverinfo="skip",
                    textfont=dict(size=int(size_px), color=s.ink))

    n_hidden = len(units)
    layers = f"{n_hidden} hidden layer{'' if n_hidden == 1 else 's'}"
    return [
        buttons(UNITS_MINUS, MINUS, [n > lo for n in units],
                [f"layer {l}: one unit fewer ({n} → {n - 1})" if n > lo else
                 f"layer {l} has {lo} unit, the fewest (remove the layer below the diagram)"
                 for l, n in enumerate(units, 1)]),
        buttons(UNITS_PLUS, "+", [n < hi for n in units],
                [f"layer {l}: one unit more ({n} → {n + 1})" if n < hi else f"layer {l} has {hi} units, the most"
                 for l, n in enumerate(units, 1)]),
        note(UNIT_COUNTS, [str(n) for n in units] if counts_fit else [""] * n_hidden, count_px),
        buttons(LAYERS_MINUS, MINUS, [n_hidden > 0],
                [f"remove hidden layer {n_hidden}" if n_hidden else "no hidden layer to remove"]),
        buttons(LAYERS_PLUS, "+", [n_hidden < most],
                [f"add hidden layer {n_hidden + 1}" if n_hidden < most else f"{most} hidden layers, the most"]),
        note(LAYERS_LABEL, [layers], s.text * (0.72 if s.presentation else 0.8)),  # as the layers' headers
    ]


class Target(NamedTuple):
    """What a click on the diagram hit: a trace of CLICKABLE and the point's index in it (the input
    node's slot, the hidden layer l - 1 of a units button, 0 for a layers button)."""
    name: str
    index: int


def clicked_target(click: dict | None, points: dict[str, tuple[np.ndarray, np.ndarray]]) -> Target | None:
    """The input node or control a click landed on, or None (a unit, a weight, bad data). The click
    comes from a browser: its trace name (when it sends one) must be a clickable trace, its point
    index and its x, y those of one of that trace's points; without a name, the point at the click's
    x, y is the one (each control and input has a place of its own), and the index must be its."""
    if not isinstance(click, dict):
        return None
    try:
        x, y = float(click.get("x")), float(click.get("y"))
    except (TypeError, ValueError):
        return None
    name, index = click.get("trace"), click.get("pointIndex")
    candidates = [name] if name is not None else list(CLICKABLE)
    for candidate in candidates:
        if candidate not in CLICKABLE or candidate not in points:
            continue
        xs, ys = points[candidate]
        near = np.flatnonzero((np.abs(np.asarray(xs, float) - x) < MATCH) & (np.abs(np.asarray(ys, float) - y) < MATCH))
        if near.size == 1 and isinstance(index, int) and not isinstance(index, bool) and index == int(near[0]):
            return Target(candidate, int(near[0]))
    return None
