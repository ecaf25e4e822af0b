"""One lab page's life, in one order: the Playground, Compare, the Initialization lab and Learning
rate are each a ``LabPage`` of their own hooks, and ``LabPage.run`` calls them.

The order matters, and it is the same for every page:

1. ``init_state``: the session's run (from the link on a first visit).
2. ``restore``: the page's widget values back from its last visit (Streamlit dropped them while
   another page was shown), and its defaults; before anything reads or sets them.
3. ``adopt_preset``: a preset just opened for this page starts its config and puts its varied values
   into the page's pickers (``take_preset``); it also marks the link read (4), so that a link read
   later in the session never overrides the preset.
4. ``read_link``: once per session, the link's ``vary`` / ``values`` into the pickers (``take_link``).
   2 to 4 come before the sidebar and the pickers are drawn: a widget's value can only be set before
   it is drawn.
5. ``config_panel``: the sidebar.
6. ``header``: title, CSS, notices (a preset opened, a link's ignored values) and the page's presets.
7. ``choose``: the page's pickers; what they chose goes to 8 and 9.
8. ``sync_query_params``: the address bar becomes the link to this run (and the page's ``page_query``).
9. ``show``: the rest of the page: its loop, transport, live area and what follows. The page draws
   them, because their layouts differ (the Playground's transport shares a row with its switches,
   Learning rate has one loop per section).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from descentlab.ui import pages
from descentlab.ui.config_panel import config_panel, load_widgets
from descentlab.ui.presets_menu import lab_header
from descentlab.ui.screen_fit import COMPACT_TOP_CSS, presenting
from descentlab.ui.state import (
    Keys,
    current_config,
    init_state,
    page_link_once,
    show_notices,
    start_run,
    sync_query_params,
)


def link_read_key(lab: str) -> str:
    """The session-state flag that says ``lab``'s page has read its link (or had a preset instead)."""
    return f"dl_link_read_{lab}"


def adopt_preset(lab: str, take_preset: Callable[[Any], None]) -> None:
    """A preset opened for ``lab``'s page (descentlab.ui.presets_menu left it in session state): its config
    becomes the run, if the preset menu has not started it already, and ``take_preset(preset)`` puts
    its ``vary`` into the page's pickers (called only when the preset varies something). The link
    counts as read: the preset, not a link read later in the session, says what the page shows."""
    ss = st.session_state
    preset = ss.get(Keys.PRESET)
    if getattr(preset, "lab", None) != lab:
        return
    del ss[Keys.PRESET]
    ss[link_read_key(lab)] = True
    if current_config() != preset.config and start_run(preset.config):
        load_widgets(preset.config)
    if preset.vary:
        take_preset(preset)


def read_link(lab: str, take_link: Callable[[str | None, str | None], None]) -> None:
    """The first time this session: ``take_link(vary, values)`` with the link's page keys, if it has any."""
    link = page_link_once(link_read_key(lab))
    if link is not None:
        take_link(*link)


def header(lab: str, css: str, presets_menu: bool) -> None:
    """The top of the page: its title from the page registry; with ``presets_menu``, the presets that
    open it, beside the title."""
    if presets_menu:
        lab_header(lab, css)
        return
    st.html(css + COMPACT_TOP_CSS)
    if not presenting():  # the room knows which page it is looking at; the height goes to the charts
        st.title(pages.for_lab(lab).title, anchor=False)
    show_notices()


def _nothing(*_args) -> None:
    return None


@dataclass(frozen=True)
class LabPage:
    """A lab page's own parts; ``run`` calls them in the order above."""
    lab: str                                   # its kind: in presets, the page registry, its "link read" flag
    css: str                                   # its styles (at least descentlab.ui.theme.STATUS_CSS)
    show: Callable[[Any], None]                # step 9, given what ``choose`` returned
    choose: Callable[[], Any] = _nothing       # step 7 (may st.stop(): nothing to train)
    restore: Callable[[], None] = _nothing     # step 2
    take_preset: Callable[[Any], None] | None = None  # step 3; None: the page takes no preset's vary
    take_link: Callable[[str | None, str | None], None] | None = None  # step 4; None: no page keys
    page_query: Callable[[Any], dict[str, str]] = _nothing  # the link's page keys for what was chosen
    presets_menu: bool = True                  # the Playground's presets are on Home, not beside its title

    def run(self) -> None:
        init_state()
        self.restore()
        if self.take_preset is not None:
            adopt_preset(self.lab, self.take_preset)
        if self.take_link is not None:
            read_link(self.lab, self.take_link)
        config_panel()
        header(self.lab, self.css, self.presets_menu)
        chosen = self.choose()
        sync_query_params(current_config(), self.page_query(chosen))
        self.show(chosen)
