from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core.forms import select_choices, web_address_validators
from app.core.geo import COUNTRY_CODES, country_choices


class CountryField(SelectField):
    """An ISO 3166-1 alpha-2 code, listed by name in the reader's language."""

    def __init__(self, label=None, validators=None, **kwargs):
        # Bound fields are built per request, so the names follow the reader's language.
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.choices = select_choices([("", _l("Choose a country")), *country_choices()])

    def pre_validate(self, form):
        if self.data not in COUNTRY_CODES:
            raise ValidationError(_l("Choose a country from the list."))


def website_field():
    return URLField(_l("Website"), validators=[Optional(), *web_address_validators()])


class ApplicationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    country = CountryField(_l("Country"), validators=[DataRequired()])
    website = website_field()
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact email"), validators=[
        DataRequired(), Email(message=_l("Enter a valid email address.")), Length(max=254)])
    motivation = TextAreaField(_l("Why does your organization want to join?"), validators=[
        DataRequired(), Length(min=20, max=5000)],
        description=_l("Your work on online harms, the communities you serve, and what you hope to do together."))


class MoreInformationForm(FlaskForm):
    information = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=5000)])


class ReviewForm(FlaskForm):
    message = TextAreaField(_l("Message to the applicant"), validators=[Optional(), Length(max=5000)],
                            description=_l("Required when asking for information or declining."))


class OrganizationProfileForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    website = website_field()
    description = TextAreaField(_l("Public description"), validators=[Optional(), Length(max=2000)])


class OrganizationAdminForm(OrganizationProfileForm):
    country = CountryField(_l("Country"), validators=[DataRequired()])
    is_steering = BooleanField(_l("Member of the steering committee"))
