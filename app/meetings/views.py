"""Meeting pages: only invitees and the steering committee see a meeting (others get 404)."""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core import audit, permissions, quota, storage, uploads
from app.core.access import PUBLIC, SIGNED_IN, STEERING, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.db import utcnow
from app.core.forms import select_choices
from app.core.i18n import browser_timezone, zone_label
from app.core.links import external_url
from app.extensions import db
from app.letters.models import Letter
from app.meetings import calendar, invitations, listing, scheduling, services, times
from app.meetings.forms import (
    RECURRENCES,
    ActionForm,
    AttachmentForm,
    FindTimeForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    SeriesForm,
    SummaryForm,
)
from app.meetings.models import ActionItem, Attachment, Meeting, Slot
from app.meetings.vocab import (
    ACTION_STATUS_LABELS,
    ANSWER_LABELS,
    KIND_LABELS,
    PLATFORM_STEPS,
    RSVP_ANSWERS,
    RSVP_BUTTONS,
    RSVP_LABELS,
    STATUS_LABELS,
    ActionStatus,
    Answer,
    Kind,
    MeetingStatus,
    Rsvp,
)
from app.organizations.models import Organization
from app.platforms.services import active_platforms
from app.tracker.models import Commitment

bp = Blueprint("meetings", __name__, template_folder="templates", url_prefix="/meetings")


def labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "answer_labels": ANSWER_LABELS,
        "rsvp_labels": RSVP_LABELS,
        "rsvp_buttons": RSVP_BUTTONS,
        "action_status_labels": ACTION_STATUS_LABELS,
        "reader_zone": str(get_timezone()),
        "long_time": times.long_time,
        "short_time": times.short_time,
        "zone_label": zone_label,
    }


def invitee_picker(form) -> list[invitations.OrganizationChoice]:
    """The picker's organizations and people for the search in ``form``, keeping what is already checked."""
    return invitations.find_invitees(
        current_user, form.find.data or "", form.invitees.data or [], form.organizations.data or []
    )


def chosen_people(form) -> list[int]:
    """The people the form's checked boxes invite (organizations as their people now)."""
    return invitations.people_to_invite(current_user, form.invitees.data or [], form.organizations.data or [])


def searching() -> bool:
    """Whether the form came back through the picker's search button rather than its own."""
    return "search" in request.form


@bp.get("/")
@allow(SIGNED_IN)
def index():
    """The person's meetings: to come (soonest first), without a time yet, and over; those waiting for their answer
    say so."""
    return render_template(
        "meetings/index.html",
        groups=listing.by_time(services.meetings_of(current_user), utcnow()),
        waiting=listing.awaiting_answer(current_user),
        **labels(),
    )


def meeting_form() -> MeetingForm:
    form = MeetingForm()
    form.platform_id.choices = select_choices([(0, "—")] + [(p.id, p.name) for p in active_platforms()])
    form.letter_id.choices = select_choices(
        [(0, "—")]
        + [
            (letter.id, letter.original.title)
            for letter in db.session.scalars(select(Letter).order_by(Letter.id.desc()))
        ]
    )
    return form


