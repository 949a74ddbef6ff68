"""The printable letter and its PDF.

A letter's PDF is keyed by exactly what it shows: its version is the SHA-256 of the printable HTML, which holds the
letter's text in the reader's language, the addressee, platform and date, the signatories shown (with their
names, countries and regions), the supporters, the re-confirmation notice and every translated label. Any change to
one of these (in this letter, or an organization that signed it) makes a new PDF of this letter only; a change to
another letter changes nothing here. Drawing that HTML takes milliseconds, the PDF seconds: so a request draws the
HTML, serves the PDF stored for it, or else queues the ``pdfs.render`` job and answers "being prepared".

After any change to a letter's text, status, signatures, supporters, platform or signatory organizations, the
``letters.prerender_pdfs`` job renders its PDFs as the public reads them, in each of the letter's languages.
"""

from flask import current_app, render_template
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import jobs, pdf, permissions, versions
from app.core.db import prepare_to_read
from app.core.geo import REGION_LABELS
from app.core.i18n import labels_in_reader_language, reading_as
from app.core.links import external_url
from app.extensions import cache, db
from app.letters import campaign, services
from app.letters.models import Letter, LetterDemand, LetterRevision, Signature, Supporter
from app.letters.vocab import LETTER_STATUS_LABELS, PUBLIC_STATUSES

KIND = "letter"
_labels = labels_in_reader_language(region_labels=REGION_LABELS, status_labels=LETTER_STATUS_LABELS)
# The public's copy of a stored PDF, kept in the cache per letters data version (as the public letter page is): a
# spike of readers is answered without the database or the file store. A larger PDF is read from the store.
PUBLIC_COPY_MAX_BYTES = 2 * 1024 * 1024
MEMO_SECONDS = 24 * 3600  # a remembered page hash is keyed by the letters version: it only needs to expire
_CHANGED = "letters_changed_for_pdfs"  # key in the session's info: ids of letters this transaction changed


def init_app(app) -> None:
    from app.core.db import listen_once

    pdf.register_renderer(KIND, render)
    listen_once(db.session, "after_flush", _note_changed_letters)
    listen_once(db.session, "after_transaction_end", _forget_changed_letters)


def page_context(letter: Letter, text_locale: str | None = None, visible: bool | None = None) -> dict:
    """What a letter's pages show: its text in ``text_locale`` (else the reader's language, else the original),
    with the signatories if ``visible`` (by default: if the reader may see them)."""
    text = services.text_for(letter, text_locale or str(get_locale()))
    if visible is None:
        visible = permissions.can_see_signatories(current_user, letter)
    signatories = services.public_signatories(letter) if visible else []
    return {
        "letter": letter,
        "text": text,
        "signatories": signatories,
        "reconfirming": services.reconfirming(letter) if visible else (0, None),
        "signatories_visible": visible,
        "breakdown": campaign.signatory_breakdown(signatories),
        "supporters": services.approved_supporters(letter) if visible else [],
        "translations": services.translation_status(letter),
        **_labels(),
    }


def printable_html(letter: Letter, visible: bool, for_pdf: bool = False) -> str:
    """The printable letter in the current request's language and time zone (``for_pdf``: as the PDF renderer
    draws it, with no stylesheet link)."""
    return render_template(
        "letters/print.html",
        for_pdf=for_pdf,
        page_url=external_url("letters.detail", slug=letter.slug),
        **page_context(letter, visible=visible),
    )


def variant(locale: str, timezone: str, visible: bool) -> str:
    return f"{locale}|{timezone}|{'all' if visible else 'public'}"


def _params(variant_name: str) -> dict | None:
    """The job's parameters for a stored variant (None for a row of an older form, which is superseded)."""
    parts = variant_name.split("|")
    if len(parts) != 3:
        return None
    locale, timezone, shown = parts
    return {"locale": locale, "timezone": timezone, "visible": shown == "all"}


def letter_pdf(slug: str):
    """The reader's PDF of the letter (404 for those who may not see it): stored, else queued and "being
    prepared". Public letters' PDFs are cacheable, revalidated by their ETag.

    The hash of the HTML is remembered in the cache per letters data version, so a stored PDF is found without
    loading the signatories or drawing the page while no letter changes; after any letter's change each PDF's HTML
    is drawn once more (milliseconds), which finds the same PDF unless this letter's page changed. The data version
    is read first: a change committed meanwhile files newer content under the older version, never the reverse.
    Anonymous readers get the public's copy from the cache, keyed by the version as public pages are (a change
    shows within ``versions.REMEMBER_SECONDS``): no database, no file store.
    """
    locale, timezone = str(get_locale()), str(get_timezone())
    public = not permissions.is_signed_in(current_user)
    copy_key = f"letter-pdf-public:{slug}:{versions.recent(versions.LETTERS)[0]}:{locale}:{timezone}"
    if public and (copy := cache.get(copy_key)) is not None:
        return pdf.pdf_response(*copy, f"{slug}.pdf", public=True)
    data_version, _changed = versions.current(versions.LETTERS)
    letter = services.visible_letter_or_404(current_user, slug, page=False)
    visible = permissions.can_see_signatories(current_user, letter)
    wanted = variant(locale, timezone, visible)
    remembered = f"letter-pdf:{letter.id}:{data_version}:{wanted}"
    version = cache.get(remembered)
    if version is None:
        letter = _load(letter.id)  # now with its signatories
        version = pdf.fingerprint(printable_html(letter, visible, for_pdf=True))
        cache.set(remembered, version, timeout=MEMO_SECONDS)
    found = pdf.stored(KIND, str(letter.id), version)  # whatever time zone it was drawn in
    if found is not None:
        if public and len(found[1]) <= PUBLIC_COPY_MAX_BYTES:
            cache.set(copy_key, found, timeout=MEMO_SECONDS)
        return pdf.pdf_response(*found, f"{letter.slug}.pdf", public=public)
    pdf.request_render(KIND, str(letter.id), wanted, {"locale": locale, "timezone": timezone, "visible": visible})
    db.session.commit()  # the job is queued once this (read) transaction ends
    return pdf.preparing_response()


