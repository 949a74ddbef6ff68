"""What the public sees of a letter (signatories in order, counts by region, embargo, supporters) and the
letters JSON API with its status codes."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import TokenScope
from app.extensions import db
from app.letters import services
from app.letters.models import Signature, Supporter
from app.letters.vocab import LetterStatus, SupporterStatus

API = "/api/v1/letters"


@pytest.fixture
def signed_by(organization_factory, person_factory):
    """``signed_by(letter, "Name", "KE", steering=False)``: a new member organization signs through its signatory."""

    def sign(letter, name, country, steering=False):
        organization = organization_factory(name=name, country=country, is_steering=steering)
        services.sign(person_factory("signatory", organization), letter, "en")
        db.session.commit()
        return organization

    return sign


def listed(page: str) -> list[str]:
    """The organizations in the page's list of signatories, in order (each name isolated from the text around it)."""
    items = page.split('<ol class="signatory-list">', 1)[1].split("</ol>", 1)[0].split("<li><bdi>")[1:]
    return [item.split("</bdi>", 1)[0] for item in items]


REGION = re.compile(
    r'<span class="region-name">([^<]*)</span> <span class="region-count">([^<]*)</span>.*?'
    r'<span class="region-countries muted">(.*?)</span></li>',
    re.DOTALL,
)


