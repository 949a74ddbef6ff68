"""The list of letters shows each letter's signature counter (as the letter's page does) and its deadline, and the
API's list the same count, from ``services.signature_counts``: one query whatever the number of letters."""

import re
from datetime import date

import pytest
from babel.numbers import format_decimal

from app.extensions import db
from app.letters import services
from app.letters.vocab import LetterStatus


def counters(page: str) -> list[tuple[str, str]]:
    """(number, label) of each signature counter on the page, in order."""
    pattern = r'<span class="counter-number">([^<]*)</span>\s*<span class="counter-label">([^<]*)</span>'
    return re.findall(pattern, page)


@pytest.fixture
def sign_by(organization_factory, person_factory):
    """``sign_by(letter, count)``: ``count`` new member organizations sign the letter."""

    def sign(letter, count):
        for _ in range(count):
            services.sign(person_factory("signatory", organization_factory()), letter, "en")
        db.session.commit()

    return sign


def test_each_letter_shows_its_count_in_the_plural_it_needs_and_its_deadline(login, make_letter, sign_by):
    one = make_letter(title="One signature", deadline=date(2099, 3, 1))
    sign_by(one, 1)
    three = make_letter(title="Three signatures")
    sign_by(three, 3)
    three.status = LetterStatus.PUBLISHED
    db.session.commit()
    page = login(None).get("/letters/").get_data(as_text=True)
    assert counters(page) == [("3", "organizations have signed"), ("1", "organization has signed")]
    assert "Signatures until Mar 1, 2099" in page


def test_a_withdrawn_or_outdated_signature_is_not_counted_as_on_the_letters_page(login, make_letter, sign_by, personas):
    letter = make_letter()
    sign_by(letter, 2)
    services.sign(personas["signatory_a"], letter, "en")
    services.withdraw(personas["signatory_a"], letter)
    db.session.commit()
    client = login(None)
    assert counters(client.get("/letters/").get_data(as_text=True)) == [("2", "organizations have signed")]
    assert counters(client.get(f"/letters/{letter.slug}").get_data(as_text=True)) == [
        ("2", "organizations have signed")
    ]
    services.save_text(personas["steering"], letter, "en", "Stop", "Changed.", [], True, letter.edit_version)
    db.session.commit()
    assert counters(client.get("/letters/").get_data(as_text=True)) == [("0", "organizations have signed")]


def test_the_count_is_in_the_readers_number_format_and_language(login, make_letter, sign_by, app):
    letter = make_letter()
    sign_by(letter, 2)
    page = login(None).get("/letters/?lang=ar").get_data(as_text=True)
    [(number, label)] = counters(page)
    assert number == format_decimal(2, locale="ar") and label != "organizations have signed"


def test_an_embargo_hides_the_count_from_the_public_and_the_api_but_not_from_steering(login, make_letter, sign_by):
    letter = make_letter(embargoed=True)
    sign_by(letter, 2)
    assert counters(login(None).get("/letters/").get_data(as_text=True)) == []
    assert counters(login("steering").get("/letters/").get_data(as_text=True)) == [("2", "organizations have signed")]
    [item] = login(None).get("/api/v1/letters").get_json()
    assert item["signature_count"] is None
    [item] = login("steering").get("/api/v1/letters").get_json()  # after the public's list was kept: not theirs
    assert item["signature_count"] == 2
    [item] = login(None).get("/api/v1/letters").get_json()  # and the reverse
    assert item["signature_count"] is None


def test_the_api_list_gives_each_letter_the_same_count(login, make_letter, sign_by):
    first, second = make_letter(title="First"), make_letter(title="Second")
    sign_by(first, 3)
    sign_by(second, 1)
    listed = {item["slug"]: item["signature_count"] for item in login(None).get("/api/v1/letters").get_json()}
    assert listed == {first.slug: 3, second.slug: 1}


@pytest.mark.parametrize("path", ["/letters/", "/api/v1/letters"])
def test_the_list_runs_as_many_queries_with_two_letters_as_with_many(login, make_letter, sign_by, count_queries, path):
    client = login(None)

    def statements_with(letters: int) -> int:
        for number in range(letters):
            sign_by(make_letter(title=f"Letter {number}"), 2)
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    with_two = statements_with(2)
    assert statements_with(8) == with_two  # ten letters now
