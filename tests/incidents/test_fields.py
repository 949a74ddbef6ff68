"""One list of incident fields (app/incidents/fields.py): the form, IncidentData, the API, the exports and the
import are derived from it and stay in step with it."""

import dataclasses
from datetime import date

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from app.incidents import exports, fields, imports, schemas, services
from app.incidents.forms import IncidentForm, incident_form_class
from app.incidents.models import Incident
from app.incidents.schemas import IncidentInputSchema, IncidentSchema

EDITABLE_NAMES = [field.name for field in fields.EDITABLE]
EDITABLE_COLUMNS = [field.public_name for field in fields.EDITABLE]
SHOWN_COLUMNS = [field.public_name for field in fields.SHOWN]

# The export's columns before the list existed: files people keep depend on them and their order.
FIRST_EXPORT_COLUMNS = [
    "reference",
    "organization",
    "platform",
    "title",
    "categories",
    "communities",
    "language",
    "country",
    "first_seen_on",
    "severity",
    "status",
    "visibility",
    "urls",
    "excerpt",
    "account_handle",
    "account_audience",
    "account_prominence",
    "estimated_reach",
    "description",
    "is_graphic",
    "reports",
]


def test_every_derived_place_has_the_list_fields_in_its_order(app):
    with app.test_request_context():
        form_names = [item.name for item in IncidentForm()]
    assert form_names == [*EDITABLE_NAMES, "version", "submission", "confirm_duplicates"]
    assert [item.name for item in dataclasses.fields(services.IncidentData)] == EDITABLE_NAMES
    assert list(IncidentInputSchema().fields) == [*EDITABLE_COLUMNS, "submit"]
    assert sorted(IncidentSchema().fields) == sorted(SHOWN_COLUMNS)
    assert exports.COLUMNS == SHOWN_COLUMNS


def test_the_export_keeps_its_first_columns_in_their_order():
    assert [column for column in exports.COLUMNS if column in FIRST_EXPORT_COLUMNS] == FIRST_EXPORT_COLUMNS


def test_every_field_is_an_attribute_of_the_model_and_the_per_reader_ones_have_their_code():
    for field in fields.FIELDS:
        if field.kind is fields.Kind.PER_READER:
            assert field.name in exports.PER_READER and field.name in IncidentSchema().fields
        else:
            assert hasattr(Incident, field.model_attribute), field.name


def test_an_exported_row_has_every_column_and_imports_back_as_the_editable_ones(personas, incident_factory):
    incident = incident_factory(personas["member_a"], urls=["https://example.com/post/1"], account_audience=500)
    row = exports.row_for(personas["member_a"], incident)
    assert list(row) == exports.COLUMNS
    payload = imports.payload_from({key: "" if value is None else str(value) for key, value in row.items()})
    assert set(payload) <= set(EDITABLE_COLUMNS)
    loaded = IncidentInputSchema().load(payload)
    data = schemas.to_incident_data(loaded)
    for field in fields.EDITABLE:
        if field.shown:
            assert getattr(data, field.name) == getattr(incident, field.model_attribute), field.name


def test_a_field_added_to_the_list_reaches_the_form_the_api_the_export_and_the_import(app, personas, incident_factory):
    """The experiment: one more entry in the list (here a short text) and every derived place has it. On
    the real list the model and a migration give it a column, and the templates show it."""
    extended = (*fields.FIELDS, fields.Field("source_note", fields.Kind.TEXT, label=_l("Title"), max_length=10))
    editable, shown = fields.editable(extended), fields.shown(extended)

    with app.test_request_context(method="POST", data={"source_note": "far too long a note"}):
        form = incident_form_class(editable)()
        assert form.source_note.label.text == "Title"
        form.platform_id.choices = []  # the views give the active platforms
        form.validate()
        assert form.errors["source_note"] == ["Field cannot be longer than 10 characters."]

    assert [item.name for item in dataclasses.fields(services.incident_data_class(editable))][-1] == "source_note"

    input_schema = ma.Schema.from_dict(schemas.input_fields(editable))()
    payload = {
        "title": "T",
        "platform": "facebook",
        "categories": ["other"],
        "language": "en",
        "country": "NG",
        "first_seen_on": "2026-01-01",
        "severity": "1",
        "source_note": "a note",
    }
    assert input_schema.load(payload)["source_note"] == "a note"
    assert "source_note" in input_schema.validate(payload | {"source_note": "far too long a note"})

    incident = incident_factory(personas["member_a"])
    incident.source_note = "a note"  # the column a migration would add
    with app.test_request_context():
        assert ma.Schema.from_dict(schemas.output_fields(shown))().dump(incident)["source_note"] == "a note"
    row = exports.row_for(personas["member_a"], incident, shown)
    assert list(row)[-1] == "source_note" and row["source_note"] == "a note"
    assert imports.payload_from({"source_note": "'=a note"}, editable) == {"source_note": "=a note"}


def test_data_from_the_form_and_from_the_api_are_the_same(app, platform):
    typed_in = {
        "title": "  A title  ",
        "platform_id": str(platform.id),
        "categories": ["hate_speech"],
        "language": "en",
        "country": "NG",
        "first_seen_on": "2026-01-01",
        "severity": "2",
        "urls": "https://example.com/a\n\nhttps://example.com/b ",
        "account_audience": "12",
        "is_graphic": "y",
        "show_organization": "y",  # a box left unticked is not sent
    }
    with app.test_request_context(method="POST", data=typed_in):
        from_form = services.IncidentData(**IncidentForm().incident_values())
    sent = typed_in | {"platform": platform.slug, "urls": ["https://example.com/a", "https://example.com/b"]}
    sent |= {"account_audience": 12, "is_graphic": True, "show_organization": True}
    from_api = schemas.to_incident_data(IncidentInputSchema().load(sent))
    assert from_form == from_api
    assert from_api.title == "A title" and from_api.first_seen_on == date(2026, 1, 1)
    assert from_api.communities == [] and from_api.show_organization is True and from_api.excerpt is None
