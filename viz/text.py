"""User text in figures: Plotly reads every string it draws (titles, axis titles, legend names, hover
text, text labels, table cells, colour-bar titles) as its own HTML-like markup, so a CSV column named
``<b style="font-size:90px">big</b>`` would be drawn huge and ``<a href=...>`` would be a link. Every
name that comes from the user (CSV columns and classes, variant labels) goes through ``plotly_text``."""
from __future__ import annotations

import html


def plotly_text(text) -> str:
    """``text`` (or str() of it) drawn literally by Plotly: ``<``, ``>`` and ``&`` as entities, which
    Plotly turns back into the characters, and ``%`` as ``&#37;`` so that in a hovertemplate a name
    such as ``%{y}`` is not filled in with a value."""
    return html.escape(str(text), quote=False).replace("%", "&#37;")
