"""Draw your own data on the Playground (ConvNetJS, GAN Lab): with the "draw" data set, a click on the decision
boundary chart adds a point of the chosen class (or value) and a click on a point, or a shift-click near one,
removes it, while training goes on: the trainer keeps θ, its optimizer and its iteration and trains on the
new points from the next step (Trainer.set_data), so the boundary bends to a new point within a few frames.

The drawn set (descentlab.engine.drawn.DrawnSet) lives in session state under Keys.DRAWN and is the run's
data: state.start_run builds a "draw" run from it, the link carries it (state.sync_query_params, at most
LINK_POINTS points), a saved run keeps it (engine/runs.py, drawn.json), and "Download CSV" writes it.

The click handler (``make_handler``) is the live chart's ``on_event``: it runs on the frame route's thread,
under the session's lock, changes the captured DrawnSet and trainer and returns
True; the frame after it draws the new points, because the boundary's producer reads ``trainer.dataset``
at call time. An empty plane trains nothing (Trainer.step) and says so under the chart."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import streamlit as st

from descentlab.engine.drawn import (
    EMPTY,
    FEW,
    KINDS,
    LINK_POINTS,
    MAX_POINTS,
    MAX_VALUE,
    START_POINTS,
    DrawnSet,
    starts,
)
from descentlab.ui.live import route
from descentlab.ui.state import Keys, current_config, current_run, notify, start_run

CLASS_KEY = "draw_class"      # the class a click adds (0, 1, 2)
VALUE_KEY = "draw_value"      # the value a click adds (regression)
START_KEY = "draw_start"      # what the next "Start" begins from
KIND_KEY = "draw_kind"        # 2 classes, 3 classes or values
CHOICE_KEY = "dl_draw_choice"  # the label a click adds, as the touch handler reads it (_choice)
PLANE_TRACE = "draw-plane"    # the invisible trace over the plane that makes a click there an event
PLANE_CELLS = 80              # its cells per side: a click lands on the centre of one (1/80 of the plane)
REMOVE_RADIUS = 0.04          # a shift-click removes the nearest point within this share of the plane's width
_COLOR_WORDS = ("blue", "orange", "green")  # Streamlit's names for the chart's first class colours


def drawing() -> bool:
    """Whether the Playground's run trains on drawn points."""
    return current_config().dataset == "draw"


def drawn_set() -> DrawnSet:
    ss = st.session_state
    if Keys.DRAWN not in ss:
        ss[Keys.DRAWN] = DrawnSet.start()
    return ss[Keys.DRAWN]


def sync_run() -> None:
    """Make the session's Run name the data the trainer trains on now: a click changed them in place
    (on the frame route's thread), and the status line, trace and panels read ``current_run().dataset``."""
    run = current_run()
    if run.dataset is not run.trainer.dataset:
        st.session_state[Keys.RUN] = run._replace(dataset=run.trainer.dataset)


def _number(v) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def make_handler(drawn: DrawnSet, trainer, features, normalization: str, label: float | Callable[[], float],
                 point_curves: Callable[[], int]) -> Callable[[dict], bool]:
    """The boundary chart's ``on_event`` in draw mode. ``label``: the class (or value) a click adds, or
    a function that says it when the click comes;
    ``point_curves()``: how many traces of the figure, from the first, are drawn points (read at call
    time: it changes as classes appear). Everything in ``event`` came from a browser: checked here."""
    label_now = label if callable(label) else (lambda: label)

    def swap() -> None:
        trainer.set_data(drawn.dataset(features, normalization))

    def handler(event: dict) -> bool:
        if not isinstance(event, dict) or event.get("type", "click") != "click":
            return False
        x, y = _number(event.get("x")), _number(event.get("y"))
        if x is None or y is None:
            return False
        trace, curve = event.get("trace"), event.get("curveNumber")
        on_point = (trace != PLANE_TRACE and isinstance(curve, int) and not isinstance(curve, bool)
                    and 0 <= curve < point_curves())
        width = drawn.bounds[0][1] - drawn.bounds[0][0]
        if on_point:  # the point itself (x, y are its coordinates): remove it
            changed = drawn.remove_near(x, y, 1e-6 * width + 1e-4)
        elif event.get("shift") is True:
            changed = drawn.remove_near(x, y, REMOVE_RADIUS * width)
        elif trace in (PLANE_TRACE, None):  # None: a click from before the chart named its traces
            changed = drawn.add(x, y, label_now())
        else:
            return False
        if changed:
            swap()
        return changed
    return handler


