"""The public record names the accounts of public figures, never those of private persons."""

import pytest

from app.extensions import db
from app.incidents.vocab import AccountProminence

API = "/api/v1/incidents"


@pytest.fixture
def published(personas, incident_factory):
    def publish(handle: str, prominence: AccountProminence):
        return incident_factory(
            personas["member_a"],
            status="published",
            visibility="public",
            account_handle=handle,
            account_prominence=prominence,
        )

    return publish


def test_public_page_names_a_politician_but_not_a_private_person(login, published):
    private = published("@neighbour", AccountProminence.ORDINARY)
    politician = published("@minister", AccountProminence.POLITICAL)
    influencer = published("@streamer", AccountProminence.INFLUENCER)
    for client in (login(None), login("member_b")):  # the public page answers members as it answers anyone
        assert "@neighbour" not in client.get(f"/public/incidents/{private.reference}").get_data(as_text=True)
        assert "@minister" in client.get(f"/public/incidents/{politician.reference}").get_data(as_text=True)
        assert "@streamer" in client.get(f"/public/incidents/{influencer.reference}").get_data(as_text=True)


def test_anonymous_api_hides_a_private_persons_handle(client, published):
    private = published("@neighbour", AccountProminence.ORDINARY)
    politician = published("@minister", AccountProminence.POLITICAL)
    assert client.get(f"{API}/{private.reference}").get_json()["account_handle"] is None
    assert client.get(f"{API}/{politician.reference}").get_json()["account_handle"] == "@minister"
    listed = {item["reference"]: item["account_handle"] for item in client.get(API).get_json()["items"]}
    assert listed == {private.reference: None, politician.reference: "@minister"}


def test_members_still_see_every_handle(app, login, bearer, published):
    private = published("@neighbour", AccountProminence.ORDINARY)
    member_api = app.test_client().get(f"{API}/{private.reference}", headers=bearer("member_b")).get_json()
    assert member_api["account_handle"] == "@neighbour"
    assert "@neighbour" in login("member_b").get(f"/incidents/{private.reference}").get_data(as_text=True)


def test_the_form_says_who_is_named_publicly(login, translate, personas):
    personas["member_a"].locale = "fr"
    db.session.commit()
    body = login("member_a").get("/incidents/new").get_data(as_text=True)
    help_text = "Shown publicly only for influencers and politically powerful people, never for an ordinary account."
    assert translate("fr", help_text, html=True) in body
