"""Account actions that are hard to undo ask first (``app.core.confirm``): the button carries the question for the
browser, and a post without ``confirmed=1`` answers a page asking it and changes nothing."""

from markupsafe import escape
from sqlalchemy import select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import ApiToken, TokenScope, User
from app.extensions import db


def asks(response, question: str) -> bool:
    page = response.get_data(as_text=True)
    return response.status_code == 200 and f'<h1 id="confirmation-heading">{escape(question)}</h1>' in page


def test_revoking_a_token_asks_first(login, personas):
    token, _secret = create_api_token(personas["member_a"], "Nightly export", TokenScope.READ)
    db.session.commit()
    client = login("member_a")
    question = "Revoke the API token “Nightly export”? Scripts that use it will stop working at once."
    assert f'data-confirm="{escape(question)}"' in client.get("/account/tokens").get_data(as_text=True)

    assert asks(client.post(f"/account/tokens/{token.id}/revoke"), question)
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert client.post(f"/account/tokens/{token.id}/revoke", data={"confirmed": "1"}).status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_signing_out_other_sessions_asks_first(app, personas, sign_in_as):
    here = sign_in_as(app.test_client(), personas["member_a"])
    elsewhere = sign_in_as(app.test_client(), personas["member_a"])
    question = (
        "Sign out all your other sessions? Every other browser or device signed in as you will have to sign in again."
    )
    assert f'data-confirm="{escape(question)}"' in here.get("/account/").get_data(as_text=True)

    assert asks(here.post("/account/sessions/sign-out-others"), question)
    assert elsewhere.get("/account/").status_code == 200


def test_deactivating_someone_asks_first(login, personas):
    member = personas["member_a"]
    client = login("org_admin_a")
    question = f"Deactivate {member.name}? They are signed out at once and cannot sign in until reactivated."
    assert f'data-confirm="{escape(question)}"' in client.get("/organizations/org-a/manage").get_data(as_text=True)

    assert asks(client.post(f"/people/{member.id}/deactivate"), question)
    assert not db.session.get(User, member.id).is_deactivated


def test_resetting_a_second_factor_asks_first(login, personas):
    steering = personas["steering"]
    question = (
        f"Reset the second factor of {steering.name}? They are signed out and must set up two-factor sign-in again."
    )
    client = login("admin")
    assert asks(client.post(f"/people/{steering.id}/reset-two-factor"), question)
    assert db.session.scalar(select(User).where(User.id == steering.id)).has_two_factor
