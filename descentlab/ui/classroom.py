"""The classroom link: a link to this run that opens with the sidebar collapsed and the controls the
lecturer chose hidden (``hide=sidebar,toggles,...``), and, in presentation mode, its QR code so a
room can open the same run on their laptops.

The link's host is the one the lecturer's browser shows (st.context.url), not the server's own
address: behind a proxy or on a lecture-hall server the app listens on localhost, and a link to
localhost would open nothing on a student's laptop."""
from __future__ import annotations

import html
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from descentlab.engine.config import MAX_QUERY_VALUE
from descentlab.ui.state import HIDE_KEY, Keys, held, notify
from descentlab.viz.qr import qr_data_uri

# What a classroom link can hide: its name in the link -> what the lecturer picks from.
HIDEABLE = {
    "sidebar": "Sidebar (collapsed)",
    "data": "Data settings",
    "network": "Network settings",
    "initialization": "Initialization settings",
    "training": "Training settings",
    "detail": "Detail panel picker",
    "toggles": "Test points, Discretize and Log cost toggles",
    "rewind": "Rewind slider",
    "export": "Share, save and export",
}
_PICKER_KEY = "classroom_hide"


def parse_hide(values) -> tuple[frozenset, list[str]]:
    """The link's ``hide`` values (each comma-separated names) -> (names to hide, warnings). Strict:
    a name is one of HIDEABLE exactly as written there; anything else is ignored with a warning
    that says what could be hidden."""
    names, warnings = set(), []
    for value in values:
        value = str(value)
        if len(value) > MAX_QUERY_VALUE:
            warnings.append(f"{HIDE_KEY}: a value of {len(value):,} characters is too long")
            continue
        for name in (part.strip() for part in value.split(",")):
            if name in HIDEABLE:
                names.add(name)
            elif name:
                shown = name if len(name) <= 40 else name[:37] + "..."
                warnings.append(f"{HIDE_KEY}: {shown!r} is not a control that can be hidden "
                                f"(one of {', '.join(HIDEABLE)})")
    return frozenset(names), warnings


def read_link(query) -> None:
    """Take ``hide`` from the link's query (a mapping of key -> list of values) into the session, once,
    where the rest of the link is read (descentlab.ui.state.init_state); bad names are said as the link's other
    bad values are."""
    names, warnings = parse_hide(query.get(HIDE_KEY, []))
    st.session_state[Keys.HIDDEN] = names
    for w in warnings:
        notify("warning", f"Ignored from the link: {w}")


def hidden(name: str) -> bool:
    """Whether the classroom link hides this control (a name of HIDEABLE)."""
    assert name in HIDEABLE, name
    return name in st.session_state.get(Keys.HIDDEN, ())


def link_value(names) -> str:
    """``hide``'s value for these names, in HIDEABLE's order ("" for none)."""
    return ",".join(n for n in HIDEABLE if n in set(names))


def sidebar_state_from_link() -> str:
    """st.set_page_config's initial_sidebar_state for the link being opened (app.py: before the page
    runs, so the sidebar never flashes open)."""
    names, _ = parse_hide(st.query_params.get_all(HIDE_KEY))
    return "collapsed" if "sidebar" in names else "auto"


def page_address() -> str:
    """scheme://host/path of the page as the lecturer's browser shows it (st.context.url: through a
    proxy, the public address), without its query. Without a browser (tests), the local default."""
    url = st.context.url or "http://localhost:8501/"
    scheme, netloc, path, _, _ = urlsplit(url)
    return urlunsplit((scheme, netloc, path, "", ""))


def current_link(hide=None) -> str:
    """The link to this run as the address bar has it (the config and page keys, descentlab.ui.state
    sync_query_params), with ``hide`` names (None: the ones this session's link hides)."""
    query = {k: st.query_params.get_all(k)[-1] for k in st.query_params if k != HIDE_KEY}
    names = st.session_state.get(Keys.HIDDEN, ()) if hide is None else hide
    if link_value(names):
        query[HIDE_KEY] = link_value(names)
    return page_address() + ("?" + urlencode(query, safe=",;") if query else "")


def link_maker() -> None:
    """For the lecturer: pick what the room's link hides, and copy it."""
    with st.expander("Classroom link", icon=":material/school:"):
        st.session_state.setdefault(_PICKER_KEY, ["sidebar"])
        names = st.multiselect("Hide for the room", list(HIDEABLE), key=held(_PICKER_KEY), format_func=HIDEABLE.get,
                               help="The link opens this run with these controls hidden. Presentation mode "
                                    "shows its QR code.")
        st.code(current_link(names), language=None, wrap_lines=True)  # st.code shows text as is


def share_section() -> None:
    """The end of a live page without exports (Compare, Initialization lab): the QR code in
    presentation mode, else the link maker."""
    if st.session_state.get(Keys.PRESENTATION):
        room_qr()
    else:
        link_maker()


QR_CSS = """<style>
.dl-room {display: flex; align-items: center; gap: 1.5rem; margin: 0.5rem 0;}
.dl-room img {width: 18rem; height: 18rem; image-rendering: pixelated; flex: none;}
.dl-room .dl-room-text {font-size: 1.3rem; overflow-wrap: anywhere; min-width: 0;}
.dl-room a {font-family: monospace; font-size: 1.05rem;}
</style>"""


def room_qr() -> None:
    """In presentation mode: the QR code of this run's classroom link, with the link beside it."""
    link = current_link()
    st.html(QR_CSS + '<div class="dl-room">'
            f'<img src="{qr_data_uri(link)}" alt="QR code of the link to this run">'
            '<div class="dl-room-text"><div>Open this run on your laptop: scan the code or type</div>'
            f'<a href="{html.escape(link, quote=True)}">{html.escape(link)}</a></div></div>')


__all__ = ["HIDEABLE", "HIDE_KEY", "parse_hide", "read_link", "hidden", "link_value", "sidebar_state_from_link",
           "current_link", "link_maker", "room_qr", "share_section"]
