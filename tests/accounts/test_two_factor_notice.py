"""The account page tells people without a second factor why it matters and how to turn it on; those with it see
that it is on and where to manage it; steering and admin are told their powers depend on it."""

import pytest

from app.accounts.two_factor import needs_second_factor_notice

WHY = "With a password alone, anyone who steals or guesses it opens your account"
TURN_ON = '<a class="button" href="/account/two-factor">Turn on two-factor sign-in</a>'
POWERS = "Your steering committee or administrator powers work only after you sign in with your second factor."


def test_without_a_second_factor_the_account_page_says_why_and_how(login, personas):
    page = login("member_a").get("/account/").get_data(as_text=True)
    assert WHY in page and TURN_ON in page
    assert page.index(TURN_ON) < page.index("<h2>Profile</h2>")  # before anything else on the page
    assert "Two-factor sign-in is on" not in page and POWERS not in page
    assert needs_second_factor_notice(personas["member_a"])


def test_the_setup_page_says_why_too(login):
    assert WHY in login("member_a").get("/account/two-factor").get_data(as_text=True)


@pytest.mark.parametrize("persona", ["steering", "admin"])
def test_steering_and_admin_see_it_is_on_and_what_depends_on_it(login, personas, persona):
    page = login(persona).get("/account/").get_data(as_text=True)
    assert "Two-factor sign-in is on since" in page and POWERS in page
    assert '<a href="/account/two-factor">Manage two-factor sign-in and recovery codes</a>' in page
    assert WHY not in page and TURN_ON not in page
    assert not needs_second_factor_notice(personas[persona])
    assert POWERS in login(persona).get("/account/two-factor").get_data(as_text=True)


def test_steering_without_a_second_factor_is_told_their_powers_wait_for_it(person_factory, sign_in_as, app):
    steering = person_factory("signatory", steering=True, two_factor=False)
    page = sign_in_as(app.test_client(), steering).get("/account/").get_data(as_text=True)
    assert WHY in page and TURN_ON in page and POWERS in page


def test_no_notice_for_someone_signed_out(app):
    from flask_login import AnonymousUserMixin

    with app.test_request_context():
        assert not needs_second_factor_notice(AnonymousUserMixin())
