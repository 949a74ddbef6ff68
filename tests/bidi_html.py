"""Which language and direction a piece of a page is laid out in, read from its markup (no browser needed)."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    def __init__(self, needle: str):
        super().__init__()
        self.needle, self.stack, self.found = needle, [], None

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.found is None and self.needle in data:
            self.found = list(self.stack)


def surroundings(page: str, text: str) -> list[tuple[str, dict]]:
    """The elements (tag, attributes), outermost first, around the first place ``text`` appears in ``page``."""
    finder = _Finder(text)
    finder.feed(page)
    assert finder.found is not None, f"{text!r} is not on the page"
    return finder.found


def language_of(page: str, text: str) -> tuple[str | None, str | None]:
    """(lang, dir) that apply to ``text``: from the innermost element around it that sets each."""
    elements = surroundings(page, text)
    lang = next((attrs["lang"] for _tag, attrs in reversed(elements) if "lang" in attrs), None)
    direction = next((attrs["dir"] for _tag, attrs in reversed(elements) if "dir" in attrs), None)
    return lang, direction


def is_isolated(page: str, text: str) -> bool:
    """Whether ``text`` sits in a bidirectional isolate: a ``<bdi>`` or an element with ``dir="auto"``."""
    return any(tag == "bdi" or attrs.get("dir") == "auto" for tag, attrs in surroundings(page, text))
