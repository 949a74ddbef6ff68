"""Tracker rules: status history, the latest-by-date rule, scorecards, overdue days, versions, statement counts."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import cache, db
from app.tracker import scorecard, services
from app.tracker.models import CommitmentUpdate
from app.tracker.services import CommitmentData, TrackerError, UpdateData
from app.tracker.vocab import Area, Claimed, UpdateState, Verified

TODAY = date(2026, 6, 1)


def test_commitment_takes_the_statuses_of_its_latest_update(platform_factory, make_commitment, record):
    commitment = make_commitment(platform_factory())
    record(commitment, date(2026, 1, 10), Claimed.COMMITTED, Verified.NOT_ASSESSED, 10)
    record(commitment, date(2026, 3, 5), Claimed.IN_PROGRESS, Verified.PROGRESS_CONFIRMED, 40)
    db.session.refresh(commitment)
    assert (commitment.claimed, commitment.verified, commitment.progress) == (
        Claimed.IN_PROGRESS,
        Verified.PROGRESS_CONFIRMED,
        40,
    )


def test_older_dated_update_recorded_later_does_not_override(platform_factory, make_commitment, record):
    commitment = make_commitment(platform_factory())
    record(commitment, date(2026, 3, 5), Claimed.IMPLEMENTED, Verified.CONFIRMED, 100, note="Done")
    record(commitment, date(2026, 1, 10), Claimed.COMMITTED, Verified.NOT_ASSESSED, 5, note="Backfilled")
    db.session.refresh(commitment)
    assert (commitment.claimed, commitment.verified, commitment.progress) == (
        Claimed.IMPLEMENTED,
        Verified.CONFIRMED,
        100,
    )
    assert [entry.note for entry in commitment.updates] == ["Done", "Backfilled"]


def test_status_history_keeps_every_update_newest_date_first(platform_factory, make_commitment, record):
    commitment = make_commitment(platform_factory())
    for day, claimed in [
        (date(2026, 2, 1), Claimed.COMMITTED),
        (date(2026, 4, 1), Claimed.IMPLEMENTED),
        (date(2026, 3, 1), Claimed.IN_PROGRESS),
    ]:
        record(commitment, day, claimed)
    db.session.refresh(commitment)
    assert [(entry.happened_on, entry.claimed) for entry in commitment.updates] == [
        (date(2026, 4, 1), Claimed.IMPLEMENTED),
        (date(2026, 3, 1), Claimed.IN_PROGRESS),
        (date(2026, 2, 1), Claimed.COMMITTED),
    ]
    assert all(entry.state == UpdateState.PUBLISHED and entry.published_at for entry in commitment.updates)


def test_accepted_proposal_dated_before_the_latest_update_does_not_override(
    personas, platform_factory, make_commitment, record
):
    commitment = make_commitment(platform_factory())
    record(commitment, date(2026, 5, 1), Claimed.IMPLEMENTED, Verified.CONFIRMED, 100)
    proposal = services.propose_update(
        personas["member_a"],
        commitment,
        UpdateData(
            happened_on=date(2026, 4, 1),
            note="Seen earlier",
            claimed=Claimed.IN_PROGRESS,
            verified=Verified.CANNOT_VERIFY,
            progress=30,
        ),
    )
    services.decide_proposal(personas["steering"], proposal, accept=True)
    db.session.commit()
    db.session.refresh(commitment)
    assert proposal.state == UpdateState.PUBLISHED
    assert (commitment.claimed, commitment.verified, commitment.progress) == (
        Claimed.IMPLEMENTED,
        Verified.CONFIRMED,
        100,
    )


def test_proposed_update_changes_nothing_until_accepted(personas, platform_factory, make_commitment):
    commitment = make_commitment(platform_factory())
    version = services.current_state()[0]
    services.propose_update(
        personas["member_a"],
        commitment,
        UpdateData(
            happened_on=date(2026, 4, 1),
            note="Rumour",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.CONFIRMED,
            progress=100,
        ),
    )
    db.session.commit()
    db.session.refresh(commitment)
    assert (commitment.claimed, commitment.verified, commitment.progress) == (
        Claimed.NO_RESPONSE,
        Verified.NOT_ASSESSED,
        0,
    )
    assert services.current_state()[0] == version


@pytest.mark.parametrize("progress", [-1, 101])
def test_progress_outside_0_to_100_is_refused(platform_factory, make_commitment, steering, progress):
    commitment = make_commitment(platform_factory())
    with pytest.raises(TrackerError):
        services.record_update(
            steering,
            commitment,
            UpdateData(
                happened_on=TODAY,
                note="x",
                claimed=Claimed.COMMITTED,
                verified=Verified.NOT_ASSESSED,
                progress=progress,
            ),
        )
    assert db.session.scalar(select(CommitmentUpdate)) is None


@pytest.mark.parametrize("persona", ["member_a", "org_admin_a", "admin", "deactivated"])
def test_only_steering_may_change_the_tracker(personas, platform_factory, make_commitment, persona):
    commitment = make_commitment(platform_factory())
    actor = personas[persona]
    data = UpdateData(
        happened_on=TODAY, note="x", claimed=Claimed.COMMITTED, verified=Verified.NOT_ASSESSED, progress=0
    )
    for change in (
        lambda: services.record_update(actor, commitment, data),
        lambda: services.save_commitment(
            actor, None, CommitmentData(platform_id=commitment.platform_id, title="x", area=Area.POLICIES)
        ),
        lambda: services.save_translation(actor, commitment, "fr", "x", None),
        lambda: services.add_milestone(actor, commitment, "x", None),
    ):
        with pytest.raises(TrackerError):
            change()


def test_every_published_change_bumps_the_tracker_version(
    personas, platform_factory, make_commitment, record, steering
):
    assert services.current_state() == (0, None)
    commitment = make_commitment(platform_factory())
    versions = [services.current_state()[0]]
    record(commitment, TODAY)
    versions.append(services.current_state()[0])
    services.save_translation(steering, commitment, "fr", "Publier", None)
    db.session.commit()
    versions.append(services.current_state()[0])
    services.add_milestone(steering, commitment, "Draft published", TODAY)
    db.session.commit()
    versions.append(services.current_state()[0])
    assert versions == [1, 2, 3, 4]


# Scorecards, computed by hand:
#   Alpha: confirmed (deadline passed), progress confirmed (overdue), contradicted, not assessed; plus an
#          unpublished confirmed one that must not count -> (1 + ½ − ½) / 4 = 25, overdue 1.
#   Beta:  confirmed, confirmed, progress confirmed (overdue), cannot verify (deadline today: not yet overdue),
#          not assessed -> (2 + ½) / 5 = 50, overdue 1.
#   Gamma: contradicted, contradicted -> −1 / 2 -> below 0 -> 0, overdue 2 (deadlines passed).
#   Delta: no commitments -> None.
@pytest.fixture
def scored_platforms(platform_factory, make_commitment, record):
    alpha, beta, gamma = (platform_factory(name=name, slug=name.lower()) for name in ("Alpha", "Beta", "Gamma"))
    delta = platform_factory(name="Delta", slug="delta")
    platform_factory(name="Retired", slug="retired", active=False)
    past, future = TODAY - timedelta(days=10), TODAY + timedelta(days=10)
    plan = [
        (alpha, Claimed.IMPLEMENTED, Verified.CONFIRMED, past, True),
        (alpha, Claimed.IN_PROGRESS, Verified.PROGRESS_CONFIRMED, past, True),
        (alpha, Claimed.IMPLEMENTED, Verified.CONTRADICTED, future, True),
        (alpha, Claimed.NO_RESPONSE, Verified.NOT_ASSESSED, None, True),
        (alpha, Claimed.IMPLEMENTED, Verified.CONFIRMED, past, False),
        (beta, Claimed.IMPLEMENTED, Verified.CONFIRMED, None, True),
        (beta, Claimed.IMPLEMENTED, Verified.CONFIRMED, past, True),
        (beta, Claimed.PARTLY_IMPLEMENTED, Verified.PROGRESS_CONFIRMED, past, True),
        (beta, Claimed.COMMITTED, Verified.CANNOT_VERIFY, TODAY, True),
        (beta, Claimed.DECLINED, Verified.NOT_ASSESSED, future, True),
        (gamma, Claimed.IMPLEMENTED, Verified.CONTRADICTED, past, True),
        (gamma, Claimed.IMPLEMENTED, Verified.CONTRADICTED, past, True),
    ]
    for number, (platform, claimed, verified, deadline, published) in enumerate(plan):
        commitment = make_commitment(platform, title=f"Commitment {number}", deadline=deadline, published=published)
        if (claimed, verified) != (Claimed.NO_RESPONSE, Verified.NOT_ASSESSED):
            record(commitment, date(2026, 5, 1), claimed, verified, 50)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}


def test_scorecard_arithmetic_matches_the_hand_computed_figures(scored_platforms):
    cards = {card.platform.slug: card for card in scorecard.scorecards(TODAY)}
    assert list(cards) == ["alpha", "beta", "delta", "gamma"]  # active platforms only, by name
    summary = {slug: (card.total, card.overdue, card.score) for slug, card in cards.items()}
    assert summary == {"alpha": (4, 1, 25), "beta": (5, 1, 50), "gamma": (2, 2, 0), "delta": (0, 0, None)}
    assert cards["alpha"].claimed == {Claimed.IMPLEMENTED: 2, Claimed.IN_PROGRESS: 1, Claimed.NO_RESPONSE: 1}
    assert cards["alpha"].verified == {
        Verified.CONFIRMED: 1,
        Verified.PROGRESS_CONFIRMED: 1,
        Verified.CONTRADICTED: 1,
        Verified.NOT_ASSESSED: 1,
    }
    assert cards["beta"].verified == {
        Verified.CONFIRMED: 2,
        Verified.PROGRESS_CONFIRMED: 1,
        Verified.CANNOT_VERIFY: 1,
        Verified.NOT_ASSESSED: 1,
    }
    assert cards["beta"].claimed[Claimed.IMPLEMENTED] == 2


def test_scorecard_filters_narrow_the_counts(scored_platforms):
    cards = {card.platform.slug: card for card in scorecard.scorecards(TODAY, verified=["confirmed"])}
    assert (cards["alpha"].total, cards["beta"].total, cards["gamma"].total) == (1, 2, 0)
    assert cards["beta"].score == 100 and cards["gamma"].score is None


def test_overdue_count_follows_the_given_day(scored_platforms):
    earlier = {card.platform.slug: card.overdue for card in scorecard.scorecards(TODAY - timedelta(days=30))}
    later = {card.platform.slug: card.overdue for card in scorecard.scorecards(TODAY + timedelta(days=30))}
    assert earlier == {"alpha": 0, "beta": 0, "gamma": 0, "delta": 0}
    # 30 days on: every deadline but Beta's confirmed ones has passed (Beta's undated one never does).
    assert later == {"alpha": 2, "beta": 3, "gamma": 2, "delta": 0}


def overview_cards(body: str) -> dict[str, str]:
    """The overview's platform cards, by platform slug."""
    return {
        card.split('href="/tracker/platforms/', 1)[1].split('"', 1)[0]: card
        for card in body.split('<article class="platform-card"')[1:]
    }