@bp.route("/new", methods=["GET", "POST"])
@allow(STEERING)
def new():
    form = meeting_form()
    if not searching() and form.validate_on_submit():
        slots = [
            scheduling.parse_local(line, form.timezone.data) for line in form.slots.data.splitlines() if line.strip()
        ]
        meeting = services.create_meeting(
            current_user,
            services.MeetingData(
                kind=Kind(form.kind.data),
                title=form.title.data.strip(),
                timezone=form.timezone.data,
                duration_minutes=form.duration_minutes.data,
                platform_id=form.platform_id.data or None,
                letter_id=form.letter_id.data or None,
                requested_on=form.requested_on.data,
                request_channel=form.request_channel.data or None,
                location=form.location.data or None,
                video_link=form.video_link.data or None,
                agenda=form.agenda.data or None,
            ),
            chosen_people(form),
            slots,
        )
        db.session.commit()
        flash(_("The meeting has been created and the invitations sent."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form, found=invitee_picker(form))


@bp.route("/series/new", methods=["GET", "POST"])
@allow(STEERING)
def new_series():
    form = SeriesForm()
    if not searching() and form.validate_on_submit():
        first = datetime.strptime(form.first.data.strip(), "%Y-%m-%d %H:%M")
        rule = RECURRENCES[form.recurrence.data][1] or _third_weekday_rule(first)
        series = services.create_series(
            current_user,
            services.MeetingData(
                kind=Kind.MEMBERS,
                title=form.title.data.strip(),
                timezone=form.timezone.data,
                duration_minutes=form.duration_minutes.data,
                video_link=form.video_link.data or None,
                agenda=form.agenda.data or None,
            ),
            rule,
            first,
            form.count.data,
            chosen_people(form),
        )
        db.session.commit()
        flash(_("%(num)d meetings have been scheduled.", num=form.count.data), "success")
        return redirect(url_for("meetings.index", series=series.id))
    return render_template("meetings/series.html", form=form, found=invitee_picker(form))


def _third_weekday_rule(first) -> str:
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
    return f"FREQ=MONTHLY;BYDAY=+{(first.day - 1) // 7 + 1}{weekday}"


@bp.get("/<int:meeting_id>")
@allow(SIGNED_IN)
def detail(meeting_id: int):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    browser_zone = browser_timezone()
    mine = {}
    for slot in meeting.slots:
        for item in slot.answers:
            if item.user_id == current_user.id:
                mine[slot.id] = item.answer
    action_form = ActionForm()
    action_form.owner_organization_id.choices = select_choices(
        [(0, "—")]
        + [(org.id, org.name) for org in db.session.scalars(select(Organization).order_by(Organization.name))]
    )
    action_form.commitment_id.choices = select_choices(
        [(0, "—")] + [(c.id, c.title) for c in db.session.scalars(select(Commitment).order_by(Commitment.id))]
    )
    action_form.letter_id.choices = select_choices(
        [(0, "—")]
        + [(letter.id, letter.original.title) for letter in db.session.scalars(select(Letter).order_by(Letter.id))]
    )
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        poll=services.poll_of(meeting),
        confirmation=session.pop(CONFIRMATION, None),
        mine=mine,
        people={invitee.user_id: invitee.user for invitee in meeting.invitees},
        browser_zone=browser_zone,
        organizer=permissions.can_organize_meeting(current_user, meeting),
        invited=permissions.is_invited(current_user, meeting),
        my_answer=next((i.rsvp for i in meeting.invitees if i.user_id == current_user.id), None),
        answer_counts=invitations.answer_counts(meeting),
        next_steps=PLATFORM_STEPS.get(meeting.status, ()),
        move_form=MoveForm(),
        find_time_form=FindTimeForm(),
        minutes_form=MinutesForm(),
        action_form=action_form,
        attachment_form=AttachmentForm(),
        summary_form=SummaryForm(summary=meeting.public_summary),
        **labels(),
    )


def back(meeting: Meeting, anchor: str | None = None):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=anchor))


# The session key of a confirmation the meeting's page shows inside the section it concerns, where the page opens:
# the page's own messages are at its top, out of view once it has scrolled down to the poll or the answers.
CONFIRMATION = "meetings_confirmation"


def back_confirming(meeting: Meeting, section: str, message: str):
    """Back to ``section`` of the meeting's page, with ``message`` shown in it."""
    session[CONFIRMATION] = {"section": section, "message": message}
    return back(meeting, section)


@bp.post("/<int:meeting_id>/answers")
@allow(SIGNED_IN)
def answer(meeting_id: int):
    """An invitee answers yes, if need be or no for each candidate slot."""
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    if not permissions.is_invited(current_user, meeting):
        abort(403)
    for slot in meeting.slots:
        value = request.form.get(f"slot-{slot.id}")
        if value in {a.value for a in Answer}:
            services.answer(current_user, slot, Answer(value))
    db.session.commit()
    return back_confirming(meeting, "poll", _("Your answers have been saved."))


@bp.post("/<int:meeting_id>/rsvp")
@allow(SIGNED_IN)
def rsvp(meeting_id: int):
    """An invitee accepts, accepts tentatively or declines, for themselves only (403 for anyone else who sees the
    meeting)."""
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    if not permissions.is_invited(current_user, meeting):
        abort(403)
    value = request.form.get("rsvp")
    if value not in RSVP_ANSWERS:
        abort(400)
    invitations.respond(current_user, meeting, Rsvp(value))
    db.session.commit()
    return back_confirming(
        meeting, "rsvp", _("Your answer has been sent: %(answer)s.", answer=RSVP_LABELS[Rsvp(value)])
    )


