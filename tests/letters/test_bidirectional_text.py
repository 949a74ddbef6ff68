"""An Arabic or Urdu reader of a letter in another language: the letter keeps its language and direction, what the
interface says around it (dates, counts, headings) keeps the reader's, and names are isolated."""

from datetime import date

import pytest

from app.extensions import db
from app.letters import services
from tests.bidi_html import is_isolated, language_of

ARABIC_DATE = "4 ديسمبر 2026"  # Babel's long date in Arabic, with Latin digits


@pytest.fixture
def signed_letter(make_letter, personas):
    letter = make_letter(letter_date=date(2026, 12, 4))
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    return letter


@pytest.mark.parametrize("path", ["/letters/{slug}?lang=ar", "/letters/{slug}/print?lang=ar"])
def test_an_english_letter_read_in_arabic_keeps_its_text_english_and_the_interface_arabic(login, signed_letter, path):
    page = login(None).get(path.format(slug=signed_letter.slug)).get_data(as_text=True)
    assert language_of(page, "We write about") == ("en", "ltr")
    assert language_of(page, "Hire moderators in every language") == ("en", "ltr")
    assert language_of(page, ARABIC_DATE) == ("ar", "rtl")
    assert language_of(page, "1 جهة موقّعة") == ("ar", "rtl")  # the count of signatories
    assert is_isolated(page, "Organization A")


def test_the_demands_heading_is_the_readers_language_inside_the_letter(login, signed_letter):
    page = login(None).get(f"/letters/{signed_letter.slug}?lang=ur").get_data(as_text=True)
    assert language_of(page, "We write about") == ("en", "ltr")
    assert language_of(page, "ہمارے مطالبات") == ("ur", "rtl")


def test_an_arabic_letter_read_in_english_is_right_to_left_in_a_left_to_right_page(login, make_letter):
    letter = make_letter(locale="ar", title="أوقفوا تضخيم الكراهية", body="نكتب إليكم.", demands=["نشر إجراء للطعن"])
    page = login(None).get(f"/letters/{letter.slug}/print?lang=en").get_data(as_text=True)
    assert language_of(page, "نكتب إليكم.") == ("ar", "rtl")
    assert language_of(page, "Our demands") == ("en", "ltr")
