"""A letter's PDF is rendered once per letters version, text, language, time zone and what the reader may see of
the signatories; served again with its hash as ETag, after the access check of every request."""

import hashlib

from app.extensions import db
from app.letters import services


def get_pdf(client, letter, **headers):
    return client.get(f"/letters/{letter.slug}.pdf", headers=headers)


def test_second_request_for_a_letter_pdf_serves_the_stored_one_with_its_etag(login, make_letter, pdf_renders):
    letter = make_letter()
    first, second = get_pdf(login(None), letter), get_pdf(login(None), letter)
    assert len(pdf_renders) == 1 and "Stop amplifying hate" in pdf_renders[0]
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert second.headers["ETag"] == f'"{hashlib.sha256(second.data).hexdigest()}"'
    assert second.headers["Content-Disposition"] == f'inline; filename="{letter.slug}.pdf"'
    assert second.mimetype == "application/pdf"
    assert set(second.headers["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert get_pdf(login("member_a"), letter).headers["Cache-Control"] == "no-store"


def test_matching_if_none_match_gets_304_without_rendering(login, make_letter, pdf_renders):
    letter = make_letter()
    etag = get_pdf(login(None), letter).headers["ETag"]
    again = get_pdf(login(None), letter, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert get_pdf(login(None), letter, **{"If-None-Match": '"other"'}).status_code == 200
    assert len(pdf_renders) == 1


def test_a_signature_a_new_text_version_or_another_language_makes_a_new_pdf(login, make_letter, personas, pdf_renders):
    letter = make_letter()
    anonymous = login(None)
    first = get_pdf(anonymous, letter)
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    signed = get_pdf(anonymous, letter)
    assert "Organization A" in pdf_renders[-1] and signed.headers["ETag"] != first.headers["ETag"]
    services.save_text(
        personas["steering"], letter, "en", "Stop hate now", "Body", ["A demand"], False, letter.edit_version
    )
    db.session.commit()
    assert get_pdf(anonymous, letter).status_code == 200 and "Stop hate now" in pdf_renders[-1]
    assert anonymous.get(f"/letters/{letter.slug}.pdf?lang=fr").status_code == 200
    assert 'lang="en"' in pdf_renders[-1] and "Nos revendications" in pdf_renders[-1]
    assert len(pdf_renders) == 4
    get_pdf(anonymous, letter)
    assert len(pdf_renders) == 4  # the English one of this version is stored already


def test_a_draft_pdf_stored_for_steering_is_not_found_for_anyone_else(login, make_letter, pdf_renders):
    letter = make_letter(status="draft")
    assert get_pdf(login("steering"), letter).status_code == 200
    for persona in (None, "member_a", "signatory_a", "admin"):
        assert get_pdf(login(persona), letter).status_code == 404
    assert len(pdf_renders) == 1


def test_embargoed_signatories_in_steerings_pdf_are_not_served_to_others(login, make_letter, pdf_renders):
    letter = make_letter(embargoed=True)
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    steering = get_pdf(login("steering"), letter)
    public = get_pdf(login(None), letter)
    assert "Organization A" in pdf_renders[0] and "Organization A" not in pdf_renders[1]
    assert steering.data != public.data and get_pdf(login("member_a"), letter).data == public.data


def test_a_stored_pdf_whose_file_went_missing_is_rendered_again(login, make_letter, pdf_renders, evidence_dir):
    letter = make_letter()
    first = get_pdf(login(None), letter)
    stored = evidence_dir / first.headers["ETag"].strip('"')[:2] / first.headers["ETag"].strip('"')
    stored.unlink()
    assert get_pdf(login(None), letter).data == first.data and len(pdf_renders) == 2 and stored.exists()


def test_a_stored_letter_pdf_comes_back_from_a_bucket_and_nothing_lands_on_disk(
    login, make_letter, pdf_renders, s3_store
):
    letter = make_letter()
    first, second = get_pdf(login(None), letter), get_pdf(login(None), letter)
    assert len(pdf_renders) == 1
    assert second.status_code == 200 and second.data == first.data and second.data.startswith(b"%PDF")
    assert not s3_store.directory.exists()