def plane_trace(bounds) -> dict:
    """An invisible heatmap over the plane: Plotly reports clicks on traces only, and the surface is a
    picture under them. Its cells never change, so a frame redraws nothing for it (same datarevision)."""
    (x0, x1), (y0, y1) = bounds
    return dict(type="heatmap", name=PLANE_TRACE, x=np.linspace(x0, x1, PLANE_CELLS),
                y=np.linspace(y0, y1, PLANE_CELLS), z=np.zeros((PLANE_CELLS, PLANE_CELLS), np.uint8),
                opacity=0.0, showscale=False, hoverinfo="none", zmin=0, zmax=1)


def with_plane(fig, bounds):
    """``fig`` (a decision_figure: a go.Figure, or a PlainFigure in a frame) with the plane's click trace,
    last; and a short hover distance, so a click beside a point adds one (within 6 px it means the point)."""
    fig.add_trace(plane_trace(bounds))
    fig.layout["hoverdistance"] = 6
    return fig


def touch(trainer) -> Callable[[dict], route.Redraw | None]:
    """The boundary chart's touch handler in draw mode, for this session's drawn set and the class (or
    value) the picker says. A point redraws the boundary at once; paused, the page then runs too (the
    point count under the charts, the link), while playing that waits for the pause's run."""
    drawn, config = drawn_set(), current_config()
    choice = _choice()
    choice["label"] = current_label(drawn)
    handler = make_handler(drawn, trainer, config.features, config.normalization, lambda: choice["label"],
                           point_curves_of(trainer))
    answer = route.Redraw(("live_boundary",), run_page=not st.session_state.get(Keys.PLAYING, False))

    def on_event(event: dict) -> route.Redraw | None:
        return answer if handler(event) else None
    return on_event


def _choice() -> dict:
    """{"label": the class or value a click adds}: one dict kept in session state, changed in place by
    the picker's callback, which Streamlit runs first thing in the page's run. The touch handler reads
    it when a click comes, so a click right after a change of class adds that class even if it reaches
    the frame route before the page's run has drawn the chart again."""
    return st.session_state.setdefault(CHOICE_KEY, {"label": 0.0})


def _on_pick() -> None:
    _choice()["label"] = current_label(drawn_set())


def current_label(drawn: DrawnSet) -> float:
    ss = st.session_state
    if not drawn.n_classes:
        return float(ss.get(VALUE_KEY, 1.0))
    c = ss.get(CLASS_KEY)
    return float(c if isinstance(c, int) and 0 <= c < drawn.n_classes else 0)


# ---- the tools under the charts
def _restart(drawn: DrawnSet) -> None:
    """A new drawn set is a new run (the network's outputs may change with the kind)."""
    ss = st.session_state
    previous = ss.get(Keys.DRAWN)
    ss[Keys.DRAWN] = drawn
    if start_run(current_config()):
        ss[Keys.PLAYING] = False
    else:
        ss[Keys.DRAWN] = previous  # start_run said why; the drawing stays


def _on_start() -> None:
    c, choice = current_config(), st.session_state.get(START_KEY, FEW)
    kind = st.session_state.get(KIND_KEY) or drawn_set().kind
    _restart(DrawnSet.start(choice, kind, noise=c.noise, seed=c.data_seed))
    notify("info", f"The drawn set starts from {choice}: click on the plane to add points.")


def _on_kind() -> None:
    kind, old = st.session_state.get(KIND_KEY), drawn_set()
    if kind and kind != old.kind:
        new = old.as_kind(kind)
        _restart(new)
        lost = old.size - new.size
        notify("info", f"The drawn set is now {kind}" + (f": {lost} point(s) of class 2 removed." if lost else "."))


