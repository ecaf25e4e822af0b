"""The classroom link (descentlab.ui.classroom): ``hide=`` hides exactly the named controls, bad names are said
like the link's other bad values, and presentation mode shows a QR code that decodes to the link."""
import html
import re
import urllib.parse

import numpy as np
import pytest
import segno

from descentlab.ui import classroom
from tests.pages import open_page

PLAYGROUND = "app_pages/playground.py"
SECTIONS = ["Data", "Network", "Initialization", "Training"]
TOGGLES = ["Test points", "Discretize", "Log cost"]


def _shown(at):
    """(sidebar sections, page toggles, Detail picker shown) of an AppTest run."""
    sections = [e.label for e in at.sidebar.expander]
    toggles = [t.label for t in at.main.toggle]
    return sections, toggles, any(w.label == "Detail" for w in at.main.get("button_group"))


def test_without_hide_everything_is_there():
    sections, toggles, detail = _shown(open_page(PLAYGROUND))
    assert sections == SECTIONS and toggles == TOGGLES and detail


@pytest.mark.parametrize("hide,gone_sections,gone_toggles,detail", [
    ("data,toggles", ["Data"], TOGGLES, True),
    ("network,training,detail", ["Network", "Training"], [], False),
    ("sidebar,initialization", ["Initialization"], [], True),
])
def test_hide_hides_exactly_the_named_controls(hide, gone_sections, gone_toggles, detail):
    at = open_page(PLAYGROUND, query={"hide": hide})
    sections, toggles, has_detail = _shown(at)
    assert sections == [s for s in SECTIONS if s not in gone_sections]
    assert toggles == [t for t in TOGGLES if t not in gone_toggles]
    assert has_detail == detail
    assert not at.warning  # every name was known
    assert at.query_params["hide"] == hide  # the address bar stays a classroom link


def test_unknown_names_are_ignored_from_the_link_with_a_clear_message():
    at = open_page(PLAYGROUND, query={"hide": "data,Toggles,<b>x</b>"})
    warning = " ".join(w.value for w in at.warning)
    assert "Ignored from the link" in warning and "Toggles" in warning and "can be hidden" in warning
    assert "<b>" not in warning  # escaped (descentlab.ui.user_text)
    sections, toggles, _ = _shown(at)
    assert "Data" not in sections and toggles == TOGGLES  # the good name still counts, the bad ones nothing


def test_parse_is_strict():
    assert classroom.parse_hide(["data, training", "data"])[0] == {"data", "training"}
    names, warnings = classroom.parse_hide(["DATA", "x" * 300])
    assert names == set() and len(warnings) == 2
    assert classroom.link_value({"toggles", "sidebar"}) == "sidebar,toggles"


def _svg_modules(data_uri: str) -> np.ndarray:
    """Decode segno's SVG (one path of horizontal runs: M/m moves, h runs) back into a module matrix."""
    svg = urllib.parse.unquote(data_uri.split(",", 1)[1])
    size = int(re.search(r"viewBox='0 0 (\d+) \d+'", svg).group(1))
    path = re.search(r"class='qrline'[^>]*d='([^']*)'", svg).group(1)
    grid = np.zeros((size, size), bool)
    x = y = 0.0
    for cmd, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:
            grid[int(y), int(x):int(x + float(a))] = True
            x += float(a)
    return grid


def test_presentation_mode_shows_a_qr_code_of_the_link():
    at = open_page(PLAYGROUND, query={"dataset": "xor", "hide": "sidebar"}, state={"dl_presentation": True})
    block = next(h.proto.body for h in at.get("html") if "dl-room" in h.proto.body)
    link = html.unescape(re.search(r"<a href=\"([^\"]+)\"", block).group(1))
    assert link.startswith("http://localhost:8501/")  # no browser here: st.context.url has nothing
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["dataset"] == ["xor"] and query["hide"] == ["sidebar"]
    expected = segno.make_qr(link)
    modules = _svg_modules(re.search(r'<img src="([^"]+)"', block).group(1))
    border = classroom_border = 4
    inner = modules[border:-border, border:-border]
    assert inner.shape == (expected.symbol_size(scale=1, border=0)[0],) * 2
    np.testing.assert_array_equal(inner, np.array(expected.matrix, bool))
    assert not modules[:classroom_border].any()  # a quiet zone


def test_links_escape_what_they_quote():
    at = open_page(PLAYGROUND, state={"dl_presentation": True})
    block = next(h.proto.body for h in at.get("html") if "dl-room" in h.proto.body)
    assert "<script" not in block and block.count("<a ") == 1