def test_overview_shows_a_card_per_platform_with_its_score_in_figures_and_words(client, scored_platforms):
    body = client.get("/tracker/").get_data(as_text=True)
    cards = {slug: card.split("</article>", 1)[0] for slug, card in overview_cards(body).items()}
    assert list(cards) == ["alpha", "beta", "gamma"]
    assert "<strong>25</strong>/100" in cards["alpha"] and "<strong>50</strong>/100" in cards["beta"]
    assert "<strong>0</strong>/100" in cards["gamma"]
    assert "1 of 4 commitments verified as done" in cards["alpha"]
    assert "1 with progress confirmed, counted as half" in cards["alpha"]
    assert "1 contradicted by evidence, counted as minus half" in cards["alpha"]
    assert "2 of 5 commitments verified as done" in cards["beta"] and "contradicted" not in cards["beta"]
    assert "0 of 2 commitments verified as done" in cards["gamma"]
    # Delta has no commitment: no card and no score, a link among the platforms without any.
    without = body.split('class="platforms-without"', 1)[1].split("</div>", 1)[0]
    assert "No published commitments yet." in without and 'href="/tracker/platforms/delta"' in without
    assert "/100" not in without and "alpha" not in without
    assert "Retired" not in body


def test_overview_cards_set_what_the_platform_says_against_what_the_coalition_verifies(client, scored_platforms):
    alpha = overview_cards(client.get("/tracker/").get_data(as_text=True))["alpha"].split("</article>", 1)[0]
    says, verifies = alpha.split("status-bar-claimed", 1)[1].split("status-bar-verified", 1)
    assert "The platform says" in says and "2 of 4 done" in says
    assert "The coalition verifies" in verifies and "1 of 4 done" in verifies
    # Each colour of a bar has its status and number as text: Alpha says 2 implemented, 1 in progress, 1 no response.
    legend = re.findall(r'<li class="tracker-status-(\w+)">([^<]+) <strong>(\d+)</strong>', says)
    assert legend == [
        ("implemented", "Implemented", "2"),
        ("in_progress", "In progress", "1"),
        ("no_response", "No response", "1"),
    ]
    widths = re.findall(r'<rect class="tracker-status-(\w+)" x="([\d.]+)" width="([\d.]+)"', verifies)
    assert widths == [
        ("confirmed", "0.0", "25.0"),
        ("progress_confirmed", "25.0", "25.0"),
        ("not_assessed", "50.0", "25.0"),
        ("contradicted", "75.0", "25.0"),
    ]