@bp.route("/<int:meeting_id>/invite", methods=["GET", "POST"])
@allow(SIGNED_IN)
def invite(meeting_id: int):
    """The organizer invites more people, or whole organizations, to a meeting still to be held."""
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    if not permissions.can_organize_meeting(current_user, meeting):
        abort(403)
    form = InviteForm()
    if not searching() and form.validate_on_submit():
        before = len(meeting.invitees)
        invitations.invite_more(current_user, meeting, form.invitees.data or [], form.organizations.data or [])
        db.session.commit()
        added = len(meeting.invitees) - before
        flash(ngettext("%(num)d person has been invited.", "%(num)d people have been invited.", added), "success")
        return back(meeting, "people")
    return render_template("meetings/invite.html", meeting=meeting, form=form, found=invitee_picker(form))


def organizer_action(meeting_id: int, action, *args):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    action(current_user, meeting, *args)
    db.session.commit()
    return meeting


@bp.post("/<int:meeting_id>/pick/<int:slot_id>")
@allow(SIGNED_IN)
def pick(meeting_id: int, slot_id: int):
    slot = db.session.get(Slot, slot_id) or abort(404)
    meeting = organizer_action(meeting_id, services.pick_slot, slot)
    flash(_("The meeting is scheduled; invitees have received the calendar invitation."), "success")
    return back(meeting)


@bp.post("/<int:meeting_id>/status/<any(accepted, declined, no_reply, polling, held):status>")
@allow(SIGNED_IN)
def set_status(meeting_id: int, status: str):
    meeting = organizer_action(meeting_id, services.set_status, MeetingStatus(status))
    flash(_("The meeting is now: %(status)s.", status=STATUS_LABELS[meeting.status]), "success")
    return back(meeting)


@bp.post("/<int:meeting_id>/move")
@allow(SIGNED_IN)
def move(meeting_id: int):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    if not permissions.can_organize_meeting(current_user, meeting):
        abort(403)
    form = MoveForm()
    try:
        new_start = scheduling.parse_local(form.new_start.data or "", meeting.timezone)
    except ValueError:
        flash(_("Write the time as 2026-12-03 15:00."), "error")
        return back(meeting)
    organizer_action(meeting_id, services.reschedule, new_start)
    flash(_("The meeting has been moved; invitees have received the updated invitation."), "success")
    return back(meeting)


@bp.post("/<int:meeting_id>/find-time")
@allow(SIGNED_IN)
def find_time(meeting_id: int):
    """The organizer polls the invitees for a new time (for one occurrence of a series too)."""
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    if not permissions.can_organize_meeting(current_user, meeting):
        abort(403)
    form = FindTimeForm(timezone=meeting.timezone)
    form.timezone.data = meeting.timezone
    if not form.validate_on_submit():
        flash(_("Write each time as 2026-12-03 15:00, one per line."), "error")
        return back(meeting)
    slots = [scheduling.parse_local(line, meeting.timezone) for line in form.slots.data.splitlines() if line.strip()]
    organizer_action(meeting_id, services.find_new_time, slots)
    flash(_("The invitees have been asked which of the new times suit them."), "success")
    return back(meeting, "poll")


@bp.post("/<int:meeting_id>/cancel")
@allow(SIGNED_IN)
def cancel(meeting_id: int):
    """Cancel the meeting once confirmed (without JavaScript, on a page asking first)."""
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    services.check_cancellable(current_user, meeting)
    if not is_confirmed():
        question = _("Cancel this meeting? Every invitee will be told.")
        back_url = url_for("meetings.detail", meeting_id=meeting.id)
        return confirmation_page(question, _("Cancel the meeting"), back_url, danger=True)
    organizer_action(meeting_id, services.cancel)
    flash(_("The meeting is cancelled; invitees have been told."), "success")
    return back(meeting)


@bp.post("/<int:meeting_id>/minutes")
@allow(SIGNED_IN)
def minutes(meeting_id: int):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        flash(_("The minutes are empty."), "error")
        return back(meeting, "minutes")
    organizer_action(meeting_id, services.save_minutes, form.text.data, "final" in request.form)
    flash(_("A new version of the minutes has been saved."), "success")
    return back(meeting, "minutes")


@bp.post("/<int:meeting_id>/actions")
@allow(SIGNED_IN)
def add_action(meeting_id: int):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    form = ActionForm()
    if form.title.data and form.title.data.strip():
        organizer_action(
            meeting_id,
            services.add_action,
            form.title.data,
            form.owner_organization_id.data or None,
            form.due_on.data if form.due_on.validate(form) else None,
            form.commitment_id.data or None,
            form.letter_id.data or None,
        )
    return back(meeting, "actions")


