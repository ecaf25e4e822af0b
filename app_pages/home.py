"""Landing page: what the lab is, the pages in course order, one-click lecture presets."""
import streamlit as st

from descentlab.engine.presets import PRESETS
from descentlab.ui import fit_css, pages, presets_menu

st.title("Descent Lab")
st.markdown(
    "Watch a neural network learn. Pick the activation, the layer sizes, the learning rate and the "
    "initialization, press **Play**, and see the cost, the decision boundary, every unit, the weights "
    "and the gradients change — in the notation of the course."
)
st.html(fit_css.HOME_PAGE_LINKS)
left, right = st.container(key="home_pages").columns(2)
for column, heading, section in ((left, "Foundations, in the order of the course", pages.FOUNDATIONS_SECTION),
                                 (right, "Labs", pages.LABS_SECTION)):
    with column:
        st.subheader(heading)
        for page in pages.in_section(section):
            st.page_link(page.file, label=f"**{page.title}** — {page.description}")

st.subheader("Lecture presets")
st.caption("One click opens the scenario on the page that shows it best.")
presets_menu.preset_grid(list(PRESETS.values()))
