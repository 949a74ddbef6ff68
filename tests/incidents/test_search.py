"""Finding incidents: list filters, full-text search, facet counts, keyset pages and the public list."""

import gzip
import html
import re
from datetime import date

import pytest

from app.accounts.models import OrgRole
from app.extensions import db
from app.incidents import search, services
from app.incidents.vocab import Channel, Outcome, Severity
from tests.incidents.helpers import listed, titles_on

ARABIC = "خطاب الكراهية ضد اللاجئين"
HINDI = "शरणार्थियों के खिलाफ नफरत"


def next_link(response) -> str | None:
    found = re.search(r'<a class="button secondary" href="([^"]+)">Next page</a>', response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


def report(author, incident, outcome=Outcome.PENDING, reported_on=date(2026, 3, 2), outcome_on=None):
    services.add_report(author, incident, reported_on, Channel.IN_APP, None, outcome, outcome_on, False)
    db.session.commit()


@pytest.fixture
def catalogue(personas, incident_factory, platform_factory):
    """Incidents that differ from "Baseline" in one respect each; all visible to member_a."""
    member_a, member_b = personas["member_a"], personas["member_b"]
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    incident_factory(member_a, title="Baseline")
    incident_factory(member_a, title="Arabic", language="ar")
    incident_factory(member_a, title="Kenyan", country="KE")
    incident_factory(member_a, title="Incitement", categories=["incitement", "hate_speech"])
    incident_factory(member_a, title="Critical", severity=Severity.CRITICAL)
    incident_factory(member_a, title="Public", status="published", visibility="public")
    incident_factory(member_a, title="Submitted", status="submitted")
    incident_factory(member_a, title="Early", first_seen_on=date(2026, 1, 10))
    incident_factory(member_a, title="Late", first_seen_on=date(2026, 6, 20))
    report(member_a, incident_factory(member_a, title="Removed"), Outcome.REMOVED, outcome_on=date(2026, 3, 5))
    report(member_a, incident_factory(member_a, title="Pending"))
    incident_factory(member_a, title="Other platform", platform_id=tiktok.id)
    incident_factory(member_b, title="From B", status="verified")
    return {"tiktok": tiktok.slug, "tiktok_id": tiktok.id, "org_b": personas["org_b"].slug}


EVERYTHING = {
    "Baseline",
    "Arabic",
    "Kenyan",
    "Incitement",
    "Critical",
    "Public",
    "Submitted",
    "Early",
    "Late",
    "Removed",
    "Pending",
    "Other platform",
    "From B",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform={tiktok}", {"Other platform"}),
        ("category=incitement", {"Incitement"}),
        ("category=incitement&category=hate_speech", EVERYTHING),
        ("language=ar", {"Arabic"}),
        ("country=ke", {"Kenyan"}),
        ("status=submitted", {"Submitted"}),
        ("status=published&status=verified", {"Public", "From B"}),
        ("visibility=public", {"Public"}),
        ("severity=4", {"Critical"}),
        ("organization={org_b}", {"From B"}),
        ("outcome=removed", {"Removed"}),
        ("reported=yes", {"Removed", "Pending"}),
        ("reported=no", EVERYTHING - {"Removed", "Pending"}),
        ("since=2026-06-01", {"Late"}),
        ("until=2026-02-01", {"Early"}),
        ("since=2026-01-01&until=2026-02-28", {"Early"}),
        ("language=ar&country=NG", {"Arabic"}),
        ("language=ar&country=KE", set()),
    ],
)
def test_each_filter_narrows_the_list(login, catalogue, query, expected):
    assert set(listed(login("member_a"), "/incidents/?" + query.format(**catalogue))) == expected


@pytest.mark.parametrize(
    "query",
    [
        "colour=red",
        "status=bogus",
        "severity=9",
        "since=yesterday&until=2026-13-45",
        "language=../etc&country=Nigeria",
        "reported=maybe",
        "after=abc",
        "category=<script>",
        "outcome=gone",
        "after=99999999999999999999",
        "after=-5",
    ],
)
def test_unknown_filters_and_values_are_ignored(login, catalogue, query):
    assert set(listed(login("member_a"), "/incidents/?" + query)) == EVERYTHING


