"""The Runs page's numbers and figure: any runs' curves of one metric overlaid, with TensorBoard's
smoothing (a debiased exponential moving average, the raw curve faint behind), on an axis of
iterations, epochs or wall time; the overlay as a table (one column per run, for the CSV download);
and the table of what differs between the runs' configs."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from descentlab.viz.figure import figure
from descentlab.viz.series import log_axis, positive, thin_index
from descentlab.viz.static_chart import pin_axis_fonts
from descentlab.viz.style import LAYER_COLORS, Style, resolve, rgba, style_layout
from descentlab.viz.text import plotly_text

X_AXES = ("Iteration", "Epoch", "Wall time")
X_TITLES = {"Iteration": "iteration", "Epoch": "epoch", "Wall time": "wall time (s since the run's first row)"}
MAX_SMOOTHING = 0.999


@dataclass
class Curve:
    name: str
    x: np.ndarray
    y: np.ndarray


def ema(values, weight: float) -> np.ndarray:
    """TensorBoard's smoothing (its scalars dashboard, ``smoothing``): last = last·w + (1 − w)·y over
    the finite values in order, starting from last = 0, each divided by the debias factor 1 − w^n
    (n: the finite values so far), so the first point is the value itself and the start is not pulled
    towards 0. A non-finite value is kept as it is and skipped. ``weight`` in [0, 1); 0 is no smoothing."""
    w = float(weight)
    if not 0.0 <= w < 1.0:
        raise ValueError(f"smoothing weight must be in [0, 1); got {weight}")
    y = np.asarray(values, float)
    out = y.copy()
    last, n = 0.0, 0
    for i, v in enumerate(y):
        if not math.isfinite(v):
            continue
        last = last * w + (1.0 - w) * v
        n += 1
        out[i] = last / (1.0 - w ** n)
    return out


def curve(name: str, history: pd.DataFrame, times, metric: str, x_axis: str) -> Curve | None:
    """One run's ``metric`` against ``x_axis`` (X_AXES), rows without an x value dropped; None if the
    run has no such column or no x values (e.g. a saved run on the wall-time axis: its row times are
    not saved). Wall time: seconds since the run's first row with a known time."""
    if metric not in history or not len(history):
        return None
    y = history[metric].to_numpy(float)
    if x_axis == "Wall time":
        t = np.asarray(times, float) if times is not None else np.full(len(y), np.nan)
        if t.shape != y.shape or not np.isfinite(t).any():
            return None
        x = t - t[np.isfinite(t)][0]
    else:
        col = x_axis.lower()
        if col not in history:
            return None
        x = history[col].to_numpy(float)
    keep = np.isfinite(x)
    return Curve(name, x[keep], y[keep])


def overlay_table(curves: list[Curve], x_axis: str) -> pd.DataFrame:
    """The overlay as one table: the x column, then one column per run (its raw values; empty where it
    has no row at that x). On an axis where a run has several rows at one x (epochs of mini-batches),
    its last one."""
    xname = X_TITLES[x_axis].split(" (")[0]
    columns = {}
    for c in curves:
        s = pd.Series(c.y, index=pd.Index(c.x, name=xname))
        columns[c.name] = s.groupby(level=0, sort=True).last()
    if not columns:
        return pd.DataFrame({xname: []})
    return pd.DataFrame(columns).sort_index().reset_index()


def overlay_figure(curves: list[Curve], metric_label: str, x_axis: str, smoothing: float = 0.0,
                   log_y: bool = False, style: Style | None = None, max_points: int = 2000):
    """Every curve in its colour: smoothed (``ema``) solid, the raw values faint behind it; with no
    smoothing, the raw values solid. Traces per run: (raw, smoothed) with smoothing, (raw) without."""
    s = resolve(style)
    lw = s.line_width
    data = []
    for i, c in enumerate(curves):
        color = LAYER_COLORS[i % len(LAYER_COLORS)]
        name = plotly_text(c.name)
        idx = thin_index(len(c.x), max_points)
        x = c.x[idx]
        raw = c.y[idx]
        mode = "lines" if len(x) > 1 else "markers"  # a run at its first row is one point: show it
        tip = f"{name}<br>{X_TITLES[x_axis].split(' (')[0]} %{{x:.4g}}<br>{plotly_text(metric_label)} %{{y:.4g}}"
        if smoothing > 0:
            smooth = ema(c.y, smoothing)[idx]
            data.append(dict(type="scatter", x=x, y=positive(raw) if log_y else raw, mode=mode,
                             name=name, legendgroup=name, showlegend=False, hoverinfo="skip",
                             line=dict(color=rgba(color, 0.28), width=lw * 0.8), marker=dict(color=rgba(color, 0.28))))
            data.append(dict(type="scatter", x=x, y=positive(smooth) if log_y else smooth, mode=mode,
                             name=name, legendgroup=name, line=dict(color=color, width=lw), marker=dict(color=color),
                             hovertemplate=tip + " (smoothed)<extra></extra>"))
        else:
            data.append(dict(type="scatter", x=x, y=positive(raw) if log_y else raw, mode=mode,
                             name=name, legendgroup=name, line=dict(color=color, width=lw), marker=dict(color=color),
                             hovertemplate=tip + "<extra></extra>"))
    layout = style_layout(s, legend=True)
    layout["legend"].update(traceorder="normal")
    layout["xaxis"] = dict(title=dict(text=X_TITLES[x_axis]), automargin=True)
    layout["yaxis"] = dict(title=dict(text=plotly_text(metric_label)), automargin=True)
    if log_y:  # labelled 0.1, 0.2, 0.5 or by decades (descentlab.viz.series), not Plotly's small 2 ... 9
        shown = np.concatenate([np.asarray(t["y"], float) for t in data] or [np.empty(0)])
        shown = shown[np.isfinite(shown) & (shown > 0)]
        layout["yaxis"].update(log_axis(shown) if shown.size else dict(type="log"))
    layout["hovermode"] = "closest"
    return figure(data, pin_axis_fonts(layout, s))


def config_differences(configs: dict[str, dict]) -> pd.DataFrame:
    """One row per config field whose value is not the same in every run (``configs``: name → its
    ``RunConfig.to_dict()``), one column per run; empty (no rows) when they all agree. A field one
    run lacks counts as different (shown as "–")."""
    names = list(configs)
    fields = list(dict.fromkeys(k for d in configs.values() for k in d))
    rows = []
    for f in fields:
        values = [configs[n].get(f, _MISSING) for n in names]
        if any(v != values[0] for v in values[1:]):
            rows.append({"field": f, **{n: _show(v) for n, v in zip(names, values)}})
    return pd.DataFrame(rows, columns=["field", *names])


_MISSING = object()


def _show(v) -> str:
    if v is _MISSING or v is None:
        return "–"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v)) if v else "–"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
