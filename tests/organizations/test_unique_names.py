"""No organization can take another's name, whatever its case, accents or spacing: no one passes for another."""

from html import unescape

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.core.tokens import new_token
from app.extensions import db
from app.organizations.models import MembershipApplication, Organization
from tests.conftest import app_config, new_database

TAKEN = "An organization with this name already exists."


@pytest.fixture
def amnesty(organization_factory):
    return organization_factory(name="Amnesty Ñ", slug="amnesty")


def names() -> list[str]:
    return sorted(db.session.scalars(select(Organization.name)))


def test_org_admin_cannot_rename_theirs_to_another_members_name(login, personas, amnesty):
    response = login("org_admin_a").post("/organizations/org-a/manage", data={"name": "amnesty  n"})

    assert response.status_code == 200 and TAKEN in unescape(response.get_data(as_text=True))
    assert db.session.get(Organization, personas["org_a"].id).name == "Organization A"


def test_org_admin_may_change_the_case_of_their_own_name(login, personas):
    response = login("org_admin_a").post("/organizations/org-a/manage", data={"name": "ORGANIZATION A"})

    assert response.status_code == 302
    assert db.session.get(Organization, personas["org_a"].id).name == "ORGANIZATION A"


def test_admin_cannot_create_or_rename_an_organization_to_a_taken_name(login, personas, amnesty):
    client = login("admin")
    before = names()

    created = client.post("/admin/organizations/new", data={"name": "AMNESTY N", "country": "KE"})
    renamed = client.post(
        f"/admin/organizations/{personas['org_b'].id}/edit", data={"name": "Amnésty ñ", "country": "BR"}
    )

    for response in (created, renamed):
        assert response.status_code == 200 and TAKEN in unescape(response.get_data(as_text=True))
    assert names() == before


def test_nobody_applies_under_a_members_name(client, amnesty):
    response = client.post(
        "/apply",
        data={
            "name": "amnesty n",
            "country": "KE",
            "contact_name": "Someone",
            "contact_email": "someone@example.org",
            "motivation": "We document online harms against journalists.",
        },
    )

    assert response.status_code == 200 and TAKEN in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(MembershipApplication)) is None


def test_approving_an_application_whose_name_was_taken_since_changes_nothing(login, personas, amnesty, outbox):
    _token, token_hash = new_token()
    application = MembershipApplication(
        name="AMNESTY Ñ",
        country="KE",
        contact_name="Someone",
        contact_email="someone@example.org",
        motivation="x" * 30,
        locale="en",
        access_token_hash=token_hash,
    )
    db.session.add(application)
    db.session.commit()
    before = names()

    response = login("admin").post(f"/admin/applications/{application.id}", data={"decision": "approve"})

    assert response.status_code == 200 and TAKEN in unescape(response.get_data(as_text=True))
    assert names() == before and outbox() == []


def test_the_database_refuses_a_second_organization_with_the_same_name_key(amnesty, organization_factory):
    with pytest.raises(IntegrityError):
        organization_factory(name=" AMNESTY\tn ", slug="another")


def test_the_migration_keeps_existing_duplicate_names_but_gives_them_distinct_keys(tmp_path):
    """Names that already collide keep working; the later organization's key can never be taken again."""
    with new_database(tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision="5423db60a2cc-1")  # the revision before this one
            organizations = sa.table(
                "organizations",
                *(
                    sa.column(name)
                    for name in (
                        "id",
                        "name",
                        "slug",
                        "country",
                        "region",
                        "is_steering",
                        "membership_status",
                        "created_at",
                        "updated_at",
                    )
                ),
            )
            with db.engine.begin() as connection:
                connection.execute(
                    organizations.insert(),
                    [
                        {
                            "id": number,
                            "name": name,
                            "slug": f"org-{number}",
                            "country": "KE",
                            "region": "africa",
                            "is_steering": False,
                            "membership_status": "active",
                            "created_at": "2026-01-01 00:00:00",
                            "updated_at": "2026-01-01 00:00:00",
                        }
                        for number, name in ((1, "Amnesty Ñ"), (2, "amnesty  n"), (3, "Other"))
                    ],
                )
            upgrade(revision="5423db60a2cc")
            with db.engine.connect() as connection:
                keys = dict(connection.execute(sa.text("SELECT id, name_key FROM organizations")).all())
            db.engine.dispose()

    assert keys == {1: "amnesty n", 2: "amnesty n #DUPLICATE 2", 3: "other"}
