"""Managing one organization: its profile, its people and their invitations (org admins and admins)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services as people
from app.accounts.forms import InviteForm
from app.accounts.models import ORG_ROLE_LABELS, Invitation, OrgRole
from app.core import permissions
from app.core.access import SIGNED_IN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.extensions import db
from app.organizations import services
from app.organizations.forms import OrganizationProfileForm

bp = Blueprint("organizations_manage", __name__, template_folder="templates", url_prefix="/organizations")


@bp.route("/<slug>/manage", methods=["GET", "POST"])
@allow(SIGNED_IN)
def organization(slug: str):
    """The organization's admins (and coalition admins): profile, people, pending invitations."""
    organization = services.manageable_organization_or_404(current_user, slug)
    form = OrganizationProfileForm(obj=organization)
    if form.validate_on_submit():
        try:
            services.update_organization(
                current_user,
                organization,
                name=form.name.data.strip(),
                website=form.website.data or None,
                description=form.description.data or None,
            )
        except services.OrganizationError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The organization's profile has been saved."), "success")
            return redirect(url_for("organizations_manage.organization", slug=organization.slug))
    return render_template(
        "organizations/manage.html",
        organization=organization,
        form=form,
        people=people.people_of(organization),
        role_labels=ORG_ROLE_LABELS,
        invitations=people.pending_invitations(organization),
    )


@bp.get("/mine")
@allow(SIGNED_IN)
def mine():
    return redirect(url_for("organizations_manage.organization", slug=current_user.organization.slug))


@bp.route("/<slug>/invite", methods=["GET", "POST"])
@allow(SIGNED_IN)
def invite(slug: str):
    organization = services.manageable_organization_or_404(current_user, slug)
    if not permissions.can_invite_to(current_user, organization):
        abort(403)
    form = InviteForm()
    grant_coalition_roles = permissions.can_grant_coalition_roles(current_user)
    if not grant_coalition_roles:
        del form.is_steering, form.is_admin
    if form.validate_on_submit():
        # The same answer whether or not the address has an account (see people.invite).
        people.invite(
            current_user,
            form.email.data,
            organization,
            OrgRole(form.org_role.data),
            is_steering=grant_coalition_roles and form.is_steering.data,
            is_admin=grant_coalition_roles and form.is_admin.data,
            locale=form.locale.data,
        )
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("organizations_manage.organization", slug=organization.slug))
    return render_template("organizations/invite.html", form=form, organization=organization)


@bp.post("/invitations/<int:invitation_id>/revoke")
@allow(SIGNED_IN)
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    services.manageable_organization_or_404(current_user, invitation.organization.slug)
    if not is_confirmed():
        back = url_for("organizations_manage.organization", slug=invitation.organization.slug)
        return confirmation_page(
            _("Withdraw this invitation? Its link stops working."), _("Withdraw"), back, danger=True
        )
    people.revoke_invitation(current_user, invitation)
    db.session.commit()
    flash(_("The invitation has been withdrawn."), "success")
    return redirect(url_for("organizations_manage.organization", slug=invitation.organization.slug))
