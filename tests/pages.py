"""Opening the real app's pages under AppTest, as a person would by following a link."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 90  # a shared 2-core CI machine; AppTest fails the run past this
# What the browser's hidden element (ui/assets/owner_key.js) would report; AppTest runs no JavaScript.
OWNER_KEY = "0123456789abcdef" * 4


def open_app(timeout: float = TIMEOUT) -> AppTest:
    """The app at its bare address (the home page), as a first visit opens it; no exception."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str, query: dict | None = None, state: dict | None = None,
              timeout: float = TIMEOUT) -> AppTest:
    """``page`` (e.g. "app_pages/compare.py") opened through a link with ``query``, the session
    holding ``state`` already; no exception. ``timeout``: for pages whose first run is slow."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _live_element(at: AppTest, key: str):
    (el,) = [el for el in at.get("bidi_component") if el.proto.component_name == "descentlab.live_chart"
             and json.loads(el.proto.bytes)["name"] == key]
    return el


def live_html_text(at: AppTest, marker: str) -> str:
    """The HTML of the live_html element (descentlab.ui.live.elements, updated in place while playing)
    that contains ``marker``."""
    blocks = [json.loads(el.proto.json)["html"] for el in at.get("bidi_component")
              if el.proto.component_name == "descentlab.live_html"]
    return next(b for b in blocks if marker in b)


def resolve_same(node, specs: list | None = None):
    """A live chart's message with each {"same": k} replaced by the k-th typed-array spec met before
    it, depth first: what live_chart.js's resolveSame does (descentlab.ui.live.elements._jsonable)."""
    specs = [] if specs is None else specs
    for k, v in (enumerate(node) if isinstance(node, list) else list(node.items())):
        if isinstance(v, dict) and isinstance(v.get("bdata"), str) and isinstance(v.get("dtype"), str):
            specs.append(v)
        elif isinstance(v, dict) and list(v) == ["same"]:
            node[k] = specs[v["same"]]
        elif isinstance(v, (dict, list)):
            resolve_same(v, specs)
    return node


def live_message(at: AppTest, key: str) -> dict:
    """The message the live chart ``key`` was last sent ({"figure", "click", "name", ...}), resolved."""
    return resolve_same(json.loads(_live_element(at, key).proto.bytes))


def click_live_chart(at: AppTest, key: str, click: dict) -> None:
    """What live_chart.js reports for a click on the live chart ``key`` (its "click" trigger value),
    then the script run it causes; no exception."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    el = _live_element(at, key)
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=_make_trigger_id(el.proto.id, "events"),
                                      json_trigger_value=json.dumps([{"event": "click", "value": click}])))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
