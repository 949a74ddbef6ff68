import html
import re

import pytest

from app.core.i18n import locale_name, reading_as, timezone_choices, zone_label

SHIPPED = ("en", "fr", "es", "pt", "ar", "ur", "hi", "sw", "bn", "my", "id", "de")


def html_attributes(body: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', body)
    assert match, "the page has no <html lang dir>"
    return match.group(1), match.group(2)


def test_query_parameter_chooses_language_and_sets_cookie(client):
    response = client.get("/?lang=fr")
    assert html_attributes(response.get_data(as_text=True)) == ("fr", "ltr")
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "fr"
    # The cookie alone now keeps French.
    assert html_attributes(client.get("/").get_data(as_text=True))[0] == "fr"


def test_cookie_wins_over_accept_language(client):
    client.set_cookie("lang", "es")
    body = client.get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9"}).get_data(as_text=True)
    assert html_attributes(body)[0] == "es"


def test_accept_language_is_used_without_query_or_cookie(client):
    body = client.get("/", headers={"Accept-Language": "sw-KE,sw;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert html_attributes(body)[0] == "sw"


def test_unknown_languages_fall_back_to_english(client):
    body = client.get("/?lang=xx", headers={"Accept-Language": "ja-JP,ja;q=0.9"}).get_data(as_text=True)
    assert html_attributes(body)[0] == "en"
    assert client.get_cookie("lang") is None


@pytest.mark.parametrize("locale, direction", [("ar", "rtl"), ("ur", "rtl"), ("hi", "ltr"), ("en", "ltr")])
def test_text_direction_follows_the_language(client, locale, direction):
    assert html_attributes(client.get(f"/?lang={locale}").get_data(as_text=True)) == (locale, direction)


def test_pages_are_translated(client, translate):
    body = client.get("/?lang=ar").get_data(as_text=True)
    assert translate("ar", "Holding platforms to account, together", html=True) in body
    assert translate("ar", "Skip to main content", html=True) in body


def test_language_switcher_names_each_language_in_its_own_language(client):
    body = client.get("/").get_data(as_text=True)
    for code, name in [
        ("ar", "العربية"),
        ("hi", "हिन्दी"),
        ("ur", "اردو"),
        ("fr", "français"),
        ("sw", "Kiswahili"),
        ("bn", "বাংলা"),
        ("my", "မြန်မာ"),
        ("id", "Bahasa Indonesia"),
        ("de", "Deutsch"),
    ]:
        assert f'lang="{code}" hreflang="{code}"' in body
        assert locale_name(code) == name
        assert name in body


def test_language_switcher_keeps_the_current_page(client):
    body = client.get("/?lang=es").get_data(as_text=True)
    assert 'href="/?lang=fr"' in body


def test_language_switcher_keeps_every_query_argument(login, personas):
    body = login("member_a").get("/incidents/?severity=3&severity=4&q=hate&lang=es").get_data(as_text=True)
    assert 'href="/incidents/?severity=3&amp;severity=4&amp;q=hate&amp;lang=fr"' in body


def test_public_pages_give_search_engines_their_address_in_each_language(app, client):
    body = client.get("/tracker/?platform=facebook&lang=ar").get_data(as_text=True)
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body)
    page = "https://coalition.test/tracker/?platform=facebook"
    assert [(code, html.unescape(href)) for code, href in alternates] == [
        *((code, f"{page}&lang={code}") for code in app.config["SUPPORTED_LOCALES"]),
        ("x-default", page),
    ]


def test_signed_in_pages_give_no_language_alternates(login):
    body = login("member_a").get("/tracker/?lang=ar").get_data(as_text=True)
    assert 'rel="alternate" hreflang' not in body


def test_a_query_argument_named_like_a_path_argument_leaves_the_page_working(client):
    assert client.get("/invitations/no-such-invitation?token=another").status_code == 404


def test_time_zone_comes_from_the_browser_cookie(client):
    client.set_cookie("tz", "Asia/Kolkata")
    assert "Times are shown in Kolkata (India Time)." in client.get("/").get_data(as_text=True)


def test_time_zone_cookie_as_the_browsers_script_stores_it_url_encoded(client):
    client.set_cookie("tz", "Africa%2FNairobi")
    assert "Times are shown in Nairobi (Kenya Time)." in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("stored", ["Mars%2FOlympus_Mons", "..%2F..%2Fetc%2Fpasswd", "Africa%252FNairobi"])
def test_encoded_time_zone_cookie_naming_no_zone_is_ignored(client, stored):
    client.set_cookie("tz", stored)
    body = client.get("/").get_data(as_text=True)
    assert "Times are shown in UTC." in body


def test_invalid_time_zone_cookie_is_ignored(client):
    client.set_cookie("tz", "Mars/Olympus_Mons")
    body = client.get("/").get_data(as_text=True)
    assert "Mars/Olympus_Mons" not in body
    assert "UTC" in body


def test_time_zones_are_offered_by_city_and_name_in_the_readers_language(app):
    with app.test_request_context("/?lang=fr"):
        choices = dict(timezone_choices())
    assert choices["Africa/Nairobi"] == "Nairobi (heure : Kenya)"
    assert choices["UTC"] == "UTC"
    assert "Asia/Calcutta" not in choices and "Etc/GMT+5" not in choices  # aliases and backwards offsets
    assert zone_label("Asia/Kolkata", "en") == "Kolkata (India Time)"


def test_a_zone_is_named_in_each_readers_own_language_one_after_the_other(app):
    names = []
    for lang in ("fr", "en"):
        with app.app_context(), reading_as(lang):
            names.append(zone_label("Africa/Nairobi"))
    assert names == ["Nairobi (heure : Kenya)", "Nairobi (Kenya Time)"]
