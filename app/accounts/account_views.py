"""A signed-in person's own account: profile, password, second factor, API tokens, data export."""

import re

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import api_tokens, auth, questions, services, two_factor
from app.accounts.forms import ApiTokenForm, ChangePasswordForm, ConfirmPasswordForm, EnableTwoFactorForm, ProfileForm
from app.accounts.models import TOKEN_SCOPE_LABELS, ApiToken, TokenScope
from app.accounts.passwords import verify_password
from app.accounts.personal_data import export_personal_data
from app.core import audit, permissions
from app.core.access import SIGNED_IN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.links import safe_next
from app.extensions import db

bp = Blueprint("accounts_settings", __name__, template_folder="templates", url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@allow(SIGNED_IN)
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data, form.timezone.data = current_user.locale or "", current_user.timezone or ""
    if form.validate_on_submit():
        services.update_profile(
            current_user, form.name.data, form.locale.data, form.timezone.data, form.blur_evidence.data
        )
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts_settings.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
def change_password():
    """Changing the password ends the person's other sessions."""
    form = ChangePasswordForm()
    form.password_context = [current_user.email, current_user.name]
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            form.current_password.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your password has been changed. Your other sessions have been signed out."), "success")
            return redirect(url_for("accounts_settings.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
@allow(SIGNED_IN)
def two_factor_setup():
    """Enrol a second factor: scan the QR code, confirm with a code, keep the recovery codes."""
    if current_user.has_two_factor:
        return render_template(
            "accounts/two_factor_status.html",
            form=ConfirmPasswordForm(),
            remaining=two_factor.remaining_recovery_codes(current_user),
            can_disable=permissions.can_disable_own_two_factor(current_user),
        )
    secret = session.get("pending_totp_secret") or two_factor.new_secret()
    session["pending_totp_secret"] = secret
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(current_user, secret, form.code.data)
        if codes is not None:
            session.pop("pending_totp_secret", None)
            db.session.commit()
            flash(_("Two-factor sign-in is on."), "success")
            return render_template(
                "accounts/recovery_codes.html",
                codes=codes,
                next_url=safe_next(request.args.get("next"), url_for("accounts_settings.profile")),
            )
        form.code.errors.append(_("That code is not valid. Check your device's clock and try again."))
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=secret,
        qr=two_factor.provisioning_qr_data_uri(current_user, secret),
        required=permissions.needs_two_factor(current_user),
    )


@bp.post("/two-factor/recovery-codes")
@allow(SIGNED_IN)
def regenerate_recovery_codes():
    form = ConfirmPasswordForm()
    if (
        not current_user.has_two_factor
        or not form.validate_on_submit()
        or not verify_password(current_user.password_hash, form.password.data)
    ):
        flash(_("Your password was not correct; nothing was changed."), "error")
        return redirect(url_for("accounts_settings.two_factor_setup"))
    codes = two_factor.replace_recovery_codes(current_user)
    audit.record("recovery_codes_replaced", target=current_user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes, next_url=url_for("accounts_settings.profile"))


@bp.post("/two-factor/disable")
@allow(SIGNED_IN)
def disable_two_factor():
    """Steering and admin cannot turn their second factor off."""
    if not permissions.can_disable_own_two_factor(current_user):
        abort(403)
    form = ConfirmPasswordForm()
    if not form.validate_on_submit() or not verify_password(current_user.password_hash, form.password.data):
        flash(_("Your password was not correct; nothing was changed."), "error")
        return redirect(url_for("accounts_settings.two_factor_setup"))
    two_factor.disable(current_user, current_user, "two_factor_disabled")
    db.session.commit()
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("accounts_settings.profile"))


@bp.route("/tokens", methods=["GET", "POST"])
@allow(SIGNED_IN)
def tokens():
    form = ApiTokenForm()
    new_secret = None
    if form.validate_on_submit():
        _token, new_secret = api_tokens.create_api_token(current_user, form.name.data, TokenScope(form.scope.data))
        db.session.commit()
        form = ApiTokenForm(formdata=None)
    return render_template(
        "accounts/tokens.html",
        form=form,
        tokens=api_tokens.tokens_of(current_user),
        new_secret=new_secret,
        scope_labels=TOKEN_SCOPE_LABELS,
    )


@bp.post("/tokens/<int:token_id>/revoke")
@allow(SIGNED_IN)
def revoke_token(token_id: int):
    """Revoke one of the person's tokens, once confirmed (without JavaScript, on a page asking first)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not is_confirmed():
        question = questions.REVOKE_TOKEN % {"name": token.name}
        return confirmation_page(question, _("Revoke"), url_for("accounts_settings.tokens"), danger=True)
    api_tokens.revoke_api_token(current_user, token)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts_settings.tokens"))


@bp.post("/sessions/sign-out-others")
@allow(SIGNED_IN)
def sign_out_other_sessions():
    """End the person's sessions in other browsers, once confirmed."""
    if not is_confirmed():
        return confirmation_page(
            questions.SIGN_OUT_OTHER_SESSIONS,
            _("Sign out all your other sessions"),
            url_for("accounts_settings.profile"),
        )
    auth.revoke_sessions(current_user, keep=current_user.current_session)
    audit.record("other_sessions_revoked", target=current_user)
    db.session.commit()
    flash(_("Your other sessions have been signed out."), "success")
    return redirect(url_for("accounts_settings.profile"))


@bp.get("/export.json")
@allow(SIGNED_IN)
def export():
    """Everything stored about the person, as a JSON download."""
    response = jsonify(export_personal_data(current_user))
    # Named after the instance, in ASCII letters and digits: a download name every browser keeps as it is.
    name = re.sub(r"[^a-z0-9]+", "-", current_app.config["COALITION_NAME"].lower()).strip("-")
    filename = f"{name}-my-data.json" if name else "my-data.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
