"""User text in figures: Plotly reads every string it draws (titles, axis titles, legend names, hover
text, text labels, table cells, colour-bar titles) as its own HTML-like markup, so a CSV column named
``<b style="font-size:90px">big</b>`` would be drawn huge and ``<a href=...>`` would be a link. Every
name that comes from the user (CSV columns and classes, variant labels) goes through ``plotly_text``."""
from __future__ import annotations

import html
import math


def plotly_text(text) -> str:
    """``text`` (or str() of it) drawn literally by Plotly: ``<``, ``>`` and ``&`` as entities, which
    Plotly turns back into the characters, and ``%`` as ``&#37;`` so that in a hovertemplate a name
    such as ``%{y}`` is not filled in with a value."""
    return html.escape(str(text), quote=False).replace("%", "&#37;")


def number(x, digits: int = 4) -> str:
    """A number as a person reads it: ``digits`` decimals in everyday sizes, ``digits`` significant
    digits with an exponent beyond them (a diverged run's cost is 1.235e+230, not 231 digits), "–" for
    none or NaN, "∞" for an infinity. (Hover labels that a run can blow up use d3's ".4~g".)"""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}g}" if abs(x) >= 1e4 else f"{x:.{digits}f}"

