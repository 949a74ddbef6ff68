"""Sign-in, invitations and password resets (public), and each person's own account pages."""

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.accounts import auth, services, two_factor
from app.accounts.forms import (
    AcceptInvitationForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    SignInForm,
    TwoFactorForm,
)
from app.accounts.models import COALITION_ROLE_LABELS, ORG_ROLE_LABELS, User
from app.core import audit, metrics, permissions
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.links import safe_next
from app.extensions import db, limiter

bp = Blueprint("accounts", __name__, template_folder="templates")

# How long a correct password waits for its second factor. Entering the password again starts a new wait but
# gives no new attempts: wrong codes are counted per account in the rate-limit storage, not in the session.
PENDING_SECOND_FACTOR_SECONDS = 300


@bp.app_template_global()
def role_label(person: User) -> str:
    """A person's roles in words: "Signatory · Steering committee"."""
    labels = ORG_ROLE_LABELS | COALITION_ROLE_LABELS
    return " · ".join(str(labels[name]) for name in person.role_names)


def _sign_in_failed(response) -> bool:
    return response.status_code == 200  # success redirects; failure shows the form again


def _account_key() -> str:
    return "sign-in:" + auth.normalize_email(request.form.get("email", ""))


def _finish_sign_in(user: User, next_url: str | None, two_factor_verified: bool = False):
    auth.start_session(user, two_factor_verified)
    db.session.commit()
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(safe_next(next_url, url_for("main.index")))


@bp.route("/sign-in", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
)
def sign_in():
    """Public. The same message for an unknown email and a wrong password."""
    form = SignInForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        user = auth.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the audit entry of the failure
            flash(_("The email address or password is not correct."), "error")
        elif user.has_two_factor:
            session.clear()
            session.update(second_factor_user=user.id, second_factor_started=time.time(), second_factor_next=next_url)
            return redirect(url_for("accounts.sign_in_second_factor"))
        else:
            return _finish_sign_in(user, next_url)
    return render_template("accounts/sign_in.html", form=form)


def _pending_account_key() -> str:
    """The account waiting for its second factor, whatever address its codes come from (the session is signed)."""
    return f"second-factor:{session.get('second_factor_user')}"


def _pending_second_factor_user() -> User | None:
    started = session.get("second_factor_started", 0)
    if time.time() - started > PENDING_SECOND_FACTOR_SECONDS:
        return None
    user = db.session.get(User, session.get("second_factor_user", 0))
    return user if user is not None and user.is_active else None


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    lambda: current_app.config["SECOND_FACTOR_ACCOUNT_RATE_LIMIT"],
    key_func=_pending_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
)
def sign_in_second_factor():
    """Public, after a correct password: the TOTP or recovery code."""
    user = _pending_second_factor_user()
    if user is None:
        flash(_("Please sign in again."), "warning")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        if two_factor.verify_second_factor(user, form.code.data):
            return _finish_sign_in(user, session.get("second_factor_next"), two_factor_verified=True)
        audit.record("second_factor_failed", target=user, actor=user)
        metrics.SIGN_IN_FAILURES.labels(step="second_factor").inc()
        db.session.commit()
        flash(_("That code is not valid. Check your device's clock and try again."), "error")
    return render_template("accounts/second_factor.html", form=form)


@bp.post("/sign-out")
@allow(SIGNED_IN)
def sign_out():
    auth.end_session()
    db.session.commit()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def accept_invitation(token: str):
    """Public, with a valid invitation link: choose a name and password."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html"), 404
    form = AcceptInvitationForm(locale=invitation.locale or "en")
    form.password_context = [invitation.email, invitation.organization.name]
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                invitation, form.name.data, form.password.data, form.locale.data, form.timezone.data
            )
        except services.AccountError as error:
            flash(error.message, "error")
            return redirect(url_for("accounts.sign_in"))
        auth.start_session(user)
        db.session.commit()
        flash(
            _("Welcome to %(coalition)s, %(name)s.", coalition=current_app.config["COALITION_NAME"], name=user.name),
            "success",
        )
        if permissions.needs_two_factor(user):
            return redirect(url_for("accounts_settings.two_factor_setup"))
        return redirect(url_for("main.index"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/password/forgot", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """Public. Says the same thing whether or not the address has an account."""
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If that address has an account, we have sent it a link to choose a new password."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def reset_password(token: str):
    """Public, with a valid reset link. Ends every session of the person."""
    reset = services.find_password_reset(token)
    if reset is None:
        return render_template("accounts/link_invalid.html"), 404
    form = PasswordResetForm()
    form.password_context = [reset.user.email, reset.user.name]
    if form.validate_on_submit():
        services.complete_password_reset(reset, form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. Please sign in."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)
