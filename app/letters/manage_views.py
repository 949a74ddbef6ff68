"""The steering committee's side of letters: drafting, translating, moving through the steps, signing progress."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core.access import STEERING, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.forms import select_choices
from app.core.geo import REGION_LABELS
from app.extensions import db
from app.letters import services
from app.letters.forms import LetterSettingsForm, LetterTextForm, NewLetterForm, ResponseForm, SendForm
from app.letters.models import Letter, Supporter
from app.letters.vocab import (
    DECLINE_SUPPORTER_QUESTION,
    LETTER_STATUS_LABELS,
    NEXT_STATUS,
    STEP_QUESTIONS,
    LetterStatus,
    SupporterStatus,
)
from app.platforms.services import active_platforms

bp = Blueprint("letters_manage", __name__, template_folder="templates", url_prefix="/letters/manage")


def get_letter(slug: str) -> Letter:
    return db.session.scalar(select(Letter).where(Letter.slug == slug)) or abort(404)


def demand_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def with_platforms(form):
    form.platform_id.choices = select_choices((platform.id, platform.name) for platform in active_platforms())
    return form


@bp.get("/")
@allow(STEERING)
def index():
    letters = db.session.scalars(select(Letter).order_by(Letter.created_at.desc()))
    return render_template("letters/manage.html", letters=list(letters), status_labels=LETTER_STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@allow(STEERING)
def new():
    form = with_platforms(NewLetterForm())
    if form.validate_on_submit():
        letter = services.create_letter(
            current_user,
            form.platform_id.data,
            form.addressee_name.data.strip(),
            form.original_locale.data,
            form.title.data,
            form.body.data,
            demand_lines(form.demands.data),
            addressee_title=form.addressee_title.data or None,
            addressee_address=form.addressee_address.data or None,
            letter_date=form.letter_date.data,
            deadline=form.deadline.data,
            embargoed=form.embargoed.data,
            accepts_supporters=form.accepts_supporters.data,
        )
        db.session.commit()
        flash(_("The letter has been created."), "success")
        return redirect(url_for("letters_manage.progress", slug=letter.slug))
    return render_template("letters/new.html", form=form)


# What the settings page changes (the original language is chosen once, when the letter is created).
SETTINGS = (
    "platform_id",
    "addressee_name",
    "addressee_title",
    "addressee_address",
    "letter_date",
    "deadline",
    "embargoed",
    "accepts_supporters",
)


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@allow(STEERING)
def settings(slug: str):
    letter = get_letter(slug)
    form = with_platforms(LetterSettingsForm(obj=letter))
    form.saved_deadline = letter.deadline
    if form.validate_on_submit():
        services.save_settings(current_user, letter, **{name: getattr(form, name).data for name in SETTINGS})
        db.session.commit()
        flash(_("The letter's settings have been saved."), "success")
        return redirect(url_for("letters_manage.progress", slug=slug))
    return render_template("letters/settings.html", form=form, letter=letter)


@bp.route("/<slug>/text/<locale>", methods=["GET", "POST"])
@allow(STEERING)
def text(slug: str, locale: str):
    """Write the original or a translation; every save is a new version."""
    letter = get_letter(slug)
    if locale not in current_app.config["SUPPORTED_LOCALES"]:
        abort(404)
    current = letter.latest(locale) or letter.original
    form = LetterTextForm()
    if request.method == "GET":
        form.title.data, form.body.data = current.title, current.body
        form.demands.data = "\n".join(current.demands)
        form.edit_version.data = str(letter.edit_version)
    if form.validate_on_submit():
        try:
            edit_version = int(form.edit_version.data) if (form.edit_version.data or "").isdigit() else 0
            services.save_text(
                current_user,
                letter,
                locale,
                form.title.data,
                form.body.data,
                demand_lines(form.demands.data),
                form.material.data,
                edit_version,
            )
        except services.LetterError as error:
            db.session.rollback()
            if error.code != "conflict":
                raise
            flash(
                error.message,
                "error",
            )
            form.edit_version.data = str(get_letter(slug).edit_version)
            return render_template("letters/text.html", form=form, letter=letter, locale=locale), 409
        db.session.commit()
        flash(_("A new version has been saved."), "success")
        return redirect(url_for("letters_manage.progress", slug=slug))
    return render_template(
        "letters/text.html",
        form=form,
        letter=letter,
        locale=locale,
        original=letter.original if locale != letter.original_locale else None,
        current=letter.latest(locale),
    )


@bp.get("/<slug>")
@allow(STEERING)
def progress(slug: str):
    """Signing progress by region, who has not signed, supporters waiting, translations, next step."""
    letter = get_letter(slug)
    return progress_page(letter, ResponseForm(obj=letter))


def progress_page(letter: Letter, response_form: ResponseForm) -> str:
    """The progress page; ``response_form`` carries what was typed and its errors after a refused save."""
    signatures = services.active_signatures(letter)
    pending = [
        item
        for item in db.session.scalars(select(Supporter).where(Supporter.letter_id == letter.id))
        if item.status == SupporterStatus.PENDING
    ]
    return render_template(
        "letters/progress.html",
        letter=letter,
        signatures=signatures,
        current={item.id for item in signatures if services.is_current(letter, item)},
        region_counts=services.region_counts(signatures),
        region_labels=REGION_LABELS,
        unsigned=services.unsigned_members(letter),
        supporters=pending,
        next_status=NEXT_STATUS.get(letter.status),
        status_labels=LETTER_STATUS_LABELS,
        translations=services.translation_status(letter),
        send_form=SendForm(),
        step_questions=STEP_QUESTIONS,
        decline_question=DECLINE_SUPPORTER_QUESTION,
        response_form=response_form,
    )


@bp.post("/<slug>/advance")
@allow(STEERING)
def advance(slug: str):
    """Move the letter one step on; closing and sending are confirmed first (without JavaScript, on a page)."""
    letter = get_letter(slug)
    target = NEXT_STATUS.get(letter.status)
    if target is None:
        abort(409)
    if target in STEP_QUESTIONS and not is_confirmed():
        label = _("Move to: %(status)s", status=LETTER_STATUS_LABELS[target])
        return confirmation_page(STEP_QUESTIONS[target], label, url_for("letters_manage.progress", slug=slug))
    services.advance(current_user, letter, target, SendForm().channel.data if target == LetterStatus.SENT else None)
    db.session.commit()
    flash(_("The letter is now: %(status)s.", status=LETTER_STATUS_LABELS[target]), "success")
    return redirect(url_for("letters_manage.progress", slug=slug))


@bp.post("/<slug>/reminders")
@allow(STEERING)
def reminders(slug: str):
    letter = get_letter(slug)
    sent = services.send_reminders(current_user, letter)
    db.session.commit()
    flash(_("Reminders queued: %(num)d.", num=sent), "success")
    return redirect(url_for("letters_manage.progress", slug=slug))


@bp.post("/supporters/<int:supporter_id>/<any(approve, decline):decision>")
@allow(STEERING)
def decide_supporter(supporter_id: int, decision: str):
    """Approve or (once confirmed: it cannot be undone) decline an outside organization's support."""
    supporter = db.session.get(Supporter, supporter_id) or abort(404)
    progress_url = url_for("letters_manage.progress", slug=db.session.get(Letter, supporter.letter_id).slug)
    if decision == "decline" and not is_confirmed():
        question = DECLINE_SUPPORTER_QUESTION % {"name": supporter.name}
        return confirmation_page(question, _("Decline"), progress_url, danger=True)
    services.decide_supporter(current_user, supporter, decision == "approve")
    db.session.commit()
    return redirect(progress_url)


@bp.post("/<slug>/response")
@allow(STEERING)
def response(slug: str):
    letter = get_letter(slug)
    form = ResponseForm()
    if form.validate_on_submit():
        services.record_response(current_user, letter, form.text.data, form.url.data, form.on.data)
        db.session.commit()
        flash(_("The platform's response has been recorded."), "success")
        return redirect(url_for("letters_manage.progress", slug=slug))
    return progress_page(letter, form), 422  # what was typed stays, with its errors