def test_filtered_overview_says_no_commitments_match_for_platforms_without_any(client, scored_platforms):
    body = client.get("/tracker/?verified=confirmed").get_data(as_text=True)
    assert list(overview_cards(body)) == ["alpha", "beta"]
    without = body.split('class="platforms-without"', 1)[1].split("</div>", 1)[0]
    assert "No commitments match." in without and "/tracker/platforms/gamma" in without


def test_overdue_days_counts_from_the_deadline(platform_factory, make_commitment, record):
    deadline = date(2026, 5, 20)
    commitment = make_commitment(platform_factory(), deadline=deadline)
    assert commitment.overdue_days(date(2026, 5, 19)) is None
    assert commitment.overdue_days(deadline) is None
    assert commitment.overdue_days(date(2026, 5, 21)) == 1
    assert commitment.overdue_days(date(2026, 6, 1)) == 12
    record(commitment, date(2026, 5, 25), Claimed.IMPLEMENTED, Verified.PROGRESS_CONFIRMED, 80)
    db.session.refresh(commitment)
    assert commitment.overdue_days(date(2026, 6, 1)) == 12  # claimed implemented is not verified
    record(commitment, date(2026, 5, 30), Claimed.IMPLEMENTED, Verified.CONFIRMED, 100)
    db.session.refresh(commitment)
    assert commitment.overdue_days(date(2026, 6, 1)) is None


