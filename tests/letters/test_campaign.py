"""A letter as a campaign page: its signature counter, tabs for its languages, how it is shared (links, link-preview
tags and the generated preview image), its recipient's address and its printable form."""

import html
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from pypdf import PdfReader

from app.core import pdf
from app.extensions import db
from app.letters import preview, services
from tests.bidi_html import language_of
from tests.helpers import draws_the_coalitions_mark

SITE = "https://coalition.test"  # PUBLIC_URL in the tests' configuration


def counter(page: str) -> tuple[str, str] | None:
    """(number, label) of the page's signature counter, None when it shows none."""
    found = re.search(r'<span class="counter-number">([^<]*)</span>\s*<span class="counter-label">([^<]*)</span>', page)
    return found.groups() if found else None


def meta(page: str, name: str) -> list[str]:
    """The contents of the page's ``<meta>`` tags with this property or name."""
    pattern = rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">'
    return [html.unescape(content) for content in re.findall(pattern, page)]


def tabs(page: str) -> list[tuple[str, bool]]:
    """(language code, is current) of each of the letter's language tabs."""
    nav = page.split('<nav class="letter-tabs"', 1)[1].split("</nav>", 1)[0]
    return [
        (code, current == " aria-current") for code, current in re.findall(r'hreflang="(\w+)"( aria-current)?', nav)
    ]


@pytest.fixture
def translated_letter(make_letter, personas):
    """An English letter with a French translation."""
    letter = make_letter()
    services.save_text(
        personas["steering"],
        letter,
        "fr",
        "Cessez d'amplifier la haine",
        "Nous écrivons.",
        [],
        False,
        letter.edit_version,
    )
    db.session.commit()
    return letter


def test_counter_shows_how_many_organizations_signed_in_the_plural_the_number_needs(
    login, make_letter, personas, organization_factory, person_factory
):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    assert counter(login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)) == (
        "1",
        "organization has signed",
    )
    for country in ("KE", "DE"):
        services.sign(person_factory("signatory", organization_factory(country=country)), letter, "en")
    db.session.commit()
    page = login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert counter(page) == ("3", "organizations have signed")
    assert 'href="#signing">Sign this letter</a>' in page


def test_counter_is_in_the_readers_language_and_direction_around_a_letter_in_another(login, make_letter, personas):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    page = login(None).get(f"/letters/{letter.slug}?lang=ar").get_data(as_text=True)
    number, label = counter(page)
    assert language_of(page, label) == ("ar", "rtl")
    assert language_of(page, "We write about") == ("en", "ltr")


def test_embargo_hides_the_counter_until_the_letter_is_published(login, make_letter, personas):
    letter = make_letter(embargoed=True)
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    assert counter(login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)) is None
    assert counter(login("steering").get(f"/letters/{letter.slug}").get_data(as_text=True))[0] == "1"


def test_language_tabs_are_links_that_switch_the_letter_text_and_mark_the_one_shown(login, translated_letter):
    client = login(None)
    page = client.get(f"/letters/{translated_letter.slug}").get_data(as_text=True)
    assert tabs(page) == [("en", True), ("fr", False)]
    assert f'href="/letters/{translated_letter.slug}?text=fr"' in page
    french = client.get(f"/letters/{translated_letter.slug}?text=fr").get_data(as_text=True)
    assert tabs(french) == [("en", False), ("fr", True)]
    assert language_of(french, "Nous écrivons.") == ("fr", "ltr")
    assert "We write about" not in french
    assert french.startswith('<!doctype html>\n<html lang="en" dir="ltr">')  # the interface stays the reader's


def test_a_letter_in_one_language_has_no_tabs(login, make_letter):
    assert "letter-tabs" not in login(None).get(f"/letters/{make_letter().slug}").get_data(as_text=True)


def test_link_preview_tags_use_absolute_addresses_and_the_generated_image(login, translated_letter):
    slug = translated_letter.slug
    page = login(None).get(f"/letters/{slug}?text=fr").get_data(as_text=True)
    assert meta(page, "og:url") == [f"{SITE}/letters/{slug}"]
    assert meta(page, "og:title") == meta(page, "twitter:title") == ["Cessez d'amplifier la haine"]
    assert meta(page, "og:image") == meta(page, "twitter:image") == [f"{SITE}/letters/{slug}/preview.png?text=fr"]
    assert meta(page, "og:image:width") == ["1200"] and meta(page, "og:image:height") == ["630"]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "og:locale") == ["fr_FR"] and meta(page, "og:locale:alternate") == ["en_US"]
    assert meta(page, "og:description") == ["Nous écrivons."]


