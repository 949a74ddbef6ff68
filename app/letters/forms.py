from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core.db import utcnow
from app.core.forms import CountryField, FlaskForm, language_choices, strip_whitespace, web_address_validators


class LetterTextForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(
        _l("Letter"), validators=[DataRequired(), Length(max=100000)], description=_l("Markdown is allowed.")
    )
    demands = TextAreaField(
        _l("Demands"), validators=[Optional(), Length(max=20000)], description=_l("One demand per line, in order.")
    )
    material = BooleanField(
        _l("This change alters what signatories agree to (they will be asked to re-confirm)"), default=True
    )
    edit_version = HiddenField()


class LetterSettingsForm(FlaskForm):
    platform_id = SelectField(_l("Recipient platform"), coerce=int)
    addressee_name = StringField(_l("Addressee"), validators=[DataRequired(), Length(max=200)])
    addressee_title = StringField(_l("Addressee's title"), validators=[Optional(), Length(max=200)])
    addressee_address = TextAreaField(_l("Postal address"), validators=[Optional(), Length(max=2000)])
    letter_date = DateField(_l("Date of the letter"), validators=[Optional()])
    original_locale = SelectField(_l("Original language"), choices=language_choices())
    deadline = DateField(_l("Deadline for signatures"), validators=[Optional()])
    embargoed = BooleanField(_l("Hide the signatories until publication (embargo)"))
    accepts_supporters = BooleanField(_l("Accept supporting organizations from outside the coalition"))
    saved_deadline = None  # the letter's deadline as saved: it may stay even once it has passed

    def validate_deadline(self, field):
        if field.data and field.data < utcnow().date() and field.data != self.saved_deadline:
            raise ValidationError(_l("The deadline for signatures cannot be in the past."))


class NewLetterForm(LetterSettingsForm, LetterTextForm):
    pass


class SendForm(FlaskForm):
    channel = StringField(
        _l("How it was sent"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: email to the CEO's office, and by post."),
    )


class ResponseForm(FlaskForm):
    text = TextAreaField(_l("The platform's response"), validators=[Optional(), Length(max=50000)])
    url = URLField(_l("Link to the response"), validators=[Optional(), *web_address_validators(2000)])
    on = DateField(_l("Date of the response"), validators=[Optional()])


class SupporterForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    country = CountryField(_l("Country"), validators=[DataRequired()])
    contact_email = EmailField(
        _l("Contact email"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
    )
