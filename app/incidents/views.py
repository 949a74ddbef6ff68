"""Incident pages for members: the list, filing and editing, the review workflow and reports to the platform."""

import dataclasses

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import display_copies, permissions, quota, submissions, uploads, versions
from app.core.access import SIGNED_IN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.db import read_in_one_snapshot
from app.core.forms import select_choices
from app.core.i18n import labels_in_reader_language
from app.core.page_cache import reader_page
from app.extensions import cache, db
from app.incidents import audience, custody, exports, fields, search, services, vocab
from app.incidents.forms import (
    FORM_SECTIONS,
    EvidenceFileForm,
    EvidenceFilesField,
    EvidenceLinkForm,
    FirstLinkForm,
    FirstReportForm,
    IncidentForm,
    NewIncidentForm,
    OutcomeForm,
    ReportForm,
    ReviewForm,
    WithdrawForm,
)
from app.incidents.models import Incident
from app.platforms.models import Platform
from app.platforms.services import active_platforms

bp = Blueprint("incidents", __name__, template_folder="templates", url_prefix="/incidents")


_labels = labels_in_reader_language(
    category_labels=vocab.CATEGORY_LABELS,
    community_labels=vocab.COMMUNITY_LABELS,
    status_labels=vocab.STATUS_LABELS,
    severity_labels=vocab.SEVERITY_LABELS,
    visibility_labels=vocab.VISIBILITY_LABELS,
    channel_labels=vocab.CHANNEL_LABELS,
    outcome_labels=vocab.OUTCOME_LABELS,
    prominence_labels=vocab.PROMINENCE_LABELS,
    severity_descriptions=vocab.SEVERITY_DESCRIPTIONS,
    field_labels={field.name: field.label for field in fields.FIELDS if field.label},
)


def vocabulary() -> dict:
    return _labels() | {"language_name": vocab.language_name, "language_label": vocab.language_label}


def incident_form(incident: Incident | None = None, form_class: type[IncidentForm] = IncidentForm) -> IncidentForm:
    form = form_class(obj=incident)
    platforms = active_platforms()
    if incident is not None and incident.platform not in platforms:
        platforms.append(incident.platform)
    # No platform is chosen for the person: a preset one would be recorded whenever it goes unnoticed.
    form.platform_id.choices = select_choices(
        [("", _("Choose a platform")), *((platform.id, platform.name) for platform in platforms)]
    )
    if incident is not None and request.method == "GET":
        form.fill_from(incident)
        form.version.data = str(incident.version)
    return form


def data_from(form: IncidentForm) -> services.IncidentData:
    return services.IncidentData(**form.incident_values())


def listing(person, endpoint: str, filters: search.Filters | None = None, sort: search.Sort | None = None) -> dict:
    """A list page's context, for ``filters`` and ``sort`` (by default those the query string asks for). The
    template draws its results (one keyset page of what ``person`` may see, the next page's address) from
    ``find_results()`` only when its fragment cache does not hold them for ``results_key``; ``args`` are the query
    arguments of its filters and order (``search.args_of``), which its links carry; ``not_organizations`` says
    whether the organization filter has values that cannot name one."""
    filters = search.filters_from_args(request.args) if filters is None else filters
    sort = search.sort_from_args(request.args) if sort is None else sort
    args, after = search.args_of(filters, sort), request.args.get("after")

    def find_results() -> dict:
        ids, next_after = search.page(person, filters, after, sort=sort, ids_only=True)
        next_url = url_for(endpoint, **(args | {"after": next_after})) if next_after else None
        # Their names and slugs (rows and facets show them): plain rows, not 50 ORM objects a page.
        platforms = {row.id: row for row in db.session.execute(select(Platform.id, Platform.name, Platform.slug))}
        # Rows link to the list's own detail page: incidents.detail, or incidents_public.detail.
        rows = incident_rows(person, ids, platforms, endpoint.replace(".index", ".detail"))
        return {"rows": rows, "next_url": next_url, "platforms": platforms}

    return {
        "filters": filters,
        "sort": sort,
        "args": args,
        "find_results": find_results,
        "results_key": search.results_key(person, args, after),
        "not_organizations": search.slugs_of(filters.organization) != filters.organization,
        **vocabulary(),
    }


