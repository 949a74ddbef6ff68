from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.core.forms import CountryField, FlaskForm, web_address_validators


def website_field():
    return URLField(_l("Website"), validators=[Optional(), *web_address_validators()])


class ApplicationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    country = CountryField(_l("Country"), validators=[DataRequired()])
    website = website_field()
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(
        _l("Contact email"),
        validators=[DataRequired(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
    )
    motivation = TextAreaField(
        _l("Why does your organization want to join?"),
        validators=[DataRequired(), Length(min=20, max=5000)],
        description=_l("Your work on online harms, the communities you serve, and what you hope to do together."),
    )


class MoreInformationForm(FlaskForm):
    information = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=5000)])


class ReviewForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the applicant"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required when asking for information or declining."),
    )


class OrganizationProfileForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    website = website_field()
    description = TextAreaField(_l("Public description"), validators=[Optional(), Length(max=2000)])


class OrganizationAdminForm(OrganizationProfileForm):
    country = CountryField(_l("Country"), validators=[DataRequired()])
    is_steering = BooleanField(_l("Member of the steering committee"))