def regions(page: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The page's signatories by region: (region, count, [(country, count), …]), in the page's order."""
    return [
        (region, count, re.findall(r"<bdi>([^<]*)</bdi>&nbsp;([^ <]*)", countries))
        for region, count, countries in REGION.findall(page)
    ]


def api_names(client, letter, **kwargs) -> list[str]:
    response = client.get(f"{API}/{letter.slug}/signatures", **kwargs)
    assert response.status_code == 200
    return [item["organization"] for item in response.get_json()]


# The public page.


def test_signatories_listed_steering_committee_first_then_alphabetically_with_country(
    login, make_letter, personas, signed_by
):
    letter = make_letter()
    signed_by(letter, "zeta Collective", "DE")
    services.sign(personas["steering"], letter, "en")
    signed_by(letter, "Beta Network", "FR")
    signed_by(letter, "Another Steering", "US", steering=True)
    signed_by(letter, "alpha Rights", "KE")
    services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    expected = ["Another Steering", "Steering Org", "alpha Rights", "Beta Network", "Organization A", "zeta Collective"]
    page = login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert listed(page) == expected
    assert '<bdi>Organization A</bdi> <span class="muted">(Nigeria)</span>' in page and "(Germany)" in page
    assert api_names(login(None), letter) == expected
    first = login(None).get(f"{API}/{letter.slug}/signatures").get_json()[0]
    assert (first["country"], first["steering_committee"], first["language"]) == ("US", True, "en")
    text = login(None).get(f"/letters/{letter.slug}.txt").get_data(as_text=True)
    assert (
        text.index("- Another Steering (United States)")
        < text.index("- alpha Rights (Kenya)")
        < text.index("- zeta Collective (Germany)")
    )


def test_public_page_counts_signatories_by_region(login, make_letter, personas, signed_by):
    letter = make_letter()
    services.sign(personas["signatory_a"], letter, "en")
    signed_by(letter, "Kenyan Rights", "KE")
    signed_by(letter, "Berlin Watch", "DE")
    db.session.commit()
    page = login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "3 signatories" in page
    expected = [
        ("Africa", "2", [("Kenya", "1"), ("Nigeria", "1")]),
        ("Europe and Central Asia", "1", [("Germany", "1")]),
    ]
    assert regions(page) == expected
    assert regions(login(None).get(f"/letters/{letter.slug}/print").get_data(as_text=True)) == expected


# Embargo.


def test_embargo_hides_signatories_from_everyone_but_steering_until_published(login, make_letter, personas, bearer):
    letter = make_letter(embargoed=True, accepts_supporters=True)
    services.sign(personas["signatory_a"], letter, "en")
    services.decide_supporter(
        personas["steering"], services.add_supporter(letter, "Friends", "FR", "f@example.org"), True
    )
    db.session.commit()
    for client, headers in ((login(None), {}), (login("member_b"), {}), (login(None), bearer("member_b"))):
        page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
        assert "Organization A" not in page and "Friends" not in page
        assert "The signatories will be made public when the letter is published." in page
        assert "Organization A" not in client.get(f"/letters/{letter.slug}/print").get_data(as_text=True)
        assert "Organization A" not in client.get(f"/letters/{letter.slug}.txt").get_data(as_text=True)
        assert api_names(client, letter, headers=headers) == []
    steering = login("steering")
    assert listed(steering.get(f"/letters/{letter.slug}").get_data(as_text=True)) == ["Organization A"]
    assert api_names(steering, letter) == ["Organization A"]
    assert api_names(login(None), letter, headers=bearer("steering")) == ["Organization A"]

    letter.status = LetterStatus.PUBLISHED
    db.session.commit()
    page = login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert listed(page) == ["Organization A"] and "Friends" in page
    assert api_names(login(None), letter) == ["Organization A"]
    assert "- Organization A (Nigeria)" in login(None).get(f"/letters/{letter.slug}.txt").get_data(as_text=True)


# The public page is cached for readers without a session, until anything it shows changes.


def test_the_public_letter_page_is_cached_and_shows_every_change_at_once(login, make_letter, signed_by, count_queries):
    letter = make_letter()
    path, reader = f"/letters/{letter.slug}", login(None)
    reader.get(path)
    with count_queries() as statements:
        cached = reader.get(path)
    assert statements == [] and cached.headers["Cache-Control"] == "public, max-age=60"
    organization = signed_by(letter, "Lagos Digital Rights", "NG")
    assert "Lagos Digital Rights" in reader.get(path).get_data(as_text=True)
    organization.name = "Paradigm Initiative"
    db.session.commit()
    assert "Paradigm Initiative" in reader.get(path).get_data(as_text=True)


def test_a_signatory_gets_the_live_page_while_the_public_one_is_cached(login, make_letter):
    letter = make_letter()
    login(None).get(f"/letters/{letter.slug}")
    page = login("signatory_a").get(f"/letters/{letter.slug}")
    assert f'action="/letters/{letter.slug}/sign"' in page.get_data(as_text=True)
    assert "public" not in page.headers.get("Cache-Control", "")


def test_an_anonymous_supporter_sees_the_thanks_on_the_letter_page(login, make_letter):
    letter = make_letter(accepts_supporters=True)
    reader = login(None)
    reader.get(f"/letters/{letter.slug}")
    reader.post(
        f"/letters/{letter.slug}/support",
        data={"name": "Friends of the Web", "country": "FR", "contact_email": "friends@example.org"},
    )
    assert "The steering committee will confirm" in reader.get(f"/letters/{letter.slug}").get_data(as_text=True)


# Supporting organizations from outside the coalition.


def test_supporters_appear_only_once_steering_approves_them(login, make_letter):
    letter = make_letter(accepts_supporters=True)
    response = login(None).post(
        f"/letters/{letter.slug}/support",
        data={"name": "Friends of the Web", "country": "FR", "contact_email": " friends@example.org "},
    )
    assert response.status_code == 302
    supporter = db.session.scalar(select(Supporter))
    assert (supporter.status, supporter.contact_email, supporter.text_hash) == (
        SupporterStatus.PENDING,
        "friends@example.org",
        letter.original.content_hash,
    )
    assert "Friends of the Web" not in login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "friends@example.org" in login("steering").get(f"/letters/manage/{letter.slug}").get_data(as_text=True)

    assert login("member_a").post(f"/letters/manage/supporters/{supporter.id}/approve").status_code == 403
    assert login("steering").post(f"/letters/manage/supporters/{supporter.id}/approve").status_code == 302
    page = login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert (
        "Supporting organizations" in page
        and '<bdi>Friends of the Web</bdi> <span class="muted">(France)</span>' in page
    )
    assert "friends@example.org" not in page


def test_declined_supporters_never_appear(login, make_letter, personas):
    letter = make_letter(accepts_supporters=True)
    services.sign(personas["signatory_a"], letter, "en")
    supporter = services.add_supporter(letter, "Astroturf Inc", "US", "a@example.org")
    db.session.commit()
    login("steering").post(f"/letters/manage/supporters/{supporter.id}/decline", data={"confirmed": "1"})
    assert db.session.get(Supporter, supporter.id).status == SupporterStatus.DECLINED
    assert "Astroturf" not in login(None).get(f"/letters/{letter.slug}").get_data(as_text=True)


@pytest.mark.parametrize(("accepts", "status"), [(False, "open"), (True, "closed")])
def test_support_is_refused_unless_the_open_letter_accepts_it(login, make_letter, accepts, status):
    letter = make_letter(status=status, accepts_supporters=accepts)
    response = login(None).post(
        f"/letters/{letter.slug}/support",
        data={"name": "Friends", "country": "FR", "contact_email": "friends@example.org"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(Supporter)) is None


# The JSON API.


def test_api_lists_only_letters_open_to_the_public(login, make_letter):
    make_letter(status="draft", title="Draft letter")
    make_letter(status="in_review", title="Letter in review")
    make_letter(status="open", title="Open letter")
    make_letter(status="published", title="Published letter")
    items = login(None).get(API).get_json()
    assert sorted(item["title"] for item in items) == ["Open letter", "Published letter"]
    assert {item["platform"] for item in items} == {"facebook"}


def test_api_gives_the_letter_in_the_language_asked_for_or_the_original(login, make_letter, personas, bearer):
    letter = make_letter()
    steering = personas["steering"]
    for locale, title in (("fr", "Cessez d'amplifier la haine"), ("ar", "أوقفوا تضخيم الكراهية")):
        services.save_text(steering, letter, locale, title, "Corps", ["Demande"], True, letter.edit_version)
        db.session.commit()
    french = login(None).get(f"{API}/{letter.slug}?lang=fr").get_json()
    assert (french["language"], french["title"], french["demands"]) == (
        "fr",
        "Cessez d'amplifier la haine",
        ["Demande"],
    )
    assert french["addressee"] == {"name": "Ada Example", "title": None}
    spanish = login(None).get(f"{API}/{letter.slug}?lang=es").get_json()
    assert (spanish["language"], spanish["title"], spanish["version"]) == ("en", "Stop amplifying hate", 1)
    personas["member_b"].locale = "ar"
    db.session.commit()
    asked = login(None).get(f"{API}/{letter.slug}?lang=fr", headers=bearer("member_b")).get_json()
    assert asked["language"] == "fr"


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_api_hides_letters_before_they_open(login, make_letter, bearer, status):
    letter = make_letter(status=status)
    assert login(None).get(f"{API}/{letter.slug}").status_code == 404
    assert login(None).get(f"{API}/{letter.slug}/signatures").status_code == 404
    assert login(None).post(f"{API}/{letter.slug}/signatures", headers=bearer("signatory_a")).status_code == 404
    assert login(None).get(f"{API}/{letter.slug}", headers=bearer("steering")).status_code == 200


def test_api_signs_once_per_organization(login, make_letter, personas, bearer):
    letter = make_letter()
    services.save_text(personas["steering"], letter, "fr", "Cessez", "Corps", ["Demande"], True, letter.edit_version)
    db.session.commit()
    client = login(None)
    response = client.post(f"{API}/{letter.slug}/signatures?lang=fr", headers=bearer("signatory_a"))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["organization"], body["country"], body["language"]) == ("Organization A", "NG", "fr")
    assert body["text_hash"] == letter.latest("fr").content_hash
    again = client.post(f"{API}/{letter.slug}/signatures", headers=bearer("org_admin_a"))
    assert again.status_code == 409
    assert len(db.session.scalars(select(Signature)).all()) == 1


@pytest.mark.parametrize(
    ("persona", "scope", "status", "code"),
    [
        ("member_a", TokenScope.WRITE, "open", 403),
        ("signatory_a", TokenScope.READ, "open", 403),
        ("signatory_a", TokenScope.WRITE, "closed", 403),
        (None, None, "open", 401),
    ],
)
def test_api_refuses_signatures_it_should_not_take(login, make_letter, bearer, persona, scope, status, code):
    letter = make_letter(status=status)
    headers = bearer(persona, scope) if persona else {}
    assert login(None).post(f"{API}/{letter.slug}/signatures", headers=headers).status_code == code
    assert db.session.scalars(select(Signature)).all() == []


def test_api_withdraws_a_signature_and_keeps_the_record(login, make_letter, personas, bearer):
    letter = make_letter()
    client = login(None)
    client.post(f"{API}/{letter.slug}/signatures", headers=bearer("signatory_a"))
    assert client.delete(f"{API}/{letter.slug}/signatures", headers=bearer("member_a")).status_code == 403
    response = client.delete(f"{API}/{letter.slug}/signatures", headers=bearer("org_admin_a"))
    assert response.status_code == 204 and response.data == b""
    [signature] = db.session.scalars(select(Signature)).all()
    assert signature.withdrawn_at is not None
    assert api_names(client, letter) == []
    assert client.delete(f"{API}/{letter.slug}/signatures", headers=bearer("org_admin_a")).status_code == 403
    assert client.post(f"{API}/{letter.slug}/signatures", headers=bearer("org_admin_a")).status_code == 201
    assert api_names(client, letter) == ["Organization A"]
