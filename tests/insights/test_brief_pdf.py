"""The evidence brief's PDF is rendered by a job once per incidents version, platform, filters and language; served
again with its hash as ETag, to signed-in members only; briefs of older incidents versions go."""

import hashlib

from sqlalchemy import select

from app.core import jobs
from app.core.pdf import RenderedPdf
from app.extensions import db

BRIEF = "/insights/brief/facebook.pdf"


def test_first_request_queues_the_brief_and_says_it_is_being_prepared(login, reported, pdf_renders):
    reported(title="Threats against journalists")
    client = login("member_a")
    waiting = client.get(BRIEF, headers={"Accept": "text/html"})
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] and pdf_renders == []
    assert "The PDF is being prepared" in waiting.get_data(as_text=True)
    assert login("member_b").get(BRIEF).status_code == 202
    jobs.run_queued()
    assert len(pdf_renders) == 1 and "Threats against journalists" in pdf_renders[0]
    assert client.get(BRIEF).status_code == 200


def test_second_request_for_a_brief_pdf_serves_the_stored_one_with_its_etag(login, reported, pdf_renders, get_pdf):
    reported(title="Threats against journalists")
    client = login("member_a")
    first, second = get_pdf(client, BRIEF), login("member_b").get(BRIEF)
    assert len(pdf_renders) == 1 and "Threats against journalists" in pdf_renders[0]
    assert first.data == second.data and second.mimetype == "application/pdf"
    assert second.headers["ETag"] == f'"{hashlib.sha256(second.data).hexdigest()}"'
    assert second.headers["Content-Disposition"] == 'inline; filename="evidence-brief-facebook.pdf"'
    assert second.headers["Cache-Control"] == "no-store"
    again = client.get(BRIEF, headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and len(pdf_renders) == 1


def test_a_new_incident_another_language_or_filter_makes_a_new_brief_pdf(login, reported, pdf_renders, get_pdf):
    reported(title="First incident")
    client = login("member_a")
    first = get_pdf(client, BRIEF)
    reported(title="Second incident")
    second = get_pdf(client, BRIEF)
    assert "Second incident" in pdf_renders[-1]
    assert second.headers["ETag"] != first.headers["ETag"] and second.data != first.data
    assert get_pdf(client, BRIEF, query_string={"lang": "fr"}).status_code == 200 and 'lang="fr"' in pdf_renders[-1]
    assert get_pdf(client, BRIEF, query_string={"lang": "fr", "country": "NG"}).status_code == 200
    assert client.get(BRIEF, query_string={"lang": "fr"}).status_code == 200
    assert len(pdf_renders) == 4


def test_briefs_of_an_older_incidents_version_are_removed_with_their_files(
    login, reported, pdf_renders, get_pdf, evidence_dir
):
    reported(title="First incident")
    client = login("member_a")
    old = get_pdf(client, BRIEF).headers["ETag"].strip('"')
    reported(title="Second incident")
    new = get_pdf(client, BRIEF).headers["ETag"].strip('"')
    db.session.expire_all()
    assert db.session.scalars(select(RenderedPdf.sha256).where(RenderedPdf.kind == "brief")).all() == [new]
    assert not (evidence_dir / old[:2] / old).exists() and (evidence_dir / new[:2] / new).exists()


def test_a_brief_pdf_is_refused_to_the_signed_out_stored_or_not(login, reported, pdf_renders, get_pdf):
    reported()
    assert login(None).get(BRIEF).status_code == 302
    assert get_pdf(login("member_a"), BRIEF).status_code == 200
    assert login(None).get(BRIEF).status_code == 302
    assert login("member_a").get("/insights/brief/nowhere.pdf").status_code == 404


def test_without_pango_a_brief_pdf_answers_503_instead_of_waiting_for_ever(login, reported, without_pango):
    response = login("member_a").get(BRIEF)
    assert response.status_code == 503
    assert "PDFs are not available on this server" in response.get_data(as_text=True)
