"""A letter's PDF in every shipped right-to-left or complex script, rendered for real (WeasyPrint) and read back:
its words are drawn shaped, in their script's font, with no dotted circle (see tests/pdf_text.py)."""

import pytest

from app.core import fonts
from tests.pdf_text import DOTTED_CIRCLE, assert_drawn_as_alone, glyphs_by_family, text_of

BURMESE = "မြန်မာ ဘာသာ အမုန်းစကား"  # a quoted post, in Burmese, in every letter below
LETTERS = {
    # lang: (direction, title, demands): marks (shadda, kasra, tanween), Urdu's own letters, Devanagari and Bengali
    # conjuncts and vowel signs written before their consonant, Burmese medials and stacked marks
    "ar": ("rtl", "أوقفوا تضخيم خطاب الكراهية", ["انشروا إجراءً واضحًا للطعن", "وظِّفوا مشرفين بكلِّ اللغات"]),
    "ur": (
        "rtl",
        "نفرت انگیز مواد کو پھیلانا بند کریں",
        ["اپیل کا واضح طریقہ شائع کریں", "ہر زبان میں ماڈریٹر بھرتی کریں"],
    ),
    "hi": ("ltr", "नफ़रत को बढ़ावा देना बंद करें", ["अपील की स्पष्ट प्रक्रिया प्रकाशित करें", "हर भाषा में मॉडरेटर नियुक्त करें"]),
    "bn": (
        "ltr",
        "ঘৃণাত্মক বক্তব্যের প্রসার বন্ধ করুন",
        ["আপিলের একটি স্পষ্ট প্রক্রিয়া প্রকাশ করুন", "প্রতিটি ভাষায় মডারেটর নিয়োগ করুন"],
    ),
    "my": (
        "ltr",
        "အမုန်းစကား ပျံ့နှံ့မှုကို ရပ်တန့်ပါ",
        ["အယူခံဝင်ရန် ရှင်းလင်းသော လုပ်ထုံးလုပ်နည်းကို ထုတ်ပြန်ပါ", "ဘာသာစကားတိုင်းအတွက် စိစစ်သူများ ခန့်ထားပါ"],
    ),
}


@pytest.mark.parametrize("lang", sorted(LETTERS))
def test_a_letter_pdf_draws_its_words_shaped_in_its_script_font(make_letter, login, get_pdf, lang):
    direction, title, demands = LETTERS[lang]
    letter = make_letter(locale=lang, title=title, body=f"{title}\n\n{BURMESE}", demands=demands)
    data = get_pdf(login(None), f"/letters/{letter.slug}.pdf", query_string={"lang": lang}).data
    drawn = glyphs_by_family(data)
    assert fonts.LOCALE_FONTS[lang].family.replace(" ", "") in drawn and "NotoSansMyanmar" in drawn
    if lang == "ur":
        assert not [name for name in drawn if "Arabic" in name], "Urdu fell back to a Naskh or Kufi font"
    assert_drawn_as_alone(data, [*demands, BURMESE], lang, direction)
    assert DOTTED_CIRCLE not in text_of(data)
