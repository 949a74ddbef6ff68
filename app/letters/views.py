"""Letter pages: the public list and letter (with printable, PDF and plain-text forms), versions, and signing."""

import io
import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core import permissions
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.core.page_cache import public_page
from app.core.versions import LETTERS
from app.extensions import db
from app.letters import campaign, comparison, services
from app.letters.forms import SupporterForm
from app.letters.models import Letter
from app.letters.preview import preview_png
from app.letters.printable import letter_pdf, page_context, printable_html
from app.letters.vocab import LETTER_STATUS_LABELS, PUBLIC_STATUSES, WITHDRAW_QUESTION, LetterStatus

bp = Blueprint("letters", __name__, template_folder="templates", url_prefix="/letters")
PREVIEW_MAX_AGE = 3600  # link previews are fetched by crawlers; an hour-old count is fine, the ETag saves redraws

# Raw HTML as CommonMark sees it (script and style with their contents, comments, declarations, tags);
# autolinks such as <https://…> or <name@example.org> are not tags and stay.
RAW_HTML = re.compile(
    r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[?!][^>]*>|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",
    re.IGNORECASE | re.DOTALL,
)


def without_raw_html(text: str) -> str:
    """``text`` minus raw HTML, removed until none is left (``<scr<b></b>ipt>`` would otherwise rebuild a tag)."""
    while (stripped := RAW_HTML.sub("", text)) != text:
        text = stripped
    return text


@bp.get("/")
@allow(PUBLIC)
def index():
    """Public: letters open for signatures, closed, sent and published, each with its signature count."""
    letters = list(
        db.session.scalars(
            select(Letter)
            .where(Letter.status.in_(PUBLIC_STATUSES))
            .options(*services.letter_loads())
            .order_by(Letter.created_at.desc())
        )
    )
    return render_template(
        "letters/index.html",
        letters=letters,
        signature_counts=services.signature_counts(current_user, letters),
        status_labels=LETTER_STATUS_LABELS,
        locale=str(get_locale()),
        text_for=services.text_for,
    )


@bp.get("/<slug>")
@allow(PUBLIC)
@public_page(LETTERS, live_for_sessions=True)
def detail(slug: str):
    """The letter, in the reader's language or the one asked for with ``text`` (the original, to sign when the
    reader's translation is out of date)."""
    letter = services.visible_letter_or_404(current_user, slug)
    own = None
    if permissions.is_signed_in(current_user):
        own = next((s for s in letter.signatures if s.organization_id == current_user.organization_id), None)
    context = page_context(letter, request.args.get("text"))
    return render_template(
        "letters/detail.html",
        own_signature=own,
        own_is_current=own is not None and services.is_current(letter, own),
        signatures_closed=letter.status == "open" and services.deadline_passed(letter),
        text_counts=services.counts_when_signed(letter, context["text"]),
        text_chosen="text" in request.args,
        withdraw_question=WITHDRAW_QUESTION,
        **campaign.sharing(letter, context["text"]),
        **context,
    )


@bp.get("/<slug>/preview.png")
@allow(PUBLIC)
def preview(slug: str):
    """The link-preview image of the letter in the language of ``text``, as the public sees it (so 404 for a draft,
    whoever asks); revalidated by its ETag."""
    letter = services.visible_letter_or_404(permissions.THE_PUBLIC, slug)
    text = services.text_for(letter, request.args.get("text", letter.original_locale))
    count = None
    if permissions.can_see_signatories(permissions.THE_PUBLIC, letter):
        count = len(services.public_signatories(letter))
    fingerprint, png = preview_png(text.title, text.locale, current_app.config["COALITION_NAME"], count)
    return send_file(io.BytesIO(png), mimetype="image/png", etag=fingerprint, max_age=PREVIEW_MAX_AGE, conditional=True)


@bp.get("/<slug>/print")
@allow(PUBLIC)
def printable(slug: str):
    letter = services.visible_letter_or_404(current_user, slug)
    return printable_html(letter, permissions.can_see_signatories(current_user, letter))


@bp.get("/<slug>.pdf")
@allow(PUBLIC)
def pdf(slug: str):
    """The printable letter as a PDF (WeasyPrint), right-to-left included: rendered by a job once per content
    (see ``printable``); until then the reader gets 202 and a page that asks again."""
    return letter_pdf(slug)


@bp.get("/<slug>.txt")
@allow(PUBLIC)
def plain_text(slug: str):
    """The letter as plain text, in the language of ``text`` as its page (else the reader's, else the original): its
    Markdown without the raw HTML the pages never render either."""
    context = page_context(services.visible_letter_or_404(current_user, slug), request.args.get("text"))
    body = render_template("letters/letter.txt", body_text=without_raw_html(context["text"].body), **context)
    return Response(body, mimetype="text/plain")


