"""Keeping the tracker: steering creates and updates commitments; members propose updates and follow."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import permissions
from app.core.access import SIGNED_IN, STEERING, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.forms import select_choices
from app.core.links import safe_next
from app.extensions import db
from app.letters.models import Letter
from app.platforms.models import Platform
from app.platforms.services import active_platforms
from app.tracker import queries, services
from app.tracker.forms import (
    CommitmentForm,
    EvidenceForm,
    MilestoneForm,
    TranslationForm,
    UpdateForm,
    parse_sources,
)
from app.tracker.from_letters import track_demands
from app.tracker.models import Commitment, CommitmentUpdate, Milestone
from app.tracker.views import followed, labels
from app.tracker.vocab import Area, Claimed, Stance, UpdateState, Verified

bp = Blueprint("tracker_manage", __name__, template_folder="templates", url_prefix="/tracker/manage")


def get_commitment(commitment_id: int) -> Commitment:
    return db.session.get(Commitment, commitment_id) or abort(404)


@bp.get("/")
@allow(STEERING)
def index():
    commitments = list(
        db.session.scalars(
            select(Commitment)
            .options(selectinload(Commitment.platform))
            .order_by(Commitment.platform_id, Commitment.id)
        )
    )
    proposals = list(
        db.session.scalars(
            select(CommitmentUpdate)
            .where(CommitmentUpdate.state == UpdateState.PROPOSED)
            .order_by(CommitmentUpdate.created_at)
        )
    )
    return render_template("tracker/manage.html", commitments=commitments, proposals=proposals, **labels())


def commitment_data(form: CommitmentForm) -> services.CommitmentData:
    return services.CommitmentData(
        platform_id=form.platform_id.data,
        title=form.title.data.strip(),
        area=Area(form.area.data),
        description=form.description.data or None,
        original_locale=form.original_locale.data,
        statement_url=form.statement_url.data or None,
        statement_archive_url=form.statement_archive_url.data or None,
        statement_date=form.statement_date.data,
        deadline=form.deadline.data,
        is_published=form.is_published.data,
    )


@bp.route("/new", methods=["GET", "POST"], defaults={"commitment_id": None})
@bp.route("/<int:commitment_id>/edit", methods=["GET", "POST"])
@allow(STEERING)
def edit(commitment_id: int | None):
    commitment = get_commitment(commitment_id) if commitment_id else None
    form = CommitmentForm(obj=commitment)
    form.platform_id.choices = select_choices((platform.id, platform.name) for platform in active_platforms())
    if form.validate_on_submit():
        commitment = services.save_commitment(current_user, commitment, commitment_data(form))
        db.session.commit()
        flash(_("The commitment has been saved."), "success")
        return redirect(url_for("tracker_manage.detail", commitment_id=commitment.id))
    return render_template("tracker/edit.html", form=form, commitment=commitment)


@bp.get("/<int:commitment_id>")
@allow(STEERING)
def detail(commitment_id: int):
    commitment = get_commitment(commitment_id)
    return render_template(
        "tracker/manage_detail.html",
        commitment=commitment,
        update_form=UpdateForm(
            claimed=commitment.claimed,
            verified=commitment.verified,
            progress=commitment.progress,
            happened_on=date.today(),
        ),
        translation_form=TranslationForm(),
        milestone_form=MilestoneForm(),
        evidence_form=EvidenceForm(),
        **labels(),
    )


def update_data(form: UpdateForm) -> services.UpdateData:
    return services.UpdateData(
        happened_on=form.happened_on.data,
        note=form.note.data,
        claimed=Claimed(form.claimed.data),
        verified=Verified(form.verified.data),
        progress=form.progress.data,
        sources=parse_sources(form.sources.data),
    )


@bp.post("/<int:commitment_id>/updates")
@allow(STEERING)
def add_update(commitment_id: int):
    commitment = get_commitment(commitment_id)
    form = UpdateForm()
    if form.validate_on_submit():
        services.record_update(current_user, commitment, update_data(form))
        db.session.commit()
        flash(_("The update is on the tracker."), "success")
        return redirect(url_for("tracker_manage.detail", commitment_id=commitment_id))
    return render_template(
        "tracker/manage_detail.html",
        commitment=commitment,
        update_form=form,
        translation_form=TranslationForm(),
        milestone_form=MilestoneForm(),
        evidence_form=EvidenceForm(),
        **labels(),
    ), 422


@bp.route("/<int:commitment_id>/propose", methods=["GET", "POST"])
@allow(SIGNED_IN)
def propose(commitment_id: int):
    """Members suggest an update; steering accepts or declines it."""
    commitment = get_commitment(commitment_id)
    if not permissions.can_propose_commitment_update(current_user, commitment):
        abort(404)
    form = UpdateForm(claimed=commitment.claimed, verified=commitment.verified, progress=commitment.progress)
    if form.validate_on_submit():
        services.propose_update(current_user, commitment, update_data(form))
        db.session.commit()
        flash(_("Thank you. The steering committee will review your proposed update."), "success")
        return redirect(url_for("tracker.commitment", commitment_id=commitment_id))
    return render_template("tracker/propose.html", form=form, commitment=commitment)


@bp.post("/proposals/<int:update_id>/<any(accept, decline):decision>")
@allow(STEERING)
def decide(update_id: int, decision: str):
    entry = db.session.get(CommitmentUpdate, update_id) or abort(404)
    if decision == "decline" and not is_confirmed():
        return confirmation_page(_("Decline this proposed update?"), _("Decline"), url_for("tracker_manage.index"))
    services.decide_proposal(current_user, entry, decision == "accept")
    db.session.commit()
    flash(
        _("The proposed update has been accepted.")
        if decision == "accept"
        else _("The proposed update has been declined."),
        "success",
    )
    return redirect(url_for("tracker_manage.index"))


@bp.post("/<int:commitment_id>/translations")
@allow(STEERING)
def translate(commitment_id: int):
    commitment = get_commitment(commitment_id)
    form = TranslationForm()
    if form.validate_on_submit():
        services.save_translation(
            current_user, commitment, form.locale.data, form.title.data.strip(), form.description.data or None
        )
        db.session.commit()
        flash(_("The translation has been saved."), "success")
    else:
        flash(_("The translation needs a title."), "error")
    return redirect(url_for("tracker_manage.detail", commitment_id=commitment_id))


@bp.post("/<int:commitment_id>/milestones")
@allow(STEERING)
def add_milestone(commitment_id: int):
    commitment = get_commitment(commitment_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        services.add_milestone(current_user, commitment, form.title.data, form.due_on.data)
        db.session.commit()
    return redirect(url_for("tracker_manage.detail", commitment_id=commitment_id))


@bp.post("/milestones/<int:milestone_id>/done")
@allow(STEERING)
def milestone_done(milestone_id: int):
    milestone = db.session.get(Milestone, milestone_id) or abort(404)
    services.complete_milestone(current_user, milestone, date.today())
    db.session.commit()
    return redirect(url_for("tracker_manage.detail", commitment_id=milestone.commitment_id))


@bp.post("/<int:commitment_id>/evidence")
@allow(STEERING)
def attach(commitment_id: int):
    commitment = get_commitment(commitment_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            services.attach_incident(
                current_user, commitment, form.reference.data, Stance(form.stance.data), form.note.data
            )
            db.session.commit()
            flash(_("The incident is attached as evidence."), "success")
        except services.TrackerError as error:
            flash(error.message, "error")
    return redirect(url_for("tracker_manage.detail", commitment_id=commitment_id))


@bp.get("/following")
@allow(SIGNED_IN)
def following():
    """What the member follows, and what they could follow (the public pages are cached, so the buttons live here)."""
    return render_template(
        "tracker/following.html",
        platforms=active_platforms(),
        commitments=queries.published_commitments(),
        **followed(),
        **labels(),
    )


def followable(platform_id: int | None, commitment_id: int | None) -> bool:
    """Only what the public tracker shows: an active platform or a published commitment."""
    if platform_id is not None:
        platform = db.session.get(Platform, platform_id)
        return platform is not None and platform.active
    commitment = db.session.get(Commitment, commitment_id)
    return commitment is not None and commitment.is_published


@bp.post("/follow")
@allow(SIGNED_IN)
def follow():
    """Follow or stop following a platform or a commitment (email digest of its updates)."""
    platform_id = request.form.get("platform_id", type=int)
    commitment_id = request.form.get("commitment_id", type=int)
    if (platform_id is None) == (commitment_id is None):
        abort(400)
    if not followable(platform_id, commitment_id):
        abort(404)
    now_following = services.toggle_follow(current_user, platform_id, commitment_id)
    db.session.commit()
    flash(
        _("You will receive a digest of its updates by email.") if now_following else _("You no longer follow it."),
        "success",
    )
    # Back to the page the button was on (a commitment or platform page), else the list of what they follow.
    return redirect(safe_next(request.form.get("next"), url_for("tracker_manage.following")))


@bp.post("/from-letter/<slug>")
@allow(STEERING)
def from_letter(slug: str):
    """Once a letter is sent, its demands become commitments to track (unpublished until reviewed)."""
    letter = db.session.scalar(select(Letter).where(Letter.slug == slug)) or abort(404)
    created = track_demands(current_user, letter)
    db.session.commit()
    flash(_("Commitments created from the demands: %(num)d. Review and publish them here.", num=created), "success")
    return redirect(url_for("tracker_manage.index"))
