"""Loss functions: L1, L2 and cross-entropy against ŷ, the course's vector losses term by term, and why
a sigmoid unit is trained with cross-entropy (gradient descent on both costs from the same start)."""
import numpy as np
import pandas as pd
import streamlit as st

from descentlab.engine.losses import LOSSES
from descentlab.lessons import loss_functions as ll
from descentlab.ui.formulas import fit_formulas
from descentlab.ui.theme import style
from descentlab.viz.losses import landscape_figure, loss_curves_figure


class K:  # this page's widget keys
    YHAT = "loss_yhat"
    VECTOR = "loss_vector"
    W0 = "loss_w0"
    LR = "loss_lr"
    STEPS = "loss_steps"


YHAT_GRID = np.linspace(0.002, 0.998, 499)  # open interval: log ŷ and log(1 − ŷ) stay finite
W_GRID = np.linspace(-8.0, 8.0, 321)
DEFAULT_VECTOR = pd.DataFrame({"y": [1.0, 0.0, 0.0, 1.0, 1.0], "ŷ": [0.9, 0.2, 0.1, 0.4, 0.9]})


def expanded_sum(terms) -> str:
    shown = " + ".join(f"{t:.3g}" for t in terms[:6])
    return shown + (r" + \dots" if len(terms) > 6 else "")


st.title("Loss functions")
fit_formulas()
s = style()

st.subheader("One prediction")
st.markdown("A loss compares one prediction $\\hat y$ with its label $y$. Squared and absolute error stay "
            "below 1 however wrong a probability is; cross-entropy grows without bound as $\\hat y$ "
            "approaches the wrong end.")
left, right = st.columns([2, 3])
with left:
    for name in ll.CURVE_LOSSES[:2]:
        st.markdown(f"**{LOSSES[name].label}**")
        st.latex(LOSSES[name].latex)
    st.markdown(f"**{LOSSES['bce'].label}**, the course's two cases")
    st.latex(r"\mathcal{L}(\hat y, 1) = -\log \hat y")  # one a line: the pair ran past the column
    st.latex(r"\mathcal{L}(\hat y, 0) = -\log(1 - \hat y)")
    yhat = st.slider("ŷ (the dots on the curves)", 0.01, 0.99, 0.7, step=0.01, key=K.YHAT)
right.plotly_chart(loss_curves_figure(YHAT_GRID, ll.loss_curves(YHAT_GRID), yhat, s), key="loss_curves_chart")

st.subheader("A vector of predictions")
st.markdown("The course's vector losses sum over the $n$ components (the engine's cost $J$ then divides "
            "by the number of examples $m$). Edit the table: add or delete rows, change any value.")
st.latex(r"L_1(\hat y, y) = \sum_j |y_j - \hat y_j| \qquad L_2(\hat y, y) = \sum_j (y_j - \hat y_j)^2"
         r"\qquad L_3(\hat y, y) = -\sum_j \bigl(y_j \log \hat y_j + (1 - y_j)\log(1 - \hat y_j)\bigr)")
left, right = st.columns([2, 3])
edited = left.data_editor(DEFAULT_VECTOR, num_rows="dynamic", key=K.VECTOR, hide_index=True,
                          column_config={c: st.column_config.NumberColumn(c, format="%.3f") for c in DEFAULT_VECTOR})
with right:
    try:
        v = ll.vector_losses(edited["y"], edited["ŷ"])
    except ValueError as e:
        st.error(str(e))
    else:
        st.dataframe(v.terms, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4g")
                                                               for c in v.terms.columns if c != "j"})
        st.latex(rf"L_1 = {expanded_sum(v.terms['|y − ŷ|'].to_numpy())} = {v.l1:.4g}")
        st.latex(rf"L_2 = {expanded_sum(v.terms['(y − ŷ)²'].to_numpy())} = {v.l2:.4g}")
        if v.ce is None:
            st.warning(v.ce_problem)
        else:
            st.latex(rf"L_3 = {expanded_sum(v.terms['cross-entropy term'].to_numpy())} = {v.ce:.4g}")
            st.caption("log 0 never happens: the engine clips ŷ to [10⁻¹⁵, 1 − 10⁻¹⁵], so a sure and wrong "
                       "prediction costs about 34.5, not infinity.")

st.subheader("Why cross-entropy for a sigmoid unit")
xs = ", ".join(f"{x:g}" for x in ll.X_1D.ravel())
ys = ", ".join(f"{y:g}" for y in ll.Y_1D.ravel())
st.markdown(f"One unit $\\hat y = \\sigma(w x + b)$ on four examples $x = ({xs})$ with labels $y = ({ys})$; "
            f"$b = {ll.B_FIXED:g}$ stays fixed, so the cost is a function of $w$ alone. Both runs start at the "
            "same $w$ with the same learning rate.")
c1, c2, c3 = st.columns(3)
w0 = c1.number_input("Start w", -8.0, 8.0, -6.0, step=0.5, key=K.W0)
lr = c2.number_input("Learning rate α", 0.001, 50.0, 1.0, step=0.1, format="%.3f", key=K.LR)
steps = c3.slider("Steps", 0, ll.MAX_STEPS, 50, key=K.STEPS)
try:
    paths = {n: ll.gradient_descent(n, w0, lr, steps) for n in ll.LANDSCAPE_LOSSES}
except ValueError as e:
    st.error(str(e))
else:
    costs = {n: ll.cost_curve(n, W_GRID) for n in ll.LANDSCAPE_LOSSES}
    titles = {n: LOSSES[n].label for n in costs}
    st.plotly_chart(landscape_figure(W_GRID, costs, paths, titles, s), key="loss_landscape_chart")
    st.dataframe(ll.compare_descents(W_GRID, costs, paths), hide_index=True, column_config={
        "dJ/dw at the start": st.column_config.NumberColumn(format="%.2e"),
        "smallest d²J/dw²": st.column_config.NumberColumn(format="%.2e")})
    st.markdown(r"Per example, squared error gives $\frac{\partial L}{\partial z} = 2(\hat y - y)\,\sigma'(z)$: "
                r"on the plateau $\sigma'(z) \approx 0$, so a unit that is confidently wrong barely moves. With "
                r"cross-entropy the $\sigma'$ cancels and $\frac{\partial L}{\partial z} = \hat y - y$: the more "
                "wrong, the bigger the step.")
