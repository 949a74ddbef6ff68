"""The searchable pickers (app/core/pickers.py): likely choices first, in a "Suggested" group, as plain selects."""

import re
from itertools import groupby

from flask_login import login_user

from app.core.forms import CountryField, FlaskForm, TimezoneField
from app.core.pickers import SUGGESTED, picker_choices
from app.incidents.forms import LanguageField
from app.incidents.vocab import language_choices


class PickerForm(FlaskForm):
    class Meta:
        csrf = False

    country = CountryField("Country")
    timezone = TimezoneField("Time zone")
    language = LanguageField("Language")


def groups(field) -> dict:
    """The field's option values by optgroup label (None: outside any group)."""
    return {
        str(label) if label else None: [choice.value for choice in choices] for label, choices in field.iter_groups()
    }


def suggested(field) -> list[str]:
    """The codes in the field's "Suggested" group (named in the reader's language)."""
    return groups(field)[str(SUGGESTED)]


def test_suggested_codes_come_first_in_their_own_group_and_every_code_stays_in_the_full_list(app):
    with app.test_request_context("/"):
        choices = picker_choices([("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")], ["c", "zz", "c"], "Choose")
        grouped = {
            str(label) if label else None: [c.value for c in group]
            for label, group in groupby(choices, key=lambda choice: choice.optgroup)
        }
    assert grouped == {None: [""], "Suggested": ["c"], "All, A to Z": ["a", "b", "c"]}


def test_without_suggestions_the_list_is_not_grouped(app):
    with app.test_request_context("/"):
        choices = picker_choices([("a", "Alpha")], [])
    assert [(choice.value, choice.optgroup) for choice in choices] == [("a", None)]


def test_a_signed_in_person_is_offered_their_browser_zone_saved_zone_and_their_countrys_zones(
    app, organization_factory, person_factory, sign_in_as
):
    organization = organization_factory(country="KE")
    person = person_factory(organization=organization, timezone="Europe/Sarajevo")
    client = sign_in_as(app.test_client(), person)
    client.set_cookie("tz", "Asia%2FKolkata")
    client.set_cookie("lang", "en")
    page = client.get("/account/").get_data(as_text=True)
    group = re.search(r'<optgroup label="Suggested">(.*?)</optgroup>', page.split('name="timezone"')[1], re.S)
    values = re.findall(r'value="([^"]+)"', group.group(1))
    assert values == ["Asia/Kolkata", "Europe/Sarajevo", "Africa/Nairobi"]
    assert "Nairobi (Kenya Time)" in group.group(1)


def test_the_readers_language_and_their_countrys_main_languages_are_suggested(app, personas, sign_in_as):
    # Organization A is in Nigeria: English, then Nigeria's languages by how many speak them.
    with app.test_request_context("/?lang=fr"):
        login_user(personas["member_a"])
        form = PickerForm()
        languages = suggested(form.language)
    assert languages[0] == "fr"
    assert {"en", "ha", "yo", "ig"} <= set(languages)
    assert len(languages) <= 9


def test_the_organizations_country_and_the_browsers_country_are_suggested(app, personas):
    with app.test_request_context("/", headers={"Accept-Language": "sw-TZ,sw;q=0.9,en;q=0.5"}):
        login_user(personas["member_b"])
        assert suggested(PickerForm().country) == ["BR", "TZ"]


def test_an_anonymous_reader_gets_suggestions_from_the_browser_alone(app):
    with app.test_request_context("/", headers={"Accept-Language": "en-KE"}):
        form = PickerForm()
        assert suggested(form.country) == ["KE"]
        assert suggested(form.language) == ["en"]
        assert "Suggested" not in groups(form.timezone)


def test_options_carry_their_code_and_a_zones_country_for_the_search(app):
    with app.test_request_context("/?lang=fr"):
        form = PickerForm()
        html = str(form.timezone) + str(form.language) + str(form.country)
    assert re.search(r'data-search="Africa/Nairobi Kenya" value="Africa/Nairobi"', html)
    assert 'data-search="sw" value="sw"' in html
    assert 'data-search="KE" value="KE"' in html
    assert 'data-picker="timezone"' in html and 'data-picker-search="Rechercher' in html


def test_the_language_list_is_still_every_language(app):
    with app.test_request_context("/"):
        assert groups(PickerForm().language)[None] == [""]
        assert len(PickerForm().language.choices) == 1 + len(language_choices()) + 1  # blank, all, and English


def test_without_javascript_the_zone_picker_is_a_plain_select_whose_code_is_saved(login, personas):
    client = login("member_a")  # organization A is in Nigeria
    page = client.get("/account/?lang=en").get_data(as_text=True)
    select = re.search(r'<select data-picker="timezone"[^>]*name="timezone">(.*?)</select>', page, re.S).group(1)
    assert '<optgroup label="Suggested"><option data-search="Africa/Lagos Nigeria" value="Africa/Lagos">' in select

    response = client.post("/account/", data={"name": "Ngozi", "locale": "", "timezone": "Africa/Lagos"})

    assert response.status_code == 302
    assert personas["member_a"].timezone == "Africa/Lagos"
