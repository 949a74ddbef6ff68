"""axe-core finds no WCAG 2.2 AA violations on every page type, in English and Arabic, signed out and signed in
as the person each page is for."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, PHONE

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
PERSONAS = [None, "member", "signatory", "steering", "admin"]
# GET endpoints that answer a file, a feed, data or a redirect rather than a page.
NOT_PAGES = {
    "static",
    "health.healthz",
    "health.readyz",
    "metrics.metrics",
    "organizations_manage.mine",
    "accounts_settings.export",
    "incidents_evidence.original",
    "incidents_evidence.view",
    "incidents.export",
    "incidents_public.country_map",
    "insights.brief_pdf",
    "insights.chart",
    "insights.data_csv",
    "insights.public_chart",
    "insights.public_data_csv",
    "letters.pdf",
    "letters.plain_text",
    "letters.preview",
    "main.robots_txt",
    "meetings.attachment",
    "meetings.feed",
    "meetings.ics",
    "tracker.export_csv",
    "tracker.export_json",
    "tracker.feed",
    "tracker.platform_feed",
}

# The page list below also serves the phone-width check, which needs no axe.
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core not installed (make test runs npm install when npm is present)"
)


@pytest.fixture(scope="module")
def pages(live_server) -> dict[str | None, list[tuple[str, str]]]:
    """(endpoint, path) of one page of each type, under the persona it is for; objects come from the demo data,
    or are made here when a page needs one the demo lacks (a meeting the member is invited to, secret links)."""
    o = page_objects(live_server)
    letter, commitment = o["letter"], o["commitment"]
    return {
        None: [
            ("main.index", "/"),
            ("organizations.directory", "/members"),
            ("organizations.apply", "/apply"),
            ("organizations.application_status", f"/apply/status/{o['application_token']}"),
            ("accounts.sign_in", "/sign-in"),
            ("accounts.forgot_password", "/password/forgot"),
            ("accounts.reset_password", o["reset_path"]),
            ("accounts.accept_invitation", o["invitation_path"]),
            ("tracker.overview", "/tracker/"),
            ("tracker.platform", "/tracker/platforms/facebook"),
            ("tracker.commitment", f"/tracker/commitments/{commitment}"),
            ("tracker.embed", "/tracker/platforms/facebook/embed"),
            ("letters.index", "/letters/"),
            ("letters.detail", f"/letters/{letter}"),
            ("letters.printable", f"/letters/{letter}/print"),
            ("letters.versions", f"/letters/{letter}/versions"),
            ("letters.versions", f"/letters/{o['revised_letter']}/versions"),  # words added and removed
            ("letters.support", f"/letters/{letter}/support"),
            ("incidents_public.index", "/public/incidents/"),
            ("incidents_public.index", "/public/incidents/?sort=oldest&platform=facebook"),  # filters open
            ("incidents_public.detail", f"/public/incidents/{o['public_incident']}"),
            ("insights.public_index", "/public/insights/"),
            ("errors", "/no-such-page"),
        ],
        "member": [
            ("main.index", "/"),  # their workspace
            ("incidents.index", "/incidents/"),
            ("incidents.index", "/incidents/?sort=severity&severity=4"),  # filters open, sorted, badges
            ("incidents.new", "/incidents/new"),
            ("incidents_imports.new", "/incidents/import"),
            ("incidents_imports.detail", f"/incidents/imports/{o['waiting_import']}"),  # its progress
            ("incidents_imports.detail", f"/incidents/imports/{o['refused_import']}"),  # each row's errors
            ("incidents.detail", f"/incidents/{o['draft_incident']}"),
            ("incidents.edit", f"/incidents/{o['draft_incident']}/edit"),
            ("accounts_settings.profile", "/account/"),
            ("accounts_settings.change_password", "/account/password"),
            ("accounts_settings.tokens", "/account/tokens"),
            ("accounts_settings.two_factor_setup", "/account/two-factor"),
            ("insights.index", "/insights/"),
            ("insights.brief", "/insights/brief/facebook"),
            ("meetings.index", "/meetings/"),
            ("meetings.calendar_settings", "/meetings/calendar"),
            ("meetings.detail", f"/meetings/{o['meeting']}"),
            ("meetings.detail", f"/meetings/{o['scheduled_meeting']}"),  # with the invitee's answer buttons
            ("tracker_manage.following", "/tracker/manage/following"),
            ("tracker_manage.propose", f"/tracker/manage/{commitment}/propose"),
            ("tracker.platform", "/tracker/platforms/facebook"),  # drawn for them: follow, propose
            ("tracker.commitment", f"/tracker/commitments/{commitment}"),
        ],
        "signatory": [("main.index", "/"), ("letters.detail", f"/letters/{letter}")],
        "steering": [
            ("incidents.index", "/incidents/?sort=response"),  # every status's badge
            ("main.index", "/"),
            ("incidents.detail", f"/incidents/{o['submitted_incident']}"),
            ("accounts_settings.two_factor_setup", "/account/two-factor"),
            ("accounts_settings.profile", "/account/"),  # second factor on, and what depends on it
            ("letters_manage.index", "/letters/manage/"),
            ("letters_manage.new", "/letters/manage/new"),
            ("letters_manage.progress", f"/letters/manage/{letter}"),
            ("letters_manage.settings", f"/letters/manage/{letter}/settings"),
            ("letters_manage.text", f"/letters/manage/{letter}/text/en"),
            ("letters_manage.text", f"/letters/manage/{letter}/text/fr"),
            ("tracker_manage.index", "/tracker/manage/"),
            ("tracker_manage.detail", f"/tracker/manage/{commitment}"),
            ("tracker_manage.edit", "/tracker/manage/new"),
            ("tracker_manage.edit", f"/tracker/manage/{commitment}/edit"),
            ("meetings.index", "/meetings/"),  # every meeting, past ones apart
            ("meetings.new", "/meetings/new"),
            ("meetings.new_series", "/meetings/series/new"),
            ("meetings.detail", f"/meetings/{o['meeting']}"),
            ("meetings.invite", f"/meetings/{o['meeting']}/invite"),
        ],
        "admin": [
            ("main.index", "/"),
            ("admin.index", "/admin/"),
            ("admin.applications", "/admin/applications"),
            ("admin.application", f"/admin/applications/{o['application']}"),
            ("admin.organization_list", "/admin/organizations"),
            ("admin.organization_new", "/admin/organizations/new"),
            ("admin.organization_edit", f"/admin/organizations/{o['organization']}/edit"),
            ("admin.people", "/admin/people"),
            ("accounts_people.roles", f"/people/{o['person']}/roles"),
            ("admin.platform_list", "/admin/platforms"),
            ("admin.platform_form", "/admin/platforms/new"),
            ("admin.platform_form", f"/admin/platforms/{o['platform']}/edit"),
            ("admin.audit_trail", "/admin/audit"),
            ("outbox.index", "/admin/outbox/"),
            ("admin.job_list", "/admin/jobs"),
            ("organizations_manage.organization", f"/organizations/{o['org_slug']}/manage"),
            ("organizations_manage.invite", f"/organizations/{o['org_slug']}/invite"),
        ],
    }


def page_objects(live_server) -> dict:
    from app.accounts.auth import find_user_by_email
    from app.accounts.models import OrgRole
    from app.accounts.services import invite, request_password_reset
    from app.extensions import db
    from app.incidents import import_jobs
    from app.incidents.models import Incident
    from app.letters.models import Letter
    from app.meetings import services as meetings
    from app.meetings.vocab import Kind
    from app.organizations.services import submit_application
    from app.outbox.models import OutboxMessage
    from app.platforms.models import Platform
    from app.tracker.models import Commitment

    app, people = live_server["app"], live_server["people"]
    with app.test_request_context(method="POST"):  # a writer from the start: the job thread writes too
        steering, member = (find_user_by_email(people[who]["email"]) for who in ("steering", "member"))
        application, application_token = submit_application(
            "Axe Checkers", "KE", None, "Amina", "amina@e2e.example", "We check pages.", "en"
        )
        _, invitation_token = invite(None, "invitee@e2e.example", member.organization, OrgRole.MEMBER)
        request_password_reset(member.email)
        reset_link = db.session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.recipient == member.email).order_by(OutboxMessage.id.desc())
        ).first()
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        meeting = meetings.create_meeting(
            steering,
            meetings.MeetingData(kind=Kind.MEMBERS, title="Axe check call", timezone="Africa/Nairobi"),
            [member.id],
            [start, start + timedelta(hours=5)],
        )
        scheduled = meetings.create_meeting(
            steering,
            meetings.MeetingData(kind=Kind.MEMBERS, title="Axe check answers", timezone="Africa/Nairobi"),
            [member.id],
            [start],
        )
        meetings.pick_slot(steering, scheduled, scheduled.slots[0])
        waiting = import_jobs.start_import(member, b"title\nWaiting\n", "waiting.csv")
        refused = import_jobs.start_import(member, b"title,platform\nUnknown platform,myspace\n", "refused.csv")
        db.session.commit()
        import_jobs.run_import(refused.id)
        revised_letter = letter_with_two_versions(steering)

        def incident(status: str) -> str:
            """One of the member's organization's incidents at that step (the demo files them all there)."""
            return db.session.scalar(
                select(Incident.reference).where(
                    Incident.status == status, Incident.organization_id == member.organization_id
                )
            )

        objects = {
            "letter": db.session.scalar(select(Letter.slug).order_by(Letter.id).limit(1)),
            "revised_letter": revised_letter,
            "commitment": db.session.scalar(select(Commitment.id).where(Commitment.is_published).limit(1)),
            "public_incident": incident("published"),
            "draft_incident": incident("draft"),
            "submitted_incident": incident("submitted"),
            "meeting": meeting.id,
            "scheduled_meeting": scheduled.id,  # answers (RSVP) open
            "waiting_import": waiting.id,
            "refused_import": refused.id,
            "application": application.id,
            "application_token": application_token,
            "invitation_path": f"/invitations/{invitation_token}",
            "reset_path": "/password/reset/" + reset_link.split("/password/reset/")[1].split()[0],
            "organization": member.organization_id,
            "org_slug": steering.organization.slug,
            "person": member.id,
            "platform": db.session.scalar(select(Platform.id).limit(1)),
        }
        db.session.commit()
    return objects


def letter_with_two_versions(steering) -> str:
    """An open letter whose second version changed words of the first (the comparison marks them)."""
    from app.extensions import db
    from app.letters import services as letters
    from app.letters.vocab import LetterStatus
    from app.platforms.models import Platform

    platform = db.session.scalar(select(Platform.id).limit(1))
    letter = letters.create_letter(
        steering, platform, "The CEO", "en", "Axe check letter", "We ask you to hire moderators in Asia.", ["Answer us"]
    )
    letters.save_text(
        steering,
        letter,
        "en",
        letter.original.title,
        "We ask you to hire moderators in Africa and Asia.",
        ["Answer us"],
        False,
        letter.edit_version,
    )
    letter.status = LetterStatus.OPEN
    db.session.commit()
    return letter.slug


def violations(page) -> list[str]:
    """axe runs through the DevTools protocol, so the page's CSP does not stop it."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    assert result["passes"], "axe ran its checks"
    return [
        f"{item['id']}: {item['help']} ({len(item['nodes'])}) e.g. {item['nodes'][0]['html'][:160]}"
        for item in result["violations"]
    ]