@pytest.mark.parametrize("value", ["abc", "²", "{tiktok_id}"])
def test_a_platform_filter_naming_no_platform_matches_nothing(login, catalogue, value):
    """Platforms are named by slug, as organizations are: a number or anything else never widens the list."""
    assert listed(login("member_a"), "/incidents/?platform=" + value.format(**catalogue)) == []


def test_the_platform_facet_names_platforms_by_slug(login, catalogue):
    client = login("member_a")
    page = client.get("/incidents/").get_data(as_text=True)
    assert 'name="platform" value="tiktok">' in page and 'name="platform" value="facebook">' in page
    assert 'name="platform" value="tiktok" checked' in client.get("/incidents/?platform=tiktok").get_data(as_text=True)


def test_the_list_is_for_signed_in_members_only(client):
    response = client.get("/incidents/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.fixture
def across_organizations(personas, incident_factory):
    """Incidents of both organizations at every step, titled by organization, status and visibility."""
    for persona, org in (("member_a", "A"), ("member_b", "B")):
        for status, visibility in (
            ("draft", "coalition"),
            ("submitted", "coalition"),
            ("verified", "coalition"),
            ("verified", "organization"),
            ("rejected", "coalition"),
            ("published", "public"),
        ):
            incident_factory(
                personas[persona], title=f"{org} {status} {visibility}", status=status, visibility=visibility
            )


OWN_A = {
    "A draft coalition",
    "A submitted coalition",
    "A verified coalition",
    "A verified organization",
    "A rejected coalition",
    "A published public",
}
OWN_B = {title.replace("A ", "B ", 1) for title in OWN_A}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member_a", OWN_A | {"B verified coalition", "B published public"}),
        ("org_admin_a", OWN_A | {"B verified coalition", "B published public"}),
        ("member_b", OWN_B | {"A verified coalition", "A published public"}),
        ("steering", (OWN_A | OWN_B) - {"A draft coalition", "B draft coalition"}),
    ],
)
def test_the_list_shows_each_reader_only_what_they_may_see(login, across_organizations, persona, expected):
    assert set(listed(login(persona), "/incidents/")) == expected


def test_each_group_of_readers_gets_its_own_cached_list(login, across_organizations):
    """The drawn list is cached per group of readers who see the same incidents: never handed to another."""
    expected = {
        "member_a": OWN_A | {"B verified coalition", "B published public"},
        "member_b": OWN_B | {"A verified coalition", "A published public"},
        "steering": (OWN_A | OWN_B) - {"A draft coalition", "B draft coalition"},
    }
    for _round in range(2):
        for persona, titles in expected.items():
            assert set(listed(login(persona), "/incidents/")) == titles, persona
            assert set(listed(login(persona), "/incidents/?q=coalition")) == {
                title for title in titles if "coalition" in title
            }, persona


def test_the_cached_list_shows_a_new_incident_and_a_renamed_platform_at_once(login, personas, incident_factory):
    client = login("member_a")
    incident_factory(personas["member_a"], title="First")
    assert listed(client, "/incidents/") == ["First"] and listed(client, "/public/incidents/") == []
    incident = incident_factory(personas["member_a"], title="Second", status="published", visibility="public")
    assert listed(client, "/incidents/") == ["Second", "First"]
    assert listed(client, "/public/incidents/") == ["Second"]
    incident.platform.name = "Meta Facebook"
    db.session.commit()
    assert "Meta Facebook" in client.get("/incidents/").get_data(as_text=True)
    assert "Meta Facebook" in client.get("/public/incidents/").get_data(as_text=True)