def _load(letter_id: int) -> Letter | None:
    return db.session.scalar(select(Letter).where(Letter.id == letter_id).options(*services.letter_loads(page=True)))


def _html_as(letter: Letter, locale: str, timezone: str, visible: bool) -> str:
    with reading_as(locale, timezone):
        return printable_html(letter, visible, for_pdf=True)


def render(subject: str, locale: str, timezone: str, visible: bool) -> None:
    """The ``pdfs.render`` renderer of letters: store the PDF of what the letter shows now in this language,
    time zone and visibility of signatories (unless one with the same content is stored), then remove the
    letter's PDFs whose content has moved on. A letter deleted meanwhile takes its PDFs along."""
    prepare_to_read(db.session)  # on SQLite, no write lock while drawing and rendering
    letter = _load(int(subject))
    if letter is None:
        pdf.remove(pdf.rows_of(KIND, subject))
        return
    html = _html_as(letter, locale, timezone, visible)
    version = pdf.fingerprint(html)
    if pdf.stored(KIND, subject, version) is None:
        pdf.store(KIND, subject, variant(locale, timezone, visible), version, html)
    remove_superseded(int(subject))


def remove_superseded(letter_id: int) -> int:
    """Remove the stored PDFs of this letter whose variant now draws different HTML; returns how many."""
    letter = _load(letter_id)
    current: dict[str, str] = {}
    superseded = []
    for row in pdf.rows_of(KIND, str(letter_id)):
        if row.variant not in current:
            params = _params(row.variant)
            current[row.variant] = pdf.fingerprint(_html_as(letter, **params)) if params else ""
        if row.version != current[row.variant]:
            superseded.append(row)
    return pdf.remove(superseded)


@jobs.job("letters.prerender_pdfs", retries=1)
def prerender(letter_id: int) -> None:
    """After a change: queue the PDFs of the letter as the public reads it, in each of its languages (so readers
    rarely wait for one; each render then removes the superseded ones); a letter not yet public only has its
    superseded PDFs removed; a letter no longer there takes its PDFs along."""
    letter = _load(letter_id)
    if letter is None:
        pdf.remove(pdf.rows_of(KIND, str(letter_id)))
        return
    if letter.status not in PUBLIC_STATUSES:
        remove_superseded(letter_id)  # steering's drafts render when asked for
        return
    visible = permissions.can_see_signatories(permissions.THE_PUBLIC, letter)
    timezone = current_app.config["DEFAULT_TIMEZONE"]
    for locale in letter.locales:
        params = {"locale": locale, "timezone": timezone, "visible": visible}
        pdf.request_render(KIND, str(letter_id), variant(locale, timezone, visible), params)


def _forget_changed_letters(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def _note_changed_letters(session: Session, _context) -> None:
    """After a flush: queue ``letters.prerender_pdfs`` (once this transaction commits, to run
    ``LETTER_PDF_PRERENDER_SECONDS`` later: one render for a burst of signatures) for each letter whose printable
    page it may have changed."""
    from app.organizations.models import Organization
    from app.platforms.models import Platform

    written = [*session.new, *session.dirty, *session.deleted]
    letters = {item.id for item in written if isinstance(item, Letter)}
    letters |= {
        item.letter_id for item in written if isinstance(item, LetterRevision | LetterDemand | Signature | Supporter)
    }
    organizations = {item.id for item in written if isinstance(item, Organization) and item.id is not None}
    platforms = {item.id for item in written if isinstance(item, Platform) and item.id is not None}
    connection = session.connection()
    if organizations:
        letters |= set(
            connection.scalars(select(Signature.letter_id).where(Signature.organization_id.in_(organizations)))
        )
    if platforms:
        letters |= set(connection.scalars(select(Letter.id).where(Letter.platform_id.in_(platforms))))
    queued = session.info.setdefault(_CHANGED, set())
    for letter_id in letters - queued - {None}:
        queued.add(letter_id)
        jobs.defer(
            prerender,
            letter_id=letter_id,
            queueing_lock=f"letter-pdfs:{letter_id}",
            delay_seconds=current_app.config["LETTER_PDF_PRERENDER_SECONDS"],
        )
