"""Plotly charts that update in place, for views that redraw ~10 times per second.

`st.plotly_chart` gives a chart a new identity whenever its data changes (even with `key=`), so
every live update tears it down and rebuilds it: blank frames, ~4 draws/s per chart where this
module draws ~10 (bench/live_chart_fps.py). `live_chart` mounts a components-v2 element under a
stable key whose JavaScript (assets/live_chart.js) keeps one div per chart and calls
`Plotly.react` on it. Static charts can stay on `st.plotly_chart`. The key is a widget key (it
also names the PNG export): unique on the page, and not reused for other session-state values.

plotly.js reaches the page once per tab through `ensure_plotly_loaded` (assets/plotly_loader.js),
a hidden element. Served by server.py (`make run`), its data is the address of PLOTLY_ROUTE: the
installed plotly package's own plotly.min.js, gzipped once (1.5 MB instead of 4.8 MB), which the
browser caches (a room's second visit, a new tab: nothing) and a class's proxy caches too. Without
the route (`streamlit run app.py`, AppTest) the data is the gzipped bytes themselves; there every
full run sends them again and Streamlit hashes the 1.5 MB message to find it in its cache, a fifth
of a Playground page run's server CPU (bench.profile_server), which the route saves.

    ensure_plotly_loaded()                      # once, near the top of the entry point
    clicked = live_chart(fig, key="loss", on_click=True)
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import plotly
import plotly.io as pio
import streamlit as st
from streamlit.errors import StreamlitDuplicateElementKey
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from descentlab.ui.live import route
from descentlab.ui.live.route import Handler, produce
from descentlab.ui.scripts import read_js

__all__ = ["ensure_plotly_loaded", "live_chart", "live_html", "frame_pump", "presenter_keys", "DEFAULT_HEIGHT"]

DEFAULT_HEIGHT = 420  # px, when neither the figure nor the caller gives one
_ASSETS = Path(__file__).with_name("assets")
_LOADER_KEY = "descentlab_plotly_loader"
_PLOTLY_JS = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"


def read_asset_js(name: str) -> str:
    """One of the live transport's scripts (descentlab/ui/live/assets)."""
    return read_js(_ASSETS / name)


_loader = st.components.v2.component(
    "descentlab.plotly_loader",
    js=read_asset_js("plotly_loader.js"),
    # Hide the loader's element container so it adds no gap to the layout.
    css=f".st-key-{_LOADER_KEY} {{ display: none; }}",
    isolate_styles=False,
)
_chart = st.components.v2.component(
    "descentlab.live_chart",
    js=read_asset_js("touch.js") + "\n" + read_asset_js("live_chart.js"),
    # the caption looks like st.caption's (which would be one more element to redraw every frame)
    css=".descentlab-live-chart { width: 100%; position: relative; }"
        # the number field a click on an editable point opens (touch.js): readable on light and dark
        " .descentlab-edit { position: absolute; z-index: 20; padding: 0.3rem 0.5rem; border-radius: 0.4rem;"
        " background: rgba(20, 20, 28, 0.92); color: #fff; font-size: 1rem; box-shadow: 0 2px 8px rgba(0,0,0,.35); }"
        " .descentlab-edit input { width: 7.5rem; margin-left: 0.25rem; font-size: 1rem; }"
        " .descentlab-caption { font-size: 0.875rem; opacity: 0.7; line-height: 1.4; margin: 0.25rem 0 0.5rem; }",
    # Plotly injects global CSS (modebar, hover labels); a shadow root would hide it from it.
    isolate_styles=False,
)


_html = st.components.v2.component("descentlab.live_html", js=read_asset_js("live_html.js"), isolate_styles=False)
_KEYS_KEY = "descentlab_keys"
_keys = st.components.v2.component("descentlab.keys", js=read_asset_js("keyboard.js"),
                                   css=f".st-key-{_KEYS_KEY} {{ display: none; }}", isolate_styles=False)
_PUMP_KEY = "descentlab_frame_pump"
_pump = st.components.v2.component("descentlab.frame_pump", js=read_asset_js("frame_pump.js"),
                                   css=f".st-key-{_PUMP_KEY} {{ display: none; }}", isolate_styles=False)


@functools.cache
def _plotly_js_gzip() -> bytes:
    """plotly.min.js, gzipped once per process (shared, immutable: safe at module level)."""
    # mtime=0: identical bytes on every run, so Streamlit's message cache keeps recognising them.
    return gzip.compress(_PLOTLY_JS.read_bytes(), compresslevel=6, mtime=0)


@functools.lru_cache(maxsize=4)
def _template_json(name: str) -> dict[str, Any]:
    return pio.templates[name].to_plotly_json()