def test_a_members_cached_list_is_their_own_and_answers_without_reading_incidents(
    login, personas, across_organizations, count_queries
):
    """Each reader has their own copy of the page (their name, their menu); a second look reads no incident (the
    menu's counts of waiting work are counted afresh, in one statement)."""
    member, org_admin = login("member_a"), login("org_admin_a")
    for _round in range(2):
        for client, persona, sees_own_organization_menu in (
            (member, "member_a", False),
            (org_admin, "org_admin_a", True),
        ):
            page = client.get("/incidents/").get_data(as_text=True)
            assert personas[persona].name in page and ("My organization" in page) is sees_own_organization_menu
    with count_queries() as executed:
        assert set(listed(member, "/incidents/")) == OWN_A | {"B verified coalition", "B published public"}
    assert not [s for s in executed if "incidents" in s and not s.startswith("SELECT (SELECT count(*)")]


def test_a_new_address_for_the_same_list_reuses_its_drawn_results(login, personas, across_organizations, monkeypatch):
    """Results are kept under the list's filters and order, not its address: an argument the list ignores (a
    campaign tag) or the same words spaced otherwise draw nothing again, and the page's links carry the filters
    alone."""
    drawn = []
    page = search.page
    monkeypatch.setattr(search, "page", lambda *args, **kwargs: drawn.append(args) or page(*args, **kwargs))
    client = login("member_a")
    first = listed(client, "/incidents/?q=coalition")
    response = client.get("/incidents/?q=+coalition+&utm_source=mail&sort=")
    assert len(drawn) == 1 and titles_on(response) == first != []
    exports = re.findall(r'href="/incidents/export\.csv\?([^"]*)"', response.get_data(as_text=True))
    assert exports == ["q=coalition"]
    client.get("/incidents/?q=coalition&sort=oldest")
    assert len(drawn) == 2  # another order: drawn


def test_a_cached_list_carries_a_csrf_token_that_signs_out_each_browser_of_the_reader(app, personas, sign_in_as):
    """The same person in two browsers: each cached copy's sign-out form works in its own browser."""
    app.config["WTF_CSRF_ENABLED"] = True
    browsers = [sign_in_as(app.test_client(), personas["member_a"]) for _ in range(2)]
    for _round in range(2):
        pages = [browser.get("/incidents/").get_data(as_text=True) for browser in browsers]
    for browser, page in zip(browsers, pages, strict=True):
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert browser.post("/sign-out", data={"csrf_token": token}).status_code == 302
        assert browser.get("/incidents/").status_code == 302


def test_a_cached_list_is_sent_compressed_to_browsers_that_accept_it(login, personas):
    client = login("member_a")
    plain = client.get("/incidents/")
    compressed = client.get("/incidents/", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(compressed.data) == plain.data and b"Incidents" in plain.data


def test_a_cached_list_is_never_shown_once_the_session_has_ended(login, personas):
    from app.accounts.auth import revoke_sessions

    client = login("member_a")
    assert client.get("/incidents/").status_code == 200
    revoke_sessions(personas["member_a"])
    db.session.commit()
    response = client.get("/incidents/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_a_cached_list_shows_a_waiting_message_once(login, personas):
    client = login("member_a")
    client.get("/incidents/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your import is done.")]
    assert "Your import is done." in client.get("/incidents/").get_data(as_text=True)
    assert "Your import is done." not in client.get("/incidents/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("name", "Amara Okafor", "Amara Okafor"),
        ("timezone", "Asia/Kolkata", "Kolkata"),
        ("org_role", OrgRole.ORG_ADMIN, "My organization"),
    ],
)
def test_a_cached_list_follows_a_change_to_what_its_frame_shows_of_the_reader(login, personas, field, value, shown):
    client = login("member_a")
    assert shown not in client.get("/incidents/").get_data(as_text=True)
    setattr(personas["member_a"], field, value)
    db.session.commit()
    assert shown in client.get("/incidents/").get_data(as_text=True)


@pytest.mark.parametrize("field", ["title", "description", "excerpt"])
def test_search_finds_words_in_title_description_and_excerpt(login, personas, incident_factory, field):
    fields = {"title": "The match"} | {field: "Calls refugees vermin"}
    incident_factory(personas["member_a"], **fields)
    incident_factory(personas["member_a"], title="Unrelated", description="Nothing to see", excerpt="Other words")
    assert listed(login("member_a"), "/incidents/?q=vermin") == [fields["title"]]


