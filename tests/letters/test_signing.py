"""Signing: who may sign, one signature per organization, what a signature is tied to, withdrawal,
re-confirmation after material changes, reminders, and emails in each recipient's language."""

import pytest
from babel.dates import format_date
from sqlalchemy import select

from app.extensions import db
from app.letters import services
from app.letters.models import LetterRevision, Signature
from app.letters.vocab import LetterStatus
from app.organizations.models import MembershipStatus


@pytest.fixture
def edit(login):
    """``edit(letter, locale, title, body, demands, material=True)``: steering saves a new version of a text."""

    def save(letter, locale, title, body, demands="", material=True):
        db.session.refresh(letter)
        data = {"title": title, "body": body, "demands": demands, "edit_version": str(letter.edit_version)}
        if material:
            data["material"] = "y"
        response = login("steering").post(f"/letters/manage/{letter.slug}/text/{locale}", data=data)
        assert response.status_code == 302
        db.session.refresh(letter)

    return save


def signatures_of(letter) -> list[Signature]:
    return list(db.session.scalars(select(Signature).where(Signature.letter_id == letter.id).order_by(Signature.id)))


def public_names(client, letter) -> list[str]:
    return [item["organization"] for item in client.get(f"/api/v1/letters/{letter.slug}/signatures").get_json()]


# Who may sign.


@pytest.mark.parametrize("persona", ["signatory_a", "org_admin_a"])
def test_signatory_or_org_admin_of_an_active_member_signs_for_the_organization(login, make_letter, personas, persona):
    letter = make_letter()
    response = login(persona).post(f"/letters/{letter.slug}/sign", follow_redirects=True)
    assert response.status_code == 200 and "Organization A has signed." in response.get_data(as_text=True)
    [signature] = signatures_of(letter)
    assert (signature.organization_id, signature.signer_id) == (personas["org_a"].id, personas[persona].id)


@pytest.mark.parametrize("persona", ["member_a", "member_b"])
def test_member_role_cannot_sign(login, make_letter, persona):
    letter = make_letter()
    assert login(persona).post(f"/letters/{letter.slug}/sign").status_code == 403
    assert signatures_of(letter) == []


def test_suspended_organization_cannot_sign(login, make_letter, personas):
    letter = make_letter()
    client = login("signatory_a")
    personas["org_a"].membership_status = MembershipStatus.SUSPENDED
    db.session.commit()
    response = client.post(f"/letters/{letter.slug}/sign")
    assert response.status_code == 302 and response.location.startswith("/sign-in")  # suspension signs people out
    with pytest.raises(services.LetterError, match="not_allowed"):
        services.sign(personas["signatory_a"], letter, "en")
    assert signatures_of(letter) == []


@pytest.mark.parametrize("status", ["closed", "sent", "published"])
def test_letter_no_longer_open_cannot_be_signed(login, make_letter, status):
    letter = make_letter(status=status)
    response = login("signatory_a").post(f"/letters/{letter.slug}/sign")
    assert response.status_code == 302 and response.location == f"/letters/{letter.slug}#signing"
    page = login("signatory_a").get(response.location).get_data(as_text=True)
    assert "This letter is not open for signatures." in page and f"/letters/{letter.slug}/sign" not in page
    assert signatures_of(letter) == []


def test_letter_in_review_cannot_be_signed(login, make_letter, personas):
    letter = make_letter(status="in_review")
    assert login("signatory_a").post(f"/letters/{letter.slug}/sign").status_code == 404
    with pytest.raises(services.LetterError, match="not_allowed"):
        services.sign(personas["steering"], letter, "en")
    assert signatures_of(letter) == []


# One signature per organization.


def test_second_colleague_is_told_which_colleague_already_signed(login, make_letter, personas):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    response = login("org_admin_a").post(f"/letters/{letter.slug}/sign", follow_redirects=True)
    assert f"Your organization has already signed (by {personas['signatory_a'].name})." in response.get_data(
        as_text=True
    )
    [signature] = signatures_of(letter)
    assert signature.signer_id == personas["signatory_a"].id


# What a signature is tied to.


def test_signature_records_the_revision_language_original_number_and_text_hash(login, make_letter, edit, personas):
    letter = make_letter()
    edit(letter, "en", "Stop amplifying hate", "We write about hate, again.", "Publish an appeals process")
    edit(letter, "fr", "Cessez d'amplifier la haine", "Nous écrivons.", "Publier une procédure d'appel")
    personas["signatory_a"].locale = "fr"
    db.session.commit()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    [signature] = signatures_of(letter)
    french = letter.latest("fr")
    assert (signature.revision_id, signature.revision.locale, signature.original_number) == (french.id, "fr", 2)
    assert signature.text_hash == LetterRevision.hash_of(
        "Cessez d'amplifier la haine", "Nous écrivons.", ["Publier une procédure d'appel"]
    )
    assert signature.text_hash != letter.original.content_hash and len(signature.text_hash) == 64


