"""Withdrawing a signature, closing and sending a letter ask first: in the browser with JavaScript (the button's
``data-confirm``), else on a page whose form posts again with ``confirmed=1``."""

from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.letters import services
from app.letters.models import Signature, Supporter
from app.letters.vocab import LetterStatus, SupporterStatus

MANAGE = "/letters/manage"


def test_withdrawing_without_confirmation_answers_a_page_asking_first(login, make_letter, personas):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    client = login("signatory_a")

    response = client.post(f"/letters/{letter.slug}/withdraw")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="confirmation-heading">Withdraw your organization&#39;s signature from this letter?</h1>' in page
    assert f'<form method="post" action="/letters/{letter.slug}/withdraw"' in page
    assert '<input type="hidden" name="confirmed" value="1">' in page and 'name="csrf_token"' in page
    assert f'<a href="/letters/{letter.slug}#signing">No, go back</a>' in page
    assert db.session.scalar(select(Signature)).withdrawn_at is None

    assert client.post(f"/letters/{letter.slug}/withdraw", data={"confirmed": "1"}).status_code == 302
    assert db.session.scalar(select(Signature)).withdrawn_at is not None


def test_the_withdraw_button_asks_in_the_browser(login, make_letter, personas):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    page = login("signatory_a").get(f"/letters/{letter.slug}").get_data(as_text=True)
    question = escape("Withdraw your organization's signature from this letter?")
    assert f'action="/letters/{letter.slug}/withdraw" class="inline-form" data-confirm="{question}"' in page


def test_closing_asks_first(login, make_letter):
    letter = make_letter()
    client = login("steering")
    assert 'data-confirm="Close this letter?' in client.get(f"{MANAGE}/{letter.slug}").get_data(as_text=True)

    response = client.post(f"{MANAGE}/{letter.slug}/advance")
    assert response.status_code == 200
    assert "Close this letter? Organizations will no longer be able to sign it or withdraw." in response.get_data(
        as_text=True
    )
    db.session.refresh(letter)
    assert letter.status == LetterStatus.OPEN

    assert client.post(f"{MANAGE}/{letter.slug}/advance", data={"confirmed": "1"}).status_code == 302
    db.session.refresh(letter)
    assert letter.status == LetterStatus.CLOSED


def test_sending_asks_first_and_keeps_the_channel_typed(login, make_letter, outbox):
    letter = make_letter(status="closed")
    client = login("steering")

    response = client.post(f"{MANAGE}/{letter.slug}/advance", data={"channel": "By post & email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Record this letter as sent to the platform? Everyone who signs will be told." in page
    assert '<input type="hidden" name="channel" value="By post &amp; email">' in page
    db.session.refresh(letter)
    assert letter.status == LetterStatus.CLOSED and outbox() == []

    client.post(f"{MANAGE}/{letter.slug}/advance", data={"channel": "By post & email", "confirmed": "1"})
    db.session.refresh(letter)
    assert (letter.status, letter.sent_channel) == (LetterStatus.SENT, "By post & email")


def test_opening_needs_no_confirmation(login, make_letter):
    letter = make_letter(status="in_review")
    assert login("steering").post(f"{MANAGE}/{letter.slug}/advance").status_code == 302
    db.session.refresh(letter)
    assert letter.status == LetterStatus.OPEN


def test_the_confirmation_page_needs_its_csrf_token(make_app, make_letter, personas, sign_in_as):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    client = sign_in_as(make_app(WTF_CSRF_ENABLED=True).test_client(), personas["signatory_a"])
    assert client.post(f"/letters/{letter.slug}/withdraw", data={"confirmed": "1"}).status_code == 400
    assert db.session.scalar(select(Signature)).withdrawn_at is None


def test_api_lists_the_version_each_signature_stands_on(login, make_letter, personas):
    letter = make_letter()
    services.save_text(personas["steering"], letter, "fr", "Cessez", "Nous écrivons.", [], True, letter.edit_version)
    personas["signatory_a"].locale = "fr"
    db.session.commit()
    services.sign(personas["signatory_a"], letter, "fr")
    services.sign(personas["steering"], letter, "en")
    db.session.commit()
    signatures = login(None).get(f"/api/v1/letters/{letter.slug}/signatures").get_json()
    assert [(s["organization"], s["language"], s["version"], s["original_version"]) for s in signatures] == [
        ("Steering Org", "en", 1, 1),
        ("Organization A", "fr", 1, 1),
    ]


def test_declining_a_supporter_asks_first(login, make_letter):
    letter = make_letter(accepts_supporters=True)
    supporter = services.add_supporter(letter, "Astroturf Inc", "US", "a@example.org")
    db.session.commit()
    client = login("steering")
    question = "Decline the support of Astroturf Inc? It will not be listed on the letter."
    assert f'data-confirm="{question}"' in client.get(f"{MANAGE}/{letter.slug}").get_data(as_text=True)

    response = client.post(f"{MANAGE}/supporters/{supporter.id}/decline")
    assert response.status_code == 200 and question in response.get_data(as_text=True)
    assert db.session.get(Supporter, supporter.id).status == SupporterStatus.PENDING
    client.post(f"{MANAGE}/supporters/{supporter.id}/decline", data={"confirmed": "1"})
    assert db.session.get(Supporter, supporter.id).status == SupporterStatus.DECLINED