@route.exclusively
def _on_clear() -> None:
    """Clear keeps the run (θ, iteration): the network waits for new points."""
    drawn, run = drawn_set(), current_run()
    if drawn.clear():
        run.trainer.set_data(drawn.dataset(current_config().features, current_config().normalization))
        sync_run()


def picker(pick, clear) -> None:
    """Beside the transport (where "Test points" is for other data): the class (or value) a click adds,
    and Clear. Compact: at 1280x720 the charts row fills the rest of the screen."""
    drawn, ss = drawn_set(), st.session_state
    sync_run()
    with pick:
        if drawn.n_classes:
            options = list(range(drawn.n_classes))
            if ss.get(CLASS_KEY) not in options:
                ss[CLASS_KEY] = 0
            st.segmented_control("Click adds class", options, key=CLASS_KEY, label_visibility="collapsed",
                                 on_change=_on_pick,
                                 format_func=lambda c: f":{_COLOR_WORDS[c]}[●] {c}",
                                 help="A click on the plane adds a point of this class; a click on a point "
                                      "(or a shift-click near one) removes it.")
        else:
            st.number_input("Click adds the value", -MAX_VALUE, MAX_VALUE, value=1.0, step=0.5, key=VALUE_KEY,
                            label_visibility="collapsed", on_change=_on_pick,
                            help="A click on the plane adds a point with this value (regression); a click on "
                                 "a point (or a shift-click near one) removes it.")
    clear.button("Clear", key="draw_clear", icon=":material/delete_sweep:", on_click=_on_clear, width="stretch",
                 disabled=not drawn.size, help="Remove every point (the network keeps its weights)")


def tools(playing: bool) -> None:
    """Under the charts row: the kind of set, what to start from, the CSV, and how many points."""
    drawn, ss = drawn_set(), st.session_state
    kind, start, go, csv = st.columns([1.2, 1.6, 0.7, 0.9], vertical_alignment="bottom")
    if ss.get(KIND_KEY) != drawn.kind:
        ss[KIND_KEY] = drawn.kind
    kind.selectbox("Kind", list(KINDS), key=KIND_KEY, on_change=_on_kind,
                   help="2 or 3 classes, or a value per point (regression): a new run")
    start.selectbox("Start from", starts(), key=START_KEY,
                    help=f"{FEW}, an {EMPTY}, or {START_POINTS} points of a generated set "
                         "(its noise and seed from the sidebar); then add or remove points")
    go.button("Start", key="draw_restart", on_click=_on_start, width="stretch",
              help="Replace the drawn points (a new run)")
    csv.download_button("CSV", lambda: drawn_set().to_csv(), "drawn.csv", "text/csv", key="draw_csv",
                        icon=":material/download:", width="stretch",
                        help="The drawn points as x1, x2, label: upload it under Data as your own CSV")
    counts = drawn.counts()
    said = (" + ".join(f"{n} of class {c}" for c, n in enumerate(counts)) if drawn.n_classes
            else f"{counts[0]} values")
    link = ("the address bar's link carries them" if drawn.size <= LINK_POINTS else
            f"too many for a link (at most {LINK_POINTS}): download the CSV to share them")
    if not drawn.size:
        st.info("The plane is empty, so there is nothing to learn: click on the plane to add points "
                "(training waits for them).", icon=":material/touch_app:")
    else:
        st.caption(f"{drawn.size:,} drawn points ({said}; at most {MAX_POINTS:,}): {link}. Every point "
                   "trains; there is no test set." + (" Training goes on while you draw." if playing else ""))


def point_curves_of(trainer) -> Callable[[], int]:
    """How many of the boundary figure's first traces are the drawn points (one per class, or one)."""
    def count() -> int:
        ds = trainer.dataset
        if ds.points_train is None or not ds.points_train.shape[1]:
            return 0
        return 1 if ds.task == "regression" else len(ds.class_names)
    return count


def link_value(drawn: DrawnSet) -> str | None:
    """The link's ``draw`` value, or None when the set is too big for a link."""
    return drawn.encode() if drawn.size <= LINK_POINTS else None
