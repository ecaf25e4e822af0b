"""The app's pages, written once: app.py's navigation, the home page's lists, the presets' targets
and the browser tests all read this registry, so a page is added, renamed or moved here alone."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Page:
    file: str         # relative to the repository root, as st.Page and st.switch_page take it
    title: str        # in the navigation, on the home page and as a lab page's heading
    icon: str
    section: str      # the navigation's heading; "" for the top, unheaded
    description: str  # one line on the home page: what the page shows
    lab: str | None = None  # the lab kind presets name (descentlab.engine.presets.LABS)
    default: bool = False   # the page at the app's bare address

    @property
    def url_path(self) -> str:
        """Where the browser finds it: "" for the default page, else the file's name (Streamlit's rule)."""
        return "" if self.default else PurePosixPath(self.file).stem


FOUNDATIONS_SECTION = "Foundations"
LABS_SECTION = "Labs"  # not engine.presets.LABS, the lab kinds: this is a heading

# In the order of the navigation; within Foundations, the order the course takes them.
PAGES: tuple[Page, ...] = (
    Page("app_pages/home.py", "Descent Lab", ":material/home:", "",
         "what the lab is, the pages in course order, one-click lecture presets", default=True),
    Page("app_pages/images.py", "Images as vectors", ":material/image:", FOUNDATIONS_SECTION,
         "an image is three matrices, reshaped into one column x of n_x numbers"),
    Page("app_pages/derivatives.py", "Derivatives", ":material/trending_up:", FOUNDATIONS_SECTION,
         "the table of derivative rules, each checked against (f(x+h) − f(x−h)) / 2h"),
    Page("app_pages/one_neuron.py", "One neuron", ":material/radio_button_checked:", FOUNDATIONS_SECTION,
         "logistic regression as a graph: values forward, derivatives back, then training"),
    Page("app_pages/losses.py", "Loss functions", ":material/functions:", FOUNDATIONS_SECTION,
         "L1, L2 and cross-entropy, and why a sigmoid neuron wants cross-entropy"),
    Page("app_pages/vectorization.py", "Vectorization", ":material/speed:", FOUNDATIONS_SECTION,
         "for-loops against numpy, timed live on the server"),
    Page("app_pages/broadcasting.py", "Broadcasting & shapes", ":material/grid_on:", FOUNDATIONS_SECTION,
         "how numpy stretches arrays, rank-1 pitfalls, softmax by rows"),
    Page("app_pages/activations.py", "Activation functions", ":material/show_chart:", FOUNDATIONS_SECTION,
         "every g(z) with its derivative, checked numerically"),
    Page("app_pages/playground.py", "Playground", ":material/science:", LABS_SECTION,
         "train a network live and see inside it: units, weights, gradients", lab="playground"),
    Page("app_pages/compare.py", "Compare", ":material/compare:", LABS_SECTION,
         "the same run with 2–6 values of one setting, side by side, in lockstep", lab="compare"),
    Page("app_pages/init_lab.py", "Initialization lab", ":material/casino:", LABS_SECTION,
         "zeros vs random vs Xavier vs He: symmetry, saturation, the classic table", lab="init_lab"),
    Page("app_pages/lr_explorer.py", "Learning rate", ":material/tune:", LABS_SECTION,
         "16 learning rates at once, the loss surface, decay schedules", lab="lr"),
    Page("app_pages/runs.py", "Runs", ":material/stacked_line_chart:", LABS_SECTION,
         "every run of this session and every saved one, overlaid: smoothing, log axis, wall time, CSV"),
)


def in_section(section: str) -> tuple[Page, ...]:
    return tuple(p for p in PAGES if p.section == section)


def sections() -> dict[str, tuple[Page, ...]]:
    """{section: its pages}, in the navigation's order."""
    return {p.section: in_section(p.section) for p in PAGES}


def for_lab(lab: str) -> Page:
    """The page that shows a lab kind (a preset's ``lab``); KeyError for a kind no page shows."""
    for p in PAGES:
        if p.lab == lab:
            return p
    raise KeyError(lab)
