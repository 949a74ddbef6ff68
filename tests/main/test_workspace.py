"""The signed-in person's home: what waits for them by role, with counts, links and empty states; the menu's counts."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.letters import services as letters
from app.main import workspace
from app.meetings import services as meetings
from app.meetings.vocab import Answer, Rsvp
from app.organizations.services import submit_application


def queue(page: str, name: str) -> str:
    """The HTML of one queue's section on the home page ('' when the person does not have that queue)."""
    found = re.search(rf'<section [^>]*aria-labelledby="queue-{name}".*?</section>', page, re.DOTALL)
    return found.group(0) if found else ""


def count_in(section: str) -> int:
    return int(re.search(r'class="count-badge[^"]*">(\d+)<', section).group(1))


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_readers_keep_the_brochure_and_members_get_their_workspace(login):
    public = home(login(None))
    assert "Holding platforms to account, together" in public and "Your workspace" not in public
    own = home(login("member_a"))
    assert "Your workspace" in own and "Holding platforms to account, together" not in own


def test_a_signatory_sees_the_open_letter_their_organization_has_not_signed(login, personas, open_letter):
    letter = open_letter("Stop amplifying hate")
    signatory = login("signatory_a")
    section = queue(home(signatory), "letters_to_sign")
    assert count_in(section) == 1 and f'href="/letters/{letter.slug}#signing"' in section
    assert "Stop amplifying hate" in section
    letters.sign(personas["org_admin_a"], letter, "en")  # a colleague signs: it no longer waits for them
    db.session.commit()
    section = queue(home(signatory), "letters_to_sign")
    assert count_in(section) == 0 and "Letters appear here when the steering committee opens one" in section


def test_members_without_signing_rights_have_no_letters_to_sign(login, open_letter):
    open_letter()
    assert queue(home(login("member_a")), "letters_to_sign") == ""


def test_a_material_change_asks_for_the_signature_to_be_confirmed_again(login, personas, open_letter):
    letter = open_letter()
    letters.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    signatory = login("signatory_a")
    assert count_in(queue(home(signatory), "letters_to_reconfirm")) == 0
    letters.save_text(
        personas["steering"], letter, "en", "Stop amplifying hate", "New body", ["Demand"], True, letter.edit_version
    )
    db.session.commit()
    section = queue(home(signatory), "letters_to_reconfirm")
    assert count_in(section) == 1 and f"/letters/{letter.slug}#signing" in section
    assert count_in(queue(home(signatory), "letters_to_sign")) == 0


def test_an_unanswered_poll_and_invitation_wait_until_answered(login, personas, meeting):
    poll = meeting("Finding a time for the call")
    scheduled = meeting("Quarterly call", scheduled=True)
    member = login("member_a")
    section = queue(home(member), "meetings_to_answer")
    assert count_in(section) == 2
    assert f"/meetings/{poll.id}#poll" in section and f"/meetings/{scheduled.id}#rsvp" in section
    meetings.answer(personas["member_a"], poll.slots[0], Answer.MAYBE)
    from app.meetings import invitations

    invitations.respond(personas["member_a"], scheduled, Rsvp.ACCEPTED)
    db.session.commit()
    assert count_in(queue(home(member), "meetings_to_answer")) == 0
    assert queue(home(login("member_b")), "meetings_to_answer").count("<li>") == 0  # not invited


def test_the_organizer_is_asked_for_minutes_once_the_meeting_has_begun(login, meeting):
    past = meeting(
        "Yesterday's call", start=datetime.now(UTC).replace(microsecond=0) - timedelta(days=1), scheduled=True
    )
    meeting("Next week's call", scheduled=True)
    section = queue(home(login("steering")), "minutes_to_write")
    assert count_in(section) == 1 and f"/meetings/{past.id}#minutes" in section and "Next week" not in section


def test_action_items_of_the_organization_wait_in_meetings_its_member_sees(login, personas, meeting):
    call = meeting("Call", invitees=("member_a",))
    meetings.add_action(personas["steering"], call, "Send the evidence pack", personas["org_a"].id, date(2026, 1, 5))
    meetings.add_action(personas["steering"], call, "Someone else's task", personas["org_b"].id, None)
    db.session.commit()
    section = queue(home(login("member_a")), "actions_to_do")
    assert count_in(section) == 1 and "Send the evidence pack" in section and f"/meetings/{call.id}#actions" in section
    assert count_in(queue(home(login("signatory_a")), "actions_to_do")) == 0  # not invited to that meeting


def test_incidents_returned_for_information_wait_for_their_organization(login, personas, incident_factory):
    returned = incident_factory(personas["member_a"], status="information_requested", title="Needs a screenshot")
    section = queue(home(login("signatory_a")), "incidents_returned")
    assert count_in(section) == 1 and f'href="/incidents/{returned.reference}"' in section
    assert count_in(queue(home(login("member_b")), "incidents_returned")) == 0


def test_reviewers_see_submitted_incidents_and_members_do_not(login, personas, incident_factory):
    submitted = incident_factory(personas["member_b"], status="submitted")
    assert f"/incidents/{submitted.reference}" in queue(home(login("steering")), "incidents_to_review")
    assert queue(home(login("member_b")), "incidents_to_review") == ""


