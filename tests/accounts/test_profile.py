import json

from app.accounts.models import User
from app.extensions import db


def test_profile_language_and_time_zone_drive_the_interface(login, personas):
    client = login("member_a")
    response = client.post("/account/", data={"name": "Ngozi", "locale": "ar", "timezone": "Asia/Karachi"})
    assert response.status_code == 302
    body = client.get("/account/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in body
    assert "Asia/Karachi" in body
    # The person's choice wins over ?lang= and the browser.
    assert '<html lang="ar"' in client.get("/?lang=fr", headers={"Accept-Language": "hi"}).get_data(as_text=True)


def test_empty_preferences_fall_back_to_the_browser(login):
    client = login("member_a")
    client.post("/account/", data={"name": "Ngozi", "locale": "", "timezone": ""})
    assert '<html lang="sw"' in client.get("/", headers={"Accept-Language": "sw"}).get_data(as_text=True)


def test_unknown_time_zone_is_refused_and_the_name_kept(login, personas):
    body = (
        login("member_a")
        .post("/account/", data={"name": "Kept Name", "locale": "en", "timezone": "Mars/Olympus"})
        .get_data(as_text=True)
    )
    assert "Choose a time zone from the list." in body
    assert 'value="Kept Name"' in body
    assert db.session.get(User, personas["member_a"].id).timezone is None


def test_personal_data_export_contains_what_is_stored(login, personas):
    client = login("member_a")
    client.post("/account/", data={"name": "Ngozi", "locale": "fr", "timezone": "Africa/Lagos"})
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["person"]["email"] == "member.a@example.org"
    assert data["person"]["timezone"] == "Africa/Lagos"
    assert data["person"]["organization"] == "Organization A"
    assert len(data["sessions"]) == 1
    assert any(entry["action"] == "profile_updated" for entry in data["audit_trail"])
    assert "$argon2" not in response.get_data(as_text=True)


def test_bidirectional_overrides_and_control_characters_are_dropped_but_arabic_and_marks_kept(login, personas):
    """An unclosed right-to-left override in a name would reorder the text shown after it on every page."""
    login("member_a").post(
        "/account/", data={"name": "\u202eأحمد\u202c \u2067Okafor\u2069\u200f\x1b[31m", "locale": "en", "timezone": ""}
    )
    db.session.refresh(personas["member_a"])
    assert personas["member_a"].name == "أحمد Okafor\u200f[31m"
