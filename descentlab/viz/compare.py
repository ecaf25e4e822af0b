"""Figures for side-by-side runs (the Compare page): one colour per variant, the same in every figure.

- ``cost_overlay_figure``: every variant's cost curve on one axis, train solid and test dashed, a cross
  where a variant diverged.
- ``boundary_grid_figure``: small multiples of the decision boundary, one subplot per variant, each
  framed and titled in the variant's colour. Built from ``decision_figure`` (points, geometry) and
  ``surface_rgb`` (each variant's picture), so it draws what the Playground draws.
- ``summary_rows`` / ``summary_html``: the group's summary as display text and as one HTML table (one
  element per frame, readable on a projector; st.dataframe's canvas cannot be enlarged).

Every builder returns the same traces in the same order for the same variants, so live charts update
in place with Plotly.react.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from descentlab.viz.boundary import decision_figure, surface_png
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.series import column, iterations, nice_ceiling, positive, thin
from descentlab.viz.style import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    Style,
    resolve,
    style_layout,
)
from descentlab.viz.text import number, plotly_text
from descentlab.viz.training import cost_axis, iteration_axis, last_iteration
from descentlab.viz.variants import key_svg, marker_sizes, marker_style

# Okabe-Ito without yellow (unreadable on white): mid-lightness hues that read on light and dark
# pages. The first three (the usual comparison) are the most distinct: blue, vermillion, green.
VARIANT_COLORS = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY)
# A half-width chart has ~700 px: more points per curve only make the frame heavier.
OVERLAY_POINTS = 500
GRID_COLUMNS = 3


def variant_colors(n: int) -> list[str]:
    return [VARIANT_COLORS[i % len(VARIANT_COLORS)] for i in range(n)]


def _diverged_point(history: pd.DataFrame, diverged_at) -> tuple[list, list]:
    """Where to draw the cross: the last recorded (finite) cost of a diverged variant."""
    if diverged_at is None or len(history) == 0:
        return [], []
    return [int(history["iteration"].iloc[-1])], [float(history["cost_train"].iloc[-1])]


def cost_overlay_figure(labels, histories, colors=None, diverged_at=None, log_y: bool = False,
                        style: Style | None = None, height: int | None = None, legend: bool = True) -> go.Figure:
    """Cost J vs iteration for every variant: train solid, test dashed, same colour; the train line
    carries the variant's own marker shape (descentlab.viz.variants), so curves that coincide still show every
    variant.

    Traces: 3 per variant, (train, test, divergence cross) in order; with ``legend``, then an empty
    "train" (solid grey) and "test" (dashed grey) entry that explains the dashes. ``diverged_at``: one
    iteration or None per variant. ``legend=False`` leaves the key to the page (``legend_html``):
    Plotly redraws its legend on every frame, ~15% of a live frame's browser time here."""
    s = resolve(style)
    n = len(labels)
    colors = list(colors or variant_colors(n))
    diverged_at = list(diverged_at or [None] * n)
    lw = s.line_width
    axis_top = nice_ceiling(last_iteration(histories))  # where iteration_axis ends the axis
    data = []
    for i, (label, h, color, d) in enumerate(zip(labels, histories, colors, diverged_at)):
        h_thin = thin(h, OVERLAY_POINTS)
        it = iterations(h_thin)
        name = plotly_text(label)
        for col, dash, split, shown in (("cost_train", "solid", "train", True), ("cost_test", "dash", "test", False)):
            y = column(h_thin, col)
            line = dict(type="scatter", x=it, y=positive(y) if log_y else y, mode="lines", name=name,
                        legendgroup=name, showlegend=shown,
                        line=dict(color=color, width=lw if split == "train" else lw * 0.8, dash=dash),
                        hovertemplate=f"{name} ({split})<br>iteration %{{x}}<br>J = %{{y:.4g}}<extra></extra>")
            if split == "train":
                sizes = marker_sizes(it, i, n, axis_top, s.marker_size * 1.5)
                line.update(mode="lines+markers", marker=marker_style(i, color, sizes, s.outline, lw))
            data.append(line)
        x, y = _diverged_point(h, d)
        data.append(dict(type="scatter", x=x, y=y, mode="markers+text", name=f"{name} diverged", legendgroup=name,
                         showlegend=False, text=["diverged"] * len(x), textposition="top right",
                         cliponaxis=False,  # a run that blows up at once sits on the axis: show all of it
                         textfont=dict(color=color, size=int(s.text * 0.9)),
                         marker=dict(symbol="x-thin", size=s.marker_size * 2.4, color=color,
                                     line=dict(width=lw * 1.2, color=color)),
                         hovertemplate=f"{name}: diverged at %{{x}}<extra></extra>"))
    for split, dash in (("train", "solid"), ("test", "dash")) if legend else ():  # a key for the dashes
        data.append(dict(type="scatter", x=[None], y=[None], mode="lines", name=split, showlegend=True,
                         line=dict(color=GREY, width=lw, dash=dash), hoverinfo="skip"))
    layout = style_layout(s, legend=legend)
    # No title (the y axis says what it is): the legend row sits on top, and when six names need a
    # second row Plotly pushes the plot down instead of overlapping it.
    layout["legend"].update(y=1.02, traceorder="normal")
    layout["margin"]["t"] = int(s.text * 0.6)
    layout["xaxis"] = {}
    # stepped axes: while the group plays, most frames only grow the lines (descentlab.ui.live.elements canvas_lines)
    iteration_axis(layout["xaxis"], [last_iteration(histories)], stepped=True)
    costs = [t["y"] for t in data if t["mode"] == "lines"]
    layout["yaxis"] = cost_axis(np.concatenate(costs) if costs else [], log_y)
    if height:
        layout["height"] = height
    return figure(data, layout)


