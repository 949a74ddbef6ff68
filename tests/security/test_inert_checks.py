"""The inertness checks themselves: they fail on each payload rendered live and pass on it escaped."""

import pytest
from markupsafe import escape

from tests.security.inert import assert_inert_feed, assert_inert_html
from tests.security.payloads import PAYLOADS

LIVE_MARKUP = ["script", "img_onerror", "svg", "javascript_link", "data_link"]


@pytest.mark.parametrize("name", LIVE_MARKUP)
def test_a_payload_rendered_as_markup_is_caught(name):
    with pytest.raises(AssertionError):
        assert_inert_html(f"<p>{PAYLOADS[name]}</p>")


def test_breaking_out_of_an_attribute_is_caught():
    with pytest.raises(AssertionError):
        assert_inert_html(f'<input name="title" value="{PAYLOADS["attribute_breakout"]}">')


def test_an_evaluated_template_is_caught():
    with pytest.raises(AssertionError):
        assert_inert_html("<p>xss-tpl 49 7777777 7777</p>")


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_every_payload_escaped_passes(name):
    escaped = escape(PAYLOADS[name])
    assert_inert_html(f'<p>{escaped}</p><input value="{escaped}"><a href="/search?q={escaped}">x</a>')


def test_a_feed_with_html_content_is_caught():
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">&lt;script&gt;</content></entry></feed>'
    )
    with pytest.raises(AssertionError):
        assert_inert_feed(feed)
