"""User text is text: what a link, an uploaded file (its name, its columns, its classes) or a saved
run's name says is echoed as plain text, never as Markdown (in Streamlit's boxes) or as Plotly markup
(in the charts); and a link with many bad keys gives one warning box, not one per key.

AppTest sees the Markdown source a box is given, not what the browser makes of it: ``_honoured`` lists
what Streamlit's renderer would still act on in a source (unescaped link, image, HTML or formatting
marks, and the patterns its renderer finds in the text itself: literal autolinks, :material/ icons,
:emoji:). One real-browser test checks the rendered page."""
from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from descentlab.engine import runs
from descentlab.ui import run_spaces
from descentlab.ui.user_text import (
    MARKDOWN_SPECIAL,
    MAX_LISTED,
    WORD_JOINER,
    md_plain,
    md_text,
)
from descentlab.viz.text import plotly_text

from .pages import OWNER_KEY, open_page

EVIL_LINK = "[CLICKME](http://evil.example/login)"
EVIL_IMAGE = "![t](http://evil.example/p.png)"
BIG = '<b style="font-size:90px">big</b>'

# ---------------------------------------------------------------- what Markdown would honour
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")  # CommonMark: backslash + ASCII punctuation = that character
_SYNTAX = set("[]()!<>*_`~$&")  # links, images, HTML, entities, emphasis, code, strikethrough, math
# What Streamlit's renderer (static/js/StreamlitMarkdown*.js, 1.67) finds in the text once escapes are
# resolved: GFM's literal autolinks, and icons / emoji written as :name:.
_AUTOLINK = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.I | re.A)
_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.A)
_SHORTCODE = re.compile(r":material/|:[\w+-][\w+-]*:", re.A)


def _honoured(markdown: str) -> list[str]:
    """What Markdown would still act on in ``markdown``: unescaped syntax marks, autolinks, icons."""
    marks = sorted(set(_ESCAPE.sub("", markdown)) & _SYNTAX)
    text = _ESCAPE.sub(lambda m: m[0][1], markdown)  # the text nodes the renderer then searches
    return marks + [m[0] for p in (_AUTOLINK, _EMAIL, _SHORTCODE) for m in p.finditer(text)]


# ---------------------------------------------------------------- md_text and plotly_text
_MARKUP = hs.text(hs.sampled_from(list(MARKDOWN_SPECIAL + "@/%wht p:1\n\r\t\u2028\x00\u2060")) | hs.characters(),
                  max_size=80)
_LINKS = hs.sampled_from([EVIL_LINK, EVIL_IMAGE, "<http://evil.example>", "www.evil.example", "a@evil.example",
                          ":material/home:", ":smile:", ":red[x]", "$x^2$", "**b**", "# h", "1. x", "- x", "a|b",
                          "&lt;", "\\[x](y)", "http://a.b"])


@given(hs.lists(_MARKUP | _LINKS, max_size=4).map("".join))
def test_md_text_leaves_nothing_for_markdown_and_reads_as_the_text(text):
    escaped = md_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert not set(_ESCAPE.sub("", escaped)) & set(MARKDOWN_SPECIAL)  # every mark is escaped
    assert _honoured(escaped) == []
    # the reader sees the text itself: on one line, blanks and control characters as single spaces
    assert md_plain(escaped) == re.sub(r"[\s\x00-\x1f\x7f-\x9f]+", " ", text).replace(WORD_JOINER, "")


def test_md_text_examples():
    assert md_text(EVIL_LINK) == r"\[CLICKME\]\(http\:" + WORD_JOINER + r"//evil\.example/login\)"
    assert md_text("a_b\nc") == r"a\_b c" and md_text(3.5) == r"3\.5"


_PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×", "plusmn": "±",
                    "deg": "°"}


def _plotly_shows(text: str) -> str:
    """What Plotly draws of a tag-free string (plotly.js svg_text_utils.convertEntities)."""
    def entity(m):
        name = m[1]
        if name[0] == "#":
            return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
        return _PLOTLY_ENTITIES.get(name, m[0])
    return re.sub(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);", entity, text)


@given(hs.text(hs.sampled_from(list("<>&%{}#;ltgamp/b x\"'")) | hs.characters(), max_size=60))
def test_plotly_text_has_no_markup_and_is_drawn_as_the_text(text):
    shown = plotly_text(text)
    assert "<" not in shown and ">" not in shown and "%" not in shown  # no tags, no %{template}
    assert re.fullmatch(r"([^&]|&(lt|gt|amp|#37);)*", shown)
    assert _plotly_shows(shown) == text