@pytest.mark.parametrize("query", ["الكراهية", "اللاجئين", "خطاب الكراهية", "الكراه"])
def test_search_finds_arabic_words_and_prefixes(login, personas, incident_factory, query):
    incident_factory(personas["member_a"], title="Arabic post", language="ar", excerpt=ARABIC)
    incident_factory(personas["member_a"], title="English post", excerpt="Hate speech against refugees")
    assert listed(login("member_a"), "/incidents/?q=" + query) == ["Arabic post"]


@pytest.mark.parametrize("query", ["शरणार्थियों", "खिलाफ", "शरणार्थियों नफरत", "नफ"])
def test_search_finds_hindi_words_whole_with_their_vowel_signs(login, personas, incident_factory, query):
    incident_factory(personas["member_a"], title="Hindi post", language="hi", description=HINDI)
    incident_factory(personas["member_a"], title="Other Hindi post", language="hi", description="कुछ और")
    assert listed(login("member_a"), "/incidents/?q=" + query) == ["Hindi post"]


def test_search_matches_the_start_of_the_last_word_and_ignores_case(login, personas, incident_factory):
    incident_factory(personas["member_a"], title="Refugees called vermin")
    incident_factory(personas["member_a"], title="Election disinformation")
    client = login("member_a")
    assert listed(client, "/incidents/?q=REFUG") == ["Refugees called vermin"]
    assert listed(client, "/incidents/?q=elect") == ["Election disinformation"]


def test_search_with_several_words_needs_every_word(login, personas, incident_factory):
    incident_factory(personas["member_a"], title="Refugees called vermin")
    incident_factory(personas["member_a"], title="Refugees welcome")
    assert listed(login("member_a"), "/incidents/?q=refugees+vermin") == ["Refugees called vermin"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        '""',
        "refugees AND OR NOT",
        "NEAR(refugees vermin)",
        "*",
        "refugees*",
        "title:refugees",
        "'; DROP TABLE incidents; --",
        "a & b | !c",
        "(refugees",
        "refugees:*",
        "\\",
        "^refugees",
        "-refugees",
        "{title}: x",
        "!!!",
        "<->",
        "''",
        "a'b",
        "+",
        "   ",
        "nul\x00byte",
        "\u0301",
        "²",
    ],
)
def test_operators_and_quotes_in_the_search_never_cause_an_error(login, personas, incident_factory, query):
    incident_factory(personas["member_a"], title="Refugees called vermin")
    client = login("member_a")
    expected = 400 if "\x00" in query else 200  # a NUL byte is refused app-wide with a clear 400
    assert client.get("/incidents/", query_string={"q": query}).status_code == expected
    assert client.get("/public/incidents/", query_string={"q": query}).status_code == expected
    assert client.get("/api/v1/incidents", query_string={"q": query}).status_code == expected


def test_quotes_around_a_word_still_find_it(login, personas, incident_factory):
    incident_factory(personas["member_a"], title="Refugees called vermin")
    assert listed(login("member_a"), "/incidents/?q=%22vermin%22") == ["Refugees called vermin"]


def test_search_never_returns_incidents_the_reader_may_not_see(login, personas, incident_factory):
    incident_factory(personas["member_b"], title="B draft about vermin")
    incident_factory(
        personas["member_b"], title="B vermin kept in the organization", status="verified", visibility="organization"
    )
    incident_factory(personas["member_b"], title="B shared vermin", status="verified")
    assert listed(login("member_a"), "/incidents/?q=vermin") == ["B shared vermin"]
    assert listed(login("steering"), "/incidents/?q=vermin") == ["B shared vermin", "B vermin kept in the organization"]