def _in_fragment_rerun() -> bool:
    # Streamlit has no public "is this a fragment rerun" yet; getattr keeps this safe if it moves.
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def ensure_plotly_loaded() -> None:
    """Mount, once per script run and before any live_chart, the tiny element that gets plotly.js
    to the browser ONCE per tab (not per update). Idempotent within a run."""
    if _in_fragment_rerun():
        return  # the element mounted by the last full run is still on the page
    try:
        _loader(key=_LOADER_KEY, data={"url": PLOTLY_ROUTE} if route.available() else _plotly_js_gzip())
    except StreamlitDuplicateElementKey:
        pass  # already mounted in this run (the key check raises before anything is sent)


# plotly's version in the address: a new plotly is a new address, so a year-long browser cache is safe
PLOTLY_ROUTE = f"/descentlab/assets/plotly-{plotly.__version__}.min.js"


async def serve_plotly(request):
    """GET PLOTLY_ROUTE: plotly.min.js, gzipped once per process, cached by browsers and proxies. The
    first request compresses it (~0.5 s of CPU) on a worker thread: on the event loop it would hold
    every other user's frames and clicks that long."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    return Response(await run_in_threadpool(_plotly_js_gzip), media_type="text/javascript",
                    headers={"Content-Encoding": "gzip", "Cache-Control": "public, max-age=31536000, immutable"})


def asset_routes() -> list:
    """The routes of the live transport's static assets, for st.App (server.py)."""
    from starlette.routing import Route

    return [Route(PLOTLY_ROUTE, serve_plotly, methods=["GET"])]


def _message(fig, name: str, height: int | None, on_click: bool, canvas_lines: bool,
             caption: str | None, grow: float = 0.0, touch: dict | None = None) -> dict[str, Any]:
    """One frame for the JS: the figure (go.Figure or descentlab.viz.figure.PlainFigure) as Plotly JSON, plus
    display options; `name` is the PNG export's file name."""
    fig_json = dict(fig.to_plotly_json())
    layout = fig_json["layout"] = dict(fig_json.get("layout") or {})  # a copy of the top: edited below
    # Plotly's default template paints a light-grey plot area and fixes the text colour: drop it
    # so the page theme applies. A template the viz code chose is kept; the JS lays it over the
    # theme template, so whatever it leaves unset still follows the theme.
    if layout.get("template") == _template_json(pio.templates.default):
        del layout["template"]
    draw_height = layout.get("height") or height or DEFAULT_HEIGHT
    return {"figure": fig_json, "height": draw_height, "click": on_click, "name": name, "canvasLines": canvas_lines,
            "caption": caption or "", "grow": grow, **(touch or {})}


# What plotly.py's JSON gives, written for live frames: plotly.io.json.to_json_plotly walks the figure
# through its validators' array checks, and mutates what it converts (so it needs a deep copy): ~1 ms
# a chart per frame, where this walk takes ~0.1 ms (tests/test_live_chart.py holds the two equal).
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
          "float32": "f4", "float64": "f8"}
_NARROW = {"int64": ("int8", "int16", "int32"), "uint64": ("uint8", "uint16", "uint32")}
_AS_LIST_KEYS = {"geojson", "layer", "layers", "range"}  # plotly.py keeps these as plain lists


def _typed_array(v: np.ndarray) -> dict | None:
    """A numeric array as plotly.js's typed-array spec (base64), or None for a plain list."""
    for small in _NARROW.get(v.dtype.name, ()):
        info = np.iinfo(small)
        if info.min <= v.min() and v.max() <= info.max:
            v = v.astype(small)
            break
    if v.dtype.name not in _TYPED:
        return None
    spec = {"dtype": _TYPED[v.dtype.name], "bdata": base64.b64encode(np.ascontiguousarray(v)).decode("ascii")}
    if v.ndim > 1:
        spec["shape"] = str(v.shape)[1:-1]
    return spec


def _jsonable(obj, key: str | None = None, sent: dict | None = None):
    """``obj`` with numpy arrays as typed-array specs, numpy scalars as Python ones and NaN / ±inf as
    null; a new structure (the figure is not touched). TypeError for anything else.

    ``sent`` (id of an array -> its spec's place among the specs written so far, in the order a
    depth-first walk meets them): an array met again is written as {"same": place}, which the page
    resolves (live_chart.js's resolveSame). The cost chart's four lines share one iteration array:
    2,000 points of it are 10 kB of base64 each time."""
    if isinstance(obj, dict):
        return {k: _jsonable(v, k, sent) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v, None, sent) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, np.ndarray):
        spec = None if key in _AS_LIST_KEYS or obj.size == 0 else _typed_array(obj)
        if spec is None:
            return _jsonable(obj.tolist())
        if sent is not None:
            if id(obj) in sent:  # the message holds every array it names, so no id is reused during the walk
                return {"same": sent[id(obj)]}
            sent[id(obj)] = len(sent)  # every spec written is a first meeting: its place is the count so far
        return spec
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    raise TypeError(type(obj).__name__)