def check(page, base_url: str, paths, locale: str) -> dict[str, list[str]]:
    """Each page's axe violations; a page that does not load as itself (redirected, refused) is one too."""
    found = {}
    for path in paths:
        response = page.goto(f"{base_url}{path}{'&' if '?' in path else '?'}lang={locale}")
        expected = 404 if path == "/no-such-page" else 200
        if response.status != expected or urlsplit(page.url).path != urlsplit(path).path:
            found[path] = [f"answered {response.status} at {page.url}"]
        elif problems := violations(page):
            found[path] = problems
    return found


@needs_axe
@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("who", PERSONAS)
def test_every_page_type_has_no_violations(visit, live_server, pages, who, locale):
    you = visit(who)
    assert check(you.page, live_server["url"], [path for _, path in pages[who]], locale) == {}


@needs_axe
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_second_factor_step_has_no_violations(visit, live_server, locale):
    you = visit()
    you.goto("/sign-in")
    you.fill("Email address", live_server["people"]["steering"]["email"])
    you.fill("Password", PASSWORD)
    you.submit("Sign in")
    assert check(you.page, live_server["url"], ["/sign-in/second-factor"], locale) == {}


def test_the_list_covers_every_page_of_the_app(live_server, pages):
    """A new page joins the list above (or NOT_PAGES when it is not HTML), so axe checks it too."""
    checked = {endpoint for listed in pages.values() for endpoint, _ in listed} | {"accounts.sign_in_second_factor"}
    endpoints = {
        rule.endpoint
        for rule in live_server["app"].url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert endpoints - NOT_PAGES - checked == set()


@needs_axe
@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/sign-in"),
        (None, "/apply"),
        ("member", "/incidents/new"),
        ("steering", "/letters/manage/new"),
        ("steering", "/meetings/new"),
    ],
)
def test_forms_sent_empty_show_their_errors_without_violations(visit, who, path, locale):
    you = visit(who)
    you.goto(path, locale)
    you.submit(you.page.locator("main form [type=submit]").last)
    you.page.locator(".error-summary").wait_for()
    assert you.page.evaluate("document.documentElement.lang") == locale
    assert violations(you.page) == []


