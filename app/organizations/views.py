"""Public membership pages: the directory, the application form and the applicant's status page."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.core.access import PUBLIC, allow
from app.extensions import db
from app.organizations import services
from app.organizations.forms import ApplicationForm, MoreInformationForm
from app.organizations.models import APPLICATION_STATUS_LABELS, ApplicationStatus

bp = Blueprint("organizations", __name__, template_folder="templates")


@bp.get("/members")
@allow(PUBLIC)
def directory():
    """Public: active member organizations by region, public fields only."""
    return render_template("organizations/directory.html", regions=services.directory_by_region())


@bp.route("/apply", methods=["GET", "POST"])
@allow(PUBLIC)
def apply():
    """Public: an organization asks to join."""
    form = ApplicationForm()
    if form.validate_on_submit():
        try:
            application, token = services.submit_application(
                form.name.data,
                form.country.data,
                form.website.data,
                form.contact_name.data,
                form.contact_email.data,
                form.motivation.data,
                str(get_locale()),
            )
        except services.OrganizationError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _(
                    "Thank you. We have received your application and sent a confirmation to %(email)s.",
                    email=application.contact_email,
                ),
                "success",
            )
            return redirect(url_for("organizations.application_status", token=token))
    return render_template("organizations/apply.html", form=form)


@bp.route("/apply/status/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def application_status(token: str):
    """Public, with the secret link sent to the applicant: status, and answers to requests for information."""
    application = services.find_application(token)
    if application is None:
        abort(404)
    form = MoreInformationForm()
    asked = application.status == ApplicationStatus.INFORMATION_REQUESTED
    if asked and form.validate_on_submit():
        services.add_information(application, form.information.data)
        db.session.commit()
        flash(_("Thank you. Your answer has been added and the application is back with the reviewers."), "success")
        return redirect(url_for("organizations.application_status", token=token))
    return render_template(
        "organizations/application_status.html",
        application=application,
        form=form,
        asked=asked,
        status_labels=APPLICATION_STATUS_LABELS,
    )
