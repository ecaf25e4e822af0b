"""Activation functions: g and g' for every activation in the engine, the derivative formulas checked
against central differences, and a table of properties with a cost measured on this server."""
import numpy as np
import pandas as pd
import streamlit as st

from descentlab.engine.activations import ACTIVATIONS, SOFTMAX
from descentlab.lessons import activation_properties as props
from descentlab.ui.theme import style
from descentlab.viz.activations import gallery_figure


class K:  # this page's widget keys
    SELECTED = "act_selected"
    Z_RANGE = "act_z_range"
    EPS = "act_eps"


EPS_CHOICES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)
PER_ROW = 3  # formula cards per row
LONG_LATEX = 80  # characters of LaTeX that no longer fit a third of the page
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@st.cache_data(show_spinner="Timing every activation on this server…")
def properties():
    # measured once per server process: the timings are what they are on this machine
    return props.properties_table(seed=0)


def scientific(x: float) -> str:
    """2.1 × 10⁻⁸ with non-breaking spaces, so it never wraps inside the number."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}\u00a0×\u00a010{str(int(exponent)).translate(SUPERSCRIPT)}"


def is_long(c: props.Curves) -> bool:
    # KaTeX does not wrap: a formula this long needs the page's full width (GELU's)
    g = ACTIVATIONS[c.name]
    return max(len(g.latex), len(g.latex_derivative)) > LONG_LATEX


def card_rows(curves: list) -> list[list]:
    """Formula cards PER_ROW to a row; a card with a long formula gets a row of its own."""
    rows, short = [], []
    for c in curves:
        if is_long(c):
            rows.append([c])
        else:
            short.append(c)
    return [short[i:i + PER_ROW] for i in range(0, len(short), PER_ROW)] + rows


def formula_card(c: props.Curves) -> None:
    g = ACTIVATIONS[c.name]
    st.markdown(f"**{g.label}**")
    st.latex(g.latex)
    st.latex(g.latex_derivative)
    ck = c.check
    note = ""
    if ck.kink.any():
        where = ", ".join(f"{z:g}" for z in np.unique(np.round(ck.z[ck.kink], 6)))
        note = f" (z = {where} left out: g′ jumps there)"
    st.markdown(f"max |central difference − formula| = {scientific(ck.max_abs_diff)}{note}")


st.title("Activation functions")
st.markdown("Each hidden unit computes $a = g(z)$; backprop multiplies by $g'(z)$. Compare the shapes, "
            "and check that every derivative formula is right: the dots are "
            r"$\dfrac{g(z+\varepsilon) - g(z-\varepsilon)}{2\varepsilon}$, computed from $g$ alone.")

c1, c2, c3 = st.columns([3, 2, 2])
names = c1.multiselect("Activations", list(ACTIVATIONS), default=["sigmoid", "tanh", "relu"],
                       format_func=lambda n: ACTIVATIONS[n].label, key=K.SELECTED)
lo, hi = c2.slider("z range", -20.0, 20.0, (-5.0, 5.0), step=0.5, key=K.Z_RANGE)
eps = c3.select_slider("Step ε of the central difference", EPS_CHOICES, value=1e-3,
                       format_func=lambda e: f"{e:g}", key=K.EPS)

if not names:
    st.info("Pick at least one activation above.")
elif lo >= hi:
    st.warning("The z range is empty: move the two ends of the slider apart.")
else:
    curves = [props.curves(n, lo, hi, eps) for n in names]
    st.plotly_chart(gallery_figure(curves, style()), key="act_gallery")
    st.caption("Where g is smooth the difference shrinks like ε² (try ε = 0.1, then 0.01); "
               "ELU's g″ jumps at 0, so next to 0 it shrinks only like ε. A cross (✕) marks a kink.")
    for row in card_rows(curves):
        for col, c in zip(st.columns(PER_ROW if len(row) > 1 or not is_long(row[0]) else 1), row):
            with col:
                formula_card(c)

st.subheader("The lecture's numbers: σ and σ′ at five points")
worked = props.sigmoid_values()
shown = pd.DataFrame([[f"{v:.4f}" for v in worked[col]] for col in ("σ(z)", "σ′(z)")], index=["σ(z)", "σ′(z)"],
                     columns=[f"z = {z:g}".replace("-", "−") for z in worked["z"]])
st.table(shown)
st.caption("Computed here by the engine's sigmoid: σ(z) = 1 / (1 + e⁻ᶻ) and σ′(z) = σ(z)(1 − σ(z)). "
           "The slope peaks at ¼ at z = 0 and is symmetric: σ′(−z) = σ′(z), because σ(−z) = 1 − σ(z).")

st.subheader("Properties")
table = properties().drop(columns="name")
st.dataframe(table, hide_index=True, column_config={
    "max g′": st.column_config.NumberColumn(format="%.3f"),
    "cost of g (× ReLU)": st.column_config.NumberColumn(format="%.1f ×"),
    "cost of g′ (× ReLU)": st.column_config.NumberColumn(format="%.1f ×"),
})
st.caption(f"Max g′ is searched on a dense grid of [−{props.MAX_GRID:g}, {props.MAX_GRID:g}]. A max g′ below 1 "
           "shrinks the gradient at every layer it passes (sigmoid: at most ¼ per layer). Costs: fastest of "
           f"several timed runs on {props.TIMING_SIZE:,} values with numpy on this server, relative to "
           "ReLU's g; measured once when the page is first opened.")

with st.expander("Softmax: the output layer's activation for k classes"):
    st.markdown("Softmax is not element-wise: each output depends on every $z_j$ of its column, so it "
                "has a Jacobian rather than one curve $g'(z)$. Its outputs are positive and sum to 1.")
    st.latex(SOFTMAX.latex)
    st.latex(SOFTMAX.latex_derivative)
    z = np.array([[2.0], [1.0], [0.1]])
    a = SOFTMAX.forward(z)
    st.markdown("For the column $z = (2, 1, 0.1)^T$ the engine gives "
                f"$a = ({', '.join(f'{v:.3f}' for v in a.ravel())})^T$, which sums to {a.sum():.3f}. "
                "Edit your own matrix on the *Broadcasting & shapes* page.")