@bp.post("/actions/<int:action_id>/done")
@allow(SIGNED_IN)
def action_done(action_id: int):
    item = db.session.get(ActionItem, action_id) or abort(404)
    meeting = services.visible_meeting_or_404(current_user, item.meeting_id)
    if not permissions.can_view_meeting(current_user, meeting):
        abort(404)
    item.status = ActionStatus.DONE
    audit.record("meeting_action_done", target=meeting, actor=current_user, action_id=item.id)
    db.session.commit()
    return back(meeting, "actions")


@bp.post("/<int:meeting_id>/attachments")
@allow(SIGNED_IN)
def upload(meeting_id: int):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            prepared = uploads.prepare_upload(form.file.data.stream)
        except uploads.UploadRejected as error:
            flash(str(uploads.REJECTION_MESSAGES[error.code]), "error")
            return back(meeting, "attachments")
        try:
            services.add_attachment(current_user, meeting, prepared, form.description.data)
        except quota.QuotaExceeded:
            flash(str(quota.MESSAGE), "error")
            return back(meeting, "attachments")
        db.session.commit()
    return back(meeting, "attachments")


@bp.get("/<int:meeting_id>/attachments/<int:attachment_id>")
@allow(SIGNED_IN)
def attachment(meeting_id: int, attachment_id: int):
    meeting = services.visible_meeting_or_404(current_user, meeting_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    response = storage.send(
        item.sha256,
        mimetype=item.media_type,
        as_attachment=True,
        download_name=f"meeting-{meeting.id}-{item.id}.{uploads.ALLOWED_TYPES[item.media_type]}",
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/<int:meeting_id>/meeting.ics")
@allow(SIGNED_IN)
def ics(meeting_id: int):
    return calendar.meeting_download(services.visible_meeting_or_404(current_user, meeting_id), current_user)


@bp.post("/<int:meeting_id>/summary")
@allow(STEERING)
def summary(meeting_id: int):
    form = SummaryForm()
    meeting = organizer_action(meeting_id, services.publish_summary, form.summary.data or "")
    flash(
        _("The summary is on the public tracker.")
        if meeting.summary_published
        else _("The summary is no longer public."),
        "success",
    )
    return back(meeting)


@bp.route("/calendar", methods=["GET", "POST"])
@allow(SIGNED_IN)
def calendar_settings():
    """A personal calendar feed address with a secret token; a new one revokes the old. Turning a live feed off, or
    replacing it, asks first: calendars subscribed to it stop getting the person's meetings."""
    feed_url = None
    live = services.has_calendar_feed(current_user)
    if request.method == "POST" and live and not is_confirmed():
        question = (
            _("Turn your calendar feed off? Calendars subscribed to its address stop getting your meetings.")
            if "revoke" in request.form
            else _("Make a new address? Calendars subscribed to the old one stop getting your meetings.")
        )
        action = _("Turn the feed off") if "revoke" in request.form else _("Make a new address")
        return confirmation_page(question, action, url_for("meetings.calendar_settings"), danger=True)
    if request.method == "POST":
        if "revoke" in request.form:
            services.revoke_calendar_tokens(current_user)
            flash(_("Your calendar feed address no longer works."), "success")
        else:
            feed_url = external_url("meetings_api.get_calendar_feed", token=services.new_calendar_token(current_user))
        db.session.commit()
    return render_template("meetings/calendar.html", feed_url=feed_url, live=live or feed_url is not None)


@bp.get("/feed/<token>.ics")
@allow(PUBLIC)
def feed(token: str):
    """Every meeting the token's owner is invited to (the secret in the address is the permission): the address
    given out before the feed moved under the API, which calendar applications subscribed to still ask."""
    return calendar.feed_download(services.feed_meetings(token))


def published_summaries(platform) -> str:
    """The public tracker's section on meetings with a platform: only summaries steering published."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.platform_id == platform.id, Meeting.kind == Kind.PLATFORM, Meeting.summary_published)
        .order_by(Meeting.starts_at.desc())
    ).all()
    # Dates in the meeting's own zone: the page is cached for everyone, whatever their zone.
    dated = [
        (meeting, scheduling.local(meeting.starts_at, meeting.timezone).date() if meeting.starts_at else None)
        for meeting in meetings
    ]
    return render_template("meetings/public_summaries.html", meetings=dated) if meetings else ""
