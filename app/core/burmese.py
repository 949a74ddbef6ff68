"""Burmese typed in Zawgyi, converted to Unicode with the original kept.

Zawgyi is a legacy font encoding that many people in Myanmar still type in: it reuses the code points of the
Myanmar block in another order and for other shapes, so its text is garbled in any Unicode font, unsearchable and
unsortable. Text that contains a character of the Myanmar block (U+1000 to U+109F, the only one Zawgyi uses) is
checked with Google's ZawgyiDetector (``myanmartools``); when it is Zawgyi with a probability above
``ZAWGYI_THRESHOLD`` it is converted with ``python-myanmar`` and the original is kept beside the record.

Services call ``convert_fields`` where the form, the API and the imports write a record (never views or
templates), so every way in follows one rule.
"""

import functools
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

from myanmar import converter
from myanmartools import ZawgyiDetector

# Google's advice where text is converted automatically: at 0.95 fewer than 1% of Unicode strings are wrongly
# taken for Zawgyi (github.com/google/myanmar-tools, "Using the Zawgyi Detector"). Short texts score nearer 0.5,
# so a one-word title is left as typed rather than risk breaking Unicode.
ZAWGYI_THRESHOLD = 0.95
MYANMAR = re.compile("[\u1000-\u109f]")

Text = str | list[str] | None


@functools.cache
def _detector() -> ZawgyiDetector:
    # myanmartools 1.2 reads its model with importlib.resources.open_binary, deprecated since Python 3.11.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return ZawgyiDetector()


def is_zawgyi(text: str | None) -> bool:
    """Whether ``text`` holds Burmese in Zawgyi: it has Myanmar characters and the detector is confident."""
    return bool(text and MYANMAR.search(text)) and _detector().get_zawgyi_probability(text) > ZAWGYI_THRESHOLD


# What python-myanmar 1.10 leaves as Zawgyi writes it, put in Unicode's order and letters (as ICU's Zawgyi-my
# transform does); measured on the Zawgyi and Unicode pairs of myanmar-tools' test data.
REPAIRS = (
    (re.compile("\u103a\u1037"), "\u1037\u103a"),  # dot below before asat
    (re.compile("\u102f\u102d"), "\u102d\u102f"),  # vowel i before u
    (re.compile("\u1025(?=\u103a)"), "\u1009"),  # nya, not the vowel u, before asat
    (re.compile("\u1025\u102e"), "\u1026"),  # vowel uu is one letter
    # Zawgyi typists write the letter wa as the digit zero: a zero beside a letter or vowel sign (not in a number).
    (
        re.compile("(?<=[\u1000-\u103f])\u1040(?![\u1040-\u1049])|(?<![\u1040-\u1049])\u1040(?=[\u102b-\u103e])"),
        "\u101d",
    ),
)


def to_unicode(text: str) -> str:
    """``text`` converted from Zawgyi to Unicode; characters outside the Myanmar block are left as they are."""
    text = converter.convert(text, "zawgyi", "unicode")
    for pattern, replacement in REPAIRS:
        text = pattern.sub(replacement, text)
    return text


def _joined(value: Text) -> str:
    """One text to judge a field by: a list's items are judged together, as short items alone are ambiguous."""
    return "\n".join(value) if isinstance(value, list) else value or ""


def _converted(value: Text) -> Text:
    return [to_unicode(item) for item in value] if isinstance(value, list) else to_unicode(value)


def column_lengths(model, names) -> dict[str, int]:
    """The length of each of ``model``'s columns ``names`` that has one, as ``convert_fields`` takes ``limits``."""
    columns = model.__table__.columns
    return {name: columns[name].type.length for name in names if getattr(columns[name].type, "length", None)}


@dataclass(frozen=True)
class Converted:
    """Text fields after ``convert_fields``."""

    values: dict[str, Text]  # every field given, in Unicode
    originals: dict[str, Text] = field(default_factory=dict)  # by field: the Zawgyi as typed
    fields: list[str] = field(default_factory=list)  # the fields converted now, in the order given


def convert_fields(
    values: Mapping[str, Text],
    previous: Mapping[str, Text] | None = None,
    kept: Mapping[str, Text] | None = None,
    limits: Mapping[str, int] | None = None,
) -> Converted:
    """Convert each field of ``values`` (a text, a list of texts or None) typed in Zawgyi.

    ``previous`` are the record's values before this save and ``kept`` the originals it keeps: a field saved
    unchanged (as the form shows it, converted) keeps its original; a field typed anew loses it, as the original
    no longer matches the text. ``limits`` are the lengths of the columns that have one: Unicode spells a few
    Zawgyi letters with more characters, and a text checked against the limit as typed that no longer fits once
    converted is left as typed rather than refused by the database.
    """
    previous, kept, limits = previous or {}, kept or {}, limits or {}
    result, originals, converted_now = {}, {}, []
    for name, value in values.items():
        if (
            is_zawgyi(_joined(value))
            and (unicode := _converted(value)) != value
            and len(unicode) <= limits.get(name, len(unicode))
        ):
            result[name], originals[name] = unicode, value
            converted_now.append(name)
        else:
            result[name] = value
            if name in kept and previous.get(name) == value:
                originals[name] = kept[name]
    return Converted(result, originals, converted_now)
