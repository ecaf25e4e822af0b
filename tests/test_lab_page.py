"""descentlab.ui.lab_page: every lab page's steps in one order, one way to adopt a preset, and one
"link read" flag per page."""
import pytest

from descentlab.engine.config import RunConfig
from descentlab.engine.presets import Preset
from descentlab.ui import lab_page, pages
from descentlab.ui.lab_page import LabPage, link_read_key
from tests.pages import open_page

# A link that varies the learning rate, as Compare's address bar may still say when a Learning rate
# preset is opened from its menu; each page's own preset must win over it.
LINK = {"vary": "learning_rate", "values": "0.002,0.004"}
PRESETS = {
    "lr": Preset("t_lr", "rates", "caption", RunConfig(hidden=(4,), learning_rate=0.03),
                          lab="lr", vary=("learning_rate", (0.001, 0.03, 3.0))),
    "compare": Preset("t_cmp", "optimizers", "caption", RunConfig(hidden=(4,)), lab="compare",
                      vary=("optimizer", ("gd", "adam"))),
    "init_lab": Preset("t_init", "schemes", "caption", RunConfig(hidden=(4,)), lab="init_lab",
                       vary=("init", ("zeros", "he"))),
}


def _shows_the_preset(at, page: str) -> bool:
    ss = at.session_state
    if page == "lr":
        return (ss["lr_low"], ss["lr_high"], ss["lr_count"]) == (0.001, 3.0, 16)
    if page == "compare":
        return ss["cmp_vary"] == "optimizer"
    return list(ss["init_schemes"]) == ["zeros", "he"]


@pytest.mark.parametrize("page", sorted(PRESETS))
def test_a_preset_marks_the_link_read_so_the_link_never_overrides_it(page):
    """Learning rate's own copy of adopt_preset forgot the flag: the link's rates replaced the
    preset's on the same run."""
    at = open_page(pages.for_lab(page).file, query=LINK, state={"dl_preset": PRESETS[page]})
    assert "dl_preset" not in at.session_state and at.session_state[link_read_key(page)]
    assert _shows_the_preset(at, page)
    at.run()
    assert not at.exception and _shows_the_preset(at, page)


def test_without_a_preset_the_link_is_read_and_marked_read():
    at = open_page("app_pages/lr_explorer.py", query=LINK)
    assert (at.session_state["lr_low"], at.session_state["lr_high"], at.session_state["lr_count"]) == (0.002, 0.004, 2)
    assert at.session_state[link_read_key("lr")]


def test_run_keeps_the_order(monkeypatch):
    calls = []

    def step(name, returns=None):
        def record(*args):
            calls.append((name, args))
            return returns
        return record

    for name in ("init_state", "adopt_preset", "read_link", "config_panel", "header", "sync_query_params"):
        monkeypatch.setattr(lab_page, name, step(name))
    monkeypatch.setattr(lab_page, "current_config", lambda: "config")
    take_preset, take_link = step("take_preset"), step("take_link")
    LabPage("p", "<style/>", step("show"), choose=step("choose", returns="chosen"),
            restore=step("restore"), take_preset=take_preset, take_link=take_link,
            page_query=step("page_query", returns={"vary": "x"})).run()
    assert calls == [
        ("init_state", ()), ("restore", ()), ("adopt_preset", ("p", take_preset)), ("read_link", ("p", take_link)),
        ("config_panel", ()), ("header", ("p", "<style/>", True)), ("choose", ()),
        ("page_query", ("chosen",)), ("sync_query_params", ("config", {"vary": "x"})), ("show", ("chosen",)),
    ]


def test_a_page_without_presets_or_link_keys_skips_those_steps(monkeypatch):
    calls = []
    for name in ("init_state", "adopt_preset", "read_link", "config_panel", "header", "sync_query_params"):
        monkeypatch.setattr(lab_page, name, lambda *a, _n=name: calls.append(_n))
    monkeypatch.setattr(lab_page, "current_config", lambda: "config")
    LabPage("playground", "", lambda _chosen: calls.append("show"), presets_menu=False).run()
    assert calls == ["init_state", "config_panel", "header", "sync_query_params", "show"]
