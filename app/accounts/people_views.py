"""Managing a person: roles, deactivation, second-factor reset (their org admins, and coalition admins)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import questions, services, two_factor
from app.accounts.forms import RolesForm
from app.accounts.models import OrgRole, User
from app.core import permissions
from app.core.access import ADMIN, SIGNED_IN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.extensions import db

bp = Blueprint("accounts_people", __name__, template_folder="templates", url_prefix="/people")


def back_url(person: User) -> str:
    return url_for("organizations_manage.organization", slug=person.organization.slug)


def back_to(person: User):
    return redirect(back_url(person))


@bp.route("/<int:person_id>/roles", methods=["GET", "POST"])
@allow(SIGNED_IN)
def roles(person_id: int):
    person = services.manageable_person_or_404(current_user, person_id)
    form = RolesForm(obj=person)
    grant_coalition_roles = permissions.can_grant_coalition_roles(current_user)
    if not grant_coalition_roles:
        del form.is_steering, form.is_admin
    if form.validate_on_submit():
        try:
            services.change_roles(
                current_user,
                person,
                OrgRole(form.org_role.data),
                is_steering=form.is_steering.data if grant_coalition_roles else None,
                is_admin=form.is_admin.data if grant_coalition_roles else None,
            )
        except services.AccountError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The roles of %(name)s have been saved.", name=person.name), "success")
            return back_to(person)
    return render_template("accounts/roles.html", form=form, person=person)


@bp.post("/<int:person_id>/deactivate", defaults={"deactivated": True}, endpoint="deactivate")
@bp.post("/<int:person_id>/reactivate", defaults={"deactivated": False}, endpoint="reactivate")
@allow(SIGNED_IN)
def set_deactivated(person_id: int, deactivated: bool):
    """Deactivate (their sessions end at once; confirmed first) or reactivate someone."""
    person = services.manageable_person_or_404(current_user, person_id)
    if deactivated and not is_confirmed():
        question = questions.DEACTIVATE % {"name": person.name}
        return confirmation_page(question, _("Deactivate"), back_url(person), danger=True)
    services.set_deactivated(current_user, person, deactivated)
    db.session.commit()
    flash(
        _("%(name)s can no longer sign in.", name=person.name)
        if deactivated
        else _("%(name)s can sign in again.", name=person.name),
        "success",
    )
    return back_to(person)


@bp.post("/<int:person_id>/reset-two-factor")
@allow(ADMIN)
def reset_two_factor(person_id: int):
    """Admins only, never for themselves; the person's sessions end and the reset is audited."""
    person = db.session.get(User, person_id)
    if person is None:
        abort(404)
    if not permissions.can_reset_two_factor(current_user, person):
        abort(403)
    if not is_confirmed():
        question = questions.RESET_TWO_FACTOR % {"name": person.name}
        return confirmation_page(question, _("Reset second factor"), back_url(person), danger=True)
    two_factor.disable(person, current_user, "two_factor_reset")
    db.session.commit()
    flash(_("The second factor of %(name)s has been reset.", name=person.name), "success")
    return back_to(person)
