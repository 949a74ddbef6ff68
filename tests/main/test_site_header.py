"""The site's header (menu, counts, account links), drawn once for a signed-in reader's pages of one kind and kept
(``page_cache.site_header_key``): it must still show each reader their own menu, mark the page they are on and
follow what it shows."""

import re

from app.accounts.models import OrgRole
from app.extensions import db
from app.main import workspace


def header(response) -> str:
    assert response.status_code == 200
    return re.search(r'<header class="site-header">.*?</header>', response.get_data(as_text=True), re.DOTALL).group(0)


def test_a_reader_s_header_is_drawn_once_for_their_pages_of_one_kind(login, monkeypatch):
    drawn = []
    counting = workspace.waiting_in
    monkeypatch.setattr(workspace, "waiting_in", lambda place: drawn.append(place) or counting(place))
    member = login("member_a")
    first = header(member.get("/incidents/?sort=oldest"))
    assert drawn
    drawn.clear()
    assert header(member.get("/incidents/?sort=severity")) == first  # another list, drawn afresh
    assert drawn == []
    header(member.get("/meetings/"))  # another kind of page: its own entry is the current one
    assert drawn


def test_the_header_marks_the_page_the_reader_is_on(login):
    member = login("member_a")
    assert re.search(r'href="/incidents/" aria-current="page"', header(member.get("/incidents/")))
    on_meetings = header(member.get("/meetings/"))
    assert re.search(r'href="/meetings/" aria-current="page"', on_meetings)
    assert 'href="/incidents/" aria-current' not in on_meetings


def test_each_reader_gets_their_own_header_and_it_follows_them(login, personas):
    member, colleague = login("member_a"), login("signatory_a")
    assert personas["member_a"].name in header(member.get("/incidents/"))
    theirs = header(colleague.get("/incidents/"))
    assert personas["signatory_a"].name in theirs and personas["member_a"].name not in theirs
    personas["member_a"].name = "Ada Renamed"
    db.session.commit()
    assert "Ada Renamed" in header(member.get("/incidents/"))
    assert 'class="nav-group"' not in header(member.get("/incidents/"))
    personas["member_a"].org_role = OrgRole.ORG_ADMIN  # their menu grows a "Manage" group: their organization
    db.session.commit()
    assert 'href="/organizations/org-a/manage"' in header(member.get("/incidents/"))
