"""A change to an incident makes new versions only for the readers it reaches: one organization's drafts leave
every other reader's cached lists, counts and pages as they are, and show at once to its own members."""

from datetime import date

import pytest

from app.core import versions
from app.extensions import db
from app.incidents import audience, search, services
from app.incidents.models import PlatformReport
from app.incidents.vocab import Channel, Outcome
from tests.incidents.helpers import listed


def version_of(person) -> tuple[int, ...]:
    return versions.current_of(audience.reader_versions(person))


@pytest.mark.parametrize(
    ("status", "visibility", "kept"),
    [
        ("draft", "coalition", True),
        ("draft", "public", True),
        ("submitted", "organization", False),  # before the reviewers
        ("verified", "organization", False),  # reviewed: the reviewers still see it
        ("verified", "coalition", False),
        ("published", "public", False),
    ],
)
def test_only_drafts_are_kept_to_their_organization(status, visibility, kept):
    assert audience.is_kept_to_its_organization(status, visibility) is kept


def test_a_draft_and_its_parts_make_a_new_version_for_its_organization_alone(personas, incident_factory):
    member_a, member_b = personas["member_a"], personas["member_b"]
    before_a, before_b, public = version_of(member_a), version_of(member_b), version_of(None)
    draft = incident_factory(member_b, title="B's draft")
    db.session.add(PlatformReport(incident_id=draft.id, reported_on=date(2026, 3, 2), channel=Channel.IN_APP))
    db.session.commit()
    assert version_of(member_a) == before_a and version_of(None) == public
    assert version_of(member_b) != before_b
    services.submit_incident(member_b, draft)
    db.session.commit()
    assert version_of(member_a) != before_a and version_of(None) != public  # it reaches the reviewers


def test_another_organization_s_draft_leaves_a_member_s_cached_list_and_counts(
    login, personas, incident_factory, monkeypatch
):
    incident_factory(personas["member_a"], title="A's draft")
    client_a, client_b = login("member_a"), login("member_b")
    counted = []
    count = search._count_facets
    monkeypatch.setattr(search, "_count_facets", lambda *args: counted.append(args) or count(*args))
    assert listed(client_a, "/incidents/?country=NG") == ["A's draft"] and listed(client_b, "/incidents/") == []
    incident_factory(personas["member_b"], title="B's draft", country="KE")
    assert listed(client_a, "/incidents/?country=NG&utm_source=x") == ["A's draft"]
    assert len(counted) == 1  # counted once, then kept: B's draft changed nothing A sees
    assert listed(client_b, "/incidents/") == ["B's draft"]  # its own organization sees it at once
    services.add_report(
        personas["member_b"],
        services.visible_incident_or_404(personas["member_b"], "INC-2026-000002"),
        date(2026, 3, 2),
        Channel.IN_APP,
        None,
        Outcome.PENDING,
        None,
        is_appeal=False,
    )
    db.session.commit()
    assert listed(client_b, "/incidents/?reported=yes") == ["B's draft"]
