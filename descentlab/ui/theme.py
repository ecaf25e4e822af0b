"""What every page's live views share: the chart style, the live status line and the rewind
slider's follow-latest rule.

Lab pages (descentlab.ui.views) and lesson pages (app_pages) draw with these, so a page looks like its
neighbours and a projector's presentation mode reaches every chart and status line."""
from __future__ import annotations

from html import escape

import streamlit as st

from descentlab.ui.live.elements import live_html
from descentlab.ui.screen_fit import presenting
from descentlab.ui.state import Keys
from descentlab.viz.style import Style

STATUS_CSS = """<style>
.dl-status {display: flex; flex-wrap: wrap; gap: 0.4rem clamp(0.8rem, 1.8cqi, 2.2rem); margin: 0.2rem 0 0.6rem 0;
  container-type: inline-size;}
.dl-name {font-size: 0.875rem; opacity: 0.75;}
.dl-value {font-size: clamp(1.2rem, 2.8cqi, 1.9rem); line-height: 1.2; font-variant-numeric: tabular-nums;}
.dl-status.dl-big .dl-name {font-size: clamp(0.95rem, 1.9cqi, 1.25rem);}
.dl-status.dl-big .dl-value {font-size: clamp(1.5rem, 3.4cqi, 2.8rem);}
.dl-note {flex-basis: 100%; font-size: 1rem; font-weight: 600; color: #b45309;}
.dl-status.dl-big .dl-note {font-size: 1.4rem;}
</style>"""


def style() -> Style:
    """Every page's chart style: the presentation mode's sizes when it is on."""
    return Style(presentation=presenting())


def follow_latest(key: str, iterations: list[int]) -> None:
    """Keep a rewind slider on "now" as training moves on, unless the user has moved it back."""
    ss, mark = st.session_state, key + "_latest"
    if ss.get(key) is None or ss.get(key) == ss.get(mark) or ss.get(key) not in iterations:
        ss[key] = iterations[-1]
    ss[mark] = iterations[-1]


def status_html(cells, big: bool, note: str = "") -> str:
    """(name, value) pairs as the live status line: one HTML element instead of one st.metric each,
    which is a React subtree the browser redraws every frame (measured: 3.3 -> 4.7 frames/s). Callers
    pass their own labels and numbers (escaped where a label comes from the user). ``big``: the
    presentation size, read by the caller at script time (a live frame has no session state)."""
    html = "".join(f'<div class="dl-cell"><div class="dl-name">{name}</div><div class="dl-value">{value}</div></div>'
                   for name, value in cells)
    if note:  # a diagnosis (descentlab.engine.diagnosis): our own sentence, a full-width line under the numbers
        html += f'<div class="dl-note">{escape(note)}</div>'
    return f'<div class="dl-status{" dl-big" if big else ""}">{html}</div>'


def show_status(cells, key: str = "live_status", note=None) -> None:
    """The status line; ``cells`` is the list, or a function that makes it (for live frames); ``note``,
    a function that gives a sentence to show under it (or "")."""
    big = bool(st.session_state.get(Keys.PRESENTATION))
    make = cells if callable(cells) else (lambda: cells)
    live_html(lambda: status_html(make(), big, note() if note else ""), key=key)
