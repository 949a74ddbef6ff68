"""Keeping the tracker: steering-only management, audit, proposals, evidence, following and the email digest."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.tracker import services
from app.tracker.models import Commitment, CommitmentEvidence, CommitmentUpdate, Follow, Milestone
from app.tracker.services import UpdateData
from app.tracker.vocab import Area, Claimed, Stance, UpdateState, Verified


@pytest.fixture
def commitment(make_commitment):
    return make_commitment()


def audit_actions(target=None) -> list[str]:
    query = select(AuditEntry.action).order_by(AuditEntry.id)
    if target is not None:
        query = query.where(AuditEntry.object_type == type(target).__name__, AuditEntry.object_id == str(target.id))
    return list(db.session.scalars(query))


def update_form(**overrides) -> dict:
    return {
        "happened_on": "2026-04-01",
        "claimed": "in_progress",
        "verified": "progress_confirmed",
        "progress": "40",
        "note": "Appeals page launched in three languages",
        "sources": "https://example.org/appeals https://archive.example/appeals\nhttps://example.org/blog",
    } | overrides


def manage_requests(commitment_id, milestone_id, update_id):
    return [
        ("get", "/tracker/manage/", None),
        ("get", "/tracker/manage/new", None),
        ("post", "/tracker/manage/new", {"platform_id": "1", "title": "x", "area": "policies"}),
        ("get", f"/tracker/manage/{commitment_id}", None),
        ("get", f"/tracker/manage/{commitment_id}/edit", None),
        ("post", f"/tracker/manage/{commitment_id}/updates", update_form()),
        ("post", f"/tracker/manage/{commitment_id}/translations", {"locale": "fr", "title": "x"}),
        ("post", f"/tracker/manage/{commitment_id}/milestones", {"title": "x"}),
        ("post", f"/tracker/manage/milestones/{milestone_id}/done", None),
        ("post", f"/tracker/manage/{commitment_id}/evidence", {"reference": "INC-2026-000001", "stance": "supports"}),
        ("post", f"/tracker/manage/proposals/{update_id}/accept", None),
        ("post", f"/tracker/manage/proposals/{update_id}/decline", None),
    ]


@pytest.fixture
def proposal(personas, commitment):
    entry = services.propose_update(
        personas["member_a"],
        commitment,
        UpdateData(
            happened_on=date(2026, 4, 1),
            note="Member saw the new policy",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.CANNOT_VERIFY,
            progress=70,
        ),
    )
    db.session.commit()
    return entry


@pytest.fixture
def milestone(steering, commitment):
    services.add_milestone(steering, commitment, "Draft policy", date(2026, 5, 1))
    db.session.commit()
    return commitment.milestones[0]


@pytest.mark.parametrize("persona", ["member_a", "signatory_a", "org_admin_a", "member_b", "admin"])
def test_management_is_refused_to_everyone_but_steering(login, commitment, milestone, proposal, persona):
    client = login(persona)
    version = services.current_state()[0]
    audited = len(audit_actions())
    for method, path, data in manage_requests(commitment.id, milestone.id, proposal.id):
        assert getattr(client, method)(path, data=data).status_code == 403, (method, path)
    assert services.current_state()[0] == version and len(audit_actions()) == audited
    assert proposal.state == UpdateState.PROPOSED and milestone.done_on is None


def test_management_sends_anonymous_visitors_to_sign_in(client, commitment, milestone, proposal):
    for method, path, data in manage_requests(commitment.id, milestone.id, proposal.id):
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/sign-in"), (method, path)
    for path in ("/tracker/manage/following", f"/tracker/manage/{commitment.id}/propose"):
        assert client.get(path).headers["Location"].startswith("/sign-in"), path
    assert client.post("/tracker/manage/follow", data={"platform_id": "1"}).status_code == 302
    assert db.session.scalar(select(func.count(Follow.id))) == 0


def test_steering_creates_a_commitment_with_its_source(login, steering, platform):
    response = login("steering").post(
        "/tracker/manage/new",
        data={
            "platform_id": str(platform.id),
            "title": "  End cross-check exemptions ",
            "area": "exemptions",
            "original_locale": "en",
            "description": "No more *VIP* lists",
            "statement_url": "https://example.org/s",
            "statement_archive_url": "https://archive.example/s",
            "statement_date": "2026-02-01",
            "deadline": "2026-12-31",
            "is_published": "y",
        },
    )
    commitment = db.session.scalar(select(Commitment))
    assert response.status_code == 302 and response.headers["Location"] == f"/tracker/manage/{commitment.id}"
    assert (commitment.title, commitment.area, commitment.is_published) == (
        "End cross-check exemptions",
        Area.EXEMPTIONS,
        True,
    )
    assert (
        commitment.statement_url,
        commitment.statement_archive_url,
        commitment.statement_date,
        commitment.deadline,
    ) == ("https://example.org/s", "https://archive.example/s", date(2026, 2, 1), date(2026, 12, 31))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commitment_created"))
    assert entry.actor_id == steering.id and entry.object_id == str(commitment.id)
    assert services.current_state()[0] == 1


def test_steering_edits_a_commitment_and_it_is_audited(login, commitment, platform):
    response = login("steering").post(
        f"/tracker/manage/{commitment.id}/edit",
        data={
            "platform_id": str(platform.id),
            "title": "Publish an appeals process in Hausa",
            "area": "languages",
            "original_locale": "en",
        },
    )
    assert response.status_code == 302
    db.session.refresh(commitment)
    assert commitment.title == "Publish an appeals process in Hausa" and not commitment.is_published
    assert audit_actions(commitment) == ["commitment_created", "commitment_updated"]


def test_steering_records_an_update_with_sources(login, steering, commitment):
    client = login("steering")
    response = client.post(f"/tracker/manage/{commitment.id}/updates", data=update_form())
    assert response.status_code == 302
    entry = db.session.scalar(select(CommitmentUpdate))
    assert (entry.state, entry.organization_id, entry.created_by_id) == (
        UpdateState.PUBLISHED,
        steering.organization_id,
        steering.id,
    )
    assert [(source.url, source.archive_url) for source in entry.sources] == [
        ("https://example.org/appeals", "https://archive.example/appeals"),
        ("https://example.org/blog", None),
    ]
    db.session.refresh(commitment)
    assert (commitment.claimed, commitment.verified, commitment.progress) == (
        Claimed.IN_PROGRESS,
        Verified.PROGRESS_CONFIRMED,
        40,
    )
    assert audit_actions(commitment)[-1] == "commitment_status_updated"
    public = client.get(f"/tracker/commitments/{commitment.id}").get_data(as_text=True)
    assert "Appeals page launched in three languages" in public and "https://archive.example/appeals" in public


@pytest.mark.parametrize(
    "overrides", [{"sources": "javascript:alert(1)"}, {"progress": "101"}, {"note": ""}, {"claimed": "nonsense"}]
)
def test_invalid_update_is_refused_and_nothing_changes(login, commitment, overrides):
    version = services.current_state()[0]
    response = login("steering").post(f"/tracker/manage/{commitment.id}/updates", data=update_form(**overrides))
    assert response.status_code == 422
    assert db.session.scalar(select(CommitmentUpdate)) is None and services.current_state()[0] == version


def test_member_proposal_waits_for_steering_and_is_audited(login, personas, commitment):
    client = login("member_b")
    assert client.get(f"/tracker/manage/{commitment.id}/propose").status_code == 200
    response = client.post(
        f"/tracker/manage/{commitment.id}/propose", data=update_form(note="Spotted the appeals page")
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(CommitmentUpdate))
    assert entry.state == UpdateState.PROPOSED and entry.organization_id == personas["org_b"].id
    assert audit_actions(commitment)[-1] == "commitment_update_proposed"
    assert "Spotted the appeals page" not in client.get(f"/tracker/commitments/{commitment.id}").get_data(as_text=True)
    assert "Spotted the appeals page" in login("steering").get("/tracker/manage/").get_data(as_text=True)


def test_proposals_on_unpublished_commitments_are_not_found(login, make_commitment):
    hidden = make_commitment(published=False)
    client = login("member_a")
    assert client.get(f"/tracker/manage/{hidden.id}/propose").status_code == 404
    assert client.post(f"/tracker/manage/{hidden.id}/propose", data=update_form()).status_code == 404
    assert client.get("/tracker/manage/999999/propose").status_code == 404
    assert db.session.scalar(select(CommitmentUpdate)) is None


def test_accepted_proposal_is_published_and_moves_the_statuses(login, steering, commitment, proposal):
    client = login("steering")
    assert client.post(f"/tracker/manage/proposals/{proposal.id}/accept").status_code == 302
    db.session.refresh(proposal)
    db.session.refresh(commitment)
    assert proposal.state == UpdateState.PUBLISHED and proposal.published_at is not None
    assert (commitment.claimed, commitment.verified, commitment.progress) == (
        Claimed.IMPLEMENTED,
        Verified.CANNOT_VERIFY,
        70,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commitment_update_accepted"))
    assert entry.actor_id == steering.id and entry.details["update_id"] == proposal.id
    assert "Member saw the new policy" in client.get(f"/tracker/commitments/{commitment.id}").get_data(as_text=True)
    assert client.post(f"/tracker/manage/proposals/{proposal.id}/decline", data={"confirmed": "1"}).status_code == 409


def test_declined_proposal_is_never_shown(login, commitment, proposal):
    client = login("steering")
    version = services.current_state()[0]
    assert client.post(f"/tracker/manage/proposals/{proposal.id}/decline", data={"confirmed": "1"}).status_code == 302
    db.session.refresh(proposal)
    db.session.refresh(commitment)
    assert proposal.state == UpdateState.DECLINED and commitment.claimed == Claimed.NO_RESPONSE
    assert audit_actions(commitment)[-1] == "commitment_update_declined"
    assert services.current_state()[0] == version
    assert client.post(f"/tracker/manage/proposals/{proposal.id}/accept").status_code == 409
    assert "Member saw the new policy" not in client.get("/tracker/manage/").get_data(as_text=True)
    assert "Member saw the new policy" not in client.get(f"/tracker/commitments/{commitment.id}").get_data(as_text=True)


def test_translation_and_milestones_are_audited_and_public(login, commitment):
    client = login("steering")
    client.post(
        f"/tracker/manage/{commitment.id}/translations", data={"locale": "fr", "title": "Publier une procédure d'appel"}
    )
    client.post(
        f"/tracker/manage/{commitment.id}/translations",
        data={"locale": "fr", "title": "Publier une procédure de recours"},
    )
    client.post(f"/tracker/manage/{commitment.id}/milestones", data={"title": "Draft policy", "due_on": "2026-05-01"})
    milestone = db.session.scalar(select(Milestone))
    client.post(f"/tracker/manage/milestones/{milestone.id}/done")
    db.session.refresh(commitment)
    assert [(item.locale, item.title) for item in commitment.translations] == [
        ("fr", "Publier une procédure de recours")
    ]
    assert milestone.done_on == date.today()
    assert audit_actions(commitment)[1:] == [
        "commitment_translated",
        "commitment_translated",
        "commitment_milestone_added",
    ]
    assert audit_actions(milestone) == ["commitment_milestone_done"]
    page = client.get(f"/tracker/commitments/{commitment.id}?lang=fr").get_data(as_text=True)
    assert "Publier une procédure de recours" in page and "Draft policy" in page and "✓" in page


@pytest.mark.parametrize(
    ("status", "visibility"),
    [
        ("draft", "public"),
        ("submitted", "public"),
        ("verified", "public"),
        ("published", "coalition"),
        ("published", "organization"),
    ],
)
def test_attach_refuses_an_incident_that_is_not_published_and_public(
    login, personas, commitment, incident_factory, status, visibility
):
    incident = incident_factory(personas["member_a"], status=status, visibility=visibility)
    version = services.current_state()[0]
    response = login("steering").post(
        f"/tracker/manage/{commitment.id}/evidence", data={"reference": incident.reference, "stance": "contradicts"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(CommitmentEvidence)) is None and services.current_state()[0] == version
    with pytest.raises(services.TrackerError):
        services.attach_incident(personas["steering"], commitment, incident.reference, Stance.CONTRADICTS, None)


def test_attach_takes_a_published_public_incident_once(login, personas, commitment, incident_factory):
    incident = incident_factory(
        personas["member_a"], status="published", visibility="public", title="Appeal ignored for weeks"
    )
    client = login("steering")
    for _ in range(2):
        client.post(
            f"/tracker/manage/{commitment.id}/evidence",
            data={"reference": f" {incident.reference.lower()} ", "stance": "contradicts", "note": "Ignored"},
        )
    evidence = list(db.session.scalars(select(CommitmentEvidence)))
    assert [(item.incident_id, item.stance, item.note) for item in evidence] == [
        (incident.id, Stance.CONTRADICTS, "Ignored")
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commitment_evidence_attached"))
    assert entry.details == {"incident": incident.reference}
    page = client.get(f"/tracker/commitments/{commitment.id}").get_data(as_text=True)
    assert "Appeal ignored for weeks" in page and "Contradicts the claim" in page


def test_unknown_incident_reference_is_refused(personas, commitment):
    with pytest.raises(services.TrackerError):
        services.attach_incident(personas["steering"], commitment, "INC-2026-999999", Stance.SUPPORTS, None)


def test_follow_toggles_a_platform_and_a_commitment(login, personas, platform, commitment):
    client = login("member_a")
    for field, value in (("platform_id", platform.id), ("commitment_id", commitment.id)):
        assert client.post("/tracker/manage/follow", data={field: str(value)}).status_code == 302
    follows = {(item.platform_id, item.commitment_id) for item in services.follows_of(personas["member_a"])}
    assert follows == {(platform.id, None), (None, commitment.id)}
    page = client.get("/tracker/manage/following").get_data(as_text=True)
    assert page.count("Stop following") == 2 and "You will receive a digest of its updates by email." in page
    client.post("/tracker/manage/follow", data={"platform_id": str(platform.id)})
    assert [(item.platform_id, item.commitment_id) for item in services.follows_of(personas["member_a"])] == [
        (None, commitment.id)
    ]
    assert services.follows_of(personas["member_b"]) == []


def test_only_what_the_public_tracker_shows_can_be_followed(login, personas, platform_factory, make_commitment):
    retired = platform_factory(name="Retired", slug="retired", active=False)
    hidden = make_commitment(published=False)
    client = login("member_a")
    for data in (
        {"platform_id": "999999"},
        {"platform_id": str(retired.id)},
        {"commitment_id": "999999"},
        {"commitment_id": str(hidden.id)},
    ):
        assert client.post("/tracker/manage/follow", data=data).status_code == 404, data
    assert services.follows_of(personas["member_a"]) == []


@pytest.mark.parametrize("data", [{}, {"platform_id": "1", "commitment_id": "1"}, {"platform_id": "x"}])
def test_follow_needs_exactly_one_target(login, data):
    assert login("member_a").post("/tracker/manage/follow", data=data).status_code == 400


@pytest.fixture
def followed(personas, platform_factory, make_commitment, steering):
    """member_a (English) follows Facebook; member_b (French) follows one Beta commitment; deactivated follows Facebook;
    signatory_a follows nothing."""
    beta = platform_factory(name="Beta", slug="beta")
    alpha_commitment = make_commitment(title="Publish an appeals process")
    beta_followed = make_commitment(beta, "Fund Swahili moderators")
    beta_other = make_commitment(beta, "Beta commitment nobody follows")
    hidden = make_commitment(title="Unpublished Alpha commitment", published=False)
    services.save_translation(steering, beta_followed, "fr", "Financer des modérateurs en swahili", None)
    personas["member_b"].locale = "fr"
    services.toggle_follow(personas["member_a"], platform_id=alpha_commitment.platform_id)
    services.toggle_follow(personas["member_b"], commitment_id=beta_followed.id)
    services.toggle_follow(personas["deactivated"], platform_id=alpha_commitment.platform_id)
    db.session.commit()
    return {"alpha": alpha_commitment, "beta": beta_followed, "beta_other": beta_other, "hidden": hidden}


def publish(steering, commitment, note, happened_on=date(2026, 3, 14)):
    services.record_update(
        steering,
        commitment,
        UpdateData(
            happened_on=happened_on, note=note, claimed=Claimed.COMMITTED, verified=Verified.NOT_ASSESSED, progress=5
        ),
    )
    db.session.commit()


def run_digest(app) -> str:
    result = app.test_cli_runner().invoke(args=["tracker", "digest"])
    assert result.exit_code == 0, result.output
    return result.output


def test_digest_emails_each_follower_their_new_updates_in_their_language(app, personas, outbox, followed, steering):
    publish(steering, followed["alpha"], "Alpha appeals page launched")
    publish(steering, followed["beta"], "Beta hired forty moderators")
    publish(steering, followed["beta_other"], "Unfollowed Beta news")
    publish(steering, followed["hidden"], "Unpublished commitment news")
    services.propose_update(
        personas["member_b"],
        followed["beta"],
        UpdateData(
            happened_on=date(2026, 3, 15),
            note="Proposal not yet accepted",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.CONFIRMED,
            progress=100,
        ),
    )
    db.session.commit()
    assert run_digest(app).strip() == "Digests queued: 2."
    messages = {message.recipient: message for message in outbox()}
    assert set(messages) == {"member.a@example.org", "member.b@example.org"}
    english, french = messages["member.a@example.org"], messages["member.b@example.org"]
    assert english.locale == "en" and english.template == "tracker_digest"
    assert "Alpha appeals page launched" in english.body and "Publish an appeals process" in english.body
    assert "Mar 14, 2026" in english.body
    assert "Beta" not in english.body and "Unpublished" not in english.body
    assert french.locale == "fr"
    assert "Beta hired forty moderators" in french.body and "Financer des modérateurs en swahili" in french.body
    assert "14 mars 2026" in french.body
    assert not [
        text for text in ("Unfollowed Beta news", "Proposal not yet accepted", "Alpha appeals") if text in french.body
    ]


def test_digest_sends_only_updates_published_since_the_last_one(app, outbox, followed, steering):
    publish(steering, followed["alpha"], "First Alpha news")
    run_digest(app)
    assert [message.recipient for message in outbox()] == ["member.a@example.org"]
    assert run_digest(app).strip() == "Digests queued: 0."
    assert len(outbox()) == 1
    publish(steering, followed["alpha"], "Second Alpha news")
    run_digest(app)
    latest = outbox()[-1]
    assert len(outbox()) == 2 and "Second Alpha news" in latest.body and "First Alpha news" not in latest.body


def test_digest_sends_nothing_without_new_updates(app, outbox, followed, steering):
    publish(steering, followed["beta_other"], "Unfollowed Beta news")
    assert run_digest(app).strip() == "Digests queued: 0."
    assert outbox() == []


def test_updates_before_following_are_not_sent(
    app, personas, outbox, followed, steering, platform_factory, make_commitment
):
    gamma_commitment = make_commitment(platform_factory(name="Gamma", slug="gamma"), "Gamma commitment")
    publish(steering, gamma_commitment, "Old Gamma news")
    publish(steering, followed["alpha"], "Alpha news")
    run_digest(app)
    services.toggle_follow(personas["member_a"], platform_id=gamma_commitment.platform_id)
    db.session.commit()
    publish(steering, followed["alpha"], "Later Alpha news")
    run_digest(app)
    latest = outbox()[-1]
    assert "Later Alpha news" in latest.body and "Old Gamma news" not in latest.body


def test_attaching_an_incident_twice_says_it_is_already_attached(login, personas, commitment, incident_factory):
    incident = incident_factory(personas["member_a"], status="published", visibility="public")
    client = login("steering")
    for _ in range(2):
        response = client.post(
            f"/tracker/manage/{commitment.id}/evidence", data={"reference": incident.reference, "stance": "supports"}
        )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This incident is already attached to the commitment." in page


def test_deciding_a_proposal_twice_says_it_is_already_decided(login, proposal):
    client = login("steering")
    assert client.post(f"/tracker/manage/proposals/{proposal.id}/accept").status_code == 302
    again = client.post(f"/tracker/manage/proposals/{proposal.id}/decline", data={"confirmed": "1"})
    assert again.status_code == 409 and "This proposed update has already been decided." in again.get_data(as_text=True)


def test_a_members_cached_tracker_page_shows_their_follow_at_once(login, personas, platform, commitment, monkeypatch):
    """Signed-in readers get their own cached copy of the public pages: drawn once, then the follow button they
    pressed changes it at once."""
    from app.tracker import views

    drawn = []
    render = views.render_template
    monkeypatch.setattr(views, "render_template", lambda *args, **kwargs: drawn.append(args) or render(*args, **kwargs))
    client = login("member_a")
    path = f"/tracker/platforms/{platform.slug}"
    assert "Stop following" not in client.get(path).get_data(as_text=True)
    client.get(path)
    assert len(drawn) == 1
    client.post("/tracker/manage/follow", data={"platform_id": str(platform.id)})
    assert "Stop following" in client.get(path).get_data(as_text=True)
    assert len(drawn) == 2
