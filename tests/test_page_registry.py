"""The page registry (descentlab.ui.pages) is the one list of pages: its files exist, app.py's
navigation is built from it, every preset opens one of its pages, and no two pages share a title."""
import streamlit

from descentlab.engine.presets import LABS, PRESETS
from descentlab.ui import pages
from tests.browser import ROOT
from tests.pages import open_page


def test_every_registered_file_exists():
    missing = [p.file for p in pages.PAGES if not (ROOT / p.file).is_file()]
    assert not missing


def test_every_page_file_is_registered():
    files = {f"app_pages/{f.name}" for f in (ROOT / "app_pages").glob("*.py")}
    assert files == {p.file for p in pages.PAGES}


def test_titles_and_addresses_are_unique_and_one_page_is_the_default():
    assert len({p.title for p in pages.PAGES}) == len(pages.PAGES)
    assert len({p.url_path for p in pages.PAGES}) == len(pages.PAGES)
    assert [p.default for p in pages.PAGES].count(True) == 1


def test_every_preset_opens_a_registered_page():
    assert {p.lab for p in PRESETS.values()} <= set(LABS)
    for lab in LABS:
        assert pages.for_lab(lab) in pages.PAGES


def test_the_app_navigation_is_the_registry(monkeypatch):
    seen, expanded = [], []
    navigation = streamlit.navigation

    def recording(sections, *args, **kwargs):
        seen.append({s: [(p.title, p.icon, p.url_path) for p in group] for s, group in sections.items()})
        expanded.append(kwargs.get("expanded"))
        return navigation(sections, *args, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    open_page(pages.PAGES[0].file)
    expected = {s: [(p.title, p.icon, p.url_path) for p in group] for s, group in pages.sections().items()}
    assert seen and seen[-1] == expected
    assert list(seen[-1]) == ["", pages.FOUNDATIONS_SECTION, pages.LABS_SECTION]
    assert expanded[-1] is True  # every lab in view: not folded behind "View N more"
