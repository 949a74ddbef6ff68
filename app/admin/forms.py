from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.core.forms import FlaskForm, web_address_validators
from app.platforms.models import SLUG_SHAPE


class PlatformForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Short name for addresses"),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(f"^{SLUG_SHAPE.pattern}$", message=_l("Use lower-case letters, digits and hyphens.")),
        ],
    )
    company = StringField(_l("Company"), validators=[Optional(), Length(max=200)])
    website = StringField(_l("Website"), validators=[Optional(), *web_address_validators()])
    active = BooleanField(_l("Tracked by the coalition"), default=True)


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=200)])
    organization = SelectField(_l("Organization"), coerce=str, validate_choice=False)
    role = SelectField(_l("Role"), validate_choice=False)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=False)
    actor = StringField(_l("Person (email)"), validators=[Optional(), Length(max=254)])
    object_type = SelectField(_l("Object"), validate_choice=False)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
