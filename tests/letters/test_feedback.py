"""After signing, withdrawing, re-confirming or supporting, the letter page comes back at its signing section and
shows the message there, where the person is looking (not at the top of the page, scrolled out of view)."""

import re

import pytest

from app.extensions import db
from app.letters import services


def signing_section(page: str) -> str:
    return re.search(r'<section id="signing".*?</section>', page, re.DOTALL).group(0)


def assert_message_in_signing_section(page: str, message: str) -> None:
    assert message in signing_section(page)
    assert page.count(message) == 1  # not also flashed at the top of the page
    assert '<div class="flashes" role="status">' in signing_section(page)


def test_the_signing_message_shows_in_the_signing_section(login, make_letter):
    letter = make_letter()
    client = login("signatory_a")
    response = client.post(f"/letters/{letter.slug}/sign")
    assert response.location == f"/letters/{letter.slug}#signing"
    assert_message_in_signing_section(
        client.get(response.location).get_data(as_text=True), "Organization A has signed."
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("withdraw", "Your organization&#39;s signature has been withdrawn."),
        ("reconfirm", "Your organization&#39;s signature now stands on the current text."),
    ],
)
def test_withdrawing_and_reconfirming_answer_in_the_signing_section(login, make_letter, personas, action, message):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    client = login("signatory_a")
    response = client.post(f"/letters/{letter.slug}/{action}", data={"confirmed": "1"})
    assert response.location == f"/letters/{letter.slug}#signing"
    assert_message_in_signing_section(client.get(response.location).get_data(as_text=True), message)


def test_a_refusal_shows_in_the_signing_section_too(login, make_letter):
    letter = make_letter(status="closed")
    client = login("signatory_a")
    response = client.post(f"/letters/{letter.slug}/sign")
    page = client.get(response.location).get_data(as_text=True)
    assert 'class="flash flash-warning">This letter is not open for signatures.' in signing_section(page)


def test_an_outside_supporter_is_thanked_in_the_signing_section(login, make_letter):
    letter = make_letter(accepts_supporters=True)
    reader = login(None)
    response = reader.post(
        f"/letters/{letter.slug}/support",
        data={"name": "Friends of the Web", "country": "FR", "contact_email": "friends@example.org"},
    )
    assert response.location == f"/letters/{letter.slug}#signing"
    page = reader.get(response.location).get_data(as_text=True)
    assert_message_in_signing_section(page, "The steering committee will confirm your organization&#39;s support.")


def test_other_pages_still_show_messages_at_the_top(login):
    client = login("member_a")
    client.post("/account/", data={"name": "Renamed", "locale": "", "timezone": ""})
    page = client.get("/account/").get_data(as_text=True)
    assert page.index("Your profile has been saved.") < page.index("<h1>")
