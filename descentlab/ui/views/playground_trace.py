"""Trace one example: paused, a click on a point of the decision boundary chooses an example; under the
charts row a panel then writes that example's way through the network in the course's notation, with
its own numbers (descentlab.lessons.trace, descentlab.viz.trace), forward and back. The numbers are
computed again on every run from the parameters shown (so Step changes them); the point is ringed on
the boundary while traced; "Clear" ends the trace.

The traced example lives in session state under TRACE_KEY as {"which", "index", "point"}: the point's
(x₁, x₂) lets a change of data set (another sample, another seed) end the trace instead of tracing
whatever example now has that index."""
from __future__ import annotations

import math
import numbers

import numpy as np
import streamlit as st
from streamlit.errors import StreamlitDuplicateElementKey

from descentlab.lessons.trace import trace_example
from descentlab.ui.formulas import fit_formulas
from descentlab.ui.live.route import Handler, Redraw
from descentlab.ui.state import Keys, current_config, current_run
from descentlab.viz import trace as tviz
from descentlab.viz.boundary import clicked_example

TRACE_KEY = "view_trace"
CLEAR_KEY = "trace_clear"


def set_trace(dataset, which: str, index: int) -> None:
    """Trace example ``index`` of the training (or test) set of ``dataset``."""
    pts = getattr(dataset, f"points_{which}")
    point = None if pts is None else (float(pts[0, index]), float(pts[1, index]))
    st.session_state[TRACE_KEY] = {"which": which, "index": int(index), "point": point}


def clear_trace() -> None:
    st.session_state.pop(TRACE_KEY, None)


def traced(dataset) -> tuple[str, int] | None:
    """(which, index) of the traced example, if it is still the same point of this data set."""
    t = st.session_state.get(TRACE_KEY)
    if not t:
        return None
    which, i = t["which"], t["index"]
    X = dataset.X_train if which == "train" else dataset.X_test
    if not 0 <= i < X.shape[1]:
        return None
    pts = getattr(dataset, f"points_{which}")
    if t.get("point") is not None and (pts is None or not np.allclose(pts[:, i], t["point"], rtol=0, atol=1e-9)):
        return None
    return which, i


def traced_point(dataset) -> tuple[float, float] | None:
    """(x₁, x₂) of the traced example, for its ring on the boundary; None when nothing is traced."""
    t = traced(dataset)
    return None if t is None else st.session_state[TRACE_KEY]["point"]


def touch(show_test: bool) -> Handler:
    """The boundary chart's handler while paused: a click on a point (or beside one) traces that example.
    The ring answers at once, in the touch's frame (the boundary's producer reads the trace when
    called); the panel under the charts comes with the page's run after it."""
    def on_event(event: dict):
        if not isinstance(event, dict) or event.get("type", "click") != "click":
            return None
        x, y, curve = event.get("x"), event.get("y"), event.get("curveNumber")
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in (x, y)):
            return None
        click = {"x": x, "y": y, "curveNumber": curve if isinstance(curve, int) and not isinstance(curve, bool) else None}
        dataset = current_run().dataset
        hit = clicked_example(dataset, click, show_test)
        if hit is None or traced(dataset) == hit:
            return None
        set_trace(dataset, *hit)
        st.session_state[TRACE_KEY]["new"] = True  # say where its numbers are, once
        return Redraw(("live_boundary",), run_page=True)
    return on_event


def _describe(dataset, trace) -> str:
    """The heading's words for the example: its point, its label and what the network says."""
    parts = []
    t = st.session_state[TRACE_KEY]
    if t.get("point") is not None:
        parts.append(f"at (x₁, x₂) = ({tviz.plain(t['point'][0])}, {tviz.plain(t['point'][1])})")
    if dataset.task == "regression":
        parts.append(f"y = {tviz.plain(trace.y[0, 0])}, ŷ = {tviz.plain(trace.y_hat[0, 0])}")
    else:
        names = dataset.class_names

        def cls(v):
            k = int(v[0, 0] > 0.5) if v.shape[0] == 1 else int(np.argmax(v[:, 0]))
            return str(names[k]) if k < len(names) else str(k)
        parts.append(f"class {cls(trace.y)}, the network says class {cls(trace.y_hat)}")
    return "; ".join(parts)


def draw(rewind: int | None) -> None:
    """The trace panel, when an example is traced (nothing otherwise)."""
    run = current_run()
    data = run.dataset
    chosen = traced(data)
    if chosen is None:
        return
    which, i = chosen
    tr = run.trainer
    net = run.network if rewind is None else tr.network_at(rewind)
    trace = trace_example(net, data, i, which)
    it = tr.iteration if rewind is None else rewind
    if st.session_state[TRACE_KEY].pop("new", False):  # a toast: the charts row keeps its place
        st.toast(f"Tracing {'training' if which == 'train' else 'test'} example {i}: its numbers are under "
                 "the charts.", icon=":material/arrow_downward:")
    with st.container(key="trace_panel", border=True):
        head, clear = st.columns([7, 1], vertical_alignment="center")
        head.markdown(f"**Tracing {'training' if which == 'train' else 'test'} example {i}** at iteration "
                      f"{it:,}: {_describe(data, trace)}")
        clear.button("Clear", key=CLEAR_KEY, on_click=clear_trace, icon=":material/close:", width="stretch",
                     help="End the trace")
        if st.session_state.get(Keys.PLAYING):  # numbers drawn once at Play would be stale in a moment
            st.caption("Training is playing: pause to see this example's numbers at the current parameters.")
            return
        config = current_config()
        off = [name for name, on in (("dropout", config.dropout > 0), ("the L1/L2 penalty", config.l1 > 0 or
                                                                           config.l2 > 0)) if on]
        if off:
            st.caption(f"Without {' and '.join(off)}: the network as the decision boundary draws it, and this "
                       "example's own loss.")
        try:
            fit_formulas()  # long lines shrink to their column
        except StreamlitDuplicateElementKey:
            pass  # the Shapes & equations panel has it on the page already
        # forward, then backward, each the panel's width: side by side, a layer's two columns of 8 (or a
        # row of 8 in dW) shrank to half size at 1280 px
        st.markdown("**Forward**")
        for line in tviz.forward_lines(trace) + tviz.loss_lines(trace):
            st.latex(line)
        st.markdown("**Backward**: this example's contributions (the step uses their mean over the batch)")
        for line in tviz.backward_lines(trace):
            st.latex(line)