def test_steering_sees_supporters_and_admins_see_applications(login, open_letter):
    letter = open_letter(accepts_supporters=True)
    letters.add_supporter(letter, "Friends of the Web", "FR", "friends@example.org")
    submit_application("Lagos Listeners", "NG", None, "Ada", "ada@example.org", "x" * 30, "en")
    db.session.commit()
    steering, admin = home(login("steering")), home(login("admin"))
    assert "Friends of the Web" in queue(steering, "supporters_to_moderate")
    assert f"/letters/manage/{letter.slug}" in queue(steering, "supporters_to_moderate")
    assert "Lagos Listeners" in queue(admin, "applications_to_review")
    assert queue(steering, "applications_to_review") == "" and queue(admin, "supporters_to_moderate") == ""
    assert queue(home(login("member_a")), "applications_to_review") == ""


@pytest.mark.parametrize(
    ("persona", "pages", "absent"),
    [
        (
            "member_a",
            ["/incidents/new", "/meetings/", "/tracker/manage/following", "/account/two-factor"],
            ["/letters/manage/", "/admin/"],
        ),
        ("steering", ["/letters/manage/new", "/tracker/manage/", "/meetings/new", "/meetings/series/new"], ["/admin/"]),
        ("org_admin_a", ["/organizations/org-a/manage", "/organizations/org-a/invite"], ["/letters/manage/"]),
        ("admin", ["/admin/", "/admin/applications", "/admin/people"], []),
    ],
)
def test_the_home_links_to_the_work_pages_of_each_role(login, persona, pages, absent):
    page = home(login(persona))
    for path in pages:
        assert f'href="{path}"' in page, path
    for path in absent:
        assert f'href="{path}"' not in page, path


def test_the_menu_counts_what_waits_with_words_for_screen_readers(login, personas, open_letter, incident_factory):
    open_letter("First")
    open_letter("Second")
    incident_factory(personas["member_a"], status="information_requested")
    page = home(login("signatory_a"))
    menu = page.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    letters_link = re.search(r'<a href="/letters/">(.*?)</a>', menu).group(1)
    assert re.sub(r"<[^>]+>", "", letters_link) == "Letters, 2 waiting2"  # read aloud: "Letters, 2 waiting"
    assert 'aria-hidden="true">2</span>' in letters_link
    assert ", 1 waiting" in re.search(r'<a href="/incidents/">(.*?)</a>', menu).group(1)
    assert "waiting" not in re.search(r'<a href="/meetings/">(.*?)</a>', menu).group(1)


def test_the_menu_count_follows_the_work_at_once_even_on_a_cached_page(login, personas, open_letter):
    """The incident list is a reader's cached page: its menu still never shows a count the work has left behind."""
    letter = open_letter()
    signatory = login("signatory_a")
    assert ", 1 waiting" in signatory.get("/incidents/").get_data(as_text=True)
    letters.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    assert "waiting" not in signatory.get("/incidents/").get_data(as_text=True)


def test_signed_in_people_get_one_menu_entry_per_place(login):
    page = home(login("member_a"))
    menu = page.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/incidents/"' in menu and 'href="/public/incidents/"' not in menu
    assert 'href="/insights/"' in menu and 'href="/public/insights/"' not in menu
    public_menu = home(login(None)).split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/public/incidents/"' in public_menu and 'href="/incidents/"' not in public_menu


@pytest.mark.parametrize(("persona", "manages"), [("member_a", False), ("steering", True), ("admin", True)])
def test_the_manage_group_is_for_those_who_manage(login, persona, manages):
    assert ('class="nav-group"' in home(login(persona))) is manages


def test_the_home_runs_as_many_statements_with_every_queue_full(
    app, login, personas, person_factory, sign_in_as, open_letter, meeting, incident_factory, count_queries
):
    """Someone with every queue (a steering admin who signs): a few items in each, then more than a page of each."""
    everything = person_factory("signatory", personas["org_a"], steering=True, admin=True)
    personas["everything"] = everything
    client = sign_in_as(app.test_client(), everything)

    def add(count: int) -> None:
        for index in range(count):
            letter = open_letter(f"Letter {index}", accepts_supporters=True)
            letters.add_supporter(letter, f"Supporter {index}", "FR", f"s{index}@example.org")
            changed = open_letter(f"Changed {index}")
            letters.sign(everything, changed, "en")
            letters.save_text(
                personas["steering"], changed, "en", "Changed", "New", ["Demand"], True, changed.edit_version
            )
            submit_application(f"Applicant {index}", "NG", None, "Ada", f"a{index}@example.org", "x" * 30, "en")
            incident_factory(personas["member_b"], status="submitted")
            incident_factory(everything, status="information_requested")
            start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1 + index)
            begun = meeting(f"Begun {index}", invitees=("everything",), start=start, scheduled=True)
            begun.organizer_id = everything.id
            meeting(f"Poll {index}", invitees=("everything",))
            meetings.add_action(personas["steering"], begun, f"Task {index}", personas["org_a"].id, None)
        db.session.commit()

    def statements() -> int:
        with count_queries() as executed:
            page = home(client)
        names = re.findall(r'aria-labelledby="queue-(\w+)"', page)
        assert len(names) == 9 and [name for name in names if not count_in(queue(page, name))] == []
        return len(executed)

    add(2)
    few = statements()
    add(10)
    assert statements() == few


