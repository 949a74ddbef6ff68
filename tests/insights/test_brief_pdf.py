"""The evidence brief's PDF is rendered once per incidents version, platform, filters and language; served again
with its hash as ETag, to signed-in members only."""

import hashlib

BRIEF = "/insights/brief/facebook.pdf"


def test_second_request_for_a_brief_pdf_serves_the_stored_one_with_its_etag(login, reported, pdf_renders):
    reported(title="Threats against journalists")
    client = login("member_a")
    first, second = client.get(BRIEF), login("member_b").get(BRIEF)
    assert len(pdf_renders) == 1 and "Threats against journalists" in pdf_renders[0]
    assert first.data == second.data and second.mimetype == "application/pdf"
    assert second.headers["ETag"] == f'"{hashlib.sha256(second.data).hexdigest()}"'
    assert second.headers["Content-Disposition"] == 'inline; filename="evidence-brief-facebook.pdf"'
    assert second.headers["Cache-Control"] == "no-store"
    again = client.get(BRIEF, headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and len(pdf_renders) == 1


def test_a_new_incident_another_language_or_filter_makes_a_new_brief_pdf(login, reported, pdf_renders):
    reported(title="First incident")
    client = login("member_a")
    client.get(BRIEF)
    reported(title="Second incident")
    client.get(BRIEF)
    assert "Second incident" in pdf_renders[-1]
    assert client.get(BRIEF, query_string={"lang": "fr"}).status_code == 200 and 'lang="fr"' in pdf_renders[-1]
    assert client.get(BRIEF, query_string={"lang": "fr", "country": "NG"}).status_code == 200
    client.get(BRIEF, query_string={"lang": "fr"})
    assert len(pdf_renders) == 4


def test_a_stored_brief_pdf_is_still_refused_to_the_signed_out(login, reported, pdf_renders):
    reported()
    assert login("member_a").get(BRIEF).status_code == 200
    assert login(None).get(BRIEF).status_code == 302