def test_share_links_carry_the_letters_public_address(login, make_letter):
    letter = make_letter()
    page = html.unescape(login(None).get(f"/letters/{letter.slug}").get_data(as_text=True))
    address = quote(f"{SITE}/letters/{letter.slug}", safe="")
    for link in (
        f"https://www.facebook.com/sharer/sharer.php?u={address}",
        f"https://www.linkedin.com/sharing/share-offsite/?url={address}",
        f"https://t.me/share/url?url={address}&text=Stop+amplifying+hate",
        f"https://x.com/intent/tweet?text=Stop+amplifying+hate&url={address}",
        f"mailto:?subject=Stop%20amplifying%20hate&body=Stop%20amplifying%20hate%0A{address}",
        f"https://wa.me/?text=Stop+amplifying+hate+{address}",
    ):
        assert f'href="{link}"' in page
    assert "<script" not in page.split("<body>", 1)[1]  # no share widget of theirs


def test_preview_image_is_a_1200_by_630_png_drawn_once_and_revalidated(login, make_letter, personas, monkeypatch):
    letter = make_letter()
    drawn = []
    draw = preview._draw
    monkeypatch.setattr(preview, "_draw", lambda *args: drawn.append(args) or draw(*args))
    client = login(None)
    response = client.get(f"/letters/{letter.slug}/preview.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    etag = response.headers["ETag"]
    assert client.get(f"/letters/{letter.slug}/preview.png", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/letters/{letter.slug}/preview.png").status_code == 200
    assert [args[0] for args in drawn] == ["Stop amplifying hate"]  # once, then from the cache
    assert drawn[0][3:] == ("0", "organizations have signed")
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    assert client.get(f"/letters/{letter.slug}/preview.png").headers["ETag"] != etag
    assert drawn[-1][3:] == ("1", "organization has signed")


def test_a_burmese_letters_preview_counts_in_burmese_digits_drawn_in_its_font(login, make_letter, monkeypatch):
    letter = make_letter(locale="my", title="အမုန်းစကား ပျံ့နှံ့မှုကို ရပ်တန့်ပါ")
    drawn = []
    draw = preview._draw
    monkeypatch.setattr(preview, "_draw", lambda *args: drawn.append(args) or draw(*args))
    assert login(None).get(f"/letters/{letter.slug}/preview.png").status_code == 200
    assert drawn[0][3] == "၀"
    for text in (drawn[0][0], "၀"):
        assert Path(preview._font(text, 40, "my").path).name == "NotoSansMyanmar-Regular.ttf"
    assert Path(preview._font("১২", 40, "en").path).name == "NotoSansBengali-Regular.ttf"


def test_preview_image_of_a_draft_is_not_found_even_for_steering(login, make_letter):
    letter = make_letter(status="draft")
    assert login("steering").get(f"/letters/{letter.slug}").status_code == 200
    assert login("steering").get(f"/letters/{letter.slug}/preview.png").status_code == 404
    assert login(None).get(f"/letters/{letter.slug}/preview.png").status_code == 404


def test_recipients_address_keeps_its_line_breaks_each_line_isolated(login, make_letter):
    letter = make_letter(
        locale="ar", title="رسالة", body="نكتب.", addressee_address="1 Hacker Way\nMenlo Park, CA 94025"
    )
    for path in ("", "/print"):
        page = login(None).get(f"/letters/{letter.slug}{path}").get_data(as_text=True)
        assert "<br><bdi>1 Hacker Way</bdi><br><bdi>Menlo Park, CA 94025</bdi>" in page


def test_printable_letter_has_a_letterhead_a_footer_with_its_address_and_a_mobile_viewport(login, make_letter):
    letter = make_letter()
    page = login(None).get(f"/letters/{letter.slug}/print").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<span class="letterhead-name">Coalition</span>' in page
    address = f"{SITE}/letters/{letter.slug}"
    assert f'<footer class="letter-footer"><a href="{address}" dir="ltr">{address}</a></footer>' in page


def test_pdf_has_the_footer_address_and_page_numbers_and_latin_address_lines_unmirrored(login, make_letter, get_pdf):
    letter = make_letter(locale="ar", title="رسالة", body="نكتب.", addressee_address="1 Hacker Way\nMenlo Park")
    response = get_pdf(login(None), f"/letters/{letter.slug}.pdf?lang=ar")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "1 Hacker Way" in text and "Hacker Way 1" not in text
    assert f"{SITE}/letters/{letter.slug}" in text and "1 / 1" in text


def test_printable_letter_and_its_pdf_carry_the_coalitions_mark(login, make_letter, get_pdf):
    letter = make_letter()
    page = login(None).get(f"/letters/{letter.slug}/print").get_data(as_text=True)
    assert f'<img class="letterhead-mark" src="{pdf.mark_uri()}" alt=""' in page
    assert draws_the_coalitions_mark(get_pdf(login(None), f"/letters/{letter.slug}.pdf").data)
