"""Admin screens. Every route here is for coalition admins (with a second factor) only."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.accounts.models import COALITION_ROLE_LABELS, ORG_ROLE_LABELS
from app.accounts.services import AccountError
from app.admin import services
from app.admin.forms import AuditFilterForm, PeopleFilterForm, PlatformForm
from app.core import audit, jobs, permissions
from app.core.access import ADMIN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.forms import select_choices
from app.extensions import db
from app.organizations import services as organizations
from app.organizations.forms import OrganizationAdminForm, ReviewForm
from app.organizations.models import (
    APPLICATION_STATUS_LABELS,
    MEMBERSHIP_STATUS_LABELS,
    ApplicationStatus,
    MembershipApplication,
    Organization,
)
from app.outbox import services as outbox
from app.platforms import services as platforms
from app.platforms.models import Platform

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")


def get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


@bp.get("/")
@allow(ADMIN)
def index():
    pending = db.session.scalar(
        select(func.count())
        .select_from(MembershipApplication)
        .where(MembershipApplication.status == ApplicationStatus.PENDING)
    )
    return render_template(
        "admin/index.html",
        pending_applications=pending,
        failed_jobs=jobs.count_unresolved_failures(),
        failed_emails=outbox.count_failed(),
    )


@bp.get("/applications")
@allow(ADMIN)
def applications():
    status = request.args.get("status", ApplicationStatus.PENDING.value)
    chosen = ApplicationStatus(status) if status in {s.value for s in ApplicationStatus} else None
    return render_template(
        "admin/applications.html",
        applications=organizations.applications(chosen),
        status=chosen,
        status_labels=APPLICATION_STATUS_LABELS,
    )


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@allow(ADMIN)
def application(application_id: int):
    """Approve (creates the organization and invites the contact), ask for information, or decline."""
    application = get_or_404(MembershipApplication, application_id)
    form = ReviewForm()
    decision = request.form.get("decision")
    open_for_review = application.status in (ApplicationStatus.PENDING, ApplicationStatus.INFORMATION_REQUESTED)
    if open_for_review and form.validate_on_submit():
        message = (form.message.data or "").strip()
        if decision in ("request_information", "decline") and not message:
            form.message.errors.append(_("Write a message to the applicant."))
        elif decision == "approve":
            try:
                organization = organizations.approve_application(current_user, application)
            except (AccountError, organizations.OrganizationError) as error:
                flash(error.message, "error")
            else:
                db.session.commit()
                flash(_("%(name)s is now a member; its contact has been invited.", name=organization.name), "success")
                return redirect(url_for("admin.applications"))
        elif decision == "request_information":
            organizations.request_information(current_user, application, message)
            db.session.commit()
            flash(_("The applicant has been asked for more information."), "success")
            return redirect(url_for("admin.applications"))
        elif decision == "decline":
            organizations.decline_application(current_user, application, message)
            db.session.commit()
            flash(_("The application has been declined."), "success")
            return redirect(url_for("admin.applications"))
        else:
            abort(400)
    return render_template(
        "admin/application.html",
        application=application,
        form=form,
        open_for_review=open_for_review,
        status_labels=APPLICATION_STATUS_LABELS,
    )


@bp.get("/organizations")
@allow(ADMIN)
def organization_list():
    return render_template(
        "admin/organizations.html", organizations=services.all_organizations(), status_labels=MEMBERSHIP_STATUS_LABELS
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@allow(ADMIN)
def organization_new():
    form = OrganizationAdminForm()
    if form.validate_on_submit():
        try:
            organization = organizations.create_organization(
                form.name.data,
                form.country.data,
                actor=current_user,
                website=form.website.data,
                is_steering=form.is_steering.data,
                description=form.description.data,
            )
        except organizations.OrganizationError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("%(name)s has been added.", name=organization.name), "success")
            return redirect(url_for("organizations_manage.organization", slug=organization.slug))
    return render_template("admin/organization_form.html", form=form, organization=None)


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def organization_edit(organization_id: int):
    organization = get_or_404(Organization, organization_id)
    form = OrganizationAdminForm(obj=organization)
    if form.validate_on_submit():
        try:
            organizations.update_organization(
                current_user,
                organization,
                name=form.name.data.strip(),
                country=form.country.data,
                website=form.website.data or None,
                description=form.description.data or None,
                is_steering=form.is_steering.data,
            )
        except organizations.OrganizationError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("%(name)s has been saved.", name=organization.name), "success")
            return redirect(url_for("admin.organization_list"))
    return render_template("admin/organization_form.html", form=form, organization=organization)


@bp.post("/organizations/<int:organization_id>/suspend")
@allow(ADMIN)
def organization_suspend(organization_id: int):
    organization = get_or_404(Organization, organization_id)
    if not permissions.can_suspend(current_user, organization):
        flash(_("You cannot suspend your own organization: you would lock yourself out."), "error")
        return redirect(url_for("admin.organization_list"))
    if not is_confirmed():
        question = _("Suspend %(name)s? Its people will no longer be able to sign in.", name=organization.name)
        return confirmation_page(question, _("Suspend"), url_for("admin.organization_list"), danger=True)
    organizations.set_suspended(current_user, organization, True)
    db.session.commit()
    flash(_("%(name)s is suspended; its people can no longer sign in.", name=organization.name), "success")
    return redirect(url_for("admin.organization_list"))


@bp.post("/organizations/<int:organization_id>/reinstate")
@allow(ADMIN)
def organization_reinstate(organization_id: int):
    organization = get_or_404(Organization, organization_id)
    organizations.set_suspended(current_user, organization, False)
    db.session.commit()
    flash(_("%(name)s is active again.", name=organization.name), "success")
    return redirect(url_for("admin.organization_list"))


@bp.get("/people")
@allow(ADMIN)
def people():
    form = PeopleFilterForm(request.args)
    form.organization.choices = select_choices(
        [("", _("All organizations"))] + [(org.slug, org.name) for org in services.all_organizations()]
    )
    form.role.choices = select_choices([("", _("All roles")), *ORG_ROLE_LABELS.items(), *COALITION_ROLE_LABELS.items()])
    found = services.search_people(form.q.data, form.organization.data, form.role.data) if form.validate() else []
    return render_template("admin/people.html", form=form, people=found, role_labels=ORG_ROLE_LABELS)


@bp.get("/platforms")
@allow(ADMIN)
def platform_list():
    return render_template("admin/platforms.html", platforms=platforms.all_platforms())


@bp.route("/platforms/new", methods=["GET", "POST"], defaults={"platform_id": None})
@bp.route("/platforms/<int:platform_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def platform_form(platform_id: int | None):
    platform = get_or_404(Platform, platform_id) if platform_id else None
    form = PlatformForm(obj=platform)
    if form.validate_on_submit():
        if platforms.slug_taken(form.slug.data, except_id=platform_id):
            form.slug.errors.append(_("Another platform already uses this short name."))
        else:
            platforms.save_platform(
                current_user,
                platform,
                name=form.name.data.strip(),
                slug=form.slug.data,
                company=form.company.data or None,
                website=form.website.data or None,
                active=form.active.data,
            )
            db.session.commit()
            flash(_("%(name)s has been saved.", name=form.name.data), "success")
            return redirect(url_for("admin.platform_list"))
    return render_template("admin/platform_form.html", form=form, platform=platform)


def _day_start(day) -> datetime | None:
    """Midnight starting ``day`` in the reader's time zone, the one the trail's times are shown in."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(str(get_timezone()))) if day else None