def _payload(message: dict[str, Any]) -> bytes:
    """Numpy arrays become base64 typed arrays, each array once (see _jsonable). Sent as bytes: no
    second JSON encoding (and escaping) of the figure by Streamlit."""
    try:
        return json.dumps(_jsonable(message, sent={}), separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):  # something plotly.py knows how to write (a date, a pandas object...)
        return pio.json.to_json_plotly(copy.deepcopy(message)).encode("utf-8")


def _ignore_click() -> None:
    """Registering a callback is what makes Streamlit report the 'click' trigger value."""


def live_chart(
    fig, *, key: str, height: int | None = None, on_click: bool = False, canvas_lines: bool = False,
    caption: str | None = None, grow: float = 0.0, on_event: Handler | None = None,
    hover: tuple[str, ...] = (), editable: bool = False,
) -> dict[str, Any] | None:
    """Draw or update `fig` in place under the stable `key`; ``fig`` is a figure, or a function that
    builds it from the trainer as it is when called (so live frames can build it again, see
    descentlab.ui.live.route; what widgets say it reads at script time, from its closure). Returns the clicked point (dict with
    type, trace, x, y, curveNumber, pointIndex, customdata, shift) when on_click=True and the user
    clicked since the last run, else None.

    ``on_event`` (a touch handler, see descentlab.ui.live.route): clicks, hovers over the traces
    named in ``hover`` and, with ``editable``, number edits of points on a trace whose ``meta`` has
    ``{"edit": {"index", "label"}}`` go to it. Served with the frame route, it runs there (no script
    context: it changes the objects it holds) and a True answer redraws every live element within
    a frame; elsewhere (AppTest, `streamlit run`) a click or an edit reaches it in this run, and True
    runs the page again. An event it declines is returned as a click.

    canvas_lines=True (for a chart that grows every frame while training plays): the figure's line
    traces are drawn on a canvas over the plot, so a frame that changes only them and pictures needs
    no Plotly redraw. Those lines have no hover, and the figure must fix its axis ranges.
    ``caption``: plain text under the chart, drawn by the same element (st.caption would be one more
    element for the page to redraw on every frame). ``grow``: the share of a window's height beyond
    GROW_FROM px that the chart adds to its height (only the browser knows the window: a page sized
    for a 720 px projector uses a 1080 px screen too)."""
    ensure_plotly_loaded()  # a no-op when the page already did it; a safety net when it forgot
    build = fig if callable(fig) else (lambda: fig)
    clicks = on_click or on_event is not None
    touch = None
    if on_event is not None:
        route.handle(key, on_event)
        touch = {"act": route.available(), "hover": list(hover), "editable": editable}
    data = produce(key, lambda: _payload(_message(build(), key, height, clicks, canvas_lines, caption, grow, touch)))
    result = _chart(
        key=key,  # the stable key is what keeps the element (and its div) alive across updates
        data=data,
        height="content",
        on_click_change=_ignore_click if clicks else None,
    )
    click = result.get("click") if clicks else None
    if click and on_event is not None:
        if click.get("handled"):  # the route's handler took it and asked for this run: nothing left to do
            return None
        if click.get("type", "click") in ("click", "edit") and on_event(click):
            st.rerun()  # the handler changed what the page shows: draw it
    return click


def live_html(html, *, key: str) -> None:
    """Show ``html`` (trusted: built by us, user text escaped; or a function that builds it, as for
    live_chart) in an element that is updated in place under ``key``; for a line that changes every
    frame, such as the training status. st.markdown would parse it as Markdown again every frame."""
    build = html if callable(html) else (lambda: html)
    html = produce(key, lambda: build().encode("utf-8")).decode("utf-8")
    _html(key=key, data={"key": key, "html": html}, height="content")


STEP_TOUCH = "descentlab_step"  # the touch that Step is on a paused page served with the frame route


def presenter_keys(prefix: str) -> None:
    """The hidden element that turns a presenter's keys into clicks on this page's transport buttons
    (``<prefix>_play``, ``_step``, ``_reset``; assets/keyboard.js). On a paused page with the frame
    route it also sends Step's clicks to the route (the touch ``STEP_TOUCH``): the frame answers, then
    its "stepped" trigger has the page run once for what lies outside the live area."""
    _keys(key=_KEYS_KEY, data={"prefix": prefix, "step": STEP_TOUCH}, on_stepped_change=_after_steps)


def _after_steps() -> None:
    """Steps taken on the route: this run draws the page they changed; nothing is left to do."""


def frame_pump(url: str, generation: int, playing: bool, on_end) -> None:
    """The hidden element that fetches live frames from ``url`` while training plays (see
    descentlab.ui.live.route); ``on_end`` runs when the frames stop without the page asking (a divergence, a
    failure). Not playing, it fetches nothing and drops any frame older than ``generation``."""
    _pump(key=_PUMP_KEY, data={"url": url, "generation": generation, "playing": playing}, on_ended_change=on_end)