def grid_shape(n: int, columns: int = GRID_COLUMNS) -> tuple[int, int]:
    """(rows, cols) of the small multiples: one row up to ``columns`` variants."""
    cols = max(1, min(n, columns))
    return math.ceil(max(n, 1) / cols), cols


def boundary_grid_figure(grids, datasets, labels, colors=None, notes=None, style: Style | None = None,
                         cell: int | None = None, columns: int = GRID_COLUMNS) -> go.Figure:
    """One decision-boundary subplot per variant (``grids[i]`` from ``trainer.decision_grid``).

    Each subplot is ``decision_figure``'s surface and training points, framed and titled in the
    variant's colour; ``notes[i]`` (e.g. "diverged at 238") is added to the title. ``cell`` is the
    height of one square in px (the figure's height follows from it); a narrower chart shrinks the
    squares and keeps them under their titles. No legend; the surfaces' colour bars are off
    (regression keeps its one shared colour axis)."""
    s = resolve(style)
    n = len(grids)
    colors = list(colors or variant_colors(n))
    notes = list(notes or [None] * n)
    rows, cols = grid_shape(n, columns)
    titles = [f"<b>{plotly_text(lab)}</b>" + (f" · {plotly_text(note)}" if note else "")
              for lab, note in zip(labels, notes)]
    cell = cell or int(s.fig_height * 0.62)
    title_h, plot_h, margin_b = _grid_heights(rows, cell, s)
    axes, refs, annotations = grid_axes(rows, cols, horizontal_spacing=0.03,
                                        vertical_spacing=title_h / plot_h if rows > 1 else None, titles=titles,
                                        title_font=dict(size=int(s.text * 0.95)))
    for note, color in zip(annotations, colors):
        note["font"]["color"] = color
    data, shapes, images, revisions, coloraxis = [], [], [], [], None
    singles: dict[int, tuple] = {}  # one decision_figure per data set: its points, geometry, colour range
    for i, (grid, ds) in enumerate(zip(grids, datasets)):
        if id(ds) not in singles:
            one = decision_figure(grid, ds, show_test=False, style=s).to_plotly_json()
            singles[id(ds)] = one, _value_range(one["layout"])
        single, value_range = singles[id(ds)]
        coloraxis = coloraxis or single["layout"].get("coloraxis")
        revisions.append(str(single["layout"].get("datarevision", "")))
        for image in single["layout"].get("images", ()):  # this variant's surface, on this subplot's axes
            picture = surface_png(grid, ds.task, value_range=value_range)
            images.append(dict(image, source=picture, xref=refs[i]["xaxis"], yref=refs[i]["yaxis"]))
        for source in single["data"]:
            trace = dict(source, **refs[i])
            _no_colorbar(trace)
            if trace["type"] in ("scatter", "scattergl") and trace.get("hoverinfo") != "skip":  # data points
                trace["marker"] = dict(trace["marker"], size=s.marker_size * 0.7)
                # WebGL whatever the count: over a picture that changes every frame, SVG points are
                # repainted every frame too (six subplots: 1.5 s a frame in headless Chromium, 0.1 s in GL)
                trace["type"] = "scattergl"
            trace["showlegend"] = False  # the classes' colours are the Playground's; the caption names them
            data.append(trace)
        k = refs[i]["xaxis"][1:]
        ax, ay = single["layout"]["xaxis"], single["layout"]["yaxis"]
        axes[f"xaxis{k}"].update(range=ax["range"], constrain="domain", showgrid=False, zeroline=False,
                                 showticklabels=False, ticks="")
        # a square too tall for its cell moves up, under its title, rather than to the middle
        axes[f"yaxis{k}"].update(range=ay["range"], scaleanchor=f"x{k}", scaleratio=1, constrain="domain",
                                 constraintoward="top", showgrid=False, zeroline=False, showticklabels=False,
                                 ticks="", autorange=False)
        shapes.append(dict(type="rect", xref=f"x{k} domain", yref=f"y{k} domain", x0=0, x1=1, y0=0, y1=1,
                           line=dict(color=colors[i], width=s.line_width * 1.5), layer="above"))
    layout = style_layout(s)
    layout["margin"].update(l=int(s.text * 0.5), r=int(s.text * (6 if coloraxis else 0.5)), t=title_h, b=margin_b)
    if coloraxis:  # regression: one colour axis (the targets are the same data for every variant)
        coloraxis["colorbar"].update(len=0.9, x=1.01)
        layout["coloraxis"] = coloraxis
    layout.update(axes, annotations=annotations, shapes=shapes, images=images)
    if any(revisions):  # the points only change with the data: Plotly then redraws the pictures alone
        layout["datarevision"] = "|".join(revisions)
    layout["height"] = plot_h + title_h + margin_b
    return figure(data, layout)


