"""Two versions of a letter's text compared word by word: whole words added or removed, never a word cut in two."""

import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Chinese and Japanese): their characters
# are compared one by one, or a whole sentence would count as a single changed word.
SPACELESS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Zero-width non-joiner and joiner: part of words in Urdu, Persian and Hindi.
JOINERS = "\u200c\u200d"


class Kind(StrEnum):
    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True)
class Change:
    kind: Kind
    text: str


@cache
def _token_pattern() -> re.Pattern:
    """Words, runs of white space, and single other characters (punctuation, symbols).

    A word includes the combining marks written on its letters (Devanagari vowel signs, Arabic harakat), which
    ``\\w`` alone leaves out and would cut the word at. Built once per process, from Unicode's own categories.
    """
    marks = "".join(
        f"\\U{start:08x}-\\U{end:08x}"
        for start, end in _ranges(
            code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)).startswith("M")
        )
    )
    word_character = rf"(?![{SPACELESS}])[\w{marks}{JOINERS}]"
    return re.compile(rf"[{SPACELESS}][{marks}]*|{word_character}+|\s+|[^\w\s]")


def _ranges(codes):
    """Consecutive code points as (first, last) pairs."""
    start = previous = None
    for code in codes:
        if previous is not None and code != previous + 1:
            yield start, previous
            start = None
        start = code if start is None else start
        previous = code
    if start is not None:
        yield start, previous


def tokens(text: str) -> list[str]:
    """``text`` cut into words, white space and punctuation; joined again they give ``text`` back."""
    return _token_pattern().findall(text)


def compare(old: str, new: str) -> list[Change]:
    """What changed from ``old`` to ``new``, as runs of unchanged, removed and added text in reading order
    (in each changed place, what was removed comes before what replaced it)."""
    before, after = tokens(old), tokens(new)
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    changes: list[Change] = []
    removed: list[str] = []
    added: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        # A lone space kept between two changes would chop "quick brown" -> "slow red" into word-by-word pairs.
        lone_space = 0 < index < len(opcodes) - 1 and all(token.isspace() for token in before[i1:i2])
        if tag == "equal" and not lone_space:
            changes += _changed(removed, added)
            removed, added = [], []
            changes.append(Change(Kind.SAME, "".join(before[i1:i2])))
        else:
            removed += before[i1:i2]
            added += after[j1:j2]
    return changes + _changed(removed, added)


def _changed(removed: list[str], added: list[str]) -> list[Change]:
    return [Change(kind, "".join(part)) for kind, part in ((Kind.REMOVED, removed), (Kind.ADDED, added)) if part]


def revision_parts(revision) -> dict[str, str]:
    """The parts of a version compared on their own: title, text (its Markdown) and numbered demands."""
    return {
        "title": revision.title,
        "body": revision.body,
        "demands": "\n".join(f"{number}. {demand}" for number, demand in enumerate(revision.demands, 1)),
    }
