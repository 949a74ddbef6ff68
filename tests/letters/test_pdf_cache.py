"""A letter's PDF is rendered by a job, never in the request, once per content (the printable HTML: its text,
language, signatories shown, status); served again with its hash as ETag, after the access check of every request.
Another letter's change does not render it again; a superseded PDF goes, its file too unless still named."""

import hashlib

from sqlalchemy import select

from app.core import jobs, pdf
from app.core.pdf import RenderedPdf
from app.extensions import cache, db
from app.letters import services


def url(letter) -> str:
    return f"/letters/{letter.slug}.pdf"


def letter_rows(letter) -> list[RenderedPdf]:
    db.session.expire_all()
    return list(db.session.scalars(select(RenderedPdf).where(RenderedPdf.subject == str(letter.id))))


def page_of(response, pdf_renders) -> str:
    """The HTML a stand-in PDF was rendered from (its bytes end with the HTML's hash)."""
    return {hashlib.sha256(page.encode()).hexdigest(): page for page in pdf_renders}[response.data.decode().split()[-1]]


def test_first_request_queues_the_render_and_says_it_is_being_prepared(login, make_letter, pdf_renders):
    letter = make_letter()
    client = login(None)
    waiting = client.get(url(letter), headers={"Accept": "text/html"})
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == str(pdf.RETRY_SECONDS)
    assert waiting.headers["Cache-Control"] == "no-store" and pdf_renders == []
    page = waiting.get_data(as_text=True)
    assert f'<meta http-equiv="refresh" content="{pdf.RETRY_SECONDS}">' in page
    assert f'href="http://localhost{url(letter)}"' in page and "The PDF is being prepared" in page
    french = client.get(url(letter), headers={"Accept": "text/html", "Accept-Language": "fr"})
    assert french.status_code == 202 and "Le PDF est en préparation" in french.get_data(as_text=True)
    machine = client.get(url(letter), headers={"Accept": "application/pdf"})
    assert machine.status_code == 202 and machine.mimetype == "text/plain" and machine.headers["Retry-After"]
    jobs.run_queued()
    assert len(pdf_renders) == 2  # the English and the French reader's, however many asked while they waited
    ready = client.get(url(letter))
    assert ready.status_code == 200 and ready.data.startswith(b"%PDF") and len(pdf_renders) == 2


def test_a_request_never_renders_even_when_rendering_fails(login, make_letter, monkeypatch, evidence_dir):
    def fail(_html):
        raise AssertionError("rendered")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    letter = make_letter()
    assert login(None).get(url(letter)).status_code == 202
    assert login("steering").get(url(letter)).status_code == 202


