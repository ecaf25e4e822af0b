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



_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(x: float) -> str:
    """10⁻³ for 0.001, 3·10⁻² for 0.03: compact tick labels for a log axis."""
    e = math.floor(math.log10(x) + 1e-9)
    m = x / 10.0**e
    base = "10" + str(e).translate(_SUPERSCRIPTS)
    return base if abs(m - 1) < 1e-6 else f"{m:.2g}·{base}"


def log_ticks(low: float, high: float) -> dict:
    """tickvals and ticktext for a log axis showing ``low`` to ``high`` that read without guessing:
    1, 2 and 5 of each decade written out (0.5, not plotly's bare "5" under a "10⁻¹") while the axis
    spans under two decades, only the decades above that; {} (plotly's own) when fewer than two fit."""
    if not (math.isfinite(low) and math.isfinite(high) and 0 < low < high):
        return {}
    steps = (1,) if math.log10(high / low) >= 2 else (1, 2, 5)
    values = [m * 10.0**e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
              for m in steps if low <= m * 10.0**e <= high]
    if len(values) < 2:
        return {}
    return dict(tickvals=values, ticktext=[f"{v:g}" if 1e-3 <= v < 1e4 else power_label(v) for v in values])
