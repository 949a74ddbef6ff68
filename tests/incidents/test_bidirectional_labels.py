"""Labels and titles on incident pages are isolated, so a right-to-left page cannot reorder their brackets and
signs, and a title in another script cannot reorder the page around it."""

from tests.bidi_html import is_isolated


def test_an_arabic_category_label_with_latin_letters_is_isolated(login, personas, incident_factory):
    incident = incident_factory(
        personas["member_a"], status="published", visibility="public", categories=["anti_lgbtq"], title="هجوم"
    )
    client = login(None)
    for path in (f"/public/incidents/{incident.reference}?lang=ar", "/public/incidents/?lang=ar"):
        page = client.get(path).get_data(as_text=True)
        assert is_isolated(page, "LGBTQ+"), path
        assert is_isolated(page, "هجوم"), path
    # The translation keeps the Latin term left to right inside the Arabic label (U+2066 ... U+2069).
    assert "(\u2066LGBTQ+\u2069)" in page


def test_a_language_named_in_another_direction_keeps_the_reader_s_order(login, personas, incident_factory):
    """ "العربية — Arabic" on an English page, "الإنجليزية — English" on an Arabic one: the language's own name is
    isolated inside the label, so the label takes its direction from the reader's name, not from the first letter."""
    incident_factory(personas["member_a"], status="published", visibility="public", language="ar")
    incident_factory(personas["member_a"], status="published", visibility="public", language="en")
    client = login(None)
    english = client.get("/public/incidents/?lang=en").get_data(as_text=True)
    assert "<bdi><bdi>العربية</bdi> — Arabic</bdi>" in english
    arabic = client.get("/public/incidents/?lang=ar").get_data(as_text=True)
    assert "<bdi><bdi>English</bdi> — الإنجليزية</bdi>" in arabic
