"""Session state for the lab: every key in one place, one init function, and applying a config change
(whether it continues the current run or starts a new one is the engine's rule: descentlab.engine.config_change).

Per-user state lives in st.session_state only (never at module level: Streamlit serves many users
from one process)."""
from __future__ import annotations

import streamlit as st

from descentlab.engine import cost
from descentlab.engine.build import build
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.config_change import config_change, continue_run
from descentlab.engine.drawn import LINK_POINTS, DrawnError, DrawnSet
from descentlab.ui import budget
from descentlab.ui.user_text import notice_boxes


class Keys:
    CONFIG = "dl_config"          # the RunConfig the current run was built from (plus live changes)
    RUN = "dl_run"                # descentlab.engine.build.Run: network, dataset, trainer
    PLAYING = "dl_playing"        # bool
    NOTICES = "dl_notices"        # list of (kind, text) shown once at the top of the page
    SHOWN_NOTICES = "dl_shown_notices"  # the last ones shown (a quiet rerun shows them again)
    QUIET_RERUN = "dl_quiet_rerun"
    QUERY_DONE = "dl_query_done"  # the URL has been read into the config for this session
    SPEED = "dl_speed"            # most iterations per frame
    PRESENTATION = "dl_presentation"
    UPLOADED = "dl_uploaded_dataset"  # Dataset from a CSV upload, used when config.dataset == "csv"
    STEP_COST = "dl_step_cost"    # running estimate of seconds per iteration, to size frames
    LAST_SYNCED_QUERY = "dl_last_query"
    PRESET = "dl_preset"          # descentlab.engine.presets.Preset just opened: its page reads `vary`, then pops it
    HIDDEN = "dl_hidden"          # frozenset of the controls a classroom link hides (descentlab.ui.classroom)
    DRAWN = "dl_drawn"            # descentlab.engine.drawn.DrawnSet: the points of a "draw" run (ui.views.playground_draw)


REDUCE_RUN = "Use fewer or narrower hidden layers, or fewer examples."

# Query keys that belong to a page (e.g. Compare's varied field), not to the RunConfig.
PAGE_QUERY_KEYS = frozenset({"vary", "values"})
HIDE_KEY = "hide"  # the classroom link's hidden controls (descentlab.ui.classroom): not the RunConfig's either
DRAW_KEY = "draw"  # a "draw" run's points, encoded (descentlab.engine.drawn.DrawnSet.encode): not the RunConfig's


def init_state(default: RunConfig | None = None) -> None:
    """Create the session's run on first use: from the URL's query string if it has one."""
    ss = st.session_state
    ss.setdefault(Keys.PLAYING, False)
    ss.setdefault(Keys.NOTICES, [])
    ss.setdefault(Keys.SPEED, 50)  # the default run reaches 95% test accuracy in ~3 s
    ss.setdefault(Keys.PRESENTATION, False)
    ss.setdefault(Keys.STEP_COST, 1e-4)
    if Keys.RUN in ss:
        return
    config = default or RunConfig()
    if not ss.get(Keys.QUERY_DONE):
        ss[Keys.QUERY_DONE] = True
        query = {k: st.query_params.get_all(k) for k in st.query_params
                 if k not in PAGE_QUERY_KEYS | {HIDE_KEY, DRAW_KEY}}
        read_drawn_link(st.query_params.get_all(DRAW_KEY))
        from descentlab.ui import (
            classroom,  # here, not at the top: classroom builds on this module
        )
        classroom.read_link({HIDE_KEY: st.query_params.get_all(HIDE_KEY)})
        if query:
            config, warnings = RunConfig.from_query(query)
            for w in warnings:
                notify("warning", f"Ignored from the link: {w}")
    fallback = default or RunConfig()
    if not start_run(config) and config != fallback:
        start_run(fallback)  # the link's run did not fit (start_run said why): the page still opens


def read_drawn_link(values: list[str]) -> None:
    """The link's drawn points (``draw=``) become the session's drawn set; a garbled value is ignored,
    with the reason, and the rest of the link still counts."""
    if not values:
        return
    try:
        st.session_state[Keys.DRAWN] = DrawnSet.decode(values[-1])
    except DrawnError as exc:
        notify("warning", f"Ignored from the link: {DRAW_KEY}: {exc} The drawn set starts from a few points.")


def drawn_dataset(config: RunConfig):
    """The Dataset of the session's drawn set (made from the default start if there is none yet)."""
    drawn = st.session_state.get(Keys.DRAWN)
    if drawn is None:
        drawn = st.session_state[Keys.DRAWN] = DrawnSet.start()
    return drawn.dataset(config.features, config.normalization)


def notify(kind: str, text: str) -> None:
    """Say ``text`` (plain text, user text included as is: show_notices escapes it) at the top of
    the page's next run. ``kind``: "info", "success", "warning" or "error"; or "toast", for news
    that needs no answer (a new run started): a toast in the corner moves nothing, where a box
    above the charts pushes them below a projector's fold."""
    st.session_state.setdefault(Keys.NOTICES, []).append((kind, text))


def pop_notices() -> list:
    notices, st.session_state[Keys.NOTICES] = st.session_state.get(Keys.NOTICES, []), []
    return notices