@bp.get("/<slug>/versions")
@allow(PUBLIC)
def versions(slug: str):
    """Any two versions of one language, compared word by word."""
    letter = services.visible_letter_or_404(current_user, slug)
    locale = request.args.get("locale", letter.original_locale)
    revisions = [revision for revision in letter.revisions if revision.locale == locale]
    if not revisions:
        abort(404)
    numbers = [revision.number for revision in revisions]
    a = request.args.get("a", type=int) or (numbers[-2] if len(numbers) > 1 else numbers[-1])
    b = request.args.get("b", type=int) or numbers[-1]
    chosen = {revision.number: revision for revision in revisions}
    if a not in chosen or b not in chosen:
        abort(404)
    before, after = comparison.revision_parts(chosen[a]), comparison.revision_parts(chosen[b])
    return render_template(
        "letters/versions.html",
        letter=letter,
        locale=locale,
        revisions=revisions,
        a=a,
        b=b,
        parts={name: comparison.compare(before[name], after[name]) for name in before},
    )


def _signing_redirect(letter: Letter):
    """Back to the letter's signing section, which shows the flashed message: in view where the person acted."""
    return redirect(url_for("letters.detail", slug=letter.slug, _anchor="signing"))


@bp.post("/<slug>/sign")
@allow(SIGNED_IN)
def sign(slug: str):
    letter = services.visible_letter_or_404(current_user, slug)
    if letter.status != LetterStatus.OPEN:  # closed while the page was open (at its deadline, or by steering)
        return _refused_while_open(letter, services.LetterError("not_open"))
    if not permissions.can_sign_letter(current_user, letter):
        abort(403)
    try:
        services.sign(current_user, letter, _signed_text_locale())
        db.session.commit()
        flash(_("%(organization)s has signed.", organization=current_user.organization.name), "success")
    except services.LetterError as error:
        return _refused_while_open(letter, error, "already_signed")
    return _signing_redirect(letter)


def _signed_text_locale() -> str:
    """The language of the text the page showed (its form says), else the reader's."""
    return request.form.get("text") or str(get_locale())


def _refused_while_open(letter: Letter, error: services.LetterError, *expected: str):
    """The deadline passed, the letter closed or the text changed while the page was open: say so on the letter
    (which then links to the current text); any other refusal is an error page."""
    db.session.rollback()
    if error.code not in ("deadline_passed", "not_open", "stale_translation", *expected):
        raise error
    flash(error.message, "warning")
    return _signing_redirect(letter)


@bp.post("/<slug>/reconfirm")
@allow(SIGNED_IN)
def reconfirm(slug: str):
    letter = services.visible_letter_or_404(current_user, slug)
    try:
        services.reconfirm(current_user, letter, _signed_text_locale())
    except services.LetterError as error:
        return _refused_while_open(letter, error)
    db.session.commit()
    flash(_("Your organization's signature now stands on the current text."), "success")
    return _signing_redirect(letter)


@bp.post("/<slug>/withdraw")
@allow(SIGNED_IN)
def withdraw(slug: str):
    """Withdraw the organization's signature, once confirmed (without JavaScript, on a page asking first)."""
    letter = services.visible_letter_or_404(current_user, slug)
    try:
        services.withdrawable_signature(current_user, letter)
    except services.LetterError as error:
        return _refused_while_open(letter, error)
    if not is_confirmed():
        back = url_for("letters.detail", slug=letter.slug, _anchor="signing")
        return confirmation_page(WITHDRAW_QUESTION, _("Withdraw our signature"), back, danger=True)
    services.withdraw(current_user, letter)
    db.session.commit()
    flash(_("Your organization's signature has been withdrawn."), "success")
    return _signing_redirect(letter)


@bp.route("/<slug>/support", methods=["GET", "POST"])
@allow(PUBLIC)
def support(slug: str):
    """Organizations outside the coalition support an open letter; steering approves them."""
    letter = services.visible_letter_or_404(current_user, slug)
    if not letter.accepts_supporters or letter.status != "open" or services.deadline_passed(letter):
        abort(404)
    form = SupporterForm()
    if form.validate_on_submit():
        services.add_supporter(letter, form.name.data, form.country.data, form.contact_email.data)
        db.session.commit()
        flash(_("Thank you. The steering committee will confirm your organization's support."), "success")
        return _signing_redirect(letter)
    return render_template("letters/support.html", letter=letter, form=form)