def test_signing_an_out_of_date_translation_is_refused_and_the_page_links_to_the_current_text(
    login, make_letter, edit, personas
):
    letter = make_letter()
    edit(letter, "fr", "Cessez", "Nous écrivons.", "Publier une procédure d'appel")
    edit(letter, "en", "Stop amplifying hate", "A new, stronger demand.", "Ban hate in ads")
    personas["signatory_a"].locale = "fr"
    db.session.commit()
    client = login("signatory_a")
    french_page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'action="/letters/{letter.slug}/sign"' not in french_page
    assert f'href="/letters/{letter.slug}?text=en#signing"' in french_page

    response = client.post(f"/letters/{letter.slug}/sign", data={"text": "fr"})  # a page opened before the edit
    assert response.status_code == 302 and signatures_of(letter) == []

    original_page = client.get(f"/letters/{letter.slug}?text=en").get_data(as_text=True)
    assert 'name="text" value="en"' in original_page and "A new, stronger demand." in original_page
    assert client.post(f"/letters/{letter.slug}/sign", data={"text": "en"}).status_code == 302
    [signature] = signatures_of(letter)
    assert (signature.revision.locale, signature.original_number) == ("en", 2)
    assert public_names(login(None), letter) == ["Organization A"]


def test_a_translation_behind_only_a_minor_edit_still_counts(login, make_letter, edit, personas):
    letter = make_letter()
    edit(letter, "fr", "Cessez", "Nous écrivons.", "Publier une procédure d'appel")
    edit(letter, "en", "Stop amplifying hate", "We write about **hate**, with a typo fixed.", material=False)
    login("signatory_a").post(f"/letters/{letter.slug}/sign", data={"text": "fr"})
    [signature] = signatures_of(letter)
    assert (signature.revision.locale, signature.original_number) == ("fr", 1)
    assert public_names(login(None), letter) == ["Organization A"]


def test_api_refuses_an_out_of_date_translation_naming_the_current_text(login, make_letter, edit, bearer):
    letter = make_letter()
    edit(letter, "fr", "Cessez", "Nous écrivons.", "Publier une procédure d'appel")
    edit(letter, "en", "Stop amplifying hate", "A new, stronger demand.", "Ban hate in ads")
    client = login(None)
    response = client.post(f"/api/v1/letters/{letter.slug}/signatures?lang=fr", headers=bearer("signatory_a"))
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert "français" in problem["detail"] and "anglais" in problem["detail"]  # `lang` is the caller's language too
    assert (problem["current_version"], problem["current_language"]) == (2, "en")
    assert problem["current_text"] == f"https://coalition.test/api/v1/letters/{letter.slug}?lang=en"
    assert problem["current_page"] == f"https://coalition.test/letters/{letter.slug}?text=en"
    assert signatures_of(letter) == []

    response = client.post(f"/api/v1/letters/{letter.slug}/signatures?lang=en", headers=bearer("signatory_a"))
    assert response.status_code == 201 and (response.get_json()["version"], response.get_json()["language"]) == (
        2,
        "en",
    )


def test_reconfirming_on_an_out_of_date_translation_is_refused(make_letter, edit, personas):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    edit(letter, "fr", "Cessez", "Nous écrivons.", "Publier une procédure d'appel")
    edit(letter, "en", "Stop amplifying hate", "A new, stronger demand.", "Ban hate in ads")
    with pytest.raises(services.LetterError, match="stale_translation"):
        services.reconfirm(personas["signatory_a"], letter, "fr")
    assert not services.is_current(letter, signatures_of(letter)[0])


# Withdrawal.


def test_withdrawal_is_kept_in_the_record_and_the_organization_can_sign_again(login, make_letter, personas):
    letter = make_letter()
    signatory = login("signatory_a")
    signatory.post(f"/letters/{letter.slug}/sign")
    assert login("org_admin_a").post(f"/letters/{letter.slug}/withdraw", data={"confirmed": "1"}).status_code == 302
    [signature] = signatures_of(letter)
    assert signature.withdrawn_at is not None
    assert public_names(login(None), letter) == []
    assert "Organization A" not in login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)

    signatory.post(f"/letters/{letter.slug}/sign")
    [signature] = signatures_of(letter)
    assert signature.withdrawn_at is None and signature.signer_id == personas["signatory_a"].id
    assert public_names(login(None), letter) == ["Organization A"]


def test_signature_cannot_be_withdrawn_once_the_letter_closes(login, make_letter):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    letter.status = LetterStatus.CLOSED
    db.session.commit()
    assert login("signatory_a").post(f"/letters/{letter.slug}/withdraw").status_code == 403
    assert login("member_a").post(f"/letters/{letter.slug}/withdraw").status_code == 403
    assert signatures_of(letter)[0].withdrawn_at is None


# Material and non-material changes.


