"""Budgets through the pages a person opens (AppTest of the real app): a link, an upload or a lab
whose runs do not fit is refused before anything is built, says what to reduce, and the session
keeps what it had. The builders are spied on, so a refusal that fails fails fast instead of
allocating gigabytes."""
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import descentlab.ui.state
import descentlab.ui.views.compare
import descentlab.ui.views.lr_explorer
from descentlab.engine.config import RunConfig
from descentlab.ui import budget
from descentlab.ui.state import Keys
from descentlab.ui.user_text import md_plain

from .pages import open_page as _open
from .test_bad_input import _assert_kept, _assert_usable, _before

# the review's link: 768 inputs, 512 units, 20,000 examples, 32 copies (~7 GB)
RATES = ",".join(f"{r:.4g}" for r in np.geomspace(0.001, 3, 32))
LR_LINK = {"dataset": "shapes", "hidden": "512", "n_samples": "20000", "vary": "learning_rate", "values": RATES}


def _said(at: AppTest) -> str:
    return "\n".join(md_plain(e.value) for e in [*at.error, *at.warning])


@pytest.fixture
def spied(monkeypatch):
    """Record what the pages build; refuse (fast) to build anything the size of the review's link."""
    built = []

    def spy(module, name, size_of):
        real = getattr(module, name)

        def build(*args, **kwargs):
            size = size_of(*args, **kwargs)
            built.append((name, size))
            assert size < 10**8, f"{name} was asked for {size:.1e} floats: the budget let it through"
            return real(*args, **kwargs)
        monkeypatch.setattr(module, name, build)

    def floats(config, *rest, dataset=None, **_):
        n_x = 768 if config.dataset == "shapes" else 2
        copies = len(rest[0]) if rest else 1
        return copies * config.n_samples * (n_x + sum(config.hidden))
    spy(descentlab.ui.state, "build", floats)
    spy(descentlab.ui.views.lr_explorer, "sweep_from_config", floats)
    return built


def test_the_reviews_learning_rate_link_is_refused_and_the_page_opens(spied):
    at = _open("app_pages/lr_explorer.py", LR_LINK)
    said = _said(at)
    # its network is too much work for its data; the data alone is more than a session may hold
    assert "768 pixels" in said and "7.9 billion" in said and "one session may hold 300 MB" in said
    assert at.session_state[Keys.CONFIG] == RunConfig()  # the page opened on the default run instead
    assert max(size for _, size in spied) < 10**6
    assert at.session_state["lr_sweep"].sweep.K == 32  # the link's rates, on a run that fits


def test_a_sweep_whose_copies_do_not_fit_is_refused_and_says_what_to_reduce(spied):
    link = {**LR_LINK, "hidden": "64", "n_samples": "2000"}  # the run alone fits; 32 copies do not
    at = _open("app_pages/lr_explorer.py", link)
    said = _said(at)
    assert "Sweeping 32 learning rates needs about" in said and "Use fewer learning rates" in said
    assert at.session_state[Keys.CONFIG].dataset == "shapes"  # the Playground's run of the link stands
    assert [name for name, _ in spied].count("sweep_from_config") == 0


def test_a_link_whose_run_does_not_fit_opens_the_default_run(spied, monkeypatch):
    monkeypatch.setenv("DESCENTLAB_SESSION_MB", "100")
    at = _open("app_pages/playground.py", RunConfig(hidden=(64,) * 8, n_samples=2000).to_query())
    assert "One session may hold 100 MB".lower() in _said(at).lower()
    assert at.session_state[Keys.CONFIG] == RunConfig()
    _assert_usable(at)


def test_comparing_six_of_the_sidebars_largest_networks_is_refused_with_what_to_reduce(spied):
    base = RunConfig(hidden=(64,) * 8, n_samples=2000)
    at = _open("app_pages/compare.py", {**base.to_query(), "vary": "learning_rate",
                                        "values": "0.001;0.003;0.01;0.03;0.1;0.3"})
    said = _said(at)
    assert "Comparing 6 variants needs about" in said and "Compare fewer values" in said
    assert "your other pages hold" in said  # the Playground's run of the same network counts too
    assert len(at.session_state["cmp_group"].variants) == 1  # the base alone, which was admitted


def _wide_csv(columns: int, rows: int) -> bytes:
    rng = np.random.default_rng(0)
    header = ",".join(f"c{j}" for j in range(columns)) + ",label"
    body = "\n".join(",".join(str(v) for v in rng.integers(0, 10, columns)) + f",{i % 2}" for i in range(rows))
    return (header + "\n" + body + "\n").encode()


def test_an_upload_whose_run_does_not_fit_is_refused_and_the_run_is_kept(spied, monkeypatch):
    at = _open("app_pages/playground.py", {"hidden": "512,512"})
    before = _before(at)
    monkeypatch.setenv("DESCENTLAB_SESSION_MB", "60")  # 999 columns and the label into 512 units: ~70 MB
    at.file_uploader(key="up_csv").upload("wide.csv", _wide_csv(999, 300), "text/csv").run()
    said = _said(at)
    assert "Could not start that run: This run needs about" in said and "one session may hold 60 MB" in said
    _assert_kept(at, before)
    _assert_usable(at)


def test_limits_are_read_when_used(monkeypatch):
    # a department's bigger machine raises them without a code change
    monkeypatch.setenv("DESCENTLAB_SESSION_MB", "4000")
    assert budget.session_limit() == 4000 * 2**20


def test_compare_says_so_when_not_even_the_base_alone_fits(spied, monkeypatch):
    monkeypatch.setenv("DESCENTLAB_SESSION_MB", "200")  # the Playground's run (169 MB) fits; one more copy does not
    base = RunConfig(hidden=(64,) * 8, n_samples=2000)
    at = _open("app_pages/compare.py", {**base.to_query(), "vary": "learning_rate", "values": "0.01;0.1"})
    said = _said(at)
    assert "Comparing 2 variants needs about" in said and "The base config alone needs about" in said
    assert "cmp_group" not in at.session_state
