"""Landing page: what the lab is, the pages in course order, one-click lecture presets."""
import streamlit as st

from engine.presets import PRESETS
from ui import presets_menu

st.title("Descent Lab")
st.markdown(
    "Watch a neural network learn. Pick the activation, the layer sizes, the learning rate and the "
    "initialization, press **Play**, and see the cost, the decision boundary, every unit, the weights "
    "and the gradients change — in the notation of the course."
)
st.subheader("Pages, in the order of the course")
st.page_link("app_pages/playground.py", label="Playground — train a network live and see inside it", icon=":material/science:")

st.subheader("Lecture presets")
st.caption("One click opens the Playground on that scenario.")
presets_menu.preset_grid(list(PRESETS.values()))
