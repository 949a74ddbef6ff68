from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import CountryField, FlaskForm, not_in_future, select_choices, web_address_validators
from app.core.ids import MAX_INTEGER
from app.core.pickers import picker_attributes, picker_choices, suggested_languages
from app.core.submissions import token_field
from app.incidents.fields import EDITABLE, Field, Kind, typed
from app.incidents.vocab import CHANNEL_LABELS, OUTCOME_LABELS, Outcome, language_choices, language_codes

MAX_URLS = 20


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageField(SelectField):
    """ISO 639 code, listed by each language's own name: a searchable picker (app/core/pickers.py)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", picker_attributes("language"))
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.choices = picker_choices(language_choices(), suggested_languages(), _l("Choose a language"))

    def pre_validate(self, form):
        if self.data not in language_codes():
            raise ValidationError(_l("Choose a language from the list."))


def content_urls(form, field):
    lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
    if len(lines) > MAX_URLS:
        raise ValidationError(_l("At most %(num)d addresses.", num=MAX_URLS))
    for line in lines:
        if not line.lower().startswith(("http://", "https://")) or len(line) > 2000 or " " in line:
            raise ValidationError(_l("Each line must be one web address starting with https://."))


def platform_id_or_none(value) -> int | None:
    """A platform's id, or None for the empty first option (no platform is chosen for the person)."""
    return None if value in ("", None) else int(value)


def _form_field(field: Field):
    """The form's field for one of the incident's fields, in the reader's language."""
    presence = DataRequired(message=field.required_message) if field.required else Optional()
    length = [Length(max=field.max_length)] if field.max_length else []
    choices = select_choices(field.labels.items()) if field.labels else None
    described = {"description": field.help or ""}
    match field.kind:
        case Kind.TEXT:
            return StringField(field.label, validators=[presence, *length], **described)
        case Kind.LONG_TEXT:
            return TextAreaField(field.label, validators=[presence, *length], **described)
        case Kind.URLS:
            return TextAreaField(field.label, validators=[presence, content_urls], **described)
        case Kind.DATE:
            return DateField(field.label, validators=[presence, not_in_future], **described)
        case Kind.NUMBER:
            return IntegerField(field.label, validators=[presence, NumberRange(min=0, max=MAX_INTEGER)], **described)
        case Kind.FLAG:
            return BooleanField(field.label, default=field.default, **described)
        case Kind.CHOICE:
            default = field.default.value if field.default else None
            validators = [presence] if field.required else []
            return RadioField(field.label, choices=choices, default=default, validators=validators, **described)
        case Kind.CHOICES:
            validators = [presence] if field.required else []
            return CheckboxesField(field.label, choices=choices, validators=validators, **described)
        case Kind.LANGUAGE:
            return LanguageField(field.label, validators=[presence], **described)
        case Kind.COUNTRY:
            return CountryField(field.label, validators=[presence], **described)
        case Kind.PLATFORM:  # the choices are the active platforms, set per request, after an empty one
            return SelectField(field.label, coerce=platform_id_or_none, validators=[presence], **described)
    raise ValueError(f"No form field for {field.kind}")


class IncidentFormBase(FlaskForm):
    incident_fields: tuple[Field, ...] = ()

    def fill_from(self, incident) -> None:
        """Show what the incident holds."""
        for field in self.incident_fields:
            value = getattr(incident, field.model_attribute)
            self[field.name].data = "\n".join(value) if field.kind is Kind.URLS else value

    def incident_values(self) -> dict:
        """What was typed, as IncidentData holds it (keyword arguments)."""
        values = {}
        for field in self.incident_fields:
            data = self[field.name].data
            if field.kind is Kind.URLS:
                data = [line.strip() for line in (data or "").splitlines() if line.strip()]
            elif field.kind is Kind.CHOICES:
                data = data or []
            elif field.kind in (Kind.TEXT, Kind.LONG_TEXT) and not field.required:
                data = data or None
            values[field.name] = typed(field, data)
        return values


def incident_form_class(editable=EDITABLE) -> type[IncidentFormBase]:
    """The incident form: a field for each editable field, in the list's order, then the form's own."""
    return type(
        "IncidentForm",
        (IncidentFormBase,),
        {
            "incident_fields": editable,
            **{field.name: _form_field(field) for field in editable},
            "version": HiddenField(),
            "submission": token_field(),  # filing the same form twice files one incident
            "confirm_duplicates": BooleanField(_l("I have checked: this is not a duplicate")),
        },
    )


IncidentForm = incident_form_class()


@dataclass(frozen=True)
class FormSection:
    """A part of the incident form, with its place in the list of steps (``anchor``) and the incident's fields it
    holds; the report to the platform and the evidence are added by the filing form (or on the incident's page)."""

    anchor: str
    title: Any
    fields: tuple[str, ...] = ()


