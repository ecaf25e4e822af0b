"""Saved runs belong to their owner (descentlab.ui.run_spaces, descentlab.engine.runs.owner_space): through the real page,
another browser can neither list, nor load, nor replace them, whatever it types or sends; the class
library is open to all and written only with the lecturer's key."""
import pytest

from descentlab.engine import runs
from descentlab.ui import run_spaces
from descentlab.ui.user_text import md_plain

from .pages import open_page

A_KEY, B_KEY = "a" * 64, "b" * 64


@pytest.fixture(autouse=True)
def runs_root(tmp_path, monkeypatch):
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path / "runs"))
    monkeypatch.delenv(run_spaces.LECTURER_ENV, raising=False)
    return tmp_path / "runs"


def _browser(key, steps=0):
    at = open_page("app_pages/playground.py", state={run_spaces.OWNER: key})
    for _ in range(steps):
        at.button(key="btn_step").click().run()
    return at


def _said(at, kind="success"):
    return " ".join(md_plain(e.value) for e in getattr(at, kind))


def _save(at, name="my-run"):
    at.text_input(key="save_name").input(name).run()
    at.button(key="btn_save_run").click().run()
    assert not at.exception


def _options(at):
    return at.selectbox(key="saved_run_choice").options if at.get("selectbox") and any(
        s.key == "saved_run_choice" for s in at.selectbox) else []


def test_another_browser_cannot_list_load_or_replace_my_runs():
    a = _browser(A_KEY, steps=3)
    _save(a)
    assert "Saved as my-run" in _said(a)
    b = _browser(B_KEY, steps=1)
    assert "my-run" not in _options(b)  # A's run is not offered to B
    _save(b)  # B's default name is A's name too: B saves its own, A's stays
    assert "Saved as my-run" in _said(b)
    assert runs.load_run("my-run", runs.owner_space(A_KEY)).meta["iteration"] == 3
    b.selectbox(key="saved_run_choice").set_value("mine/my-run").run()
    b.button(key="btn_load_run").click().run()
    assert b.session_state["dl_config"] is not None and "Loaded saved run my-run" in _said(b)
    assert b.session_state["dl_run"].network.theta.tolist() == runs.restore_trainer(
        runs.load_run("my-run", runs.owner_space(B_KEY))).run.network.theta.tolist()  # its own weights


@pytest.mark.parametrize("crafted", [
    "owners/" + "0" * 32 + "/my-run", "mine/../../owners/x/my-run", "library/../owners/x", "my-run", "", None,
])
def test_a_crafted_choice_reaches_nothing_but_ones_own_space_and_the_library(crafted, monkeypatch):
    """The picker offers only "mine/<name>" and "library/<name>"; whatever a crafted message sends
    instead is resolved the same way (AppTest itself refuses values that are not offered)."""
    a = _browser(A_KEY)
    _save(a)
    monkeypatch.setattr(run_spaces, "my_space", lambda: runs.owner_space(B_KEY))
    with pytest.raises(runs.RunFileError):
        runs.load_run(*reversed(run_spaces.resolve(crafted)))
    space, name = run_spaces.resolve("mine/my-run")  # A's name, as B's own: B has none of that name
    assert space == runs.owner_space(B_KEY)
    with pytest.raises(runs.RunFileError, match="no saved run named"):
        runs.load_run(name, space)


def test_a_name_is_replaced_only_when_asked():
    a = _browser(A_KEY, steps=2)
    _save(a, "lecture")
    a.button(key="btn_step").click().run()
    _save(a, "lecture")
    assert "already saved" in _said(a, "error")
    assert runs.load_run("lecture", runs.owner_space(A_KEY)).meta["iteration"] == 2
    a.checkbox(key="save_replace").check().run()
    _save(a, "lecture")
    assert runs.load_run("lecture", runs.owner_space(A_KEY)).meta["iteration"] == 3


def test_only_the_lecturers_key_writes_the_class_library(monkeypatch):
    monkeypatch.setenv(run_spaces.LECTURER_ENV, "s3cret-lecture-key")
    lecturer = _browser(A_KEY, steps=2)
    assert not any(c.key == "save_library" for c in lecturer.checkbox)  # not without the key
    lecturer.text_input(key=run_spaces.LECTURER_INPUT).input("guess").run()
    assert not any(c.key == "save_library" for c in lecturer.checkbox)
    lecturer.text_input(key=run_spaces.LECTURER_INPUT).input("s3cret-lecture-key").run()
    lecturer.checkbox(key="save_library").check().run()
    _save(lecturer, "week-3")
    assert [r["name"] for r in runs.list_runs(runs.library_space())] == ["week-3"]
    student = _browser(B_KEY)
    assert "week-3 (class library)" in _options(student)
    student.selectbox(key="saved_run_choice").set_value("library/week-3").run()
    student.button(key="btn_load_run").click().run()
    assert "Loaded saved run week-3" in _said(student)
    student.session_state["save_library"] = True  # sent without the key: still the student's own space
    _save(student, "week-3")
    assert runs.load_run("week-3", runs.library_space()).meta["iteration"] == 2
    assert [r["name"] for r in runs.list_runs(runs.owner_space(B_KEY))] == ["week-3"]


def test_without_its_key_a_browser_can_save_nothing_yet():
    at = open_page("app_pages/playground.py")  # the hidden element has not reported (AppTest runs no JS)
    assert at.button(key="btn_save_run").disabled


def test_in_a_browser_the_key_stays_with_the_browser(tmp_path):
    """The hidden element (assets/owner_key.js) makes the key and keeps it in localStorage: after a reload
    the browser finds its run again; another browser (its own storage) does not see it."""
    from playwright.sync_api import sync_playwright

    from tests.browser import (
        launch_browser,
        require_chromium,
        start_streamlit,
        wait_for_app,
    )

    require_chromium()
    save = "[data-testid='stButton'] button:has-text('Save run')"
    picker = ".st-key-saved_run_choice"
    with start_streamlit("server.py", env={runs.RUNS_DIR_ENV: str(tmp_path / "runs")}) as (base, _), \
            sync_playwright() as pw:
        browser = launch_browser(pw)
        mine = browser.new_context().new_page()
        mine.goto(f"{base}/playground")
        wait_for_app(mine)
        mine.wait_for_selector(save + ":not([disabled])", timeout=90_000)  # the key has arrived
        mine.locator(save).click()
        mine.wait_for_selector("text=Saved as my-run", timeout=90_000)
        mine.reload()
        wait_for_app(mine)
        mine.wait_for_selector(picker, timeout=90_000)
        assert "my-run" in mine.locator(picker).evaluate("(el) => el.textContent + [...el.querySelectorAll('input')].map((i) => i.value).join()")
        other = browser.new_context().new_page()
        other.goto(f"{base}/playground")
        wait_for_app(other)
        other.wait_for_selector(save + ":not([disabled])", timeout=90_000)
        assert other.locator(picker).count() == 0  # nothing of its own, and the library is empty
        keys = [p.evaluate("() => localStorage.getItem('descentlab-owner-key')") for p in (mine, other)]
        assert all(k and len(k) == 64 for k in keys) and keys[0] != keys[1]
        assert keys[0] not in mine.url and not any(keys[0] in str(p) for p in (tmp_path / "runs").rglob("*"))
        browser.close()
