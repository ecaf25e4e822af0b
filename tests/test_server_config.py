"""The server's Streamlit settings that keep a room's pages connected (.streamlit/config.toml)."""
import tomllib

import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_cache import populate_hash_if_needed

from tests.browser import ROOT


def _big_element() -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = "x" * 200_000  # a live chart's first draw is ~40-160 kB
    return msg


@pytest.fixture
def project_setting():
    saved = config.get_option("global.minCachedMessageSize")
    yield tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["global"]["minCachedMessageSize"]
    config.set_option("global.minCachedMessageSize", saved)


def test_no_element_is_sent_as_a_reference_to_a_copy_the_browser_may_have_dropped(project_setting):
    """Streamlit's message cache let a page's websocket fail ("Cached ForwardMsg MISS") when script runs
    came close together: every button disabled for seconds while it reconnected."""
    config.set_option("global.minCachedMessageSize", 10e3)  # Streamlit's default: this one is cached
    default = _big_element()
    populate_hash_if_needed(default)
    assert default.metadata.cacheable
    config.set_option("global.minCachedMessageSize", project_setting)
    ours = _big_element()
    populate_hash_if_needed(ours)
    assert not ours.metadata.cacheable