def test_commitment_without_deadline_is_never_overdue(platform_factory, make_commitment):
    assert make_commitment(platform_factory()).overdue_days(date(2099, 1, 1)) is None


def test_pages_say_how_many_days_overdue(client, platform_factory, make_commitment):
    platform = platform_factory(name="Alpha", slug="alpha")
    commitment = make_commitment(platform, deadline=date.today() - timedelta(days=3))
    make_commitment(platform, title="Not due yet", deadline=date.today() + timedelta(days=3))
    for path in ("/tracker/", "/tracker/platforms/alpha", f"/tracker/commitments/{commitment.id}"):
        body = client.get(path).get_data(as_text=True)
        assert body.count("overdue by 3 days") == 1, path
        assert body.count("overdue by") == 1, path


def test_overview_statement_count_does_not_grow_with_platforms(
    client, count_queries, platform_factory, make_commitment, record
):
    def add_platforms(number):
        for _ in range(number):
            commitment = make_commitment(platform_factory(), deadline=TODAY)
            record(commitment, TODAY, Claimed.IN_PROGRESS, Verified.PROGRESS_CONFIRMED, 20)

    def measure():
        cache.clear()
        with count_queries() as statements:
            response = client.get("/tracker/")
        assert response.status_code == 200 and "Publish an appeals process" in response.get_data(as_text=True)
        return len(statements)

    add_platforms(5)
    few = measure()
    add_platforms(45)
    many = measure()
    assert few == many
    assert few <= 9, few
