"""Curves over training time, from ``trainer.history``: cost, gradient norms, update ratios, unit health.

Every builder returns the same traces in the same order for the same network (a layer whose
column is missing or a test set that is empty gives an empty / NaN trace, never a missing one), so
the UI can replace the data in place with Plotly.react. Long histories are thinned for
display (descentlab.viz.series.thin).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.series import (
    column,
    iterations,
    log_axis,
    nice_ceiling,
    positive,
    positive_values,
    stepped_value_range,
    thin,
)
from descentlab.viz.style import (
    GREY,
    TEST_COLOR,
    TRAIN_COLOR,
    Style,
    layer_colors,
    resolve,
    style_layout,
)
from descentlab.viz.text import log_ticks

UPDATE_RATIO_REFERENCE = 1e-3  # the rule of thumb: updates about 1/1000 of the weights


def _n_layers(history: pd.DataFrame) -> int:
    return sum(1 for c in history.columns if c.startswith("grad_norm_"))


MIN_ITERATION_SPAN = 10


def last_iteration(histories) -> float:
    """The largest iteration recorded in any of these history frames (0 when all are empty)."""
    return max((float(h["iteration"].max()) for h in histories if len(h)), default=0.0)


def iteration_axis(axis: dict, it, titled: bool = True, stepped: bool = False) -> None:
    """Start an iteration x axis at 0 (with one or a few points Plotly would centre them on -1 ... 1,
    which reads as negative iterations before the first step), and title it unless ``titled`` is
    False (the upper plots of shared x axes). ``stepped``: end it at nice_ceiling(last iteration)
    instead of fitting it, so it stays put from frame to frame (see nice_ceiling)."""
    top = float(np.nanmax(it)) if len(it) else 0.0
    if titled:
        axis["title"] = dict(text="iteration")
    if top < MIN_ITERATION_SPAN:
        axis["range"] = [0, MIN_ITERATION_SPAN]
    elif stepped:
        axis["range"] = [0, nice_ceiling(top)]
    else:
        axis["rangemode"] = "tozero"


def cost_axis(costs, log_y: bool) -> dict:
    """The cost axis of a live chart: a stepped range, and on a log axis descentlab.viz.text.log_ticks' labels."""
    shown = stepped_value_range(costs, log=log_y)
    ticks = log_ticks(10.0 ** shown[0], 10.0 ** shown[1]) if log_y else {}
    return dict(title=dict(text="cost J"), type="log" if log_y else "linear", range=shown, **ticks)


def cost_figure(history: pd.DataFrame, task: str, log_y: bool = False,
                style: Style | None = None, edits=()) -> go.Figure:
    """Train and test cost J vs iteration; accuracy (or R² for regression) on a right axis in [0, 1].
    The axes end at stepped values (nice_ceiling, stepped_value_range), not fitted to the data.
    ``edits`` (trainer.edits, descentlab.engine.edits.Edit): a marker on the train cost at each
    weight set by hand, its hover saying which and from what to what.

    Always five traces: cost train, cost test, score train, score test, edits (empty without)."""
    s = resolve(style)
    h = thin(history)
    it = iterations(h)
    score, label = ("r2", "R²") if task == "regression" else ("accuracy", "accuracy")
    axes, (left, right), notes = grid_axes(secondary_y=True)
    lw = s.line_width
    # one recorded row (a run that diverged in its first frame) is no line at all: show it as a point
    mode = "lines" if len(h) > 1 else "lines+markers"
    data = []
    for name, color, col in (("train cost", TRAIN_COLOR, "cost_train"), ("test cost", TEST_COLOR, "cost_test")):
        y = column(h, col)
        data.append(dict(type="scatter", x=it, y=positive(y) if log_y else y, name=name, mode=mode,
                         line=dict(color=color, width=lw, dash="solid"),
                         hovertemplate=f"{name}<br>iteration %{{x}}<br>J = %{{y:.4g}}<extra></extra>", **left))
    for name, color, col in ((f"train {label}", TRAIN_COLOR, f"{score}_train"),
                             (f"test {label}", TEST_COLOR, f"{score}_test")):
        data.append(dict(type="scatter", x=it, y=column(h, col), name=name, mode=mode,
                         line=dict(color=color, width=lw * 0.7, dash="dot"),
                         hovertemplate=f"{name}<br>iteration %{{x}}<br>%{{y:.4~g}}<extra></extra>", **right))
    data.append({**_edit_markers(history, edits, log_y, s), **left})
    layout = style_layout(s, title="Cost", legend=True)
    # Ranges that move in steps: while training plays, most frames then change only the lines.
    iteration_axis(axes["xaxis"], it, stepped=True)
    costs = np.concatenate([data[0]["y"], data[1]["y"]])
    axes["yaxis"].update(cost_axis(costs, log_y))
    axes["yaxis2"].update(title=dict(text=f"{label} (dotted)"), range=[0, 1.02], showgrid=False, tickmode="array",
                          tickvals=[0, 0.25, 0.5, 0.75, 1])
    layout.update(axes, annotations=notes)
    return figure(data, layout)


