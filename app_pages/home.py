"""Landing page: what the lab is, the pages in course order, one-click lecture presets."""
import streamlit as st

from descentlab.engine.presets import PRESETS
from descentlab.ui import fit_css, presets_menu

# (page file, label, what it shows), in the order the course takes them
FOUNDATIONS = (
    ("images", "Images as vectors", "an image is three matrices, reshaped into one column x of n_x numbers"),
    ("one_neuron", "One neuron", "logistic regression as a graph: values forward, derivatives back, then training"),
    ("losses", "Loss functions", "L1, L2 and cross-entropy, and why a sigmoid neuron wants cross-entropy"),
    ("vectorization", "Vectorization", "for-loops against numpy, timed live on the server"),
    ("broadcasting", "Broadcasting & shapes", "how numpy stretches arrays, rank-1 pitfalls, softmax by rows"),
    ("activations", "Activation functions", "every g(z) with its derivative, checked numerically"),
)
LABS = (
    ("playground", "Playground", "train a network live and see inside it: units, weights, gradients"),
    ("compare", "Compare", "the same run with 2–6 values of one setting, side by side, in lockstep"),
    ("init_lab", "Initialization lab", "zeros vs random vs Xavier vs He: symmetry, saturation, the classic table"),
    ("lr_explorer", "Learning rate", "16 learning rates at once, the loss surface, decay schedules"),
)

st.title("Descent Lab")
st.markdown(
    "Watch a neural network learn. Pick the activation, the layer sizes, the learning rate and the "
    "initialization, press **Play**, and see the cost, the decision boundary, every unit, the weights "
    "and the gradients change — in the notation of the course."
)
st.html(fit_css.HOME_PAGE_LINKS)
left, right = st.container(key="home_pages").columns(2)
for column, title, pages in ((left, "Foundations, in the order of the course", FOUNDATIONS),
                             (right, "Labs", LABS)):
    with column:
        st.subheader(title)
        for page, label, what in pages:
            st.page_link(f"app_pages/{page}.py", label=f"**{label}** — {what}")

st.subheader("Lecture presets")
st.caption("One click opens the scenario on the page that shows it best.")
presets_menu.preset_grid(list(PRESETS.values()))
