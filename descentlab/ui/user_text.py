"""User text is text: what a link, an uploaded file (its name, its columns), a config file or a saved
run's name says is shown as plain text, never as Markdown.

Every Streamlit element that shows a string (st.warning / error / info / success, st.caption,
st.markdown, st.toast, widget and metric labels) parses it as Markdown: a link value
``[CLICKME](http://evil.example)`` would become a real link, and ``![t](http://evil.example/p.png)``
would make every visitor's browser fetch a picture from that host. ``md_text`` escapes a user string
for those elements (where a message mixes our Markdown with user text, escape the user part only);
``notice_boxes`` turns the session's notices (plain text: ours, with user text inside) into escaped
Markdown, one box per run of notices of the same kind. Plotly's markup is escaped in viz
(``descentlab.viz.text.plotly_text``)."""
from __future__ import annotations

import itertools
import re

# Every ASCII punctuation mark that means something to Streamlit's Markdown: CommonMark and GFM (links,
# images, emphasis, code, headings, lists, tables, strikethrough, HTML, entities), math ($) and
# Streamlit's :emoji:, :material/icon: and :color[text]{...}. CommonMark lets a backslash escape any
# ASCII punctuation, and the escaped mark renders as itself.
MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:&"
_SPECIAL = re.compile("([" + re.escape(MARKDOWN_SPECIAL) + "])")
# Line breaks (a new line could start a heading, a list, a code block...) and other control
# characters become spaces; runs of blanks render as one space anyway.
_BLANKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
# Escapes cannot stop two searches of Streamlit's renderer (seen in 1.67's StreamlitMarkdown): GFM's
# literal autolinks (http://..., https://..., www.x, a@b.c) are searched for in the parsed text, where
# "\:" is ":" again, and ":material/" icons in the source, where the backslash sits before the ":".
# An invisible WORD JOINER after each ":" and "@", and between "www" and ".", breaks both patterns
# without changing what the reader sees (tests/test_user_text.py checks it in Chromium).
WORD_JOINER = "\u2060"
_JOIN = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation


def md_text(text) -> str:
    """``text`` (or str() of it) for a Markdown element: it renders as these characters on one line,
    with no link, autolink, image, HTML, formatting, emoji, icon or math."""
    return _SPECIAL.sub(r"\\\1", _JOIN.sub(WORD_JOINER, _BLANKS.sub(" ", str(text))))


def md_plain(markdown: str) -> str:
    """What a reader sees of plain text that went through ``md_text`` (its escapes and word joiners
    removed): for tests and logs."""
    return _ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")


MAX_LISTED = 6  # a box lists this many of one kind; a link of 100 bad keys must not push the page away


def notice_boxes(notices) -> list[tuple[str, str]]:
    """(kind, text) notices -> (kind, Markdown body) boxes: consecutive notices of the same kind share
    one box, and within it consecutive ones with the same lead ("Ignored from the link: ...") are one
    list under that lead. A link with 100 bad keys gives one warning, not 100. All text is escaped."""
    boxes = []
    for kind, same_kind in itertools.groupby(notices, key=lambda n: n[0]):
        texts = [_BLANKS.sub(" ", str(text)).strip() for _, text in same_kind]
        parts = []
        for lead, group in itertools.groupby(texts, key=_lead):
            group = list(group)
            if lead is None or len(group) == 1:
                parts += [md_text(t) for t in group]
            else:
                shown = group[:MAX_LISTED] if len(group) > MAX_LISTED + 1 else group
                items = ["- " + md_text(t[len(lead) + 1:].strip()) for t in shown]
                if len(shown) < len(group):
                    items.append(f"- … and {len(group) - len(shown):,} more")
                parts.append(md_text(lead + ":") + "\n" + "\n".join(items))
        boxes.append((kind, "\n\n".join(parts)))
    return boxes


def _lead(text: str) -> str | None:
    lead, colon, _ = text.partition(": ")
    return lead if colon else None