# ---------------------------------------------------------------- the pages (AppTest)
_open = open_page


def _boxes(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def test_a_hostile_link_is_named_in_one_warning_as_plain_text():
    at = _open("app_pages/playground.py", {"evil": EVIL_LINK, "x": EVIL_IMAGE})
    (box,) = _boxes(at, "warning")
    assert _honoured(box) == [], box
    shown = md_plain(box)
    assert shown.startswith("Ignored from the link:\n- ")
    assert EVIL_LINK in shown and EVIL_IMAGE in shown  # named, as the characters they are


def test_a_hundred_unknown_keys_give_one_warning_box():
    at = _open("app_pages/playground.py", {f"k{i}": f"[v{i}](http://evil.example/{i})" for i in range(100)})
    (box,) = _boxes(at, "warning")
    assert _honoured(box) == []
    items = md_plain(box).split("\n- ")
    # the first few, then a count: a projector must still show the page under the box
    assert items[0] == "Ignored from the link:" and len(items) == 1 + MAX_LISTED + 1
    assert "'k0' = '[v0](http://evil.example/0)'" in items[1]  # the value as given, not a list of it
    assert items[-1] == f"… and {100 - MAX_LISTED} more"


@pytest.mark.parametrize("page, query, named", [
    ("app_pages/compare.py", {"vary": "learning_rate", "values": f"0.1;{EVIL_LINK};{EVIL_IMAGE}"}, "CLICKME"),
    ("app_pages/lr_explorer.py", {"vary": EVIL_IMAGE, "values": "0.01,0.1"}, EVIL_IMAGE),
    ("app_pages/lr_explorer.py", {"vary": "learning_rate", "values": f"0.1,{EVIL_LINK}"}, "CLICKME"),
    ("app_pages/init_lab.py", {"vary": EVIL_IMAGE, "values": f"zeros,{EVIL_LINK}"}, EVIL_LINK),
], ids=["compare-values", "lr-vary", "lr-values", "init-lab"])
def test_a_labs_hostile_vary_and_values_are_plain_text(page, query, named):
    at = _open(page, query)
    boxes = _boxes(at, "warning")
    assert len(boxes) == 1, boxes  # the link's problems in one box
    assert _honoured(boxes[0]) == [], boxes[0]
    assert named in md_plain(boxes[0])


def _figures(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page: the live charts' JSON and st.plotly_chart's."""
    figs = [json.loads(el.proto.bytes)["figure"] for el in at.get("bidi_component")
            if el.proto.component_name == "descentlab.live_chart"]
    return figs + [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def test_csv_column_and_class_names_reach_the_charts_as_text():
    at = _open("app_pages/playground.py", {"seed": "5"})
    rows = "".join(f"{i % 7},{(3 * i) % 5},{'<i>cat</i>' if i % 2 else 'dog&amp;'}\n" for i in range(40))
    header = '"' + BIG.replace('"', '""') + '",b%{y},label\n'  # CSV quoting: "" is one "
    data = (header + rows).encode()
    at.file_uploader(key="up_csv").upload("data.csv", data, "text/csv").run()
    assert not at.exception and at.session_state["dl_config"].dataset == "csv"
    figs = _figures(at)
    blob = json.dumps(figs, ensure_ascii=False)
    assert "<b style" not in blob and "<i>" not in blob
    # a chart with a legend carries its title in the legend (descentlab.viz.style.style_layout)
    boundary = next(f for f in figs if "Decision boundary" in (f["layout"].get("title", {}).get("text"),
                                                               f["layout"].get("legend", {}).get("title", {}).get("text")))
    assert boundary["layout"]["xaxis"]["title"]["text"] == "&lt;b style=\"font-size:90px\"&gt;big&lt;/b&gt;"
    assert boundary["layout"]["yaxis"]["title"]["text"] == "b&#37;{y}"
    names = {t.get("name") for t in boundary["data"]}
    assert {"&lt;i&gt;cat&lt;/i&gt;", "dog&amp;amp;"} <= names  # the legend
    hover = " ".join(t.get("hovertemplate", "") for t in boundary["data"])
    assert "&lt;i&gt;cat&lt;/i&gt;<br>&lt;b style" in hover and "b&#37;{y} %{y:.2f}" in hover
    network = next(f for f in figs if f["layout"].get("title", {}).get("text", "").startswith("Network"))
    inputs = next(t for t in network["data"] if t.get("name") == "inputs")
    assert inputs["text"] == [plotly_text(BIG), "b&#37;{y}"]


def test_an_uploaded_file_name_is_echoed_as_text():
    at = _open("app_pages/playground.py", {"seed": "5"})
    name = "[x](http://evil.example).json"
    at.file_uploader(key="up_config").upload(name, b'{"version": 1, "bogus": 1}', "application/json").run()
    (box,) = _boxes(at, "error")
    assert _honoured(box) == [], box
    assert md_plain(box).startswith(f"{name} is not a usable config: ") and "'bogus'" in md_plain(box)
    at.file_uploader(key="up_config").set_value((name, b'{"version": 1, "seed": 2}', "application/json")).run()
    (box,) = _boxes(at, "success")
    assert _honoured(box) == [] and md_plain(box) == f"Loaded the config from {name}."
    at.file_uploader(key="up_csv").upload(EVIL_IMAGE + ".csv", b"a,label\n", "text/csv").run()
    (box,) = _boxes(at, "error")
    assert _honoured(box) == [] and md_plain(box).startswith(f"{EVIL_IMAGE}.csv was not loaded: ")


def test_a_saved_runs_name_is_echoed_as_text(tmp_path, monkeypatch):
    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path / "runs"))
    at = open_page("app_pages/playground.py", state={run_spaces.OWNER: OWNER_KEY})
    at.text_input(key="save_name").input("a-__b__-c").run()  # kept as is: a-**b**-c in Markdown
    at.button(key="btn_save_run").click().run()
    (box,) = _boxes(at, "success")
    assert _honoured(box) == [] and md_plain(box) == "Saved as a-__b__-c."
    at.selectbox(key="saved_run_choice").set_value("mine/a-__b__-c").run()
    at.button(key="btn_load_run").click().run()
    (box,) = _boxes(at, "success")
    assert _honoured(box) == [] and md_plain(box).startswith("Loaded saved run a-__b__-c: ")


# ---------------------------------------------------------------- in a real browser
def test_the_browser_draws_a_hostile_link_as_text():
    """Streamlit's renderer itself: no link, picture or icon in the warning, the text as given."""
    from tests.browser import (
        launch_browser,
        require_chromium,
        start_streamlit,
        wait_for_app,
    )

    require_chromium()
    from playwright.sync_api import sync_playwright

    query = {"evil": EVIL_LINK, "x": EVIL_IMAGE, "y": "www.evil.example", "z": "a@evil.example",
             "w": ":material/home:"}
    with start_streamlit("server.py") as (base_url, _proc), sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_page()
            page.goto(f"{base_url}/playground?{urllib.parse.urlencode(query)}")
            wait_for_app(page)
            warning = page.locator("[data-testid='stAlertContentWarning']")
            warning.first.wait_for(timeout=90_000)
            assert warning.count() == 1
            box = warning.first.locator("[data-testid='stMarkdownContainer']")
            inner = box.inner_html()
            assert "<a" not in inner and "<img" not in inner and "Material Symbols" not in inner, inner
            text = box.inner_text().replace(WORD_JOINER, "")
            for value in query.values():
                assert value in text
            assert box.locator("li").count() == len(query)
        finally:
            browser.close()



def test_a_pictures_file_name_is_text_on_the_images_page():
    """The Images page shows an uploaded picture's name in an error, a caption and a metric's label,
    all Markdown: `_x_` made italics and `www.` a link until it was escaped."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buf, "PNG")
    name = "_big_ www.evil.example [x](http://evil.example).png"
    at = open_page("app_pages/images.py")
    at.session_state["img_pending"] = (name, buf.getvalue())
    at.run()
    assert not at.exception
    labels = [m.label for m in at.metric if m.label.startswith("P(circle)")]
    assert labels and md_plain(labels[0]) == f"P(circle) for {name}"
    for text in [*labels, *(c.value for c in at.caption)]:
        assert "_big_" not in text and "](" not in text  # each mark escaped
    at.session_state["img_pending"] = (name, b"not a picture")
    at.run()
    assert any(name in md_plain(e.value) and "](" not in e.value for e in at.error)
