"""Drafting letters: who may draft and advance them, versions and translations, conflicts, sanitised text,
the printable, PDF and plain-text forms, and the demands that become commitments once the letter is sent."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core import pdf
from app.extensions import db
from app.letters import services
from app.letters.models import Letter, LetterRevision
from app.letters.vocab import LetterStatus
from app.organizations.models import MembershipStatus
from app.tracker.models import Commitment

MANAGE = "/letters/manage"


def save_text(client, letter, locale, title, body, demands="", material=True, edit_version=None):
    """Post the text form as an editor would, with the edit version the form was loaded with."""
    data = {
        "title": title,
        "body": body,
        "demands": demands,
        "edit_version": str(letter.edit_version if edit_version is None else edit_version),
    }
    if material:
        data["material"] = "y"
    return client.post(f"{MANAGE}/{letter.slug}/text/{locale}", data=data)


def revisions(letter, locale) -> list[LetterRevision]:
    return list(
        db.session.scalars(
            select(LetterRevision)
            .where(LetterRevision.letter_id == letter.id, LetterRevision.locale == locale)
            .order_by(LetterRevision.number)
        )
    )


# Who drafts and advances.


def test_steering_drafts_a_letter_with_addressee_and_ordered_demands(login, platform):
    response = login("steering").post(
        f"{MANAGE}/new",
        data={
            "platform_id": str(platform.id),
            "addressee_name": " Ada Example ",
            "addressee_title": "Chief Executive",
            "addressee_address": "1 Hacker Way",
            "letter_date": "2026-06-01",
            "original_locale": "fr",
            "title": "Cessez d'amplifier la haine",
            "body": "Madame,\n\nNous écrivons…",
            "demands": "Publier une procédure d'appel\n\n  Recruter des modérateurs  \n",
        },
    )
    letter = db.session.scalar(select(Letter))
    assert response.status_code == 302 and response.location.endswith(f"{MANAGE}/{letter.slug}")
    assert (letter.status, letter.original_locale, letter.addressee_name, letter.addressee_title) == (
        LetterStatus.DRAFT,
        "fr",
        "Ada Example",
        "Chief Executive",
    )
    assert letter.original.number == 1 and letter.original.translates_number is None
    assert letter.original.demands == ["Publier une procédure d'appel", "Recruter des modérateurs"]
    assert [demand.position for demand in letter.demands] == [1, 2]


@pytest.mark.parametrize("persona", ["member_a", "signatory_a", "org_admin_a", "member_b", "admin"])
def test_only_steering_drafts_and_advances_letters(login, make_letter, platform, persona):
    letter = make_letter(status="draft")
    client = login(persona)
    assert client.get(f"{MANAGE}/new").status_code == 403
    assert (
        client.post(
            f"{MANAGE}/new",
            data={
                "platform_id": str(platform.id),
                "addressee_name": "X",
                "original_locale": "en",
                "title": "T",
                "body": "B",
            },
        ).status_code
        == 403
    )
    assert client.post(f"{MANAGE}/{letter.slug}/advance").status_code == 403
    assert save_text(client, letter, "en", "Changed", "Changed").status_code == 403
    db.session.refresh(letter)
    assert letter.status == LetterStatus.DRAFT and len(letter.revisions) == 1
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 1


def test_anonymous_is_sent_to_sign_in_to_draft_or_sign(login, make_letter):
    letter = make_letter()
    client = login(None)
    for response in (
        client.get(f"{MANAGE}/new"),
        client.post(f"{MANAGE}/{letter.slug}/advance"),
        client.post(f"/letters/{letter.slug}/sign"),
    ):
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")
    assert letter.signatures == [] and letter.status == LetterStatus.OPEN


def test_status_moves_one_step_at_a_time_up_to_published(login, make_letter):
    letter = make_letter(status="draft")
    client = login("steering")
    seen = []
    for _ in range(5):
        response = client.post(
            f"{MANAGE}/{letter.slug}/advance", data={"channel": "Email to the CEO's office", "confirmed": "1"}
        )
        assert response.status_code == 302
        db.session.refresh(letter)
        seen.append(letter.status)
    assert seen == ["in_review", "open", "closed", "sent", "published"]
    assert letter.sent_channel == "Email to the CEO's office" and letter.sent_on is not None
    assert client.post(f"{MANAGE}/{letter.slug}/advance").status_code == 409


def test_a_step_cannot_be_skipped(personas, make_letter):
    letter = make_letter(status="draft")
    with pytest.raises(services.LetterError):
        services.advance(personas["steering"], letter, LetterStatus.OPEN)
    assert letter.status == LetterStatus.DRAFT


def test_opening_sending_and_publishing_email_signers_of_active_members(
    login, make_letter, personas, outbox, organization_factory, person_factory
):
    suspended = organization_factory(name="Suspended", membership_status=MembershipStatus.SUSPENDED)
    person_factory("signatory", suspended, email="suspended@example.org")
    person_factory("signatory", personas["org_b"], email="signatory.b@example.org")
    letter = make_letter(status="draft")
    client = login("steering")
    expected = {
        "signatory.a@example.org",
        "orgadmin.a@example.org",
        "signatory.b@example.org",
        "steering@example.org",
        "admin@example.org",
    }
    sent_by_step = []
    for _ in range(5):
        before = len(outbox())
        client.post(f"{MANAGE}/{letter.slug}/advance", data={"confirmed": "1"})
        sent_by_step.append({(m.template, m.recipient) for m in outbox()[before:]})
    in_review, opened, closed, sent, published = sent_by_step
    assert in_review == set() and closed == set()
    assert opened == {("letter_opened", email) for email in expected}
    assert sent == {("letter_sent", email) for email in expected}
    assert published == {("letter_published", email) for email in expected}


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_letters_before_opening_are_hidden_from_all_but_steering(login, make_letter, pdf_renders, get_pdf, status):
    letter = make_letter(status=status)
    pages = [
        f"/letters/{letter.slug}",
        f"/letters/{letter.slug}/print",
        f"/letters/{letter.slug}.pdf",
        f"/letters/{letter.slug}.txt",
        f"/letters/{letter.slug}/versions",
        f"/api/v1/letters/{letter.slug}",
    ]
    for persona in (None, "member_a", "signatory_a", "admin"):
        client = login(persona)
        assert [client.get(page).status_code for page in pages] == [404] * 6
        assert letter.slug not in client.get("/letters/").get_data(as_text=True)
        assert client.get("/api/v1/letters").get_json() == []
    steering = login("steering")
    assert [get_pdf(steering, page).status_code for page in pages] == [200] * 6


# Versions and translations.


def test_every_save_is_a_new_version_numbered_per_language(login, make_letter):
    letter = make_letter(status="draft", title="First", body="Body one")
    client = login("steering")
    assert save_text(client, letter, "en", "Second", "Body two", "Demand").status_code == 302
    assert save_text(client, letter, "fr", "Deuxième", "Corps deux", "Demande").status_code == 302
    assert save_text(client, letter, "en", "Third", "Body three", "Demand").status_code == 302
    assert [(r.number, r.title, r.body) for r in revisions(letter, "en")] == [
        (1, "First", "Body one"),
        (2, "Second", "Body two"),
        (3, "Third", "Body three"),
    ]
    assert [(r.number, r.translates_number, r.demands) for r in revisions(letter, "fr")] == [(1, 2, ["Demande"])]
    assert all(r.content_hash == LetterRevision.hash_of(r.title, r.body, r.demands) for r in letter.revisions)


def test_translation_shows_out_of_date_once_the_original_moves_on(login, make_letter):
    letter = make_letter(status="open")
    client = login("steering")
    save_text(client, letter, "fr", "Cessez", "Corps", "Demande")
    assert "out of date" not in client.get(f"{MANAGE}/{letter.slug}").get_data(as_text=True)
    assert login(None).get(f"/api/v1/letters/{letter.slug}").get_json()["translations"]["fr"] == {
        "version": 1,
        "up_to_date": True,
    }

    save_text(client, letter, "en", "Stop amplifying hate now", "New body", "Publish an appeals process")
    assert "out of date" in client.get(f"{MANAGE}/{letter.slug}").get_data(as_text=True)
    assert "out of date" in login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert login(None).get(f"/api/v1/letters/{letter.slug}").get_json()["translations"]["fr"]["up_to_date"] is False

    save_text(client, letter, "fr", "Cessez maintenant", "Nouveau corps", "Demande")
    assert revisions(letter, "fr")[-1].translates_number == 2
    assert "out of date" not in login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)


def test_saving_with_a_stale_edit_version_is_a_conflict_that_keeps_the_typed_text(login, make_letter):
    letter = make_letter(status="draft")
    loaded_with = letter.edit_version
    first, second = login("steering"), login("steering")
    assert save_text(first, letter, "en", "First editor's title", "First editor's body").status_code == 302
    response = save_text(
        second,
        letter,
        "en",
        "Second editor's title",
        "Second editor's careful body",
        "Their own demand",
        edit_version=loaded_with,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Second editor&#39;s careful body" in page and "Their own demand" in page
    assert "Someone else saved this letter" in page
    assert [r.title for r in revisions(letter, "en")] == ["Stop amplifying hate", "First editor's title"]
    reloaded_with = int(re.search(r'name="edit_version" type="hidden" value="(\d+)"', page).group(1))
    assert (
        save_text(second, letter, "en", "Second editor's title", "Merged body", edit_version=reloaded_with).status_code
        == 302
    )
    assert [r.number for r in revisions(letter, "en")] == [1, 2, 3]


def test_text_cannot_change_once_the_letter_closes(login, make_letter):
    letter = make_letter(status="closed")
    assert save_text(login("steering"), letter, "en", "Changed after closing", "Changed").status_code == 403
    assert [r.title for r in revisions(letter, "en")] == ["Stop amplifying hate"]


def test_versions_page_compares_any_two_versions_of_a_language(login, make_letter):
    letter = make_letter(title="Version one", body="Alpha")
    client = login("steering")
    save_text(client, letter, "en", "Version two", "Bravo")
    save_text(client, letter, "en", "Version three", "Xylophone")
    save_text(client, letter, "fr", "Titre français", "Paragraphe")
    page = login(None).get(f"/letters/{letter.slug}/versions?locale=en&a=1&b=3").get_data(as_text=True)
    assert "Changes from version 1 to version 3." in page
    assert "Alpha<span" in page and "Xylophone<span" in page and "Bravo" not in page
    latest_two = login(None).get(f"/letters/{letter.slug}/versions").get_data(as_text=True)
    assert "Bravo<span" in latest_two and "Xylophone<span" in latest_two and "Alpha" not in latest_two
    assert "Titre français" in login(None).get(f"/letters/{letter.slug}/versions?locale=fr").get_data(as_text=True)
    assert login(None).get(f"/letters/{letter.slug}/versions?locale=en&a=1&b=9").status_code == 404
    assert login(None).get(f"/letters/{letter.slug}/versions?locale=sw").status_code == 404


# The letter as readers see it.

HOSTILE = (
    'Dear platform,\n\n<script>alert("body")</script>\n\n[Read our report](javascript:alert(1)) and '
    '<a href="javascript:alert(2)">this</a> <img src=x onerror="alert(3)">\n\n'
    "<scr<b></b>ipt>alert(4)</scr<i></i>ipt> See <https://example.org/report>\n\nRegards & thanks"
)


def test_markdown_is_sanitised_on_the_page_and_print_and_absent_from_plain_text(login, make_letter):
    letter = make_letter(body=HOSTILE)
    save_text(login("steering"), letter, "en", "Stop amplifying hate", HOSTILE + "\n\nP.S.")
    client = login(None)
    for page in (
        f"/letters/{letter.slug}",
        f"/letters/{letter.slug}/print",
        f"/letters/{letter.slug}/versions?a=2&b=1",
    ):
        html = client.get(page).get_data(as_text=True)
        assert "Dear" in html and "report" in html
        assert "<script>alert" not in html and '<a href="javascript' not in html
        assert [tag for tag in re.findall(r"<img\b[^>]*>", html) if pdf.mark_uri() not in tag] == []  # only our mark
    response = client.get(f"/letters/{letter.slug}.txt")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert "Dear platform" in text and "See <https://example.org/report>" in text and "Regards & thanks" in text
    assert "<script" not in text and "<a href" not in text and "<img" not in text


def test_page_is_in_the_readers_language_or_the_original(login, make_letter):
    letter = make_letter(title="Stop amplifying hate")
    save_text(login("steering"), letter, "fr", "Cessez d'amplifier la haine", "Corps", "Demande")
    client = login(None)
    assert "Cessez d&#39;amplifier la haine" in client.get(f"/letters/{letter.slug}?lang=fr").get_data(as_text=True)
    spanish = client.get(f"/letters/{letter.slug}?lang=es").get_data(as_text=True)
    assert "Stop amplifying hate" in spanish and "Cessez" not in spanish


def test_plain_text_has_addressee_title_numbered_demands_and_signatories(login, make_letter):
    letter = make_letter(addressee_title="Chief Executive")
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    text = login(None).get(f"/letters/{letter.slug}.txt").get_data(as_text=True)
    assert text.startswith("Ada Example\nChief Executive\nMeta Platforms\n")
    assert "1. Publish an appeals process\n2. Hire moderators in every language" in text
    assert "- Organization A (Nigeria)" in text


def test_pdf_renders_for_an_english_and_an_arabic_letter(login, make_letter, get_pdf):
    english = make_letter()
    arabic = make_letter(
        locale="ar", title="أوقفوا تضخيم الكراهية", body="نكتب إليكم بشأن **الكراهية**.", demands=["نشر إجراء للطعن"]
    )
    client = login(None)
    for letter in (english, arabic):
        response = get_pdf(client, f"/letters/{letter.slug}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF") and len(response.data) > 1000
    printed = client.get(f"/letters/{arabic.slug}/print").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in printed and '<div class="letter-text" lang="ar" dir="rtl">' in printed
    assert '<html lang="ar" dir="rtl">' in client.get(f"/letters/{arabic.slug}/print?lang=ar").get_data(as_text=True)
    assert '<div class="letter-text" lang="en" dir="ltr">' in client.get(f"/letters/{english.slug}/print").get_data(
        as_text=True
    )


def test_the_pdf_is_headed_and_authored_with_the_instance_name(app, login, make_letter, get_pdf):
    app.config["COALITION_NAME"] = "Alliance for Safe Platforms"
    letter = make_letter()
    reader = PdfReader(io.BytesIO(get_pdf(login(None), f"/letters/{letter.slug}.pdf").data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.startswith("Alliance for Safe Platforms\n")
    assert reader.metadata.author == "Alliance for Safe Platforms"
    assert "Coalition" not in text


# From demands to commitments.


def test_demands_become_unpublished_commitments_only_once_sent(login, make_letter, platform):
    letter = make_letter(status="closed")
    client = login("steering")
    assert client.post(f"/tracker/manage/from-letter/{letter.slug}").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Commitment)) == 0

    letter.status = LetterStatus.SENT
    db.session.commit()
    assert client.post(f"/tracker/manage/from-letter/{letter.slug}").status_code == 302
    commitments = list(db.session.scalars(select(Commitment).order_by(Commitment.id)))
    assert [(c.title, c.platform_id, c.is_published) for c in commitments] == [
        ("Publish an appeals process", platform.id, False),
        ("Hire moderators in every language", platform.id, False),
    ]
    db.session.refresh(letter)
    assert [(d.commitment_id, d.id) for d in letter.demands] == [(c.id, c.source_demand.id) for c in commitments]

    client.post(f"/tracker/manage/from-letter/{letter.slug}")
    assert db.session.scalar(select(func.count()).select_from(Commitment)) == 2
    assert login("member_a").post(f"/tracker/manage/from-letter/{letter.slug}").status_code == 403


def test_a_commitment_page_links_to_the_letter_demand_it_came_from(app, login, make_letter):
    letter = make_letter(status="sent")
    login("steering").post(f"/tracker/manage/from-letter/{letter.slug}")
    second = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()[1]
    second.is_published = True
    db.session.commit()
    page = app.test_client().get(f"/tracker/commitments/{second.id}").get_data(as_text=True)
    assert f'href="/letters/{letter.slug}"' in page and "Demand 2 of the coalition letter" in page