def test_second_request_serves_the_stored_pdf_with_its_etag(login, make_letter, pdf_renders, get_pdf):
    letter = make_letter()
    first, second = get_pdf(login(None), url(letter)), login(None).get(url(letter))
    assert len(pdf_renders) == 1 and "Stop amplifying hate" in pdf_renders[0]
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert second.headers["ETag"] == f'"{hashlib.sha256(second.data).hexdigest()}"'
    assert second.headers["Content-Disposition"] == f'inline; filename="{letter.slug}.pdf"'
    assert second.mimetype == "application/pdf"
    assert set(second.headers["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert login("member_a").get(url(letter)).headers["Cache-Control"] == "no-store"


def test_matching_if_none_match_gets_304_without_rendering(login, make_letter, pdf_renders, get_pdf):
    letter = make_letter()
    etag = get_pdf(login(None), url(letter)).headers["ETag"]
    again = login(None).get(url(letter), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert login(None).get(url(letter), headers={"If-None-Match": '"other"'}).status_code == 200
    assert len(pdf_renders) == 1


def test_a_signature_a_new_text_or_another_language_makes_a_new_pdf(login, make_letter, personas, pdf_renders, get_pdf):
    letter = make_letter()
    anonymous = login(None)
    first = get_pdf(anonymous, url(letter))
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    signed = get_pdf(anonymous, url(letter))
    assert "Organization A" in pdf_renders[-1]
    assert signed.headers["ETag"] != first.headers["ETag"] and signed.data != first.data
    etag = signed.headers["ETag"]
    assert anonymous.get(url(letter), headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    services.save_text(
        personas["steering"], letter, "en", "Stop hate now", "Body", ["A demand"], False, letter.edit_version
    )
    db.session.commit()
    edited = get_pdf(anonymous, url(letter))
    assert edited.status_code == 200 and "Stop hate now" in pdf_renders[-1] and edited.headers["ETag"] != etag
    french = get_pdf(anonymous, url(letter) + "?lang=fr")
    assert french.status_code == 200 and 'lang="en"' in pdf_renders[-1] and "Nos revendications" in pdf_renders[-1]
    renders = len(pdf_renders)
    assert anonymous.get(url(letter)).status_code == 200 and len(pdf_renders) == renders


def test_another_letters_change_does_not_render_this_one_again(login, make_letter, pdf_renders, get_pdf):
    letter = make_letter(title="Our letter")
    other = make_letter(title="Another letter")
    before = get_pdf(login(None), url(letter))
    get_pdf(login(None), url(other))
    login("signatory_a").post(f"/letters/{other.slug}/sign")
    jobs.run_queued()  # the other letter's PDFs are rendered again
    assert "Organization A" in pdf_renders[-1] and "Another letter" in pdf_renders[-1]
    assert sum("Our letter" in page for page in pdf_renders) == 1
    after = login(None).get(url(letter))
    assert after.status_code == 200 and after.headers["ETag"] == before.headers["ETag"]
    assert sum("Our letter" in page for page in pdf_renders) == 1


def test_a_change_renders_the_letters_pdfs_in_its_languages_before_anyone_asks(
    login, make_letter, personas, pdf_renders
):
    letter = make_letter()
    services.save_text(
        personas["steering"], letter, "fr", "Arrêtez la haine", "Corps", ["Une demande"], False, letter.edit_version
    )
    db.session.commit()
    jobs.run_queued()
    assert {'lang="en"' in page for page in pdf_renders} == {True, False}  # English and French texts
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    jobs.run_queued()
    anonymous = login(None)
    for language in ("en", "fr"):
        response = anonymous.get(url(letter), headers={"Accept-Language": language})
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Organization A" in pdf_renders[-1]


def test_a_superseded_pdf_goes_with_its_file_unless_another_row_names_it(
    login, make_letter, pdf_renders, get_pdf, evidence_dir
):
    letter, twin = make_letter(), make_letter()
    first = get_pdf(login(None), url(letter))
    sha256 = first.headers["ETag"].strip('"')
    # Files are stored by content, so two rows may name one (each letter's PDF shows its own address, so here the
    # twin's row is written directly).
    [row] = letter_rows(letter)
    db.session.add(
        RenderedPdf(kind=row.kind, subject=str(twin.id), variant=row.variant, version=row.version, sha256=sha256)
    )
    db.session.commit()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    jobs.run_queued()
    assert [row.sha256 for row in letter_rows(letter)] != [sha256] and len(letter_rows(letter)) == 1
    assert (evidence_dir / sha256[:2] / sha256).exists()  # the twin's PDF still names it
    login("signatory_a").post(f"/letters/{twin.slug}/sign")
    jobs.run_queued()
    assert sha256 not in {row.sha256 for row in letter_rows(twin)}
    assert not (evidence_dir / sha256[:2] / sha256).exists()
    assert get_pdf(login(None), url(twin)).status_code == 200


def test_a_reader_in_another_time_zone_gets_the_same_pdf_when_it_shows_the_same(
    login, make_letter, pdf_renders, get_pdf
):
    letter = make_letter()
    get_pdf(login(None), url(letter))
    nairobi = login(None)
    nairobi.set_cookie("tz", "Africa%2FNairobi")
    assert nairobi.get(url(letter)).status_code == 200 and len(pdf_renders) == 1


def test_a_draft_pdf_stored_for_steering_is_not_found_for_anyone_else(login, make_letter, pdf_renders, get_pdf):
    letter = make_letter(status="draft")
    assert get_pdf(login("steering"), url(letter)).status_code == 200
    for persona in (None, "member_a", "signatory_a", "admin"):
        assert login(persona).get(url(letter)).status_code == 404
    jobs.run_queued()
    assert len(pdf_renders) == 1  # a draft is not rendered ahead for the public


def test_embargoed_signatories_in_steerings_pdf_are_not_served_to_others(login, make_letter, pdf_renders, get_pdf):
    letter = make_letter(embargoed=True)
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    steering = get_pdf(login("steering"), url(letter))
    public = get_pdf(login(None), url(letter))
    assert "Organization A" in page_of(steering, pdf_renders) and "Organization A" not in page_of(public, pdf_renders)
    assert get_pdf(login("member_a"), url(letter)).data == public.data


def test_a_stored_pdf_whose_file_went_missing_is_rendered_again(login, make_letter, pdf_renders, get_pdf, evidence_dir):
    letter = make_letter()
    first = get_pdf(login(None), url(letter))
    sha256 = first.headers["ETag"].strip('"')
    (evidence_dir / sha256[:2] / sha256).unlink()
    assert login(None).get(url(letter)).data == first.data  # the public's copy, from the cache
    cache.clear()  # as on a node that has none, or once the letters change
    assert login(None).get(url(letter)).status_code == 202
    assert get_pdf(login(None), url(letter)).data == first.data and len(pdf_renders) == 2


def test_the_public_s_copy_of_a_stored_pdf_is_served_without_the_database(
    login, make_letter, pdf_renders, get_pdf, count_queries
):
    letter = make_letter()
    address, first = url(letter), get_pdf(login(None), url(letter))
    with count_queries() as statements:
        again = login(None).get(address)
    assert again.data == first.data and statements == []
    login("signatory_a").post(f"{address.removesuffix('.pdf')}/sign")  # a change: the copy is not served any more
    assert login(None).get(address).status_code == 202
    assert get_pdf(login(None), address).data != first.data and len(pdf_renders) == 2


def test_a_stored_letter_pdf_comes_back_from_a_bucket_and_nothing_lands_on_disk(
    login, make_letter, pdf_renders, get_pdf, s3_store
):
    letter = make_letter()
    first, second = get_pdf(login(None), url(letter)), login(None).get(url(letter))
    assert len(pdf_renders) == 1
    assert second.status_code == 200 and second.data == first.data and second.data.startswith(b"%PDF")
    assert not s3_store.directory.exists()


def test_a_reader_whose_time_zone_dates_the_reconfirmation_gets_their_pdf_from_the_job(
    login, make_letter, personas, pdf_renders, get_pdf
):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    services.save_text(
        personas["steering"], letter, "en", "Stop hate now", "New body", ["A demand"], True, letter.edit_version
    )
    personas["member_a"].timezone = "Pacific/Kiritimati"  # UTC+14: another day than UTC for half the day
    db.session.commit()
    response = get_pdf(login("member_a"), url(letter))
    assert response.status_code == 200 and "re-confirming" in page_of(response, pdf_renders)
    assert login("member_a").get(url(letter)).headers["ETag"] == response.headers["ETag"]


def test_a_deleted_letter_takes_its_pdfs_and_their_files_along(login, make_letter, pdf_renders, get_pdf, evidence_dir):
    letter = make_letter(status="draft")
    sha256 = get_pdf(login("steering"), url(letter)).headers["ETag"].strip('"')
    letter_id = letter.id
    db.session.delete(letter)
    db.session.commit()
    jobs.run_queued()
    db.session.expire_all()
    assert db.session.scalars(select(RenderedPdf).where(RenderedPdf.subject == str(letter_id))).all() == []
    assert not (evidence_dir / sha256[:2] / sha256).exists()


def test_a_stored_pdf_is_served_without_loading_signatories_while_no_letter_changes(
    login, make_letter, pdf_renders, get_pdf, count_queries
):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    get_pdf(login(None), url(letter))
    with count_queries() as statements:
        assert login(None).get(url(letter)).status_code == 200
    assert not any("FROM signatures" in statement for statement in statements), statements
    make_letter(title="Another letter")  # a change to the letters: this page is drawn once more, not rendered
    with count_queries() as statements:
        assert login(None).get(url(letter)).status_code == 200
    assert any("FROM signatures" in statement for statement in statements)
    assert sum("Stop amplifying hate" in page for page in pdf_renders) == 1


PDFS_UNAVAILABLE = (
    "PDFs are not available on this server; the administrator has been told. "
    "You can print this page from your browser instead."
)


def test_without_pango_a_letter_pdf_answers_a_translated_503_and_logs_the_fix(
    login, make_letter, without_pango, caplog, translate
):
    letter = make_letter()
    queued = jobs.queue().counts()
    response = login(None).get(url(letter), headers={"Accept-Language": "fr"})
    assert response.status_code == 503
    assert translate("fr", PDFS_UNAVAILABLE, html=True) in response.get_data(as_text=True)
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in caplog.text
    assert jobs.queue().counts() == queued  # no render job, which could only fail


def test_a_burst_of_signatures_renders_the_letter_once_after_a_pause(app, login, make_letter, pdf_renders, get_pdf):
    """Signatures in a burst queue one render, LETTER_PDF_PRERENDER_SECONDS after the first; a reader who asks
    sooner has it rendered at once."""
    app.config["LETTER_PDF_PRERENDER_SECONDS"] = 15
    letter = make_letter(title="A busy letter")
    jobs.run_queued()
    renders = len(pdf_renders)
    for persona in ("signatory_a", "steering"):
        assert login(persona).post(f"/letters/{letter.slug}/sign").status_code == 302
    jobs.run_queued()
    assert len(pdf_renders) == renders  # none yet: the job waits
    assert jobs.queue().counts().get("todo") == 1  # one for the burst, waiting its time
    response = get_pdf(login(None), url(letter))
    assert response.status_code == 200 and len(pdf_renders) == renders + 1 and "Organization A" in pdf_renders[-1]