def incident_rows(person, ids: list[int], platforms: dict, detail_endpoint: str) -> list[Markup]:
    """The list rows (``incident_row``) of these incidents, in order. A row shows the same to every reader who may
    see the incident, so each is drawn once per incidents' version, language and list (members' or public) and
    kept: a list drawn for a new filter or page loads and draws only the incidents no other list has drawn."""
    version = versions.current_of(audience.reader_versions(person))
    prefix = f"incident-row:{version}:{get_locale()}:{detail_endpoint}:"
    cached = dict(zip(ids, cache.get_many(*(prefix + str(incident_id) for incident_id in ids)), strict=True))
    missing = [incident_id for incident_id, row in cached.items() if row is None]
    if missing:
        macros = current_app.jinja_env.get_template("incidents/_macros.html").make_module(vocabulary())
        incidents = db.session.scalars(
            select(Incident)
            .where(Incident.id.in_(missing))
            .options(selectinload(Incident.categories), selectinload(Incident.reports))
        )
        # Kept as the macro's Markup (the cache pickles it as such): escaped as the macro drew it, never again.
        drawn = {incident.id: macros.incident_row(incident, platforms, detail_endpoint) for incident in incidents}
        cache.set_many({prefix + str(incident_id): row for incident_id, row in drawn.items()})
        cached |= drawn
    return [cached[incident_id] for incident_id in ids]


def listing_with_facets(person, endpoint: str, filters: search.Filters | None = None, sort=None) -> dict:
    """``listing``'s context, its results with the facet counts of every matching incident (``facets``);
    ``filters_active`` says whether filters other than the search words are in use."""
    context = listing(person, endpoint, filters, sort)
    find_page = context["find_results"]

    def find_results() -> dict:
        # The counts beside the page describe the very incidents it lists: both are read as of one moment.
        read_in_one_snapshot(db.session())
        return find_page() | {"facets": search.facet_counts(person, context["filters"])}

    filters_active = dataclasses.replace(context["filters"], q=None) != search.Filters()
    return context | {"find_results": find_results, "filters_active": filters_active}


SORT_LABELS = {
    search.Sort.NEWEST: _l("Newest first"),
    search.Sort.OLDEST: _l("Oldest first"),
    search.Sort.SEVERITY: _l("Most severe first"),
    search.Sort.LAST_RESPONSE: _l("Latest platform response first"),
}


@bp.get("/")
@allow(SIGNED_IN)
@reader_page(audience.reader_versions)
def index():
    """Every incident the reader may see, filtered, searched, with facet counts and keyset pages."""
    return render_template(
        "incidents/index.html",
        sort_labels=SORT_LABELS,
        **listing_with_facets(current_user, "incidents.index"),
    )


def _duplicates_block(form: IncidentForm, data: services.IncidentData, hashes=(), exclude_id=None) -> list[Incident]:
    """Incidents already holding these URLs or files, unless the person confirmed this is not a duplicate."""
    if form.confirm_duplicates.data:
        return []
    return services.find_duplicates(current_user, data.urls, list(hashes), exclude_id=exclude_id)


def _prepared_files(field: EvidenceFilesField) -> list[uploads.PreparedUpload] | None:
    """Every chosen file checked; None, with each refusal on the field, when one is refused."""
    prepared = []
    for chosen in field.chosen_files():
        try:
            prepared.append(uploads.prepare_upload(chosen.stream))
        except uploads.UploadRejected as error:
            problem = uploads.REJECTION_MESSAGES[error.code]
            field.errors.append(_("%(file)s: %(problem)s", file=chosen.filename, problem=problem))
    return None if field.errors else prepared


def _all_valid(*forms) -> bool:
    """Every form checked, so that each shows all its errors at once."""
    return all([form.validate() for form in forms])


