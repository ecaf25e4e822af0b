"""Display formulas that fit their column: a hidden element whose script (assets/fit_formulas.js)
shrinks a formula wider than its column, on the pages that show formulas."""
from __future__ import annotations

import streamlit as st

from descentlab.ui.scripts import asset_js

_KEY = "descentlab_fit_formulas"
_fit = st.components.v2.component("descentlab.fit_formulas", js=asset_js("fit_formulas.js"),
                                  css=f".st-key-{_KEY} {{ display: none; }}", isolate_styles=False)


def fit_formulas() -> None:
    """Call once on a page that draws st.latex formulas (anywhere on it: the element is hidden)."""
    _fit(key=_KEY, data={})
