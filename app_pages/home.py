"""Landing page: what the lab is, the pages in course order, one-click lecture presets, and what deep
networks are for, with the lab's own data sets sorted into kinds (descentlab.lessons.data_kinds)."""
import pandas as pd
import streamlit as st

from descentlab.engine.presets import PRESETS
from descentlab.lessons import data_kinds as kinds
from descentlab.ui import fit_css, pages, presets_menu
from descentlab.ui.theme import style
from descentlab.viz.data_kinds import thumbnails_figure

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

st.header("What deep networks are for")
st.markdown("A network learns a function from examples: give it many pairs (x, y) and it finds the "
            "weights that map each input x to its output y. Nearly every use today is of that kind:")
st.table(pd.DataFrame(kinds.USES, columns=["input x", "output y", "network", "data"]))
left, right = st.columns(2)
left.markdown(
    "**Supervised or unsupervised.** *Supervised*: every training example comes with its answer y, and "
    "the cost measures how far the network's ŷ is from it. A *classification* answers with a class "
    "(circle or not); a *regression* with a number (a price). *Unsupervised*: only the inputs X, no y; "
    "the task is to find structure in them, e.g. groups of similar examples. Every data set in this "
    "lab is supervised.")
right.markdown(
    "**Structured or unstructured.** *Structured* data is a table: each number has a meaning of its own "
    "(size in m², number of rooms, x1 and x2). *Unstructured* data is pictures, sound and text: one "
    "pixel means nothing alone, only the pattern does. People read unstructured data easily and "
    "computers did not, until deep networks.")

st.subheader("This lab's data sets, sorted")
st.caption("All of them supervised: every example comes with its label y.")


@st.cache_data(show_spinner=False)
def _thumbnails(names: tuple[str, ...]):
    return [kinds.samples(n) for n in names]


groups = kinds.groups()
columns = st.columns([4, 2, 2])
PER_ROW = (4, 1, 1)  # thumbnails per row in each column
for i, ((structure, task), members) in enumerate(groups.items()):
    with columns[min(i, len(columns) - 1)]:
        if members[0].name == kinds.CSV:
            csv = members[0]
            st.markdown(f"**Your CSV upload · {structure}**")
            st.caption(f"On the Playground, under *Share, save, export*. x: {csv.example}. {csv.description}")
            continue
        st.markdown(f"**{structure.capitalize()} · {task}**")
        figure = thumbnails_figure(_thumbnails(tuple(k.name for k in members)), PER_ROW[i], style())
        st.plotly_chart(figure, key=f"home_kinds_{i}", config={"staticPlot": True})
        st.caption(kinds.summary(members))