def show_notices() -> None:
    """Show the waiting notices and forget them: one box per run of notices of the same kind, every
    text escaped (it quotes links, file names and columns: see descentlab.ui.user_text). A run the page made by
    itself (quiet_rerun: no one clicked) shows the last ones again instead of wiping them."""
    ss = st.session_state
    notices = pop_notices()
    if ss.pop(Keys.QUIET_RERUN, False):
        notices = ss.get(Keys.SHOWN_NOTICES, []) + notices
    ss[Keys.SHOWN_NOTICES] = [n for n in notices if n[0] != "toast"]  # a toast said it once
    for kind, body in notice_boxes(notices):
        if kind == "toast":
            st.toast(body, icon=":material/restart_alt:")
        else:
            getattr(st, kind)(body)


def quiet_rerun() -> None:
    """A widget callback for a rerun nobody asked for (a hidden element reporting): the notices stay."""
    st.session_state[Keys.QUIET_RERUN] = True


def current_config() -> RunConfig:
    return st.session_state[Keys.CONFIG]


def current_run():
    return st.session_state[Keys.RUN]


def start_run(config: RunConfig) -> bool:
    """Build a new run from ``config``; on a bad config keep the old run and say why."""
    ss = st.session_state
    dataset = ss.get(Keys.UPLOADED) if config.dataset == "csv" else None
    if config.dataset == "csv" and dataset is None:
        notify("warning", "No CSV uploaded yet: upload one under Data, or pick another data set.")
        return False
    if config.dataset == "draw":
        dataset = drawn_dataset(config)
    try:
        with budget.admitted("playground", cost.playground(config, dataset), "This run", REDUCE_RUN):
            run = build(config, dataset=dataset)
    except (ConfigError, ValueError, budget.Refused, MemoryError) as exc:
        notify("error", f"Could not start that run: {budget.reason(exc)}")
        return False
    # The live loop records one history row per frame (Trainer.record), whatever the frame's size;
    # recording every iteration would evaluate the whole data set 50 times a frame.
    run.trainer.record_every = None
    ss[Keys.CONFIG], ss[Keys.RUN] = config, run
    return True


def apply_config(new: RunConfig) -> None:
    """Make ``new`` the session's config: continue the run when the engine says it can
    (descentlab.engine.config_change.config_change), else start a new one and say which fields made it new."""
    old = current_config()
    change = config_change(old, new)
    if not change.changed:
        return
    if change.continues:
        continue_run(current_run().trainer, old, new)
        st.session_state[Keys.CONFIG] = new
        return
    if start_run(new.replace(edits=()) if new.edits else new):  # weights set by hand were the old run's
        st.session_state[Keys.PLAYING] = False
        notify("toast", f"Started a new run: {', '.join(sorted(change.rebuild_fields))} changed.")


def sync_query_params(config: RunConfig, page_query: dict[str, str] | None = None) -> None:
    """Keep the URL equal to the config (plus the page's own keys, from PAGE_QUERY_KEYS), so the
    address bar is always a link to this exact run."""
    assert not page_query or set(page_query) <= PAGE_QUERY_KEYS, "add the key to PAGE_QUERY_KEYS"
    query = {**config.to_query(), **(page_query or {})}
    drawn = st.session_state.get(Keys.DRAWN) if config.dataset == "draw" else None
    if drawn is not None and drawn.size <= LINK_POINTS:  # a bigger set says so under the chart
        query[DRAW_KEY] = drawn.encode()
    hidden = st.session_state.get(Keys.HIDDEN)
    if hidden:  # a classroom link stays one through reruns (descentlab.ui.classroom.link_value's order)
        from descentlab.ui import classroom
        query[HIDE_KEY] = classroom.link_value(hidden)
    if st.session_state.get(Keys.LAST_SYNCED_QUERY) != query:
        st.query_params.from_dict(query)
        st.session_state[Keys.LAST_SYNCED_QUERY] = query


def page_link_once(done_key: str) -> tuple[str | None, str | None] | None:
    """The link's page keys (`vary`, `values`; the last of each when repeated, None when absent), the
    first time this session asks under ``done_key``; None after that, or when the link has neither,
    so a page reads its link once and the user's later choices stand."""
    ss = st.session_state
    if ss.get(done_key):
        return None
    ss[done_key] = True
    vary, values = (st.query_params.get_all(k) for k in ("vary", "values"))
    link = (vary[-1] if vary else None), (values[-1] if values else None)
    return None if link == (None, None) else link


def restore_widgets(store: str) -> None:
    """Put back the kept values (``keep_widgets``) of widgets whose state Streamlit dropped. Call
    before drawing them.

    Streamlit drops a widget's value at the end of any run that does not draw it: another page, or a
    hidden section of this one. Coming back would reset the page's pickers, and with them its runs."""
    ss = st.session_state
    for key, value in ss.get(store, {}).items():
        if key not in ss:
            ss[key] = value


def keep_widgets(store: str, keys) -> None:
    """Keep aside the current values of these widget keys (those in the session state now)."""
    ss = st.session_state
    ss.setdefault(store, {}).update({k: ss[k] for k in keys if k in ss})


def held(key: str) -> str:
    """``key``, for a widget whose value the session holds (a default set from code, a kept value):
    the value is set again from code, so this run's element carries it to the browser. Call it as
    the widget's ``key=`` argument, before the widget exists in this run.

    Streamlit puts a widget's value in its element only in a run whose code set that value; other
    runs carry the widget's declared default (a select_slider's first option). A busy browser that
    gets two runs back to back may mount the second one's element first: the widget then starts at
    the default and sends it back with the next click. The Speed slider fell from 50 to 1 iteration
    a frame that way in 2 of 7 tries with three pages playing (tests/widget_mount.py)."""
    ss = st.session_state
    if key in ss:
        ss[key] = ss[key]
    return key