FORM_SECTIONS = (
    FormSection(
        "what-happened",
        _l("What happened"),
        ("title", "platform_id", "urls", "language", "country", "first_seen_on", "excerpt", "is_graphic"),
    ),
    FormSection(
        "harm",
        _l("Harm and context"),
        (
            "categories",
            "communities",
            "severity",
            "description",
            "account_handle",
            "account_audience",
            "account_prominence",
            "estimated_reach",
        ),
    ),
    FormSection("reporting", _l("Reporting to the platform")),
    FormSection("evidence", _l("Evidence")),
    FormSection("sharing", _l("Sharing and saving"), ("visibility", "show_organization", "internal_notes")),
)
MAX_FILES_AT_FILING = 10


def at_most_files(form, field):
    if len(field.chosen_files()) > MAX_FILES_AT_FILING:
        raise ValidationError(_l("At most %(num)d files at a time.", num=MAX_FILES_AT_FILING))


class EvidenceFilesField(MultipleFileField):
    def chosen_files(self) -> list:
        """The files chosen (a browser sends one empty part when none is)."""
        return [upload for upload in self.data or [] if upload and upload.filename]


class NewIncidentForm(IncidentForm):
    """Filing: the incident's fields and its first evidence files, each checked when the form is sent."""

    evidence_files = EvidenceFilesField(
        _l("Evidence files"),
        validators=[at_most_files],
        description=_l(
            "Images, PDF or video, several at once. Location, camera and author data are removed from the copy "
            "others see."
        ),
    )
    evidence_public = BooleanField(_l("These files may be shown publicly once the incident is published"))


class PageForm(FlaskForm):
    """One of several forms on a page: its fields' ids start with ``meta.id_prefix``, so that no two forms share
    an id (and every label names its own field). Names are unchanged: what is posted stays the same."""

    class Meta:
        id_prefix = ""

        def bind_field(self, form, unbound_field, options):
            if self.id_prefix:
                options = {**options, "id": self.id_prefix + options["name"]}
            return super().bind_field(form, unbound_field, options)


class SentWithAnotherForm(FlaskForm):
    """Optional fields sent inside another form (which carries the CSRF token): left blank, nothing is checked
    and nothing is recorded; anything typed or chosen makes it a whole record, checked as such."""

    class Meta:
        csrf = False

    def is_blank(self) -> bool:
        return all(value in ("", field.default) for field in self for value in field.raw_data or ())

    def validate(self, extra_validators=None) -> bool:
        return self.is_blank() or super().validate(extra_validators)


class ReportForm(PageForm):
    class Meta:
        id_prefix = "report-"

    reported_on = DateField(_l("Date reported"), validators=[DataRequired(), not_in_future])
    channel = SelectField(
        _l("Channel"),
        choices=select_choices([("", _l("Choose a channel")), *CHANNEL_LABELS.items()]),
        validators=[DataRequired(message=_l("Choose a channel."))],
    )
    ticket_reference = StringField(_l("Platform's ticket reference"), validators=[Optional(), Length(max=200)])
    # A new report has had no answer yet: "pending" is what is true until the platform responds.
    outcome = SelectField(_l("Outcome"), choices=select_choices(OUTCOME_LABELS.items()), default=Outcome.PENDING.value)
    outcome_on = DateField(_l("Date of the outcome"), validators=[Optional(), not_in_future])
    is_appeal = BooleanField(_l("This is an appeal"))


class FirstReportForm(SentWithAnotherForm, ReportForm):
    """The report already made to the platform, given while filing (optional)."""

    class Meta:
        id_prefix = ""  # the filing form gives it a prefix of names, and so of ids


class OutcomeForm(PageForm):  # one per row: the page gives each its id prefix
    outcome = SelectField(_l("Outcome"), choices=select_choices(OUTCOME_LABELS.items()))
    outcome_on = DateField(_l("Date of the outcome"), validators=[Optional(), not_in_future])


class EvidenceFileForm(PageForm):
    class Meta:
        id_prefix = "file-"

    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("Images, PDF or video. Location and camera data are removed from the copy others see."),
    )
    description = StringField(_l("What it shows"), validators=[Optional(), Length(max=500)])
    is_public = BooleanField(_l("May be shown publicly once the incident is published"))
    confirm_duplicates = BooleanField(_l("I have checked: this is not a duplicate"))


class EvidenceLinkForm(PageForm):
    class Meta:
        id_prefix = "link-"

    url = URLField(_l("Link"), validators=[DataRequired(), *web_address_validators(2000)])
    archive_url = URLField(_l("Archived copy"), validators=[Optional(), *web_address_validators(2000)])
    description = StringField(_l("What it shows"), validators=[Optional(), Length(max=500)])
    is_public = BooleanField(_l("May be shown publicly once the incident is published"))


class FirstLinkForm(SentWithAnotherForm, EvidenceLinkForm):
    """A link to evidence given while filing (optional)."""

    class Meta:
        id_prefix = ""  # the filing form gives it a prefix of names, and so of ids


class ReviewForm(PageForm):
    class Meta:
        id_prefix = "review-"

    message = TextAreaField(
        _l("Message to the author"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required when asking for information or rejecting."),
    )


class WithdrawForm(PageForm):  # one per row: the page gives each its id prefix
    reason = StringField(_l("Why is it withdrawn?"), validators=[DataRequired(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), description=_l("The columns of the CSV export. Every row becomes a draft."))
