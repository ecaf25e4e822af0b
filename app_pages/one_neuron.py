"""One neuron: logistic regression step by step — one example through the computational graph, the
same for m examples at once, then gradient descent on a 2-D data set with the numbers of each update.
The engine computes everything (descentlab.lessons.neuron over Network + Trainer); this page lays it out."""
import streamlit as st

from descentlab.lessons.neuron import (
    NeuronTraining,
    decision_line,
    neuron_config,
    neuron_pass,
    small_batch,
)
from descentlab.ui import state
from descentlab.ui.formulas import fit_formulas
from descentlab.ui.live import player
from descentlab.ui.live.elements import live_chart
from descentlab.ui.theme import style
from descentlab.viz import cost_figure
from descentlab.viz import one_neuron as nf
from descentlab.viz.text import number


class K:  # this page's session-state keys
    RUN = "neuron_run"  # NeuronTraining: the Trainer on one neuron and its last update


DATASETS = {"linear": "linear — one straight line splits them", "gaussians": "gaussians — two clouds",
            "moons": "moons — almost, not quite", "circles": "circles — no line can do it"}
SPEEDS = (1, 2, 5, 10, 20, 50)
# Play / Pause / Step / Reset on the session's run; its keys are neuron_playing, neuron_speed, neuron_btn_*
LOOP = player.page_loop("neuron", lambda: st.session_state[K.RUN], default_speed=5)
st.session_state.setdefault(state.Keys.NOTICES, [])  # the live loop reports divergence there


def _current_run(dataset: str, lr: float, init: str) -> NeuronTraining:
    """The session's run; rebuilt when the data or the start changes, continued when only α does."""
    config = neuron_config(dataset, learning_rate=lr, init=init)
    run = st.session_state.get(K.RUN)
    if run is None or run.config.replace(learning_rate=lr) != config:
        run = st.session_state[K.RUN] = NeuronTraining(config)
        LOOP.stop()
    elif run.trainer.learning_rate != lr:
        run.set_learning_rate(lr)
    return run


st.title("One neuron: logistic regression step by step")
fit_formulas()  # the worked formulas shrink to their column instead of being cut
s = style()
st.markdown("A single sigmoid unit is logistic regression: **z = wᵀx + b**, **a = σ(z)** is the predicted "
            "probability that y = 1, and the loss **L(a, y) = −(y log a + (1 − y) log(1 − a))** says how "
            "wrong it is. Change any number and watch the values flow forward and the derivatives flow back.")

st.header("1 · One example through the graph")
c = st.columns(6)
x1 = c[0].number_input("x₁", -10.0, 10.0, 1.5, 0.1, key="neuron_x1")
x2 = c[1].number_input("x₂", -10.0, 10.0, -0.5, 0.1, key="neuron_x2")
w1 = c[2].number_input("w₁", -10.0, 10.0, 0.8, 0.1, key="neuron_w1")
w2 = c[3].number_input("w₂", -10.0, 10.0, 0.4, 0.1, key="neuron_w2")
b = c[4].number_input("b", -10.0, 10.0, -0.2, 0.1, key="neuron_b")
y = c[5].selectbox("label y", (0, 1), index=1, key="neuron_y")
try:
    one = neuron_pass([[x1], [x2]], [[y]], [[w1], [w2]], b)
except ValueError as exc:  # the inputs are bounded, so this is a safety net, not a path
    st.error(f"Those numbers cannot be used: {exc}")
    st.stop()
st.plotly_chart(nf.graph_figure(one, s), key="neuron_graph")
st.caption("Each box: its forward value (blue) and the derivative of the loss with respect to it "
           "(red-orange), written dw₁, dz, … as in the course. The same numbers, worked out:")
for line in nf.chain_rule_latex(one):
    st.latex(line)

st.header("2 · m examples at once: vectorized")
m = st.slider("Number of examples m", 2, 6, 4, key="neuron_m",
              help="Column 1 is your example from above; the others are fixed random points.")
X, Y = small_batch([x1, x2], y, m, seed=0)
many = neuron_pass(X, Y, [[w1], [w2]], b)
for line in nf.vectorized_latex(many):
    st.latex(line)
left, right = st.columns([3, 2])
left.dataframe(nf.shapes_table(many), hide_index=True)
right.markdown("No loop over the examples: one matrix product computes every z at once, and dw, db "
               "average over the columns. Column 1 is your example: its z, a and dz are the numbers of "
               "section 1.\n\nThe shapes are the check: dw always has the shape of w, db the shape of b.")

st.header("3 · Train it with gradient descent")
state.show_notices()  # e.g. "diverged", from the live loop
c = st.columns([3, 2, 2, 2])
dataset = c[0].selectbox("Data", list(DATASETS), format_func=DATASETS.get, key="neuron_dataset")
lr = c[1].number_input("Learning rate α", 0.001, 10.0, 0.5, 0.05, format="%g", key="neuron_lr")
init = c[2].selectbox("Start from w =", ("zeros", "random"), key="neuron_init",
                      help="zeros, as in the course (fine for one neuron), or small random numbers")
c[3].select_slider("Iterations per frame", SPEEDS, key=state.held(LOOP.speed_key),
                   help="While playing, at most this many gradient-descent updates between two pictures")
run = _current_run(dataset, lr, init)
player.controls(LOOP, reset_help="Back to iteration 0 with the same starting weights")


def _frame() -> None:
    """What changes while training plays: redrawn every frame inside the live loop's fragment."""
    tr, data = run.trainer, run.run.dataset
    row = tr.last_record
    w_now, b_now = run.params()
    st.markdown(("#### " if s.presentation else "")  # a projector needs the numbers big
                + f"**Iteration {tr.iteration:,}** · cost J = {number(row['cost_train'])} · training accuracy "
                f"{row['accuracy_train']:.1%} · w = ({w_now[0, 0]:.3f}, {w_now[1, 0]:.3f}), b = {b_now:.3f}")
    # side by side on a laptop; stacked on a projector, where the legends need the full width
    left, right = st.columns(2) if not s.presentation else (st.container(), st.container())
    with left:
        line = decision_line(w_now, b_now, data.bounds)
        live_chart(nf.boundary_figure(tr.decision_grid(80), data, line, s), key="neuron_boundary")
        st.caption("Colour: the predicted probability a = σ(wᵀx + b). Dashed: the decision line "
                   "wᵀx + b = 0, where a = 0.5.")
    with right:
        live_chart(cost_figure(tr.history, "binary", style=s), key="neuron_cost", canvas_lines=LOOP.playing)
        st.caption("The cost J over the iterations (accuracy on the right axis).")
    st.subheader("The last update, with its numbers")
    if run.last_update is None:
        st.info("Press Step (or Play): the update rule w := w − α·dw will appear here with the actual numbers.")
        return
    for tex in nf.update_latex(run.last_update):
        st.latex(tex)
    st.caption("dw and db come from the engine's backprop on all the training examples: "
               "dw = (1/m) X dZᵀ, db = (1/m) Σ dZ.")


player.live_area(_frame, LOOP)