def _grid_heights(rows: int, cell: int, s: Style) -> tuple[int, int, int]:
    """px: the titles above each row, the rows with the titles between them, the bottom margin."""
    title_h = int(s.text * 1.8)
    return title_h, rows * cell + (rows - 1) * title_h, int(s.text * 0.5)


def boundary_grid_height(n: int, cell: int, style: Style | None = None, columns: int = GRID_COLUMNS) -> int:
    """The height in px of boundary_grid_figure's figure for ``n`` variants, without building it."""
    title_h, plot_h, margin_b = _grid_heights(grid_shape(n, columns)[0], cell, resolve(style))
    return plot_h + title_h + margin_b


def _value_range(layout: dict) -> tuple[float, float]:
    """The colour range decision_figure gave the surface: regression's colour axis, else P in [0, 1]."""
    axis = layout.get("coloraxis")
    return (axis["cmin"], axis["cmax"]) if axis else (0.0, 1.0)


def _no_colorbar(trace: dict) -> None:
    """Small multiples share one colour key: the surface's own colour bar goes (regression's shared
    colour axis keeps its bar)."""
    if trace.get("type") == "heatmap":
        trace["showscale"] = False
        trace.pop("colorbar", None)
    marker = trace.get("marker")
    if isinstance(marker, dict) and marker.get("showscale"):
        marker["showscale"] = False


def legend_html(labels, colors=None, presentation: bool = False) -> str:
    """One colour key for the whole page (curves, frames and table rows share the colours), plus the
    line styles: a single HTML element that only changes when the variants do."""
    colors = list(colors or variant_colors(len(labels)))
    # each variant's line with its marker shape: the key for curves that coincide (descentlab.viz.variants)
    items = "".join(f'<span class="cmp-key">{key_svg(i, c)}{html.escape(str(lab))}</span>'
                    for i, (lab, c) in enumerate(zip(labels, colors)))
    styles = ('<span class="cmp-key"><span class="cmp-line"></span>train</span>'
              '<span class="cmp-key"><span class="cmp-line cmp-dashed"></span>test</span>')
    big = " cmp-big" if presentation else ""
    return f'<div class="cmp-legend{big}">{items}<span class="cmp-gap"></span>{styles}</div>'


# ---- the summary table ----------------------------------------------------------------------------

def _pct(x) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:.0%}"


def _score_name(task: str) -> str:
    return "R²" if task == "regression" else "acc."