def test_facet_counts_never_count_incidents_the_reader_may_not_see(personas, incident_factory):
    incident_factory(personas["member_a"], title="Own draft about vermin", language="ar")
    incident_factory(personas["member_b"], title="Shared vermin", status="verified", country="KE")
    for status in ("draft", "submitted", "rejected"):
        incident_factory(
            personas["member_b"],
            title=f"Hidden vermin {status}",
            status=status,
            severity=Severity.LOW,
            categories=["incitement"],
        )
    incident_factory(personas["member_b"], title="Hidden vermin", status="verified", visibility="organization")
    for filters in (search.Filters(), search.Filters(q="vermin")):
        counts = search.facet_counts(personas["member_a"], filters)
        assert counts["status"] == {"draft": 1, "verified": 1}
        assert counts["language"] == {"ar": 1, "en": 1}
        assert counts["country"] == {"NG": 1, "KE": 1}
        assert counts["severity"] == {"2": 2}
        assert counts["visibility"] == {"coalition": 2}
        assert counts["category"] == {"hate_speech": 2}
        assert sum(counts["platform"].values()) == 2


def test_facet_counts_follow_the_filters_and_count_every_category_of_matching_incidents(personas, incident_factory):
    member_a = personas["member_a"]
    incident_factory(member_a, title="Both", categories=["incitement", "hate_speech"], severity=Severity.SEVERE)
    incident_factory(member_a, title="Incitement only", categories=["incitement"])
    incident_factory(member_a, title="Hate only", categories=["hate_speech"])
    counts = search.facet_counts(member_a, search.Filters(category=["incitement"]))
    assert counts["category"] == {"incitement": 2, "hate_speech": 1}
    assert counts["severity"] == {"2": 1, "3": 1}


def test_the_list_page_shows_fewer_than_5_for_a_facet_of_three_and_rounds_the_others(login, personas, incident_factory):
    for country, number in (("KE", 3), ("NG", 8)):
        for _ in range(number):
            incident_factory(personas["member_a"], country=country)
    body = login("member_a").get("/incidents/").get_data(as_text=True)
    assert '<bdi>Kenya</bdi> <span class="badge">fewer than 5</span>' in body
    assert '<bdi>Nigeria</bdi> <span class="badge">10</span>' in body and '<span class="badge">3</span>' not in body


def test_the_list_page_shows_facet_counts_of_visible_incidents_only(login, personas, incident_factory):
    incident_factory(personas["member_a"], title="Own", language="ar")
    for _ in range(3):
        incident_factory(personas["member_b"], title="Hidden", language="sw")
    body = login("member_a").get("/incidents/").get_data(as_text=True)
    assert 'name="language" value="ar"' in body
    assert 'value="sw"' not in body


def collect_pages(client, url):
    pages = []
    while url:
        assert len(pages) < 10, "the next links never end"
        response = client.get(url)
        pages.append(titles_on(response))
        url = next_link(response)
    return pages


def test_sixty_incidents_come_in_pages_of_25_25_and_10_without_duplicates(login, personas, incident_factory):
    for number in range(60):
        incident_factory(personas["member_a"], title=f"Incident {number:02d}")
    pages = collect_pages(login("member_a"), "/incidents/")
    assert [len(page) for page in pages] == [25, 25, 10]
    titles = [title for page in pages for title in page]
    assert titles == [f"Incident {number:02d}" for number in reversed(range(60))]


def test_search_results_come_newest_first_in_pages_without_duplicates(login, personas, incident_factory):
    """On SQLite a search page is read along the search index: the same order and pages as the plain list."""
    for number in range(60):
        incident_factory(personas["member_a"], title=f"Takedown {number:02d}" if number % 3 else f"Other {number:02d}")
    pages = collect_pages(login("member_a"), "/incidents/?q=takedown")
    assert [len(page) for page in pages] == [25, 15]
    assert [title for page in pages for title in page] == [
        f"Takedown {number:02d}" for number in reversed(range(60)) if number % 3
    ]


def test_next_links_keep_the_filters(login, personas, incident_factory):
    for number in range(30):
        incident_factory(personas["member_a"], title=f"Arabic {number:02d}", language="ar")
        incident_factory(personas["member_a"], title=f"English {number:02d}")
    pages = collect_pages(login("member_a"), "/incidents/?language=ar&q=arabic")
    assert [len(page) for page in pages] == [25, 5]
    assert all(title.startswith("Arabic") for page in pages for title in page)