def _edit_markers(history: pd.DataFrame, edits, log_y: bool, s: Style) -> dict:
    """A marker per edit, on the train cost recorded right after it (the last row at or before its
    iteration: a thinned history may have dropped that row)."""
    it = history["iteration"].to_numpy() if len(history) else np.zeros(0)
    cost = history["cost_train"].to_numpy(float) if len(history) else np.zeros(0)
    at = np.array([e.iteration for e in edits], float)
    rows = np.clip(np.searchsorted(it, at, side="right") - 1, 0, None)
    y = cost[rows] if len(it) else np.full(len(at), np.nan)
    text = [f"edited {e.describe()}<br>iteration {e.iteration:,}" for e in edits]
    return dict(type="scatter", x=at, y=positive(y) if log_y else y, name="edits", mode="markers",
                showlegend=False, hovertext=text, hoverinfo="text", cliponaxis=False,
                marker=dict(symbol="diamond", size=s.marker_size * 1.3, color=GREY,
                            line=dict(color=TRAIN_COLOR, width=1.5)))


def _layer_lines(h, it, prefix: str, layers, axes: dict, label: str, fmt: str, s: Style,
                 showlegend=True, dash="solid", shape="linear", log=False) -> list[dict]:
    """One line per layer l (column ``prefix + l``), one colour per layer, grouped by layer."""
    colors = layer_colors(len(layers))
    traces = []
    for i, l in enumerate(layers):
        y = column(h, f"{prefix}{l}")
        traces.append(dict(
            type="scatter", x=it, y=positive(y) if log else y, name=f"layer {l}", mode="lines",
            legendgroup=f"layer {l}", showlegend=showlegend,
            line=dict(color=colors[i], width=s.line_width, dash=dash, shape=shape),
            hovertemplate=f"layer {l}<br>iteration %{{x}}<br>{label} %{{y:{fmt}}}<extra></extra>", **axes))
    return traces


def gradient_figure(history: pd.DataFrame, with_update_ratio: bool = True,
                    style: Style | None = None) -> go.Figure:
    """‖dW[l]‖ per layer on a log axis (lines fanning out by orders of magnitude = vanishing or
    exploding gradients) and, below it, the update ratio ‖ΔW[l]‖/‖W[l]‖ with a reference line at 1e-3.
    The axes end at stepped values (as cost_figure's), so a live frame mostly only grows the lines.

    Traces: L gradient lines, then (with_update_ratio) L update-ratio lines."""
    s = resolve(style)
    h = thin(history)
    it, L = iterations(h), _n_layers(history)
    rows = 2 if with_update_ratio else 1
    axes, refs, notes = grid_axes(rows=rows, shared_xaxes=True, vertical_spacing=0.08)
    data = _layer_lines(h, it, "grad_norm_", range(1, L + 1), refs[0], "‖dW‖", ".3g", s, log=True)
    axes["yaxis"].update(title=dict(text="‖dW[l]‖"), **log_axis(positive_values(h, "grad_norm_")))
    layout = style_layout(s, title="Gradient norms per layer", legend=L > 0)
    if with_update_ratio:
        data += _add_update_ratio(layout, axes, notes, h, it, L, 2, s, showlegend=False)
    for r in range(1, rows + 1):  # shared x axes: each keeps its own range settings
        iteration_axis(axes[f"xaxis{r if r > 1 else ''}"], it, titled=r == rows, stepped=True)
    layout.update(axes, annotations=notes)
    return figure(data, layout)


