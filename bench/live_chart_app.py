"""Three live charts ticking at 20 Hz: descentlab.ui.live.elements (default) vs `?mode=plotly_chart`.

    streamlit run bench/live_chart_app.py            # in-place Plotly.react element
    streamlit run bench/live_chart_app.py -- ?mode=plotly_chart   (or add it to the URL)

Used by bench/live_chart_fps.py and tests/test_live_chart.py. `?play=0` starts paused. The frame
counter is the number of ticks the server has rendered; the browser-side draw rate is measured
by the bench, not here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `streamlit run` does not add the root
from descentlab.ui.live.elements import ensure_plotly_loaded, live_chart  # noqa: E402

st.set_page_config(page_title="live chart bench", layout="wide")
mode = st.query_params.get("mode", "live_chart")
if "playing" not in st.session_state:
    st.session_state.playing = st.query_params.get("play", "1") != "0"
    st.session_state.tick = 0

if mode != "plotly_chart":
    ensure_plotly_loaded()  # keep the comparison fair: st.plotly_chart brings its own plotly.js
st.title(f"Live chart bench: {mode}")
st.button("Play / Pause", key="play_pause",
          on_click=lambda: st.session_state.update(playing=not st.session_state.playing))


def figures(tick: int) -> list[tuple[str, go.Figure]]:
    """A loss curve growing by one point, a changing 100x100 float32 heatmap, 300 moving points."""
    steps = np.arange(tick + 1)
    loss = 0.7 * np.exp(-steps / 60.0) + 0.05 + 0.02 * np.sin(steps / 3.0)
    line = go.Figure(go.Scatter(x=steps, y=loss, mode="lines", name="cost J"))
    line.update_layout(title="Cost J", xaxis_title="step", yaxis_title="J", height=320)

    g = np.linspace(-3, 3, 100, dtype=np.float32)
    xx, yy = np.meshgrid(g, g)
    z = np.tanh(np.sin(xx + tick / 10.0) * np.cos(yy - tick / 15.0) * 2).astype(np.float32)
    heat = go.Figure(go.Heatmap(x=g, y=g, z=z, colorscale="RdBu", zmin=-1, zmax=1))
    heat.update_layout(title="Decision boundary", height=320)

    rng = np.random.default_rng(0)  # fixed cloud, rotating with the tick
    pts = rng.normal(size=(2, 300)).astype(np.float32)
    a = tick / 20.0
    x, y = np.cos(a) * pts[0] - np.sin(a) * pts[1], np.sin(a) * pts[0] + np.cos(a) * pts[1]
    labels = (pts[0] * pts[1] > 0).astype(np.uint8)
    scatter = go.Figure([
        go.Scatter(x=x[labels == k], y=y[labels == k], mode="markers", name=f"y = {k}",
                   marker=dict(size=7)) for k in (0, 1)])
    scatter.update_layout(title="Inputs", height=320,
                          xaxis=dict(range=[-4, 4]), yaxis=dict(range=[-4, 4]))
    figs = [("loss", line), ("boundary", heat), ("inputs", scatter)]
    for _, fig in figs:
        fig.update_layout(meta={"tick": tick})  # not drawn; lets the bench count distinct frames
    return figs


@st.fragment(run_every=0.05 if st.session_state.playing else None)
def live_view() -> None:
    if st.session_state.playing:
        st.session_state.tick += 1
    tick = st.session_state.tick
    st.markdown(f"Frame **<span id='frame-counter'>{tick}</span>**", unsafe_allow_html=True)
    for col, (key, fig) in zip(st.columns(3), figures(tick)):
        with col:
            if mode == "plotly_chart":
                st.plotly_chart(fig, key=f"pc_{key}")
            else:
                clicked = live_chart(fig, key=key, on_click=key == "boundary")
                if clicked:
                    st.session_state.last_click = clicked
    if "last_click" in st.session_state:
        st.caption(f"Last click on the boundary: {st.session_state.last_click}")


live_view()
