"""Series over training time, as the charts take them: a history thinned for display, its columns
as floats, its iterations, the positive values a log axis can show, and axis ranges that move only
in steps. Shared by every page's builders (training, compare, init_lab, lr_explorer)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from descentlab.viz.arrays import f32
from descentlab.viz.figure import drop_none
from descentlab.viz.text import log_ticks

MAX_POINTS = 2000  # a chart cannot show more points than it has pixels anyway


def thin_index(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of every k-th of ``n`` rows, so that at most ~max_points remain; the newest is always
    kept. A fixed stride (not evenly spread indices) keeps the drawn points in place while a live
    history grows, so a frame moves only its newest points."""
    if n <= max_points:
        return np.arange(n)
    step = int(np.ceil(n / max_points))
    return np.unique(np.r_[np.arange(0, n, step), n - 1])


def thin(history: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """The rows of ``history`` at thin_index."""
    if len(history) <= max_points:
        return history
    return history.iloc[thin_index(len(history), max_points)]


def column(history: pd.DataFrame, name: str) -> np.ndarray:
    """A history column as float32 (half the JSON of float64); NaN when the column does not exist."""
    if name in history:
        return f32(history[name].to_numpy(dtype=float, na_value=np.nan))
    return np.full(len(history), np.nan, np.float32)


def iterations(history: pd.DataFrame) -> np.ndarray:
    """The history's iteration column as int32 (half the JSON of int64); 0, 1, 2 ... without one."""
    if "iteration" not in history:
        return np.arange(len(history), dtype=np.int32)
    return history["iteration"].to_numpy(dtype=np.int64).astype(np.int32)


def positive(y: np.ndarray) -> np.ndarray:
    """``y`` for a log axis: it cannot draw 0 or inf, so those become gaps (NaN) rather than a
    plunge to the axis floor."""
    return f32(np.where(np.isfinite(y) & (y > 0), y, np.nan))


def positive_values(history: pd.DataFrame, prefix: str) -> np.ndarray:
    """Every finite, positive value of the columns whose names start with ``prefix`` (a log axis's data)."""
    cols = [c for c in history.columns if c.startswith(prefix)]
    # column by column: history[cols] builds a DataFrame first, ~0.5 ms
    v = np.concatenate([history[c].to_numpy(dtype=float, na_value=np.nan) for c in cols]) if cols else np.zeros(0)
    return v[np.isfinite(v) & (v > 0)]


NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)  # at most 25 % apart


def nice_ceiling(x: float) -> float:
    """The smallest value of the form s * 10**k, s in NICE_STEPS, that is >= x > 0.

    A live chart whose axis ends at nice_ceiling(data) keeps that axis while the data grows by up to
    25 %, so most frames change only the lines (which the page then draws without a Plotly redraw,
    descentlab.ui.live.elements's canvas_lines) and at most a fifth of the plot stands empty."""
    if not np.isfinite(x) or x <= 0:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(x))
    for step in NICE_STEPS:
        if step * decade >= x * (1 - 1e-12):  # 2000 stays 2000 despite rounding in 10**k
            return float(step * decade)
    return float(10 * decade)


def stepped_value_range(values, log: bool = False, room: float = 0.05) -> list[float]:
    """A y range for non-negative data that moves only in steps: [0, nice_ceiling(max)] with 4 %
    headroom, or on a log axis whole half-decades holding the positive values with ``room`` decades
    to spare at both ends, at least one decade (in log10 units, as Plotly takes a log axis's range).
    [0, 1] (or [-1, 0]) when there is nothing finite to show."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)]
    if not v.size:
        return [-1.0, 0.0] if log else [0.0, 1.0]
    if not log:
        return [0.0, nice_ceiling(max(float(v.max()), 0.0) * 1.04)]
    lo, hi = np.floor(2 * (np.log10(v.min()) - room)) / 2, np.ceil(2 * (np.log10(v.max()) + room)) / 2
    # at least a decade (half a decade is labelled 0.35, 0.4, 0.45 ...); + 0.0: no -0.0 in the JSON
    return [float(min(lo, hi - 1)) + 0.0, float(hi) + 0.0]


def log_axis(v: np.ndarray) -> dict:
    """A log axis for positive values ``v`` (from positive_values): a stepped range (stepped_value_range),
    labelled by descentlab.viz.text.log_ticks (0.1, 0.2, 0.5 written out, or the decades)."""
    shown = stepped_value_range(v, log=True)
    ticks = log_ticks(10.0 ** shown[0], 10.0 ** shown[1]) if shown else {}
    return drop_none(dict(type="log", exponentformat="power", range=shown, **ticks))
