from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import FlaskForm, TimezoneField, select_choices, web_address_validators
from app.meetings.scheduling import parse_local
from app.meetings.vocab import KIND_LABELS, Kind

RECURRENCES = {
    "weekly": (_l("Every week"), "FREQ=WEEKLY"),
    "fortnightly": (_l("Every two weeks"), "FREQ=WEEKLY;INTERVAL=2"),
    "monthly": (_l("Every month, same date"), "FREQ=MONTHLY"),
    "third_weekday": (_l("Every month, same weekday of the third week (e.g. third Wednesday)"), None),
}


class PeopleField(SelectMultipleField):
    """Checked ids; the invitee picker (``meetings/_picker.html``) draws the boxes, and
    ``invitations.people_to_invite`` keeps only those the organizer may invite, so no list of choices is needed."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, validate_choice=False, **kwargs)


class InviteesMixin:
    """The invitee picker's fields: a search, people chosen one by one and organizations invited whole."""

    find = StringField(
        _l("Find people or organizations"),
        validators=[Optional(), Length(max=200)],
        description=_l("Part of a name. Leave it empty to list everyone."),
    )
    invitees = PeopleField(_l("Invite"))
    organizations = PeopleField(_l("Invite everyone in"))


def local_times(form, field):
    """One "YYYY-MM-DD HH:MM" per line, in the meeting's time zone."""
    for line in (field.data or "").splitlines():
        if line.strip():
            try:
                parse_local(line, form.timezone.data or "UTC")
            except (ValueError, KeyError):
                raise ValidationError(_l("Write each time as 2026-12-03 15:00, one per line.")) from None


class MeetingForm(InviteesMixin, FlaskForm):
    kind = SelectField(_l("Kind"), choices=select_choices(KIND_LABELS.items()), default=Kind.MEMBERS.value)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    platform_id = SelectField(_l("Platform (for a meeting with a platform)"), coerce=int, validate_choice=False)
    letter_id = SelectField(_l("Requested in the letter"), coerce=int, validate_choice=False)
    requested_on = DateField(_l("Date the meeting was asked for"), validators=[Optional()])
    request_channel = StringField(_l("How it was asked for"), validators=[Optional(), Length(max=200)])
    timezone = TimezoneField(_l("The meeting's time zone"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[NumberRange(min=15, max=600)])
    slots = TextAreaField(
        _l("Candidate times"),
        validators=[Optional(), local_times],
        description=_l("In the meeting's time zone, one per line, e.g. 2026-12-03 15:00."),
    )
    location = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=500)],
        description=_l("Only invitees see the place and the video link."),
    )
    video_link = URLField(_l("Video link"), validators=[Optional(), *web_address_validators(2000)])
    agenda = TextAreaField(
        _l("Agenda"), validators=[Optional(), Length(max=20000)], description=_l("Markdown is allowed.")
    )


class SeriesForm(InviteesMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    timezone = TimezoneField(_l("The meeting's time zone"), validators=[DataRequired()])
    first = StringField(
        _l("First meeting"),
        validators=[DataRequired()],
        description=_l("In the meeting's time zone, e.g. 2026-12-16 15:00."),
    )
    recurrence = SelectField(
        _l("Repeats"), choices=select_choices((key, label) for key, (label, _r) in RECURRENCES.items())
    )
    count = IntegerField(_l("Number of meetings"), default=6, validators=[NumberRange(min=1, max=52)])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[NumberRange(min=15, max=600)])
    video_link = URLField(_l("Video link"), validators=[Optional(), *web_address_validators(2000)])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=20000)])

    def validate_first(self, field):
        try:
            parse_local(field.data, self.timezone.data or "UTC")
        except (ValueError, KeyError):
            raise ValidationError(_l("Write the time as 2026-12-03 15:00.")) from None


class MoveForm(FlaskForm):
    new_start = StringField(
        _l("New time"),
        validators=[DataRequired()],
        description=_l("In the meeting's time zone, e.g. 2026-12-03 15:00."),
    )


class MinutesForm(FlaskForm):
    text = TextAreaField(
        _l("Minutes"),
        validators=[DataRequired(), Length(max=100000)],
        description=_l("Markdown is allowed. Each save is a new version."),
    )


class ActionForm(FlaskForm):
    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=500)])
    owner_organization_id = SelectField(_l("Owner organization"), coerce=int, validate_choice=False)
    due_on = DateField(_l("Due"), validators=[Optional()])
    commitment_id = SelectField(_l("Linked commitment"), coerce=int, validate_choice=False)
    letter_id = SelectField(_l("Linked letter"), coerce=int, validate_choice=False)


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=500)])


class SummaryForm(FlaskForm):
    summary = TextAreaField(_l("Public summary for the tracker"), validators=[Optional(), Length(max=5000)])


class FindTimeForm(FlaskForm):
    """Candidate times for a new poll on an existing meeting, in the meeting's own zone."""

    timezone = HiddenField()
    slots = TextAreaField(
        _l("Candidate times"),
        validators=[DataRequired(), local_times],
        description=_l("In the meeting's time zone, one per line, e.g. 2026-12-03 15:00."),
    )


class InviteForm(InviteesMixin, FlaskForm):
    """More invitees for an existing meeting."""