def test_the_home_says_why_and_how_to_turn_on_a_second_factor_to_those_without_one(login):
    without = home(login("member_a"))
    assert "Protect your account with two-factor sign-in" in without
    assert 'href="/account/two-factor"' in without
    assert "Protect your account with two-factor sign-in" not in home(login("steering"))  # theirs is on


def test_the_menu_s_count_of_returned_incidents_seeks_the_organization_s_index(app, personas):
    """Every signed-in page counts it: a seek on (organization, status), not a walk over the organization's
    incidents, however many it filed."""
    from sqlalchemy import func, select, text

    from app.incidents import awaiting

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan, read with EXPLAIN QUERY PLAN")
    count = select(func.count()).select_from(awaiting.returned_for_information(personas["member_a"]).subquery())
    compiled = count.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_incidents_organization_id_status" in plan


def test_the_menu_s_kept_count_statements_follow_the_clock(login, meeting, monkeypatch):
    """The menu's count statement is built once per reader and kept; the time is its parameter, never its text."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    meeting("Call in an hour", start=start, scheduled=True)
    member, organizer = login("member_a"), login("steering")

    def meetings_entry(client) -> str:
        menu = home(client).split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
        return re.search(r'<a href="/meetings/">(.*?)</a>', menu).group(1)

    assert ", 1 waiting" in meetings_entry(member)  # to answer
    assert "waiting" not in meetings_entry(organizer)  # no minutes due yet
    monkeypatch.setattr(workspace, "utcnow", lambda: start + timedelta(minutes=5))
    assert "waiting" not in meetings_entry(member)  # begun: no longer to answer
    assert ", 1 waiting" in meetings_entry(organizer)  # minutes to write


def test_the_menu_s_count_statement_sends_only_numbers_and_times_beside_its_text(app, personas):
    """Its words (statuses, answers, roles) are written into the SQL: PostgreSQL plans a prepared statement once for
    all its runs only when no value it could weigh a plan on is a parameter (the menu's counts were planned afresh
    on every page: 0.8 ms of 1.1)."""
    from sqlalchemy.dialects import postgresql

    for who in ("member_a", "signatory_a", "steering", "admin"):
        person = personas[who]
        with app.test_request_context():
            statement = workspace.count_statement(person, workspace.queues_of(person))
        now = datetime.now(UTC)
        expanded = statement.compile(dialect=postgresql.dialect()).construct_expanded_state(
            {"now": now, "today": now.date()}
        )
        assert "'open'" in expanded.statement or "'polling'" in expanded.statement
        kinds = {type(value) for value in expanded.parameters.values()}
        assert kinds <= {int, datetime, type(now.date())}, (who, kinds)


def meetings_entry(client) -> str:
    menu = home(client).split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.search(r'<a href="/meetings/">(.*?)</a>', menu).group(1)


def test_the_menu_s_counts_are_kept_until_what_they_count_changes(login, personas, meeting, count_queries):
    """Counted once, not on every page (the statement was a fifth of a signed-in page's cost); each change to what a
    queue counts shows on the next page, whoever made it."""
    member = login("member_a")
    assert "waiting" not in meetings_entry(member)
    with count_queries() as executed:
        assert "waiting" not in meetings_entry(member)
    assert not [statement for statement in executed if "meetings_to_answer" in statement]
    call = meeting("Call", invitees=("member_a",))  # a new invitation (the meetings' data version changes)
    assert ", 1 waiting" in meetings_entry(member)
    meetings.add_action(personas["steering"], call, "Send the evidence pack", personas["org_a"].id, None)
    db.session.commit()
    assert ", 2 waiting" in meetings_entry(member)


def test_an_application_reaches_the_administrators_menu_at_once(login):
    admin = login("admin")
    assert "Lagos Listeners" not in queue(home(admin), "applications_to_review")
    submit_application("Lagos Listeners", "NG", None, "Ada", "ada@example.org", "x" * 30, "en")
    db.session.commit()
    assert "Lagos Listeners" in queue(home(admin), "applications_to_review")


def test_a_letter_leaves_the_signatory_s_menu_the_day_after_its_deadline(login, open_letter, monkeypatch):
    """No row changes when a deadline passes: the kept count ends at the start of the next day (UTC)."""
    today = datetime.now(UTC).date()
    open_letter("Due today", deadline=today)
    signatory = login("signatory_a")
    assert count_in(queue(home(signatory), "letters_to_sign")) == 1
    monkeypatch.setattr(
        workspace, "utcnow", lambda: datetime.combine(today, datetime.min.time(), UTC) + timedelta(days=1)
    )
    assert count_in(queue(home(signatory), "letters_to_sign")) == 0
