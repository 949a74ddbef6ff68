"""The public tracker pages: what they show, caching and conditional requests, privacy, languages, framing."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from app.core import page_cache, versions
from app.core.db import utcnow
from app.core.versions import TRACKER, DataVersion
from app.extensions import db
from app.tracker import services, views
from app.tracker.services import CommitmentData, UpdateData
from app.tracker.vocab import Area, Claimed, Stance, Verified

PUBLIC_PAGES = ("/tracker/", "/tracker/platforms/alpha", "/tracker/commitments/{id}", "/tracker/platforms/alpha/embed")
# Pages that offer a signed-in reader what they may do there (follow, propose).
LIVE_FOR_MEMBERS = ("/tracker/platforms/alpha", "/tracker/commitments/{id}")
# Pages drawn for a signed-in reader (their menu, and the above); only the public's copy is cached.
DRAWN_FOR_MEMBERS = ("/tracker/", *LIVE_FOR_MEMBERS)
CONFIRMED_PILL = 'status-verified tracker-status-confirmed"'  # a commitment's "The coalition verifies: Confirmed"


@pytest.fixture
def tracker(personas, steering, platform_factory):
    """Alpha: a published commitment with a published, a proposed and a declined update, and an unpublished
    commitment; Beta: a published commitment."""
    alpha = platform_factory(name="Alpha", slug="alpha")
    beta = platform_factory(name="Beta", slug="beta")

    def commitment(platform, title, published=True):
        return services.save_commitment(
            steering,
            None,
            CommitmentData(
                platform_id=platform.id,
                title=title,
                area=Area.TRANSPARENCY,
                is_published=published,
                description="Share data with researchers",
            ),
        )

    shown = commitment(alpha, "Open a researcher data programme")
    hidden = commitment(alpha, "Unpublished draft commitment", published=False)
    other = commitment(beta, "Fund moderators in Swahili")
    services.record_update(
        steering,
        shown,
        UpdateData(
            happened_on=date(2026, 3, 1),
            note="Programme announced at a press event",
            claimed=Claimed.COMMITTED,
            verified=Verified.CANNOT_VERIFY,
            progress=10,
            sources=[("https://example.org/press", None)],
        ),
    )
    services.record_update(
        steering,
        hidden,
        UpdateData(
            happened_on=date(2026, 3, 2),
            note="Note on the unpublished commitment",
            claimed=Claimed.COMMITTED,
            verified=Verified.NOT_ASSESSED,
            progress=0,
        ),
    )
    proposal = UpdateData(
        happened_on=date(2026, 4, 1),
        note="Proposed: programme fully open",
        claimed=Claimed.IMPLEMENTED,
        verified=Verified.CONFIRMED,
        progress=100,
    )
    proposed = services.propose_update(personas["member_a"], shown, proposal)
    declined = services.propose_update(
        personas["member_b"],
        shown,
        UpdateData(
            happened_on=date(2026, 4, 2),
            note="Declined: programme cancelled",
            claimed=Claimed.DECLINED,
            verified=Verified.CONTRADICTED,
            progress=0,
        ),
    )
    services.decide_proposal(steering, declined, accept=False)
    db.session.commit()
    return {"alpha": alpha, "beta": beta, "shown": shown, "hidden": hidden, "other": other, "proposed": proposed}


def pages(tracker):
    return [path.format(id=tracker["shown"].id) for path in PUBLIC_PAGES]


def test_public_pages_need_no_sign_in(client, tracker):
    for path in pages(tracker) + ["/tracker/platforms/beta"]:
        response = client.get(path)
        assert response.status_code == 200, path
        # The site's pages offer to sign in; the embed, shown inside other sites, does not.
        assert ("Sign in" in response.get_data(as_text=True)) is not path.endswith("/embed"), path


def test_pages_show_published_commitments_and_updates(client, tracker):
    overview = client.get("/tracker/").get_data(as_text=True)
    assert "Open a researcher data programme" in overview and "Fund moderators in Swahili" in overview
    for path in ("/tracker/platforms/alpha", f"/tracker/commitments/{tracker['shown'].id}"):
        body = client.get(path).get_data(as_text=True)
        assert "Programme announced at a press event" in body and "https://example.org/press" in body, path


def test_pages_never_show_unpublished_commitments_or_proposed_and_declined_updates(client, tracker):
    secrets = (
        "Unpublished draft commitment",
        "Note on the unpublished commitment",
        "Proposed: programme fully open",
        "Declined: programme cancelled",
    )
    for path in pages(tracker) + ["/tracker/platforms/beta"]:
        body = client.get(path).get_data(as_text=True)
        assert not [secret for secret in secrets if secret in body], path
    assert client.get(f"/tracker/commitments/{tracker['hidden'].id}").status_code == 404
    assert "<strong>0</strong>/100" in client.get("/tracker/platforms/alpha/embed").get_data(as_text=True)
    assert "1 commitment " in client.get("/tracker/platforms/alpha/embed").get_data(as_text=True)


def test_proposed_update_does_not_move_the_public_statuses(client, tracker):
    body = client.get(f"/tracker/commitments/{tracker['shown'].id}").get_data(as_text=True)
    assert "Cannot verify" in body and "Committed" in body
    assert "Confirmed" not in body.split("<main", 1)[1].split("Timeline", 1)[0]


def test_accepted_proposal_appears_and_declined_stays_hidden(client, tracker, steering):
    services.decide_proposal(steering, tracker["proposed"], accept=True)
    db.session.commit()
    body = client.get(f"/tracker/commitments/{tracker['shown'].id}").get_data(as_text=True)
    assert "Proposed: programme fully open" in body
    assert "Declined: programme cancelled" not in body


def test_evidence_lists_only_published_public_incidents(client, tracker, steering, personas, incident_factory):
    shown_incident = incident_factory(
        personas["member_a"], status="published", visibility="public", title="Public incident as evidence"
    )
    later_hidden = incident_factory(
        personas["member_a"], status="published", visibility="public", title="Incident later restricted"
    )
    for incident in (shown_incident, later_hidden):
        services.attach_incident(steering, tracker["shown"], incident.reference, Stance.CONTRADICTS, None)
    later_hidden.visibility = "coalition"
    db.session.commit()
    body = client.get(f"/tracker/commitments/{tracker['shown'].id}").get_data(as_text=True)
    assert "Public incident as evidence" in body and shown_incident.reference in body
    assert "Incident later restricted" not in body and later_hidden.reference not in body


def test_unknown_or_retired_platform_is_not_found(client, tracker, platform_factory):
    platform_factory(name="Retired", slug="retired", active=False)
    for path in (
        "/tracker/platforms/nope",
        "/tracker/platforms/retired",
        "/tracker/platforms/retired/embed",
        "/tracker/commitments/999999",
    ):
        assert client.get(path).status_code == 404, path


def test_public_pages_carry_validators_and_public_cache_control(client, tracker):
    for path in pages(tracker):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "public, max-age=60", path
        assert response.headers["ETag"] and response.last_modified is not None, path
        assert {"Accept-Language", "Cookie"} <= set(response.vary), path


def test_a_cached_page_is_answered_without_the_database_while_its_version_is_fresh(client, tracker, count_queries):
    client.get("/tracker/")
    with count_queries() as statements:
        assert client.get("/tracker/").status_code == 200
    assert statements == []


def test_a_change_through_this_worker_shows_at_once(client, tracker, steering):
    assert "Programme announced" in client.get(f"/tracker/commitments/{tracker['shown'].id}").get_data(as_text=True)
    services.record_update(
        steering,
        tracker["shown"],
        UpdateData(
            happened_on=date(2026, 5, 1),
            note="Researchers report access granted",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.PROGRESS_CONFIRMED,
            progress=60,
        ),
    )
    db.session.commit()
    assert "Researchers report access granted" in client.get(f"/tracker/commitments/{tracker['shown'].id}").get_data(
        as_text=True
    )


def test_every_overview_variant_shows_a_change_to_its_cached_rows_and_scorecards(client, tracker, steering):
    variants = ("/tracker/", "/tracker/?area=transparency", "/tracker/?area=transparency&page=1")
    for path in variants[:2]:
        page = client.get(path).get_data(as_text=True)
        assert CONFIRMED_PILL not in page and "<strong>100</strong>/100" not in page
    services.record_update(
        steering,
        tracker["shown"],
        UpdateData(
            happened_on=date(2026, 5, 1),
            note="Programme open to all researchers",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.CONFIRMED,
            progress=100,
        ),
    )
    db.session.commit()
    for path in variants:
        page = client.get(path).get_data(as_text=True)
        assert CONFIRMED_PILL in page and "<strong>100</strong>/100" in page, path


def test_another_variant_of_the_overview_reuses_the_cached_rows_without_loading_commitments(
    client, tracker, count_queries
):
    first = client.get("/tracker/").get_data(as_text=True)
    with count_queries() as statements:
        again = client.get("/tracker/?utm_source=newsletter").get_data(as_text=True)
    assert [
        statement
        for statement in statements
        if "commitment_translations" in statement or "commitments.title" in statement
    ] == []
    assert "Open a researcher data programme" in again and again.count("commitment-row") == first.count(
        "commitment-row"
    )


def test_a_change_through_another_worker_shows_within_a_second(client, tracker, monkeypatch):
    etag = client.get("/tracker/").headers["ETag"]
    with db.engine.begin() as another_worker:  # its change bumps the version, not this worker's memory of it
        another_worker.execute(
            update(DataVersion).where(DataVersion.name == TRACKER).values(version=DataVersion.version + 1)
        )
    assert client.get("/tracker/").headers["ETag"] == etag
    moment = versions.time.monotonic() + versions.REMEMBER_SECONDS
    monkeypatch.setattr(versions.time, "monotonic", lambda: moment)
    assert client.get("/tracker/").headers["ETag"] != etag


def test_a_version_bumped_by_a_rolled_back_transaction_is_never_remembered(client, tracker, steering):
    etag = client.get("/tracker/").headers["ETag"]
    versions.bump(TRACKER)
    versions.recent(TRACKER)  # this transaction's own, uncommitted version
    db.session.rollback()
    assert client.get("/tracker/").headers["ETag"] == etag


def test_repeated_request_with_the_etag_is_answered_304(client, tracker):
    for path in pages(tracker):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
        assert again.get_data() == b"" and again.headers["ETag"] == first.headers["ETag"], path


def test_after_an_update_the_old_etag_no_longer_matches(client, tracker, steering):
    path = f"/tracker/commitments/{tracker['shown'].id}"
    etag = client.get(path).headers["ETag"]
    services.record_update(
        steering,
        tracker["shown"],
        UpdateData(
            happened_on=date(2026, 5, 1),
            note="Researchers report access granted",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.PROGRESS_CONFIRMED,
            progress=60,
        ),
    )
    db.session.commit()
    fresh = client.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    body = fresh.get_data(as_text=True)
    assert "Researchers report access granted" in body and "Progress confirmed" in body


def test_if_modified_since_answers_304_until_the_tracker_changes(client, tracker, steering):
    an_hour_ago = utcnow().replace(microsecond=0) - timedelta(hours=1)
    db.session.execute(update(DataVersion).where(DataVersion.name == TRACKER).values(changed_at=an_hour_ago))
    db.session.commit()
    path = "/tracker/platforms/alpha"
    first = client.get(path)
    assert an_hour_ago <= first.last_modified < utcnow()  # the change, or midnight when the day began after it
    since = first.headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304
    earlier = (first.last_modified - timedelta(minutes=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    services.record_update(
        steering,
        tracker["shown"],
        UpdateData(
            happened_on=date(2026, 5, 1),
            note="Researchers report access granted",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.PROGRESS_CONFIRMED,
            progress=60,
        ),
    )
    db.session.commit()
    changed = client.get(path, headers={"If-Modified-Since": since})
    assert changed.status_code == 200 and "Researchers report access granted" in changed.get_data(as_text=True)


def test_a_stale_etag_wins_over_a_fresh_if_modified_since(client, tracker):
    path = "/tracker/"
    response = client.get(
        path, headers={"If-None-Match": '"not-the-etag"', "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    )
    assert response.status_code == 200


@pytest.fixture
def distinctive_member(person_factory, personas, sign_in_as, app):
    person = person_factory(
        "member",
        personas["org_a"],
        name="Zephyrine Okonkwo-Larsson",
        email="zephyrine.private@example.org",
        timezone="Asia/Kolkata",
    )
    client = sign_in_as(app.test_client(), person)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Private flash for Zephyrine")]  # pending, as after a form
    return client


PERSONAL = (
    "Zephyrine",
    "zephyrine.private@example.org",
    "csrf_token",
    "Sign out",
    "Private flash",
    "Times are shown in",
    "Kolkata",
    "Secret flash of the anonymous reader",
)


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_member_asking_first_puts_nothing_personal_into_the_cached_page(app, tracker, distinctive_member, page):
    path = page.format(id=tracker["shown"].id)
    member_body = distinctive_member.get(path).get_data(as_text=True)
    anonymous_body = app.test_client().get(path).get_data(as_text=True)
    assert not [word for word in PERSONAL if word in anonymous_body]
    if page in DRAWN_FOR_MEMBERS:
        assert "Zephyrine" in member_body  # their own copy, never cached for others
    else:
        assert anonymous_body == member_body


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_anonymous_reader_asking_first_shows_a_member_nothing_personal(app, tracker, distinctive_member, page):
    path = page.format(id=tracker["shown"].id)
    reader = app.test_client()
    reader.set_cookie("tz", "Pacific/Chatham")
    with reader.session_transaction() as session:
        session["_flashes"] = [("error", "Secret flash of the anonymous reader")]
    anonymous_body = reader.get(path).get_data(as_text=True)
    member_body = distinctive_member.get(path).get_data(as_text=True)
    public_body = app.test_client().get(path).get_data(as_text=True)
    for body in (member_body, public_body):
        assert "Secret flash of the anonymous reader" not in body and "Chatham" not in body
    assert not [word for word in PERSONAL if word in public_body]
    if page not in DRAWN_FOR_MEMBERS:
        assert member_body == anonymous_body == public_body


MEMBER_LINKS = ("Follow this", "/tracker/manage/")


@pytest.mark.parametrize("page", LIVE_FOR_MEMBERS)
def test_members_are_offered_to_follow_and_propose_but_the_public_copy_is_not(app, tracker, login, page):
    shown = tracker["shown"].id
    path = page.format(id=shown)
    member_body = login("member_a").get(path).get_data(as_text=True)
    anonymous_body = app.test_client().get(path).get_data(as_text=True)

    assert "Follow this" in member_body
    assert f'href="/tracker/manage/{shown}/propose"' in member_body
    assert f'href="/tracker/manage/{shown}"' not in member_body and 'href="/tracker/manage/"' not in member_body
    assert not [link for link in MEMBER_LINKS if link in anonymous_body]


def test_steering_is_linked_to_tracker_management(login, tracker):
    shown = tracker["shown"].id
    steering = login("steering")
    assert f'href="/tracker/manage/{shown}"' in steering.get(f"/tracker/commitments/{shown}").get_data(as_text=True)
    platform_page = steering.get("/tracker/platforms/alpha").get_data(as_text=True)
    assert 'href="/tracker/manage/"' in platform_page and f'href="/tracker/manage/{shown}"' in platform_page


def test_following_from_a_platform_page_comes_back_to_it(login, tracker):
    member = login("member_a")
    body = member.get("/tracker/platforms/alpha").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    response = member.post(
        "/tracker/manage/follow",
        data={"csrf_token": token, "platform_id": tracker["alpha"].id, "next": "/tracker/platforms/alpha"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/tracker/platforms/alpha"
    assert "Stop following this platform" in member.get("/tracker/platforms/alpha").get_data(as_text=True)


def test_the_overview_filters_by_platform_with_a_labelled_control(client, tracker):
    page = client.get("/tracker/?platform=beta").get_data(as_text=True)
    assert '<label for="platform">Platform</label>' in page
    assert '<option value="beta" selected>Beta</option>' in page and '<option value="alpha">Alpha</option>' in page
    assert "Fund moderators in Swahili" in page and "Open a researcher data programme" not in page


def test_member_flash_shows_once_on_their_own_copy_of_the_overview(tracker, distinctive_member):
    assert "Private flash for Zephyrine" in distinctive_member.get("/tracker/").get_data(as_text=True)
    assert "Private flash for Zephyrine" not in distinctive_member.get("/tracker/").get_data(as_text=True)


@pytest.fixture
def translated(tracker, steering):
    services.save_translation(steering, tracker["shown"], "fr", "Ouvrir un programme de données pour chercheurs", None)
    db.session.commit()
    return tracker


def test_french_pages_show_the_french_title_and_fall_back_to_the_original(client, translated):
    shown = translated["shown"]
    for path in ("/tracker/?lang=fr", "/tracker/platforms/alpha?lang=fr", f"/tracker/commitments/{shown.id}?lang=fr"):
        body = client.get(path).get_data(as_text=True)
        assert "Ouvrir un programme de données pour chercheurs" in body, path
        assert "Open a researcher data programme" not in body, path
        assert 'lang="fr"' in body, path
    overview = client.get("/tracker/?lang=fr").get_data(as_text=True)
    assert "Fund moderators in Swahili" in overview  # no translation: the original
    commitment_page = client.get(f"/tracker/commitments/{shown.id}?lang=fr").get_data(as_text=True)
    assert "Share data with researchers" in commitment_page  # no translated description: the original


def test_the_same_address_is_cached_per_language(app, translated):
    path = f"/tracker/commitments/{translated['shown'].id}"
    english = app.test_client().get(path, headers={"Accept-Language": "en"})
    french = app.test_client().get(path, headers={"Accept-Language": "fr"})
    assert "Open a researcher data programme" in english.get_data(as_text=True)
    assert "Ouvrir un programme de données pour chercheurs" in french.get_data(as_text=True)
    assert english.headers["ETag"] != french.headers["ETag"]
    assert (
        app.test_client()
        .get(path, headers={"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]})
        .status_code
        == 200
    )


def test_member_who_prefers_french_sees_the_french_title(
    app, tracker, translated, person_factory, personas, sign_in_as
):
    person = person_factory("member", personas["org_a"], locale="fr")
    body = sign_in_as(app.test_client(), person).get("/tracker/").get_data(as_text=True)
    assert "Ouvrir un programme de données pour chercheurs" in body


def test_only_the_embed_may_be_framed(client, tracker):
    embed = client.get("/tracker/platforms/alpha/embed")
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    cached = client.get("/tracker/platforms/alpha/embed", headers={"If-None-Match": embed.headers["ETag"]})
    assert cached.status_code == 304 and "X-Frame-Options" not in cached.headers
    others = [path for path in pages(tracker) if not path.endswith("/embed")] + [
        "/tracker/feed.atom",
        "/tracker/platforms/alpha/feed.atom",
        "/tracker/tracker.csv",
        "/tracker/tracker.json",
    ]
    for path in others:
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert "frame-ancestors *" not in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Frame-Options"] == "DENY", path


def test_cached_pages_never_take_addresses_from_the_request_host(app, tracker):
    addresses = {
        # The platform page shows the embed code as text, its quotes escaped.
        "/tracker/platforms/alpha": "src=&#34;https://coalition.test/tracker/platforms/alpha/embed&#34;",
        "/tracker/platforms/alpha/embed": 'href="https://coalition.test/tracker/platforms/alpha"',
    }
    for path, address in addresses.items():
        poisoned = app.test_client().get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        served = app.test_client().get(path).get_data(as_text=True)
        for body in (poisoned, served):
            assert "evil.example" not in body and address in body, path


@pytest.fixture
def set_today(monkeypatch):
    """``set_today(day)``: the day the tracker pages and their cache believe it is."""

    class Today(date):
        value = date.today()

        @classmethod
        def today(cls):
            return cls.value

    for module in (page_cache, views):
        monkeypatch.setattr(module, "date", Today)

    def set_day(day):
        Today.value = day

    return set_day


def test_a_new_day_refreshes_overdue_days_and_the_validators(client, steering, platform_factory, set_today):
    day = date.today() + timedelta(days=30)  # after the tracker's last change, as days to come always are
    platform = platform_factory(name="Alpha", slug="alpha")
    services.save_commitment(
        steering,
        None,
        CommitmentData(
            platform_id=platform.id,
            title="Late commitment",
            area=Area.POLICIES,
            is_published=True,
            deadline=day - timedelta(days=3),
        ),
    )
    db.session.commit()
    set_today(day)
    first = client.get("/tracker/platforms/alpha")
    assert "overdue by 3 days" in first.get_data(as_text=True)
    assert client.get("/tracker/platforms/alpha", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    set_today(day + timedelta(days=1))
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        next_day = client.get("/tracker/platforms/alpha", headers=headers)
        assert next_day.status_code == 200
        assert "overdue by 4 days" in next_day.get_data(as_text=True)


def test_the_overview_lists_commitments_a_page_at_a_time_keeping_the_filters(
    client, steering, platform_factory, monkeypatch
):
    monkeypatch.setattr(views, "OVERVIEW_PAGE_SIZE", 2)
    platform = platform_factory(name="Alpha", slug="alpha")
    for number in range(5):
        services.save_commitment(
            steering,
            None,
            CommitmentData(
                platform_id=platform.id,
                title=f"Promise {number}",
                area=Area.TRANSPARENCY,
                is_published=True,
                deadline=date(2027, 1, 1) + timedelta(days=number),
            ),
        )
    db.session.commit()

    def shown(path):
        page = client.get(path).get_data(as_text=True)
        return [f"Promise {n}" for n in range(5) if f"Promise {n}<" in page], page

    first, page = shown("/tracker/?area=transparency")
    assert first == ["Promise 0", "Promise 1"]
    assert 'href="/tracker/?area=transparency&amp;page=2" rel="next"' in page and 'rel="prev"' not in page
    assert shown("/tracker/?area=transparency&page=2")[0] == ["Promise 2", "Promise 3"]
    last, page = shown("/tracker/?area=transparency&page=3")
    assert last == ["Promise 4"] and 'rel="next"' not in page
    assert 'href="/tracker/?area=transparency&amp;page=2" rel="prev"' in page
    assert "Fund" not in shown("/tracker/?page=-4")[1] and shown("/tracker/?page=-4")[0] == first
