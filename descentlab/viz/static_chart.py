"""Font sizes for figures shown with ``st.plotly_chart`` (the static charts of the foundation pages).

Streamlit's chart theme (theme="streamlit", the default) puts its own small axis fonts over those a
figure's template sets, so presentation mode's larger ticks never showed; fonts set on the axes
themselves win over the theme. Live charts (descentlab.ui.live.elements) apply no theme and need none of this.
"""
from __future__ import annotations

from descentlab.viz.style import Style, resolve


def pin_axis_fonts(layout: dict, style: Style | None = None) -> dict:
    """Set tick and title font sizes on every x/y axis of ``layout`` (in place), keeping any a
    builder set itself; returns the layout."""
    s = resolve(style)
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("tickfont", {}).setdefault("size", int(s.text * 0.85))
            title = axis.setdefault("title", {})
            if isinstance(title, dict):
                title.setdefault("font", {}).setdefault("size", s.text)
    return layout
