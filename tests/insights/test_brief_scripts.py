"""The evidence brief's PDF in every shipped script, rendered for real (WeasyPrint) and read back: every label is
drawn shaped, in its script's font, with no dotted circle; a cover names the period and the page's address."""

import io

import pytest
from flask_babel import gettext
from pypdf import PdfReader

from app.core import fonts
from app.core.i18n import native_digits, reading_as
from app.incidents.vocab import language_name
from tests.pdf_text import DOTTED_CIRCLE, assert_drawn_as_alone, glyphs_by_family, squeezed, text_of

BRIEF = "/insights/brief/facebook.pdf"
BURMESE_TITLE = "မြန်မာ ဘာသာ အမုန်းစကား"  # "hate speech in the Burmese language", as a member filed it
DIRECTIONS = {"ar": "rtl", "ur": "rtl", "hi": "ltr", "bn": "ltr", "my": "ltr"}
# Scripts whose text reads back lossy even when drawn right: one glyph may serve several letters (Nastaliq,
# Burmese), or vowel signs drawn before or around their consonant read back in drawing order (Bengali's ে, ি, ো).
LOSSY = ("ur", "my", "bn")


@pytest.fixture
def brief_data(reported):
    """Facebook: five English incidents from powerful accounts, acted on; five in Hindi, titled in Burmese (from
    Myanmar), from ordinary accounts, unanswered: every chart of the brief has bars."""
    for _ in range(5):
        reported("removed", 2, language="en", account_prominence="political")
    for _ in range(5):
        reported("pending", language="hi", country="MM", account_prominence="ordinary", title=BURMESE_TITLE)


def labels(lang: str) -> list[str]:
    """Chart labels of the brief as the reader of ``lang`` reads them."""
    with reading_as(lang):
        return [
            language_name("en"),
            language_name("hi"),
            gettext("Powerful accounts and influencers"),
            gettext("All other accounts"),
        ]


@pytest.mark.parametrize("lang", sorted(DIRECTIONS))
def test_the_brief_pdf_draws_every_label_shaped_in_its_script_font(login, brief_data, get_pdf, lang):
    data = get_pdf(login("member_a"), BRIEF, query_string={"lang": lang}).data
    drawn, text = glyphs_by_family(data), text_of(data)
    assert fonts.LOCALE_FONTS[lang].family.replace(" ", "") in drawn
    assert "NotoSansMyanmar" in drawn  # the Burmese title
    assert_drawn_as_alone(data, [*labels(lang), BURMESE_TITLE], lang, DIRECTIONS[lang])
    assert DOTTED_CIRCLE not in text
    if lang == "ur":
        assert not [name for name in drawn if "Arabic" in name], "Urdu text fell back to a Naskh or Kufi font"
    if lang not in LOSSY:  # one glyph stands for one cluster in Naskh and Devanagari: text reads as written
        assert all(squeezed(label) in text for label in labels(lang)[2:]), text


@pytest.mark.parametrize("lang", ["bn", "my"])
def test_bengali_and_burmese_briefs_count_in_their_own_digits(login, brief_data, get_pdf, lang):
    digits = native_digits("0123456789", lang)
    data = get_pdf(login("member_a"), BRIEF, query_string={"lang": lang}).data
    text, pages = text_of(data), native_digits(str(len(PdfReader(io.BytesIO(data)).pages)), lang)
    assert f"{digits[1]}{digits[0]}" in text  # ten published incidents
    assert f"{digits[1]}/{pages}" in text and f"{pages}/{pages}" in text  # the pages' numbers
    assert f"{digits[1]}.{digits[2]}." in text  # the numbered list of incidents
    assert "1/2" not in text and "2026" not in text.replace("INC-2026-", "")


def test_the_cover_names_the_period_covered_and_the_footer_the_page_address(login, brief_data, get_pdf):
    text = text_of(get_pdf(login("member_a"), BRIEF, query_string={"lang": "fr", "until": "2026-06-30"}).data)
    assert squeezed("1 mars 2026") in text and squeezed("30 juin 2026") in text
    address = "https://coalition.test/insights/brief/facebook?until=2026-06-30&lang=fr"
    assert text.count(address) == 3  # on the cover, and in the footer of both pages
    assert "1/2" in text and "2/2" in text


def test_the_brief_page_draws_its_charts_as_html_and_names_the_filtered_period(login, brief_data):
    page = login("member_a").get("/insights/brief/facebook", query_string={"lang": "ar", "since": "2026-02-01"})
    body = page.get_data(as_text=True)
    assert 'class="bar"' in body and "<text" not in body  # the bars' SVG holds no text to draw unshaped
    assert "من 1 فبراير 2026 إلى 1 مارس 2026" in body