def _records(frame: pd.DataFrame) -> list[dict]:
    # column by column: DataFrame.to_dict("records") costs ~5 ms a frame on arrow-backed strings
    columns = {c: frame[c].tolist() for c in frame.columns}
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _display_rows(summary: pd.DataFrame, task: str) -> list[dict]:
    score = _score_name(task)
    score_fmt = (lambda x: number(x, 3)) if task == "regression" else _pct
    rows = []
    for r in _records(summary):
        reached, d = r.get("iterations_to_target"), r.get("diverged_at")
        diverged = d is not None and not (isinstance(d, float) and math.isnan(d))
        rows.append({
            "Variant": str(r["variant"]),
            "Train cost": number(r["cost_train"]), "Test cost": number(r["cost_test"]),
            f"Train {score}": score_fmt(r["score_train"]), f"Test {score}": score_fmt(r["score_test"]),
            "Iterations to target": "not yet" if reached is None or pd.isna(reached) else f"{int(reached):,}",
            "Wall time": f"{r['wall_time_s']:.2f} s",
            "Dead units": _pct(r["dead"]), "Saturated": _pct(r["saturated"]),
            "Diverged": f"diverged at {int(d):,}" if diverged else "no",
            "Not learning": r["not_learning"] if isinstance(r.get("not_learning"), str) else "–",
        })
    return rows


def summary_rows(summary: pd.DataFrame, task: str = "binary") -> pd.DataFrame:
    """``TrainerGroup.summary`` as display text, one row per variant, in the page's column order.

    Costs to 4 decimals, accuracy and unit fractions in percent, R² to 3 decimals, the wall time in
    seconds, "not yet" when the target was not reached, and "diverged at N" when a variant blew up."""
    return pd.DataFrame(_display_rows(summary, task))


SUMMARY_CSS = """<style>
.cmp-legend {display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 1.2rem; margin: 0 0 0.2rem 0;}
.cmp-legend .cmp-swatch {display: inline-block; width: 0.9em; height: 0.9em; border-radius: 0.2em;
  margin-right: 0.45em; vertical-align: -0.1em;}
.cmp-legend .cmp-line {display: inline-block; width: 1.8em; border-top: 3px solid #8C8C8C; margin-right: 0.45em;
  vertical-align: 0.3em;}
.cmp-legend .cmp-dashed {border-top-style: dashed;}
.cmp-legend .cmp-gap {width: 1rem;}
.cmp-legend .variant-key {margin-right: 0.4em; vertical-align: -0.1em; overflow: visible;}
.cmp-legend.cmp-big {font-size: 1.35rem;}
.cmp-table {border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.95rem;}
.cmp-table th {text-align: right; font-weight: 600; opacity: 0.8; padding: 0.3rem 0.6rem;
  border-bottom: 1px solid rgba(128,132,149,0.4);}
.cmp-table td {text-align: right; padding: 0.3rem 0.6rem; border-bottom: 1px solid rgba(128,132,149,0.15);}
.cmp-table th:first-child, .cmp-table td:first-child {text-align: left; white-space: nowrap;}
.cmp-table .cmp-swatch {display: inline-block; width: 0.9em; height: 0.9em; border-radius: 0.2em;
  margin-right: 0.5em; vertical-align: -0.1em;}
.cmp-table .cmp-best {font-weight: 700;}
.cmp-table .cmp-diverged {font-weight: 700; background: rgba(213,94,0,0.18);}
.cmp-table.cmp-big {font-size: 1.2rem;}
</style>"""


def _best(summary: pd.DataFrame, column: str, lowest: bool) -> int | None:
    """Row of the best finite value among variants that did not diverge (None if there is none)."""
    values = np.asarray(summary[column].tolist(), float)
    ok = np.isfinite(values) & np.asarray(summary["diverged_at"].isna().tolist(), bool)
    if not ok.any():
        return None
    pick = np.where(ok, values if lowest else -values, np.inf)
    return int(np.argmin(pick))


def summary_html(summary: pd.DataFrame, colors=None, task: str = "binary", presentation: bool = False) -> str:
    """The summary as one HTML table: a colour swatch per variant (the colour of its curve and frame),
    the best test cost and test score in bold, diverged variants highlighted. Every value is escaped."""
    rows = _display_rows(summary, task)
    colors = list(colors or variant_colors(len(rows)))
    bold = {("Test cost", _best(summary, "cost_test", True)),
            (f"Test {_score_name(task)}", _best(summary, "score_test", False))}
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0]) if rows else ""
    body = []
    for i, row in enumerate(rows):
        cells = []
        for c, value in row.items():
            text = html.escape(value)
            if c == "Variant":
                text = f'<span class="cmp-swatch" style="background:{colors[i]}"></span>{text}'
            cls = ("cmp-diverged" if (c, value) not in (("Diverged", "no"), ("Not learning", "–"))
                   and c in ("Diverged", "Not learning")
                   else "cmp-best" if (c, i) in bold else "")
            cells.append(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    big = " cmp-big" if presentation else ""
    return f'<table class="cmp-table{big}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
