from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
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

from app.core.forms import CountryField, FlaskForm, select_choices, web_address_validators
from app.core.ids import MAX_INTEGER
from app.core.submissions import token_field
from app.incidents.vocab import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    COMMUNITY_LABELS,
    OUTCOME_LABELS,
    PROMINENCE_LABELS,
    SEVERITY_LABELS,
    VISIBILITY_LABELS,
    AccountProminence,
    Outcome,
    Visibility,
    language_choices,
    language_codes,
)

MAX_URLS = 20


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageField(SelectField):
    """ISO 639 code, listed by each language's own name."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.choices = select_choices([("", _l("Choose a language")), *language_choices()])

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


class IncidentForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("A short factual summary, without names of private people."),
    )
    platform_id = SelectField(_l("Platform"), coerce=int, validators=[DataRequired()])
    categories = CheckboxesField(
        _l("Harm categories"),
        choices=select_choices(CATEGORY_LABELS.items()),
        validators=[DataRequired(message=_l("Choose at least one category."))],
    )
    communities = CheckboxesField(_l("Targeted communities"), choices=select_choices(COMMUNITY_LABELS.items()))
    language = LanguageField(_l("Language of the content"), validators=[DataRequired()])
    country = CountryField(_l("Country"), validators=[DataRequired()])
    first_seen_on = DateField(_l("Date first seen"), validators=[DataRequired()])
    urls = TextAreaField(
        _l("Content addresses"), validators=[Optional(), content_urls], description=_l("One web address per line.")
    )
    excerpt = TextAreaField(_l("Excerpt or transcription"), validators=[Optional(), Length(max=20000)])
    account_handle = StringField(_l("Account that posted it"), validators=[Optional(), Length(max=200)])
    account_audience = IntegerField(
        _l("Approximate audience of the account"), validators=[Optional(), NumberRange(min=0, max=MAX_INTEGER)]
    )
    account_prominence = RadioField(
        _l("Who is behind the account?"),
        default=AccountProminence.ORDINARY.value,
        choices=select_choices(PROMINENCE_LABELS.items()),
    )
    estimated_reach = IntegerField(_l("Estimated reach"), validators=[Optional(), NumberRange(min=0, max=MAX_INTEGER)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=50000)],
        description=_l("Context and why it matters. Markdown is allowed."),
    )
    severity = RadioField(
        _l("Severity"),
        choices=select_choices(SEVERITY_LABELS.items()),
        validators=[DataRequired(message=_l("Choose a severity."))],
    )
    is_graphic = BooleanField(_l("Contains graphic or violent imagery"))
    visibility = RadioField(
        _l("Who may see it"), default=Visibility.COALITION.value, choices=select_choices(VISIBILITY_LABELS.items())
    )
    show_organization = BooleanField(
        _l("Show our organization's name when shared"),
        default=True,
        description=_l("If unticked, it appears as filed by “a member organization”."),
    )
    internal_notes = TextAreaField(
        _l("Internal notes"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Never shown outside your organization and the reviewers."),
    )
    version = HiddenField()
    submission = token_field()  # filing the same form twice files one incident
    confirm_duplicates = BooleanField(_l("I have checked: this is not a duplicate"))


class ReportForm(FlaskForm):
    reported_on = DateField(_l("Date reported"), validators=[DataRequired()])
    channel = SelectField(_l("Channel"), choices=select_choices(CHANNEL_LABELS.items()))
    ticket_reference = StringField(_l("Platform's ticket reference"), validators=[Optional(), Length(max=200)])
    outcome = SelectField(_l("Outcome"), choices=select_choices(OUTCOME_LABELS.items()), default=Outcome.PENDING.value)
    outcome_on = DateField(_l("Date of the outcome"), validators=[Optional()])
    is_appeal = BooleanField(_l("This is an appeal"))


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=select_choices(OUTCOME_LABELS.items()))
    outcome_on = DateField(_l("Date of the outcome"), validators=[Optional()])


class EvidenceFileForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("Images, PDF or video. Location and camera data are removed from the copy others see."),
    )
    description = StringField(_l("What it shows"), validators=[Optional(), Length(max=500)])
    is_public = BooleanField(_l("May be shown publicly once the incident is published"))
    confirm_duplicates = BooleanField(_l("I have checked: this is not a duplicate"))


class EvidenceLinkForm(FlaskForm):
    url = URLField(_l("Link"), validators=[DataRequired(), *web_address_validators(2000)])
    archive_url = URLField(_l("Archived copy"), validators=[Optional(), *web_address_validators(2000)])
    description = StringField(_l("What it shows"), validators=[Optional(), Length(max=500)])
    is_public = BooleanField(_l("May be shown publicly once the incident is published"))


class ReviewForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the author"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required when asking for information or rejecting."),
    )


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Why is it withdrawn?"), validators=[DataRequired(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), description=_l("The columns of the CSV export. Every row becomes a draft."))
    csv_text = HiddenField()
