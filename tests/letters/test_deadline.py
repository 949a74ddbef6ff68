"""The deadline ("Signatures until"): signing, withdrawing and outside support end with it, a past deadline cannot
be set, the letter closes itself (``letters close-due``), and member organizations that have not signed get one
reminder before it."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.core.db import utcnow
from app.extensions import db
from app.letters import services
from app.letters.jobs import close_due_letters
from app.letters.models import Letter, Signature
from app.letters.vocab import LetterStatus
from tests.helpers import at_once

API = "/api/v1/letters"
REFUSED = "The deadline for signatures has passed"


def days_from_today(days: int):
    return utcnow().date() + timedelta(days=days)


@pytest.fixture
def past_deadline(make_letter, personas):
    """An open letter Organization A signed, whose deadline was yesterday (not closed yet by the command)."""
    letter = make_letter(deadline=days_from_today(0))
    services.sign(personas["signatory_a"], letter, "en")
    letter.deadline = days_from_today(-1)
    db.session.commit()
    return letter


def active_signatures(letter) -> list[Signature]:
    db.session.expire_all()
    return services.active_signatures(db.session.get(Letter, letter.id))


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


# Signing and withdrawing end with the deadline.


def test_signatures_are_accepted_on_the_deadline_day(login, make_letter):
    letter = make_letter(deadline=days_from_today(0))
    assert login("signatory_a").post(f"/letters/{letter.slug}/sign").status_code == 302
    assert len(active_signatures(letter)) == 1


def test_page_refuses_signing_after_the_deadline(login, past_deadline):
    response = login("steering").post(f"/letters/{past_deadline.slug}/sign", follow_redirects=True)
    assert REFUSED in response.get_data(as_text=True)
    assert [s.organization.name for s in active_signatures(past_deadline)] == ["Organization A"]


def test_page_refuses_withdrawing_after_the_deadline(login, past_deadline):
    response = login("signatory_a").post(f"/letters/{past_deadline.slug}/withdraw", follow_redirects=True)
    assert REFUSED in response.get_data(as_text=True)
    assert len(active_signatures(past_deadline)) == 1


def test_letter_page_offers_no_signing_after_the_deadline(login, past_deadline):
    page = login("steering").get(f"/letters/{past_deadline.slug}").get_data(as_text=True)
    assert REFUSED in page and '/sign"' not in page.split('id="signing"', 1)[1].split("</section>", 1)[0]
    page = login("signatory_a").get(f"/letters/{past_deadline.slug}").get_data(as_text=True)
    assert "/withdraw" not in page


def test_api_refuses_signing_and_withdrawing_after_the_deadline(login, past_deadline, bearer):
    client = login(None)
    for method, persona in (("post", "steering"), ("delete", "signatory_a")):
        response = getattr(client, method)(f"{API}/{past_deadline.slug}/signatures", headers=bearer(persona))
        assert response.status_code == 409 and response.mimetype == "application/problem+json"
        assert REFUSED in response.get_json()["detail"]
    assert [s.organization.name for s in active_signatures(past_deadline)] == ["Organization A"]


def test_deadline_refusal_is_translated(login, past_deadline, personas, translate):
    personas["steering"].locale = "fr"
    db.session.commit()
    response = login("steering").post(f"/letters/{past_deadline.slug}/sign", follow_redirects=True)
    assert translate("fr", REFUSED + ": signatures can no longer change.") in response.get_data(as_text=True)


def test_outside_supporters_are_not_taken_after_the_deadline(client, make_letter):
    letter = make_letter(deadline=days_from_today(-1), accepts_supporters=True)
    data = {"name": "Friends of Speech", "country": "KE", "contact_email": "friends@example.org"}
    assert client.post(f"/letters/{letter.slug}/support", data=data).status_code == 404
    with pytest.raises(services.LetterError, match="not_allowed"):
        services.add_supporter(letter, "Friends of Speech", "KE", "friends@example.org")


def test_steering_cannot_send_reminders_after_the_deadline(login, past_deadline, outbox):
    before = len(outbox())
    response = login("steering").post(f"/letters/manage/{past_deadline.slug}/reminders")
    assert response.status_code == 409 and REFUSED in response.get_data(as_text=True)
    assert len(outbox()) == before


# A past deadline cannot be set.


def new_letter_data(platform, deadline) -> dict:
    return {
        "platform_id": str(platform.id),
        "addressee_name": "Ada Example",
        "original_locale": "en",
        "title": "Stop amplifying hate",
        "body": "We write about hate.",
        "demands": "Publish an appeals process",
        "deadline": deadline.isoformat(),
    }


def test_drafting_refuses_a_past_deadline_and_keeps_what_was_typed(login, platform):
    response = login("steering").post("/letters/manage/new", data=new_letter_data(platform, days_from_today(-1)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The deadline for signatures cannot be in the past." in page
    assert "Stop amplifying hate" in page and "We write about hate." in page
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0
    response = login("steering").post("/letters/manage/new", data=new_letter_data(platform, days_from_today(0)))
    assert response.status_code == 302


def test_settings_refuse_moving_the_deadline_into_the_past_but_keep_a_passed_one(login, past_deadline, platform):
    data = {"platform_id": str(platform.id), "addressee_name": "Ada Example", "original_locale": "en"}
    client = login("steering")
    url = f"/letters/manage/{past_deadline.slug}/settings"
    response = client.post(url, data={**data, "deadline": days_from_today(-2).isoformat()})
    assert "The deadline for signatures cannot be in the past." in response.get_data(as_text=True)
    assert client.post(url, data={**data, "deadline": days_from_today(-1).isoformat()}).status_code == 302


# The letter closes itself.


def test_close_due_closes_letters_past_their_deadline_once(cli, make_letter):
    due = make_letter(deadline=days_from_today(-1))
    today = make_letter(deadline=days_from_today(0))
    draft = make_letter(status="draft", deadline=days_from_today(-1))
    undated = make_letter()
    result = cli("letters", "close-due")
    assert result.exit_code == 0 and "Letters closed: 1." in result.output
    statuses = [db.session.get(Letter, letter.id).status for letter in (due, today, draft, undated)]
    assert statuses == [LetterStatus.CLOSED, LetterStatus.OPEN, LetterStatus.DRAFT, LetterStatus.OPEN]
    assert "Letters closed: 0." in cli("letters", "close-due").output
    assert audit_count("letter_status_changed") == 1


def test_closed_letter_shows_closed_on_its_public_page(cli, client, make_letter):
    letter = make_letter(deadline=days_from_today(-1))
    cli("letters", "close-due")
    assert "This letter is not open for signatures." in client.get(f"/letters/{letter.slug}").get_data(as_text=True)


# One reminder before the deadline.


def test_one_reminder_goes_to_signers_of_unsigned_members_before_the_deadline(
    app, cli, make_letter, personas, outbox, person_factory
):
    person_factory("signatory", personas["org_b"], email="signatory.b2@example.org")
    app.config["LETTER_REMINDER_DAYS"] = 3
    later = make_letter(deadline=days_from_today(4))
    soon = make_letter(deadline=days_from_today(3))
    services.sign(personas["signatory_a"], soon, "en")
    db.session.commit()
    before = len(outbox())
    result = cli("letters", "close-due")
    reminded = outbox()[before:]
    expected = {
        p.email for p in services.signers_of(personas["org_b"]) + services.signers_of(personas["steering"].organization)
    }
    assert {message.recipient for message in reminded} == expected and len(reminded) == len(expected)
    assert f"Reminders queued: {len(expected)}." in result.output
    assert all(soon.slug in message.body for message in reminded)
    assert "Reminders queued: 0." in cli("letters", "close-due").output
    assert len(outbox()) == before + len(expected)
    assert db.session.get(Letter, later.id).deadline_reminder_sent_at is None


def test_no_automatic_reminder_when_the_setting_is_zero(app, cli, make_letter):
    app.config["LETTER_REMINDER_DAYS"] = 0
    make_letter(deadline=days_from_today(1))
    assert "Reminders queued: 0." in cli("letters", "close-due").output


# Overlapping runs close and remind once.


def test_overlapping_runs_close_and_remind_once(app, make_letter, outbox):
    """The job on two workers, or an operator's `letters close-due` beside it, on SQLite as on PostgreSQL."""
    app.config["LETTER_REMINDER_DAYS"] = 3
    make_letter(deadline=days_from_today(-1))
    make_letter(deadline=days_from_today(2))
    before = len(outbox())
    db.session.commit()  # ends the test's read, which on SQLite holds the write lock the runs wait for
    runs = 4
    barrier = threading.Barrier(runs, timeout=30)

    def run(_run) -> tuple[int, int]:
        barrier.wait()
        return close_due_letters()  # the job's body, as `letters close-due` runs it too

    outcomes = at_once(app, run, range(runs))
    assert sum(closed for closed, _ in outcomes) == 1, outcomes
    assert sum(1 for _, reminded in outcomes if reminded) == 1, outcomes
    assert audit_count("letter_status_changed") == 1 and audit_count("letter_reminders_sent") == 1
    assert len(outbox()) - before == max(reminded for _, reminded in outcomes)