def _add_update_ratio(layout, axes, notes, h, it, L, row, s, showlegend=True) -> list[dict]:
    """The update-ratio lines on subplot ``row``; adds its reference line, note and y axis settings."""
    k = "" if row == 1 else str(row)
    traces = _layer_lines(h, it, "update_ratio_", range(1, L + 1), dict(xaxis=f"x{k}", yaxis=f"y{k}"),
                          "‖ΔW‖/‖W‖", ".2e", s, showlegend=showlegend, log=True)
    layout["shapes"] = [dict(type="line", x0=0, x1=1, xref=f"x{k} domain", y0=UPDATE_RATIO_REFERENCE,
                             y1=UPDATE_RATIO_REFERENCE, yref=f"y{k}", line=dict(color=GREY, width=1.5, dash="dash"))]
    # annotations on a log axis take log10 coordinates (a label at y=1e-3 would land at 10^0.001)
    notes.append(dict(x=0, xref=f"x{k} domain", y=np.log10(UPDATE_RATIO_REFERENCE), yref=f"y{k}", xanchor="left",
                      yanchor="bottom", showarrow=False, text="1e-3", font=dict(color=GREY)))
    values = np.r_[positive_values(h, "update_ratio_"), UPDATE_RATIO_REFERENCE]  # the reference always in view
    axes[f"yaxis{k}"].update(title=dict(text="‖ΔW‖ / ‖W‖"), **log_axis(values))
    return traces


def update_ratio_figure(history: pd.DataFrame, style: Style | None = None) -> go.Figure:
    """The update ratio ‖ΔW[l]‖/‖W[l]‖ per layer alone (L traces), reference line at 1e-3."""
    s = resolve(style)
    h = thin(history)
    it, L = iterations(h), _n_layers(history)
    axes, _, notes = grid_axes()
    layout = style_layout(s, title="Update ratio", legend=L > 0)
    data = _add_update_ratio(layout, axes, notes, h, it, L, 1, s)
    iteration_axis(axes["xaxis"], it)
    layout.update(axes, annotations=notes)
    return figure(data, layout)


def unit_health_figure(history: pd.DataFrame, style: Style | None = None) -> go.Figure:
    """Per hidden layer: dead (solid) and saturated (dotted) fractions on top, distinct units below.

    Traces: L-1 dead, L-1 saturated, L-1 distinct (one legend entry per layer). A network without
    hidden layers gets an empty chart with a note."""
    s = resolve(style)
    h = thin(history)
    it = iterations(h)
    hidden = list(range(1, _n_layers(history)))
    axes, (top, bottom), notes = grid_axes(rows=2, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.6, 0.4])
    n = len(hidden)
    data = (_layer_lines(h, it, "dead_", hidden, top, "dead", ".0%", s)
            + _layer_lines(h, it, "saturated_", hidden, top, "saturated", ".0%", s, showlegend=False, dash="dot")
            + _layer_lines(h, it, "distinct_", hidden, bottom, "distinct units", ".0f", s, showlegend=False,
                           shape="hv"))
    axes["yaxis"].update(title=dict(text="dead / saturated (dotted)"), range=[-0.02, 1.02], tickformat=".0%")
    axes["yaxis2"].update(title=dict(text="distinct units"), rangemode="tozero")
    iteration_axis(axes["xaxis"], it, titled=False)
    iteration_axis(axes["xaxis2"], it)
    if n == 0:
        notes.append(dict(text="no hidden layers", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False))
    layout = style_layout(s, title="Unit health", legend=n > 0)
    layout.update(axes, annotations=notes)
    return figure(data, layout)
