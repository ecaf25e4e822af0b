"""One-click presets: a grid of buttons that load a preset's config and open the page that shows its
lab (descentlab.ui.pages)."""
from __future__ import annotations

import streamlit as st

from descentlab.engine.presets import PRESETS
from descentlab.ui import pages
from descentlab.ui.config_panel import load_widgets
from descentlab.ui.screen_fit import COMPACT_TOP_CSS, presenting
from descentlab.ui.state import Keys, init_state, notify, show_notices, start_run


def _apply(preset) -> None:
    if start_run(preset.config):
        load_widgets(preset.config)
        st.session_state[Keys.PLAYING] = False
        st.session_state[Keys.PRESET] = preset  # the lab page reads preset.vary, then pops it
        notify("info", f"Preset: {preset.title}. {preset.caption.replace(chr(10), ' ')}")
        st.session_state["dl_goto"] = pages.for_lab(preset.lab).file


def preset_grid(presets, columns: int = 3) -> None:
    init_state()
    cols = st.columns(columns)
    for i, p in enumerate(presets):
        with cols[i % columns].container(border=True):
            st.markdown(f"**{p.title}**")
            st.caption(p.caption)
            st.button("Open", key=f"preset_{p.key}", on_click=_apply, args=(p,))
    target = st.session_state.pop("dl_goto", None)
    if target:
        st.switch_page(target)


def lab_header(lab: str, css: str) -> None:
    """The top of the page that shows ``lab``: its title (from descentlab.ui.pages) and CSS, the notices waiting for it (a preset just opened, a
    link's ignored values), and the presets that open this page, beside the title so the page's
    charts reach the first screen of a projector. Presentation mode shows neither title nor presets:
    the room needs the lesson, and the lecturer has picked the preset before switching it on."""
    st.html(css + COMPACT_TOP_CSS)
    if not presenting():
        head, menu = st.columns([2, 3], vertical_alignment="center")
        head.title(pages.for_lab(lab).title, anchor=False)
        with menu.expander("Lecture presets for this page"):
            presets = [p for p in PRESETS.values() if p.lab == lab]
            if presets:
                preset_grid(presets)
            else:
                st.caption("No presets open this page yet.")
    show_notices()