def test_the_list_runs_as_many_statements_for_60_incidents_as_for_10(
    login, personas, incident_factory, platform_factory, count_queries
):
    platforms = [platform_factory(name=f"Platform {n}", slug=f"platform-{n}") for n in range(3)]
    client = login("member_a")

    def add(count):
        for number in range(count):
            author = personas["member_a"] if number % 2 else personas["member_b"]
            incident = incident_factory(
                author,
                title=f"Incident {number}",
                status="verified",
                platform_id=platforms[number % 3].id,
                categories=["incitement", "other"],
                communities=["migrants_refugees"],
                urls=[f"https://example.org/{number}"],
            )
            report(author, incident)

    def statements():
        with count_queries() as executed:
            assert client.get("/incidents/").status_code == 200
        return len(executed)

    add(10)
    with_ten = statements()
    add(50)
    assert statements() == with_ten


@pytest.fixture
def for_the_public(personas, incident_factory):
    """Incidents of every kind filed by the steering organization itself and by organization A."""
    for persona in ("steering", "member_a"):
        author = personas[persona]
        incident_factory(author, title=f"Published public by {persona}", status="published", visibility="public")
        incident_factory(author, title=f"Published coalition by {persona}", status="published")
        incident_factory(author, title=f"Verified public by {persona}", status="verified", visibility="public")
        incident_factory(author, title=f"Draft public by {persona}", visibility="public")
        incident_factory(author, title=f"Submitted public by {persona}", status="submitted", visibility="public")


@pytest.mark.parametrize("persona", [None, "member_a", "steering", "admin"])
def test_public_list_shows_only_published_public_incidents_whoever_reads_it(login, for_the_public, persona):
    assert set(listed(login(persona), "/public/incidents/")) == {
        "Published public by steering",
        "Published public by member_a",
    }


def test_public_list_filters_cannot_widen_what_it_shows(login, for_the_public):
    client = login("steering")
    assert listed(client, "/public/incidents/?status=draft&visibility=coalition") == []
    assert listed(client, "/public/incidents/?q=verified") == []
    assert listed(client, "/public/incidents/?q=published+public+member") == ["Published public by member_a"]


def test_public_list_pages_through_next_links(client, personas, incident_factory):
    for number in range(30):
        incident_factory(personas["member_a"], title=f"Public {number:02d}", status="published", visibility="public")
    pages = collect_pages(client, "/public/incidents/")
    assert [len(page) for page in pages] == [25, 5]
    assert len({title for page in pages for title in page}) == 30


def _incident_list(page: str) -> str:
    return re.search(r'<ul class="incident-list">.*?</ul>', page, re.S).group(0)


def test_a_list_for_a_new_address_draws_only_the_rows_no_list_has_drawn(
    login, personas, incident_factory, count_queries
):
    """Each row is drawn once per incidents' version and language and kept: a list drawn for a new filter or page
    loads no incident another list has drawn, and its rows are the same as when they were first drawn."""
    client = login("member_a")
    for number in range(3):
        incident = incident_factory(personas["member_a"], title=f"Row {number}", status="verified")
        services.add_report(
            personas["member_a"],
            incident,
            date(2026, 3, 2),
            Channel.IN_APP,
            None,
            Outcome.REMOVED,
            date(2026, 3, 9),
            False,
        )
    db.session.commit()
    first = _incident_list(client.get("/incidents/?severity=2").get_data(as_text=True))
    assert "Row 2" in first and "latest response: Mar 9, 2026" in first  # from its reports
    with count_queries() as executed:
        again = _incident_list(client.get("/incidents/?severity=2&status=verified").get_data(as_text=True))
    assert again == first
    assert not [statement for statement in executed if "FROM platform_reports" in statement]
    assert not [statement for statement in executed if "incident_categories.incident_id IN" in statement]


def test_a_drawn_row_shows_a_change_to_its_incident_at_once(login, personas, incident_factory):
    client = login("member_a")
    incident = incident_factory(personas["member_a"], title="Before", status="verified")
    assert "Before" in _incident_list(client.get("/incidents/?q=").get_data(as_text=True))
    incident.title = "After"
    db.session.commit()
    drawn = _incident_list(client.get("/incidents/?status=verified").get_data(as_text=True))
    assert "After" in drawn and "Before" not in drawn