# Phone width (WCAG 1.4.10 reflow): nothing wider than the screen, so no page scrolls sideways. When one does, the
# report names the outermost element that sticks out (its parent fits), the one whose layout needs fixing.
SIDEWAYS = """() => {
  const width = window.innerWidth, page = document.documentElement.scrollWidth;
  if (page <= width) return null;
  const clipped = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  const out = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 1 || r.left < -1); };
  const all = [...document.body.querySelectorAll('*')].filter(el => !clipped(el));
  const culprit = all.find(el => out(el) && !out(el.parentElement))
    || all.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width)[0];
  const name = culprit.tagName.toLowerCase() + [...culprit.classList].map(c => '.' + c).join('');
  return `${page}px wide: ${name} (${Math.round(culprit.getBoundingClientRect().width)}px) `
    + JSON.stringify(culprit.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60));
}"""


def sideways(page, base_url: str, paths, locale: str) -> dict[str, str]:
    """Each page wider than the phone's screen, with its width and the element that makes it so."""
    found = {}
    for path in paths:
        page.goto(f"{base_url}{path}{'&' if '?' in path else '?'}lang={locale}")
        if problem := page.evaluate(SIDEWAYS):
            found[path] = problem
    return found


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("who", PERSONAS)
def test_no_page_type_scrolls_sideways_on_a_phone(browser, live_server, signed_in_state, pages, who, locale):
    context = browser.new_context(viewport=PHONE, storage_state=signed_in_state(who) if who else None)
    try:
        paths = [path for _, path in pages[who]]
        found = sideways(context.new_page(), live_server["url"], paths, locale)
        assert not found, "\n".join(f"{path} is {problem}" for path, problem in found.items())
    finally:
        context.close()


