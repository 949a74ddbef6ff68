from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.accounts.models import ORG_ROLE_LABELS, TOKEN_SCOPE_LABELS, OrgRole, TokenScope
from app.accounts.passwords import MAX_LENGTH, password_problem
from app.core.forms import FlaskForm, TimezoneField, language_choices, select_choices, strip_whitespace

PASSWORD_MESSAGES = {
    "short": _l("Use at least 10 characters."),
    "long": _l("Use at most 256 characters."),
    "weak": _l("This password is too easy to guess. Try a longer phrase of unrelated words."),
}


class StrongPassword:
    """The password meets the minimum strength; ``context`` names fields it must not resemble."""

    def __init__(self, *context: str):
        self.context = context

    def __call__(self, form, field):
        inputs = [str(getattr(getattr(form, name, None), "data", "") or "") for name in self.context]
        inputs += [str(value) for value in getattr(form, "password_context", [])]
        problem = password_problem(field.data or "", inputs)
        if problem:
            raise ValidationError(PASSWORD_MESSAGES[problem])


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
    )


def new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), StrongPassword("name")],
        description=_l("At least 10 characters; a phrase of several words is easiest to remember."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
    )
    return password, confirm


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class TwoFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password, confirm = new_password_fields()
    locale = SelectField(_l("Language"), choices=language_choices())
    timezone = TimezoneField(_l("Time zone"))


class PasswordResetRequestForm(FlaskForm):
    email = email_field()


class PasswordResetForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    password, confirm = new_password_fields()


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=language_choices(_l("Automatic (from your browser)")))
    timezone = TimezoneField(_l("Time zone"))
    blur_evidence = BooleanField(_l("Blur all evidence images until I choose to see them"))


class EnableTwoFactorForm(FlaskForm):
    code = StringField(_l("Code from your app"), validators=[DataRequired(), Length(max=12)])


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, e.g. “reporting script”."),
    )
    scope = SelectField(_l("Access"), choices=select_choices(TOKEN_SCOPE_LABELS.items()), default=TokenScope.READ.value)


def role_choices():
    return select_choices(ORG_ROLE_LABELS.items())


class InviteForm(FlaskForm):
    email = email_field()
    org_role = SelectField(_l("Role in the organization"), choices=role_choices(), default=OrgRole.MEMBER.value)
    locale = SelectField(_l("Language of the invitation"), choices=language_choices())
    # Coalition roles: admins only; views remove these fields for everyone else.
    is_steering = BooleanField(_l("Steering committee"))
    is_admin = BooleanField(_l("Coalition administrator"))


class RolesForm(FlaskForm):
    org_role = SelectField(_l("Role in the organization"), choices=role_choices())
    is_steering = BooleanField(_l("Steering committee"))
    is_admin = BooleanField(_l("Coalition administrator"))
