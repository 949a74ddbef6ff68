"""Checks that user text reached a surface as text, never as live markup, script or template."""

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

from app.core.pdf import mark_uri
from tests.security.payloads import EVALUATED, MARKER

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcdoc", "background", "data"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application", "data:image/svg")
# Attributes whose value may legitimately hold what a person typed (form values, tooltips, alternative text, the
# question static/js/app.js asks through window.confirm, which shows text).
TEXT_ATTRIBUTES = {"value", "title", "alt", "placeholder", "aria-label", "content", "data-value", "data-confirm"}


class _Document(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data):
        (self.scripts if self._open and self._open[-1] in ("script", "style") else self.text).append(data)


def parse(html: str) -> _Document:
    document = _Document()
    document.feed(html)
    document.close()
    return document


def assert_inert_html(html: str) -> _Document:
    """No element, attribute, script or link in ``html`` was produced by a payload; returns the parsed page."""
    document = parse(html)
    for tag, attributes in document.elements:
        for name, value in attributes:
            assert not name.startswith("on"), f"event handler attribute <{tag} {name}={value!r}>"
            value = value or ""
            if name in URL_ATTRIBUTES:
                address = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                ours = value == mark_uri()  # the coalition's mark on printable pages, from static/img
                assert ours or not address.startswith(DANGEROUS_SCHEMES), f"active link <{tag} {name}={value!r}>"
            elif MARKER in value:  # links may carry user text in their (encoded) query
                assert name in TEXT_ATTRIBUTES, f"user text in <{tag} {name}={value!r}>"
            assert MARKER not in name, f"user text made an attribute <{tag} {name}>"
        assert tag not in ("iframe", "object", "embed", "base"), f"<{tag}> in the page"
    for script in document.scripts:
        assert MARKER not in script and "alert(" not in script, f"user text inside a script: {script[:200]!r}"
    assert_not_evaluated(" ".join(document.text))
    return document


def visible_text(html: str) -> str:
    """The text a reader sees (text nodes and form values), with runs of spaces made one."""
    document = parse(html)
    values = [value or "" for _tag, attributes in document.elements for name, value in attributes if name == "value"]
    return " ".join(" ".join(document.text + values).split())


def assert_shown_as_text(html: str, text: str) -> None:
    """``text`` is on the page as text (escaped, not evaluated, not turned into markup)."""
    assert " ".join(text.split()) in visible_text(html), f"{text!r} is not shown as text"


def assert_not_evaluated(text: str) -> None:
    assert EVALUATED not in text, "a template expression typed by someone was evaluated"


def assert_inert_feed(xml: str) -> ElementTree.Element:
    """An Atom feed that parses, whose entries carry user text as plain text only."""
    root = ElementTree.fromstring(xml.encode())
    atom = "{http://www.w3.org/2005/Atom}"
    for element in root.iter():
        assert element.tag.startswith(atom), f"element {element.tag} in the feed"
        if element.tag in (f"{atom}content", f"{atom}title", f"{atom}summary"):
            assert element.get("type", "text") == "text", f"{element.tag} is {element.get('type')}"
        for name, value in element.attrib.items():
            if name == "href":
                assert value.startswith(("http://", "https://")), f"link {value!r} in the feed"
    assert_not_evaluated(xml)
    return root


def assert_inert_json(body: str):
    data = json.loads(body)
    assert_not_evaluated(body)
    return data


def assert_inert_email(message) -> None:
    """Plain text, one-line subject, nothing evaluated, no terminal escape sequences."""
    assert "\n" not in message.subject and "\r" not in message.subject
    for text in (message.subject, message.body):
        assert "\x1b" not in text and "\x07" not in text
        assert_not_evaluated(text)
