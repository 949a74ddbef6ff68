import re
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import PasswordReset
from app.core.db import utcnow
from app.extensions import db
from tests.conftest import PASSWORD

NEW = "violet harbour sings 19 times"


def reset_link(message) -> str:
    match = re.search(r"https://coalition\.test(/password/reset/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def request_reset(client, email):
    return client.post("/password/forgot", data={"email": email})


def test_reset_link_is_emailed_for_a_known_address(client, personas, outbox):
    response = request_reset(client, "member.a@example.org")
    assert response.status_code == 302
    [message] = outbox()
    assert message.recipient == "member.a@example.org"
    assert reset_link(message)


def test_unknown_address_gets_the_same_answer_and_no_email(client, personas, outbox):
    known = request_reset(client, "member.a@example.org")
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(outbox()) == 1


def test_reset_sets_the_password_and_ends_every_session(app, client, personas, outbox, sign_in_as):
    session_before = sign_in_as(app.test_client(), personas["member_a"])
    request_reset(client, "member.a@example.org")
    link = reset_link(outbox()[0])
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert session_before.get("/account/").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/sign-in", data={"email": "member.a@example.org", "password": PASSWORD}).status_code == 200
    assert fresh.post("/sign-in", data={"email": "member.a@example.org", "password": NEW}).status_code == 302


def test_reset_link_works_once(client, personas, outbox):
    request_reset(client, "member.a@example.org")
    link = reset_link(outbox()[0])
    client.post(link, data={"password": NEW, "confirm": NEW})
    assert client.get(link).status_code == 404


def test_expired_reset_link_is_refused(client, personas, outbox):
    request_reset(client, "member.a@example.org")
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(reset_link(outbox()[0])).status_code == 404


def test_reset_email_is_in_the_persons_language(client, personas, outbox):
    personas["member_a"].locale = "sw"
    db.session.commit()
    request_reset(client, "member.a@example.org")
    assert outbox()[0].locale == "sw"


def test_the_email_names_the_instance_in_its_subject_and_text(app, client, personas, outbox):
    app.config["COALITION_NAME"] = "Alliance for Safe Platforms"
    request_reset(client, "member.a@example.org")
    [message] = outbox()
    assert message.subject == "Choose a new password for Alliance for Safe Platforms"
    assert "reset the password of your account on Alliance for Safe Platforms" in message.body
    assert "Coalition" not in message.subject + message.body
