from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import FlaskForm, language_choices, select_choices, web_address_validators
from app.tracker.vocab import AREA_LABELS, CLAIMED_LABELS, STANCE_LABELS, VERIFIED_LABELS


def source_lines(form, field):
    """Each line: a source address, optionally followed by its archived copy."""
    for line in (field.data or "").splitlines():
        for address in line.split():
            if not address.lower().startswith(("http://", "https://")) or len(address) > 2000:
                raise ValidationError(
                    _l(
                        "Each line must be one web address starting with https://, "
                        "optionally followed by the address of an archived copy."
                    )
                )


def parse_sources(text: str | None) -> list[tuple[str, str | None]]:
    pairs = []
    for line in (text or "").splitlines():
        parts = line.split()
        if parts:
            pairs.append((parts[0], parts[1] if len(parts) > 1 else None))
    return pairs


class CommitmentForm(FlaskForm):
    platform_id = SelectField(_l("Platform"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20000)], description=_l("Markdown is allowed.")
    )
    original_locale = SelectField(_l("Language of this text"), choices=language_choices())
    area = SelectField(_l("Area of concern"), choices=select_choices(AREA_LABELS.items()))
    statement_url = URLField(
        _l("Public statement by the platform"), validators=[Optional(), *web_address_validators(2000)]
    )
    statement_archive_url = URLField(
        _l("Archived copy of the statement"), validators=[Optional(), *web_address_validators(2000)]
    )
    statement_date = DateField(_l("Date of the statement"), validators=[Optional()])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    is_published = BooleanField(_l("Published on the public tracker"))


class UpdateForm(FlaskForm):
    happened_on = DateField(_l("Date"), validators=[DataRequired()])
    claimed = SelectField(_l("What the platform claims"), choices=select_choices(CLAIMED_LABELS.items()))
    verified = SelectField(_l("What the coalition verifies"), choices=select_choices(VERIFIED_LABELS.items()))
    progress = IntegerField(_l("Progress (%)"), default=0, validators=[NumberRange(min=0, max=100)])
    note = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=5000)])
    sources = TextAreaField(
        _l("Sources"),
        validators=[Optional(), source_lines],
        description=_l("One source per line; add the archived copy after a space."),
    )


class TranslationForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=language_choices())
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=300)])
    due_on = DateField(_l("Due"), validators=[Optional()])


class EvidenceForm(FlaskForm):
    reference = StringField(
        _l("Incident reference"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("A published public incident, e.g. INC-2026-000123."),
    )
    stance = SelectField(_l("The incident"), choices=select_choices(STANCE_LABELS.items()))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