# The languages of issue #26, on the pages people meet first: the landing page, the tracker, a letter and the
# incident form (a member's).
NEW_LANGUAGES = ["bn", "my", "id", "de"]
FIRST_PAGES = {None: ["/", "/tracker/", "/letters/{letter}"], "member": ["/incidents/new"]}


def first_pages(pages, who) -> list[str]:
    letter = next(path for endpoint, path in pages[None] if endpoint == "letters.detail")
    return [path.format(letter=letter.removeprefix("/letters/")) for path in FIRST_PAGES[who]]


@needs_axe
@pytest.mark.parametrize("locale", NEW_LANGUAGES)
@pytest.mark.parametrize("who", FIRST_PAGES)
def test_first_pages_in_the_new_languages_have_no_violations(visit, live_server, pages, who, locale):
    you = visit(who)
    assert check(you.page, live_server["url"], first_pages(pages, who), locale) == {}


@pytest.mark.parametrize("locale", NEW_LANGUAGES)
@pytest.mark.parametrize("who", FIRST_PAGES)
def test_first_pages_in_the_new_languages_fit_a_phone(browser, live_server, signed_in_state, pages, who, locale):
    context = browser.new_context(viewport=PHONE, storage_state=signed_in_state(who) if who else None)
    try:
        found = sideways(context.new_page(), live_server["url"], first_pages(pages, who), locale)
        assert not found, "\n".join(f"{path} is {problem}" for path, problem in found.items())
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "family", "text"), [("bn", "Noto Sans Bengali", "১"), ("my", "Noto Sans Myanmar", "၁")]
)
def test_bengali_and_burmese_pages_draw_in_the_shipped_font(page, live_server, locale, family, text):
    """The language's Noto font comes from the app (few systems have it), and the page's numbers use its digits."""
    page.goto(f"{live_server['url']}/tracker/?lang={locale}")
    loaded = page.evaluate(
        "async family => { await document.fonts.ready; return [...document.fonts].filter(font => "
        "font.family.replaceAll('\"', '') === family && font.status === 'loaded').length; }",
        family,
    )
    assert loaded == 1
    assert text in page.locator("main").inner_text()