@bp.route("/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def new():
    """File an incident with its first evidence files and links and the report already made to the platform;
    what was typed comes back with the errors."""
    form = incident_form(form_class=NewIncidentForm)
    report_form, link_form = FirstReportForm(prefix="report"), FirstLinkForm(prefix="link")
    duplicates = []
    if (
        form.is_submitted()
        and _all_valid(form, report_form, link_form)
        and (files := _prepared_files(form.evidence_files)) is not None
    ):
        data = data_from(form)
        duplicates = _duplicates_block(form, data, hashes=(upload.sha256 for upload in files))
        if not duplicates:
            response = _file_incident(form, data, files, report_form, link_form)
            if response is not None:
                return response
    if form.evidence_files.chosen_files():  # browsers never send chosen files back to a form
        form.evidence_files.errors.append(_("Choose the files again before saving."))
    return render_template(
        "incidents/form.html",
        form=form,
        report_form=report_form,
        link_form=link_form,
        incident=None,
        duplicates=duplicates,
        form_sections=FORM_SECTIONS,
        **vocabulary(),
    )


def _file_incident(
    form: NewIncidentForm,
    data: services.IncidentData,
    files: list[uploads.PreparedUpload],
    report_form: FirstReportForm,
    link_form: FirstLinkForm,
):
    """Save the incident, its files, link and report once (a form sent twice files one incident); None when
    something cannot be saved (the files do not fit in the organization's quota, the report's dates are out of
    order), the reason on the form."""
    try:
        submission = submissions.claim(form.submission.data)
    except submissions.AlreadySubmitted as earlier:
        db.session.rollback()
        flash(_("This form was already sent; the incident it saved is below."), "warning")
        return redirect(
            url_for("incidents.detail", reference=earlier.result) if earlier.result else url_for("incidents.index")
        )
    try:
        incident = services.create_incident(
            current_user, data, "submit" in request.form, files, form.evidence_public.data
        )
        if not report_form.is_blank():
            _record_report(incident, report_form)
        if not link_form.is_blank():
            record_link(incident, link_form)
    except quota.QuotaExceeded:
        db.session.rollback()
        form.evidence_files.errors.append(quota.MESSAGE)
        return None
    except services.IncidentError as error:
        db.session.rollback()
        if error.field is None:
            raise
        report_form[error.field].errors.append(error.message)
        return None
    if submission is not None:
        submission.result = incident.reference
    db.session.commit()
    flash(_("Incident %(reference)s saved.", reference=incident.reference), "success")
    return redirect(url_for("incidents.detail", reference=incident.reference))


@bp.route("/<reference>/edit", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit(reference: str):
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_edit_incident(current_user, incident):
        abort(403)
    form = incident_form(incident)
    duplicates = []
    if form.validate_on_submit():
        data = data_from(form)
        duplicates = _duplicates_block(form, data, exclude_id=incident.id)
        if not duplicates:
            try:
                services.update_incident(current_user, incident, data, int(form.version.data or 0))
                if "submit" in request.form:
                    services.submit_incident(current_user, incident)
            except services.IncidentError as error:
                db.session.rollback()
                if error.code != "conflict":
                    raise
                flash(error.message, "error")
                current = db.session.get(Incident, incident.id)
                form.version.data = str(current.version)
                return render_template(
                    "incidents/form.html",
                    form=form,
                    incident=current,
                    duplicates=[],
                    conflict=True,
                    form_sections=FORM_SECTIONS,
                    **vocabulary(),
                ), 409
            db.session.commit()
            flash(_("Incident %(reference)s saved.", reference=incident.reference), "success")
            return redirect(url_for("incidents.detail", reference=incident.reference))
    return render_template(
        "incidents/form.html",
        form=form,
        incident=incident,
        duplicates=duplicates,
        form_sections=FORM_SECTIONS,
        **vocabulary(),
    )


@bp.get("/<reference>")
@allow(SIGNED_IN)
def detail(reference: str):
    return detail_page(services.visible_incident_or_404(current_user, reference))


DETAIL_FORMS = {
    "review_form": ReviewForm,
    "report_form": ReportForm,
    "file_form": EvidenceFileForm,
    "link_form": EvidenceLinkForm,
}


def detail_page(incident: Incident, **forms) -> str:
    """The incident's page; ``forms`` (by template name) come back with what was typed and their errors.

    Each report's outcome form and each evidence item's withdrawal form has ids of its own (``id_prefix``)."""
    shown = {name: forms[name] if name in forms else form(formdata=None) for name, form in DETAIL_FORMS.items()}
    outcome_forms = {
        report.id: OutcomeForm(
            formdata=None,
            data={"outcome": report.outcome, "outcome_on": report.outcome_on},
            meta={"id_prefix": f"report-{report.id}-"},
        )
        for report in incident.reports
    }
    withdraw_forms = {
        item.id: WithdrawForm(formdata=None, meta={"id_prefix": f"evidence-{item.id}-"}) for item in incident.evidence
    }
    insider = permissions.can_see_internals(current_user, incident)
    return render_template(
        "incidents/detail.html",
        incident=incident,
        insider=insider,
        custody_log=custody.custody_log(incident) if insider else [],
        custody_actions=custody.ACTIONS,
        display_problems=display_copies.PROBLEMS,
        outcome_forms=outcome_forms,
        withdraw_forms=withdraw_forms,
        **shown,
        **vocabulary(),
    )


@bp.post("/<reference>/submit")
@allow(SIGNED_IN)
def submit(reference: str):
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_edit_incident(current_user, incident):
        abort(403)
    services.submit_incident(current_user, incident)
    db.session.commit()
    flash(_("Incident %(reference)s has been sent to the reviewers.", reference=incident.reference), "success")
    return redirect(url_for("incidents.detail", reference=reference))


@bp.post("/<reference>/review")
@allow(SIGNED_IN)
def review(reference: str):
    """Steering reviewers: verify, ask for information or reject."""
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_review_incident(current_user, incident):
        abort(403)
    form = ReviewForm()
    decision = request.form.get("decision", "")
    if decision not in services.REVIEW_DECISIONS:
        abort(400)
    if decision == "reject" and not is_confirmed():
        back = url_for("incidents.detail", reference=reference)
        return confirmation_page(_("Reject this incident?"), _("Reject"), back, danger=True)
    try:
        services.review_incident(current_user, incident, decision, form.message.data)
    except services.IncidentError as error:
        flash(error.message, "error")
        if error.code == "four_eyes":  # the page stays, with the reviewer's message still in the form
            return detail_page(incident, review_form=form), error.status
        return redirect(url_for("incidents.detail", reference=reference))
    db.session.commit()
    flash(
        _("Incident %(reference)s: %(status)s.", reference=reference, status=vocab.STATUS_LABELS[incident.status]),
        "success",
    )
    return redirect(url_for("incidents.detail", reference=reference))


@bp.post("/<reference>/publish")
@allow(SIGNED_IN)
def publish(reference: str):
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_publish_incident(current_user, incident):
        abort(403)
    services.publish_incident(current_user, incident)
    db.session.commit()
    flash(_("Incident %(reference)s is now public.", reference=reference), "success")
    return redirect(url_for("incidents.detail", reference=reference))


@bp.post("/<reference>/reports")
@allow(SIGNED_IN)
def add_report(reference: str):
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_add_to_incident(current_user, incident):
        abort(403)
    form = ReportForm()
    if not form.validate_on_submit():
        return _report_refused(incident, form)
    try:
        _record_report(incident, form)
    except services.IncidentError as error:
        db.session.rollback()
        if error.field is None:
            flash(error.message, "error")
            return redirect(url_for("incidents.detail", reference=reference))
        getattr(form, error.field).errors.append(error.message)
        return _report_refused(incident, form)
    db.session.commit()
    flash(_("The report to the platform has been added."), "success")
    return redirect(url_for("incidents.detail", reference=reference, _anchor="reports"))


def _record_report(incident: Incident, form: ReportForm) -> None:
    """Add the report the form describes; raises services.IncidentError when its dates are out of order."""
    services.add_report(
        current_user,
        incident,
        form.reported_on.data,
        vocab.Channel(form.channel.data),
        form.ticket_reference.data,
        vocab.Outcome(form.outcome.data),
        form.outcome_on.data,
        form.is_appeal.data,
    )


def record_link(incident: Incident, form: EvidenceLinkForm) -> None:
    """Add the link to evidence the form describes."""
    services.add_link_evidence(
        current_user, incident, form.url.data, form.archive_url.data, form.description.data, form.is_public.data
    )


def _report_refused(incident: Incident, form: ReportForm):
    """The incident's page again, the report form open with what was typed and why it was refused."""
    flash(_("The report was not saved: check the dates."), "error")
    return detail_page(incident, report_form=form), 422


@bp.post("/<reference>/reports/<int:report_id>")
@allow(SIGNED_IN)
def update_report(reference: str, report_id: int):
    incident = services.visible_incident_or_404(current_user, reference)
    report = services.report_or_404(incident, report_id)
    if not permissions.can_add_to_incident(current_user, incident):
        abort(403)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(
                current_user, report, incident, vocab.Outcome(form.outcome.data), form.outcome_on.data
            )
            db.session.commit()
            flash(_("The outcome has been recorded."), "success")
        except services.IncidentError as error:
            flash(error.message, "error")
    return redirect(url_for("incidents.detail", reference=reference, _anchor="reports"))


@bp.get("/export.<any(csv, json):kind>")
@allow(SIGNED_IN)
def export(kind: str):
    """What the reader may see, with the current filters, streamed."""
    filters = search.filters_from_args(request.args)
    person = current_user._get_current_object()
    if kind == "csv":
        body, mimetype = exports.csv_lines(person, filters), "text/csv"
    else:
        body, mimetype = exports.json_chunks(person, filters), "application/json"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="incidents.{kind}"'
    return response


@bp.app_template_global()
def status_label(status) -> str:
    return str(vocab.STATUS_LABELS[vocab.Status(status)])
