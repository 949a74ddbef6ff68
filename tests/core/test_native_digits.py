"""Numbers, dates and times shown to people use their language's own digits (Bengali ০১২, Burmese ၀၁၂), and
machine formats (CSV, JSON, form values, ISO dates in attributes) keep 0-9."""

import re
from datetime import UTC, date, datetime

import pytest
from babel.dates import format_date
from flask import render_template_string
from flask_babel import gettext, ngettext

from app.core.i18n import digits_table, native_digits

BENGALI, BURMESE = "০১২৩৪৫৬৭৮৯", "၀၁၂၃၄၅၆၇၈၉"
ASCII_DIGIT = re.compile(r"[0-9]")


def test_every_shipped_language_knows_its_digits(app):
    for code in app.config["SUPPORTED_LOCALES"]:
        digits_table(code)  # raises for a numbering system without digits
    assert native_digits("2026-12-05 10:45", "bn") == "২০২৬-১২-০৫ ১০:৪৫"
    assert native_digits("1,234.5", "my") == "၁,၂၃၄.၅"
    for code in ("en", "ar", "ur", "hi", "de", "id"):  # CLDR's default for these is latn
        assert native_digits("1,234", code) == "1,234"


@pytest.mark.parametrize("locale, digits", [("bn", BENGALI), ("my", BURMESE)])
def test_template_filters_write_the_languages_digits(app, locale, digits):
    template = (
        "{{ 1234567|numberformat }}|{{ 0.25|percentformat }}|{{ day|dateformat('medium') }}|"
        "{{ moment|datetimeformat('short') }}|{{ moment|datetime_in('Asia/Dhaka', 'short') }}|{{ 3|count }}|"
        "{{ 10|count }}|{{ 2048|filesizeformat }}"
    )
    with app.test_request_context(f"/?lang={locale}"):
        shown = render_template_string(template, day=date(2026, 12, 5), moment=datetime(2026, 12, 5, 9, 30, tzinfo=UTC))
    assert not ASCII_DIGIT.search(shown), shown
    assert digits[1] in shown and digits[2] in shown


def test_latin_digit_languages_are_unchanged(app):
    with app.test_request_context("/?lang=ar"):
        assert render_template_string(
            "{{ 1234|numberformat }} {{ ngettext('%(num)d apple', '%(num)d apples', 3) }}"
        ) == ("1,234 3 apples")


@pytest.mark.parametrize("locale, three", [("bn", "৩"), ("my", "၃")])
def test_counts_in_messages_are_written_in_the_languages_digits(app, locale, three):
    with app.test_request_context(f"/?lang={locale}"):
        assert ngettext("%(num)d apple", "%(num)d apples", 3) == f"{three} apples"
        assert gettext("%(done)d of %(total)s <%(name)s>", done=3, total=3, name="A1") == f"{three} of {three} <A1>"
        rendered = render_template_string(
            "{{ ngettext('%(num)d apple', '%(num)d apples', 3) }} {{ _('%(n)s by %(who)s', n=3, who='<b>4</b>') }}"
        )
    # Names keep their digits, and template variables are still escaped.
    assert rendered == f"{three} apples {three} by &lt;b&gt;4&lt;/b&gt;"


def test_a_bengali_incident_page_shows_bengali_dates_and_keeps_machine_values(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], first_seen_on=date(2026, 3, 1))
    body = login("member_a").get(f"/incidents/{incident.reference}?lang=bn").get_data(as_text=True)
    first_seen = format_date(date(2026, 3, 1), "long", locale="bn")
    assert "2026" in first_seen and f"<dd>{native_digits(first_seen, 'bn')}</dd>" in body
    assert incident.reference in body  # a reference is a name, not a number


def test_csv_and_api_keep_ascii_digits_in_bengali(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], status="published", first_seen_on=date(2026, 3, 1))
    client = login("member_a")
    client.set_cookie("lang", "bn")
    exported = client.get("/incidents/export.csv").get_data(as_text=True)
    assert "2026-03-01" in exported and not re.search(f"[{BENGALI}]", exported)
    api = client.get(f"/api/v1/incidents/{incident.reference}").get_data(as_text=True)
    assert "2026-03-01" in api and not re.search(f"[{BENGALI}]", api)