def test_material_change_asks_signers_to_reconfirm_and_stops_counting_them_until_they_do(
    login, make_letter, edit, personas, outbox, person_factory
):
    person_factory("signatory", personas["org_b"], email="signatory.b@example.org")
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    login("steering").post(f"/letters/{letter.slug}/sign")
    before = len(outbox())

    edit(letter, "en", "Stop amplifying hate", "A stronger text.", "Publish an appeals process\nBan hate in ads")
    assert letter.material_version == 2
    reconfirm = {m.recipient for m in outbox()[before:] if m.template == "letter_reconfirm"}
    assert reconfirm == {
        "signatory.a@example.org",
        "orgadmin.a@example.org",
        "steering@example.org",
        "admin@example.org",
    }
    anonymous = login(None)
    assert public_names(anonymous, letter) == []
    changed_on = letter.original.created_at
    assert (
        f"2 organizations are re-confirming their signatures since the text changed on "
        f"{format_date(changed_on, 'long', locale='en')}."
    ) in anonymous.get(f"/letters/{letter.slug}").get_data(as_text=True)
    french_page = login(None).get(f"/letters/{letter.slug}?lang=fr").get_data(as_text=True)
    assert format_date(changed_on, "long", locale="fr") in french_page
    assert "signed an earlier version" in login("org_admin_a").get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert (
        login("steering")
        .get(f"/letters/manage/{letter.slug}")
        .get_data(as_text=True)
        .count("signed an earlier version")
        == 2
    )

    assert login("org_admin_a").post(f"/letters/{letter.slug}/reconfirm").status_code == 302
    assert public_names(anonymous, letter) == ["Organization A"]
    page = anonymous.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "1 signatory" in page and "1 organization is re-confirming its signature since" in page
    signature = signatures_of(letter)[0]
    assert (signature.original_number, signature.text_hash) == (2, letter.original.content_hash)
    assert "signed an earlier version" not in login("signatory_a").get(f"/letters/{letter.slug}").get_data(as_text=True)


def test_only_a_signing_organizations_signers_can_reconfirm(login, make_letter, edit):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    edit(letter, "en", "Stop amplifying hate", "A stronger text.")
    assert login("member_a").post(f"/letters/{letter.slug}/reconfirm").status_code == 403
    assert login("steering").post(f"/letters/{letter.slug}/reconfirm").status_code == 403
    assert signatures_of(letter)[0].original_number == 1


def test_non_material_change_keeps_signatures_current(login, make_letter, edit, outbox):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    before = len(outbox())
    edit(letter, "en", "Stop amplifying hate", "We write about hate. (Typo fixed.)", material=False)
    assert (letter.original.number, letter.material_version) == (2, 1)
    assert outbox()[before:] == []
    assert public_names(login(None), letter) == ["Organization A"]
    assert "signed an earlier version" not in login("signatory_a").get(f"/letters/{letter.slug}").get_data(as_text=True)


# Progress and reminders.


def test_steering_sees_progress_by_region_and_the_member_organizations_yet_to_sign(login, make_letter):
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    page = login("steering").get(f"/letters/manage/{letter.slug}").get_data(as_text=True)
    assert "1 organization has signed" in page and "Africa: 1" in page
    assert "2 member organizations have not signed" in page
    unsigned = page.split("have not signed", 1)[1]
    assert "Organization B" in unsigned and "Steering Org" in unsigned and "Organization A" not in unsigned


def test_reminders_go_only_to_signers_of_unsigned_member_organizations(
    login, make_letter, personas, outbox, organization_factory, person_factory
):
    person_factory("signatory", personas["org_b"], email="signatory.b@example.org")
    suspended = organization_factory(name="Suspended", membership_status=MembershipStatus.SUSPENDED)
    person_factory("signatory", suspended, email="suspended@example.org")
    letter = make_letter()
    login("signatory_a").post(f"/letters/{letter.slug}/sign")
    before = len(outbox())
    assert login("steering").post(f"/letters/manage/{letter.slug}/reminders").status_code == 302
    reminded = outbox()[before:]
    assert {m.template for m in reminded} == {"letter_reminder"}
    assert sorted(m.recipient for m in reminded) == [
        "admin@example.org",
        "signatory.b@example.org",
        "steering@example.org",
    ]
    assert login("member_a").post(f"/letters/manage/{letter.slug}/reminders").status_code == 403


def test_no_reminders_once_the_letter_is_closed(login, make_letter, outbox):
    letter = make_letter(status="closed")
    assert login("steering").post(f"/letters/manage/{letter.slug}/reminders").status_code == 409
    assert outbox() == []


# Emails in each recipient's language.


def test_emails_are_written_in_each_recipients_language(login, make_letter, personas, outbox, translate):
    personas["signatory_a"].locale = "ar"
    personas["org_admin_a"].locale = "sw"
    db.session.commit()
    letter = make_letter(status="in_review")
    login("steering").post(f"/letters/manage/{letter.slug}/advance")
    opened = {m.recipient: m for m in outbox() if m.template == "letter_opened"}
    assert {email: m.locale for email, m in opened.items()} == {
        "signatory.a@example.org": "ar",
        "orgadmin.a@example.org": "sw",
        "steering@example.org": "en",
        "admin@example.org": "en",
    }
    assert opened["signatory.a@example.org"].body.startswith(translate("ar", "Hello,"))
    assert opened["orgadmin.a@example.org"].body.startswith(translate("sw", "Hello,"))
    assert opened["steering@example.org"].body.startswith("Hello,")
    assert "Stop amplifying hate" in opened["signatory.a@example.org"].subject