@bp.get("/audit")
@allow(ADMIN)
def audit_trail():
    """Browse and filter the audit trail; there is no way to change it."""
    form = AuditFilterForm(request.args)
    form.action.choices = select_choices(
        [("", _("All actions"))] + [(action, action) for action in audit.known_values(audit.AuditEntry.action)]
    )
    form.object_type.choices = select_choices(
        [("", _("All objects"))] + [(kind, kind) for kind in audit.known_values(audit.AuditEntry.object_type)]
    )
    entries, next_before = [], None
    if form.validate():
        actor_ids = services.user_ids_by_email(form.actor.data) if form.actor.data else None
        until = _day_start(form.until.data + timedelta(days=1)) if form.until.data else None
        entries, next_before = audit.search(
            form.action.data,
            actor_ids,
            form.object_type.data,
            _day_start(form.since.data),
            until,
            request.args.get("before", type=int),
        )
    actors = {user.id: user for user in services.people_by_id({entry.actor_id for entry in entries})}
    older_url = (
        url_for("admin.audit_trail", **(request.args.to_dict() | {"before": next_before})) if next_before else None
    )
    return render_template("admin/audit.html", form=form, entries=entries, actors=actors, older_url=older_url)


@bp.get("/jobs")
@allow(ADMIN)
def job_list():
    """The queue's size and the jobs that failed for good, with their errors."""
    return render_template("admin/jobs.html", counts=jobs.queue().counts(), failures=jobs.unresolved_failures())


@bp.post("/jobs/failures/<int:failure_id>/run-again")
@allow(ADMIN)
def job_run_again(failure_id: int):
    failure = get_or_404(jobs.JobFailure, failure_id)
    if failure.resolved_at is None:
        jobs.run_again(failure)
        audit.record("job_run_again", target=failure, actor=current_user, job=failure.job_name)
        db.session.commit()
        flash(_("The job %(name)s is queued again.", name=failure.job_name), "success")
    return redirect(url_for("admin.job_list"))
