"""Burmese typed in Zawgyi is converted to Unicode, and only that (app/core/burmese.py).

The samples come from Google's myanmar-tools: the title of the Universal Declaration of Human Rights in both
encodings (its C++ sample), phrases of its detector's compatibility data, and lines of the Myanmar government news
item its converter is tested on, each with the Unicode text that test expects.
"""

import pytest

from app.core import burmese

UDHR_ZAWGYI = "အျပည္ျပည္ဆိုင္ရာ လူ႔အခြင့္အေရး ေၾကညာစာတမ္း"
UDHR_UNICODE = "အပြည်ပြည်ဆိုင်ရာ လူ့အခွင့်အရေး ကြေညာစာတမ်း"
# "...looked at and inspected.": dot below and asat in Unicode's order.
INSPECTED_ZAWGYI, INSPECTED_UNICODE = "ၾကည့္႐ႈစစ္ေဆးသည္။", "ကြည့်ရှုစစ်ဆေးသည်။"
# "Naypyitaw, July 26": Burmese digits stay digits.
DATELINE_ZAWGYI, DATELINE_UNICODE = "ေနျပည္ေတာ္ ဇူလုိင္ ၂၆", "နေပြည်တော် ဇူလိုင် ၂၆"
# "...by motor vehicles": Zawgyi's one letter for the vowel u and for nya, which Unicode tells apart.
VEHICLES_ZAWGYI, VEHICLES_UNICODE = "ေမာ္ေတာ္ယာဥ္မ်ားျဖင့္", "မော်တော်ယာဉ်များဖြင့်"
# "Chief Minister of the State", with the letter wa typed as the digit zero, and "1,000 lakh kyat" beside it.
MINISTER_ZAWGYI, MINISTER_UNICODE = "ျပည္နယ္၀န္ႀကီးခ်ဳပ္ ေငြက်ပ္ သိန္း ၁၀၀၀", "ပြည်နယ်ဝန်ကြီးချုပ် ငွေကျပ် သိန်း ၁၀၀၀"
# "Bangladesh" in English text (compatibility data): only the Burmese word changes.
MIXED_ZAWGYI, MIXED_UNICODE = "ascii mixed with ဘဂၤလားေဒရွ္႕ zawgyi", "ascii mixed with ဘင်္ဂလားဒေရှ့် zawgyi"


@pytest.mark.parametrize(
    ("zawgyi", "unicode"),
    [
        (UDHR_ZAWGYI, UDHR_UNICODE),
        (INSPECTED_ZAWGYI, INSPECTED_UNICODE),
        (DATELINE_ZAWGYI, DATELINE_UNICODE),
        (VEHICLES_ZAWGYI, VEHICLES_UNICODE),
        (MINISTER_ZAWGYI, MINISTER_UNICODE),
        (MIXED_ZAWGYI, MIXED_UNICODE),
    ],
)
def test_zawgyi_is_detected_and_converted_to_unicode(zawgyi, unicode):
    assert burmese.is_zawgyi(zawgyi)
    assert burmese.to_unicode(zawgyi) == unicode
    assert burmese.convert_fields({"title": zawgyi}).values == {"title": unicode}


@pytest.mark.parametrize(
    "text",
    [
        UDHR_UNICODE,
        INSPECTED_UNICODE,
        MINISTER_UNICODE,
        "ascii mixed with စင်္ကာပူမှာ unicode",
        "ထၢမ်တွပ်ႇ",  # Shan, in Unicode
        "ဂလာန်ညးဒါန်လိက်",  # Mon, in Unicode
        "တၢ်ထံၣ်တၢ်ပၥ်သး",  # S'gaw Karen, in Unicode
    ],
)
def test_unicode_burmese_and_other_languages_of_myanmar_are_left_as_typed(text):
    assert not burmese.is_zawgyi(text)
    assert burmese.convert_fields({"title": text}) == burmese.Converted({"title": text})


@pytest.mark.parametrize(
    "text", ["Post calling refugees vermin", "نص المنشور", "शरणार्थियों", "", None, "၅၂၀", "မ", "လး"]
)
def test_text_without_burmese_or_too_short_to_tell_is_left_as_typed(text):
    """Digits alone say nothing of the encoding; one or two letters score below the threshold."""
    assert not burmese.is_zawgyi(text)
    assert burmese.convert_fields({"title": text}).values == {"title": text}


def test_the_originals_typed_in_zawgyi_are_returned_with_the_fields_converted():
    converted = burmese.convert_fields({"title": UDHR_ZAWGYI, "description": "In English", "notes": None})
    assert converted.values == {"title": UDHR_UNICODE, "description": "In English", "notes": None}
    assert converted.originals == {"title": UDHR_ZAWGYI}
    assert converted.fields == ["title"]


def test_a_list_is_judged_as_one_text_and_converted_item_by_item():
    demands = [DATELINE_ZAWGYI, VEHICLES_ZAWGYI]
    converted = burmese.convert_fields({"demands": demands})
    assert converted.values == {"demands": [DATELINE_UNICODE, VEHICLES_UNICODE]}
    assert converted.originals == {"demands": demands}


def test_a_field_saved_unchanged_keeps_its_original_and_one_typed_anew_loses_it():
    """The form shows the converted text: saving it again must not forget what was typed, but new text in
    Unicode no longer matches the original."""
    kept = {"title": UDHR_ZAWGYI, "description": INSPECTED_ZAWGYI}
    previous = {"title": UDHR_UNICODE, "description": INSPECTED_UNICODE}
    converted = burmese.convert_fields({"title": UDHR_UNICODE, "description": "Rewritten"}, previous, kept)
    assert converted.values == {"title": UDHR_UNICODE, "description": "Rewritten"}
    assert converted.originals == {"title": UDHR_ZAWGYI}
    assert converted.fields == []


def test_a_field_typed_in_zawgyi_again_replaces_its_original():
    kept, previous = {"title": UDHR_ZAWGYI}, {"title": UDHR_UNICODE}
    converted = burmese.convert_fields({"title": INSPECTED_ZAWGYI}, previous, kept)
    assert converted.values == {"title": INSPECTED_UNICODE} and converted.originals == {"title": INSPECTED_ZAWGYI}
    assert converted.fields == ["title"]


def test_a_text_that_no_longer_fits_its_column_once_converted_is_left_as_typed():
    """Unicode spells Zawgyi's kinzi (one character) with three: the database would refuse the longer text."""
    assert len(MIXED_UNICODE) > len(MIXED_ZAWGYI)
    converted = burmese.convert_fields({"title": MIXED_ZAWGYI}, limits={"title": len(MIXED_ZAWGYI)})
    assert converted == burmese.Converted({"title": MIXED_ZAWGYI})
    fits = burmese.convert_fields({"title": MIXED_ZAWGYI}, limits={"title": len(MIXED_UNICODE)})
    assert fits.values == {"title": MIXED_UNICODE}
