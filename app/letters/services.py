"""Letter rules: versions tied to signatures, translations that know when they are stale, one signature
per organization, re-confirmation after material changes, and the steps from draft to published.

Services add and flush; the caller commits.
"""

import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta

from babel import Locale
from flask import abort, current_app
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.core import audit, burmese, permissions, versions
from app.core.db import utcnow
from app.core.errors import NOT_ALLOWED, DomainError
from app.core.links import external_url
from app.extensions import db
from app.letters.models import Letter, LetterDemand, LetterRevision, Signature, Supporter
from app.letters.vocab import NEXT_STATUS, LetterStatus, SupporterStatus
from app.organizations.models import MembershipStatus, Organization
from app.outbox.services import queue_email


class LetterError(DomainError):
    """Refused: ``code`` says why; ``signature`` is the organization's existing one when it has already signed."""

    MESSAGES = {
        "not_allowed": (NOT_ALLOWED, 403),
        "not_open": (_l("This letter is not open for signatures."), 409),
        "conflict": (
            _l(
                "Someone else saved this letter while you were editing. Your text is below: compare it with "
                "the current version, then save again."
            ),
            409,
        ),
        "already_signed": (_l("Your organization has already signed (by %(name)s)."), 409),
        "deadline_passed": (_l("The deadline for signatures has passed: signatures can no longer change."), 409),
        "stale_translation": (
            _l(
                "The text in %(language)s is out of date: the letter has changed since it was translated, and a "
                "signature counts only on the current text. Read it in %(original)s, then sign."
            ),
            409,
        ),
    }

    def __init__(self, code: str, signature: Signature | None = None, **details):
        if code == "already_signed":
            signer = db.session.get(User, signature.signer_id) if signature and signature.signer_id else None
            details["name"] = signer.name if signer else "—"
        elif code == "stale_translation":  # whoever raises it names the two languages
            details = {"language": "—", "original": "—", **details}
        super().__init__(code, **details)
        self.signature = signature


def visible_letter_or_404(person, slug: str, page: bool = True) -> Letter:
    """The letter with this slug, loaded for its page (else without its signatures), for a person who may see it.

    :raise 404: when there is none or the person may not see it (a draft, for anyone but steering).
    """
    letter = db.session.scalar(select(Letter).where(Letter.slug == slug).options(*letter_loads(page=page)))
    if letter is None or not permissions.can_view_letter(person, letter):
        abort(404)
    return letter


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "letter"
    taken = set(db.session.scalars(select(Letter.slug).where(Letter.slug.startswith(base))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_letter(
    actor: User,
    platform_id: int,
    addressee_name: str,
    original_locale: str,
    title: str,
    body: str,
    demands: list[str],
    **details,
) -> Letter:
    if not permissions.can_draft_letters(actor):
        raise LetterError("not_allowed")
    letter = Letter(slug=_slug(title), platform_id=platform_id, original_locale=original_locale, **details)
    addressee = _set_addressee(letter, {"addressee_name": addressee_name} | _addressee_of(details))
    db.session.add(letter)
    db.session.flush()
    _, converted = _add_revision(actor, letter, original_locale, title, body, demands, material=True)
    audit.record("letter_created", target=letter, actor=actor, zawgyi_converted=(addressee + converted) or None)
    return letter


ADDRESSEE = ("addressee_name", "addressee_title", "addressee_address")
# The lengths of the columns Burmese is converted within (app/core/burmese.py).
ADDRESSEE_LIMITS = burmese.column_lengths(Letter, ADDRESSEE)
TEXT_LIMITS = burmese.column_lengths(LetterRevision, ("title", "body"))


def _addressee_of(values: dict) -> dict:
    return {name: values[name] for name in ADDRESSEE if name in values}


def _set_addressee(letter: Letter, values: dict) -> list[str]:
    """Write the addressee's fields given, Zawgyi converted and its original kept (``app.core.burmese``); returns
    the fields converted now."""
    previous = {name: getattr(letter, name) for name in values}
    kept = {name: text for name, text in (letter.zawgyi_originals or {}).items() if name not in values}
    texts = burmese.convert_fields(values, previous, letter.zawgyi_originals, ADDRESSEE_LIMITS)
    for name, value in texts.values.items():
        setattr(letter, name, value)
    letter.zawgyi_originals = (kept | texts.originals) or None
    return texts.fields


def _add_revision(
    actor, letter: Letter, locale: str, title: str, body: str, demands: list[str], material: bool
) -> tuple[LetterRevision, list[str]]:
    """A new revision in ``locale``, its text typed in Zawgyi converted and kept as typed (``app.core.burmese``);
    returns it and the fields converted now. A field left as the previous revision had it keeps its original."""
    previous = letter.latest(locale)
    is_original = locale == letter.original_locale
    typed = {"title": title.strip(), "body": body, "demands": [demand.strip() for demand in demands if demand.strip()]}
    before = {"title": previous.title, "body": previous.body, "demands": previous.demands} if previous else {}
    texts = burmese.convert_fields(typed, before, previous.zawgyi_originals if previous else None, TEXT_LIMITS)
    text = texts.values
    revision = LetterRevision(
        letter_id=letter.id,
        locale=locale,
        number=(previous.number + 1) if previous else 1,
        translates_number=None if is_original else letter.original.number,
        title=text["title"],
        body=text["body"],
        demands=text["demands"],
        is_material=material,
        content_hash=LetterRevision.hash_of(text["title"], text["body"], text["demands"]),
        zawgyi_originals=texts.originals or None,
        created_by_id=actor.id,
    )
    letter.revisions.append(revision)
    db.session.flush()
    if is_original:
        _sync_demands(letter, len(revision.demands))
    return revision, texts.fields


def _sync_demands(letter: Letter, count: int) -> None:
    positions = {demand.position for demand in letter.demands}
    for position in range(1, count + 1):
        if position not in positions:
            letter.demands.append(LetterDemand(position=position))


def save_text(
    actor: User,
    letter: Letter,
    locale: str,
    title: str,
    body: str,
    demands: list[str],
    material: bool,
    edit_version: int,
) -> LetterRevision:
    """A new version of the text in ``locale``. A material change to the original after signatures exist asks
    every signing organization to re-confirm; an edit based on an older version is a conflict."""
    if not permissions.can_edit_letter(actor, letter):
        raise LetterError("not_allowed")
    # Editors saving at the same moment queue on the letter's row, so the later one sees the version it missed.
    db.session.refresh(letter, with_for_update=True)
    if edit_version != letter.edit_version:
        raise LetterError("conflict")
    revision, converted = _add_revision(actor, letter, locale, title, body, demands, material)
    letter.updated_at = utcnow()  # bumps edit_version: the other editor's form is now stale
    audit.record(
        "letter_text_saved",
        target=letter,
        actor=actor,
        locale=locale,
        number=revision.number,
        material=material,
        zawgyi_converted=converted or None,
    )
    if locale == letter.original_locale and material and revision.number > 1:
        letter.material_version = revision.number
        _ask_reconfirmation(letter)
    return revision


def save_settings(actor: User, letter: Letter, **values) -> None:
    """Save the letter's settings (its attributes by name); the addressee typed in Zawgyi is converted."""
    if not permissions.can_manage_letter(actor):
        raise LetterError("not_allowed")
    converted = _set_addressee(letter, _addressee_of(values))
    for name, value in values.items():
        if name not in ADDRESSEE:
            setattr(letter, name, value)
    audit.record("letter_settings_saved", target=letter, actor=actor, zawgyi_converted=converted or None)


def _ask_reconfirmation(letter: Letter) -> None:
    link = external_url("letters.detail", slug=letter.slug)
    for signature in active_signatures(letter):
        for person in signers_of(signature.organization):
            queue_email(person.email, "letter_reconfirm", person.locale, letter=letter, link=link)


def letter_loads(page: bool = False) -> tuple:
    """Loader options so a list of letters, or a letter's page with every signatory (``page``), costs a
    fixed number of statements."""
    loads = (selectinload(Letter.revisions), joinedload(Letter.platform))
    return (*loads, selectinload(Letter.signatures).joinedload(Signature.organization)) if page else loads


def translation_status(letter: Letter) -> dict[str, tuple[LetterRevision | None, bool]]:
    """For each shipped language: its latest text, and whether it translates the current original."""
    current = letter.original.number
    status = {}
    for locale in current_app.config["SUPPORTED_LOCALES"]:
        revision = letter.latest(locale)
        up_to_date = revision is not None and (
            locale == letter.original_locale or revision.translates_number == current
        )
        status[locale] = (revision, up_to_date)
    return status


def text_for(letter: Letter, locale: str) -> LetterRevision:
    """The reader's language if translated, else the original."""
    return letter.latest(locale) or letter.original


def advance(actor: User, letter: Letter, to_status: LetterStatus, sent_channel: str | None = None) -> None:
    """Move the letter one step along draft → in review → open → closed → sent → published."""
    if not permissions.can_manage_letter(actor) or NEXT_STATUS.get(letter.status) != to_status:
        raise LetterError("not_allowed")
    letter.status = to_status
    if to_status == LetterStatus.SENT:
        letter.sent_on, letter.sent_channel = utcnow().date(), sent_channel
    audit.record("letter_status_changed", target=letter, actor=actor, status=str(to_status))
    template = {
        LetterStatus.OPEN: "letter_opened",
        LetterStatus.SENT: "letter_sent",
        LetterStatus.PUBLISHED: "letter_published",
    }.get(to_status)
    if template:
        link = external_url("letters.detail", slug=letter.slug)
        for person in _everyone_who_signs():
            queue_email(person.email, template, person.locale, letter=letter, link=link)


def _everyone_who_signs() -> list[User]:
    """Signatories and organization admins of every active member organization."""
    people = db.session.scalars(
        select(User)
        .join(Organization, User.organization_id == Organization.id)
        .where(
            Organization.membership_status == MembershipStatus.ACTIVE,
            User.is_deactivated.is_(False),
            User.org_role.in_(("signatory", "org_admin")),
        )
    )
    return list(people)


def signers_of(organization: Organization) -> list[User]:
    return [person for person in _everyone_who_signs() if person.organization_id == organization.id]


def active_signatures(letter: Letter) -> list[Signature]:
    return [signature for signature in letter.signatures if signature.withdrawn_at is None]


def is_current(letter: Letter, signature: Signature) -> bool:
    """Counts on the current version: signed (or re-confirmed) since the last material change."""
    return signature.withdrawn_at is None and signature.original_number >= letter.material_version


def deadline_passed(letter: Letter, today: date | None = None) -> bool:
    """Signatures are accepted until the end of the deadline day (UTC), even before ``letters close-due`` has
    closed the letter."""
    return letter.deadline is not None and (today or utcnow().date()) > letter.deadline


def _refuse_after_deadline(letter: Letter) -> None:
    if letter.status == LetterStatus.OPEN and deadline_passed(letter):
        raise LetterError("deadline_passed")


def counts_when_signed(letter: Letter, revision: LetterRevision) -> bool:
    """Whether a signature on this text would count: it translates the original since its last material change."""
    return _original_number(revision) >= letter.material_version


def _language(code: str) -> LazyString:
    """A language's name in the reader's language, named when the message is read (a service may run outside a
    request)."""
    return LazyString(lambda: Locale.parse(code).get_display_name(str(get_locale())))


def _refuse_stale_text(letter: Letter, revision: LetterRevision) -> None:
    """A signature on a translation older than the last material change would never count: refuse it, saying
    where the current text is (the page in the original's language; under the API its version and address)."""
    if counts_when_signed(letter, revision):
        return
    error = LetterError(
        "stale_translation", language=_language(revision.locale), original=_language(letter.original_locale)
    )
    error.problem = {
        "current_version": letter.original.number,
        "current_language": letter.original_locale,
        "current_text": external_url("letters_api.get_letter", slug=letter.slug, lang=letter.original_locale),
        "current_page": external_url("letters.detail", slug=letter.slug, text=letter.original_locale),
    }
    raise error


def sign(actor: User, letter: Letter, locale: str) -> Signature:
    """Sign for the actor's organization the text in ``locale``. Two colleagues at once get one signature:
    the second gets LetterError('already_signed') carrying the first. A translation older than the last material
    change is refused (LetterError('stale_translation')): that signature would not count."""
    _refuse_after_deadline(letter)
    if not permissions.can_sign_letter(actor, letter):
        raise LetterError("not_allowed")
    revision = text_for(letter, locale)
    existing = _signature_of(letter, actor.organization_id)
    if existing is not None and existing.withdrawn_at is None:
        raise LetterError("already_signed", existing)
    _refuse_stale_text(letter, revision)
    number = _original_number(revision)
    if existing is not None:  # signing again after a withdrawal
        existing.withdrawn_at, existing.signer_id, existing.signed_at = None, actor.id, utcnow()
        existing.revision_id, existing.text_hash, existing.original_number = revision.id, revision.content_hash, number
        signature = existing
    else:
        signature = Signature(
            letter_id=letter.id,
            organization_id=actor.organization_id,
            signer_id=actor.id,
            revision_id=revision.id,
            text_hash=revision.content_hash,
            original_number=number,
        )
        try:
            with db.session.begin_nested():
                db.session.add(signature)
        except IntegrityError:
            raise LetterError("already_signed", _signature_of(letter, actor.organization_id)) from None
    db.session.flush()
    audit.record(
        "letter_signed",
        target=letter,
        actor=actor,
        organization_id=actor.organization_id,
        locale=revision.locale,
        number=revision.number,
        text_hash=revision.content_hash,
    )
    return signature


def _original_number(revision: LetterRevision) -> int:
    """The original's version a text corresponds to: a translation may lag behind the current original."""
    return revision.number if revision.translates_number is None else revision.translates_number


def _signature_of(letter: Letter, organization_id: int) -> Signature | None:
    return db.session.scalar(
        select(Signature).where(Signature.letter_id == letter.id, Signature.organization_id == organization_id)
    )


def reconfirm(actor: User, letter: Letter, locale: str) -> Signature:
    """Confirm the organization's signature on the current text (refused, as signing is, on a stale translation)."""
    _refuse_after_deadline(letter)
    signature = _signature_of(letter, actor.organization_id)
    if signature is None or signature.withdrawn_at or not permissions.can_sign_letter(actor, letter):
        raise LetterError("not_allowed")
    revision = text_for(letter, locale)
    _refuse_stale_text(letter, revision)
    signature.revision_id, signature.text_hash = revision.id, revision.content_hash
    signature.original_number, signature.signer_id = _original_number(revision), actor.id
    audit.record("letter_signature_reconfirmed", target=letter, actor=actor, organization_id=actor.organization_id)
    return signature


def withdrawable_signature(actor: User, letter: Letter) -> Signature:
    """The organization's signature the actor may withdraw now, so a page can ask before withdrawing it.

    :raise LetterError: ``deadline_passed``, or ``not_allowed`` (no signature, or the letter is no longer open).
    """
    _refuse_after_deadline(letter)
    signature = _signature_of(letter, actor.organization_id)
    if signature is None or signature.withdrawn_at or not permissions.can_withdraw_signature(actor, letter):
        raise LetterError("not_allowed")
    return signature


def withdraw(actor: User, letter: Letter) -> None:
    """Withdraw the organization's signature while the letter is open; the record keeps it."""
    signature = withdrawable_signature(actor, letter)
    signature.withdrawn_at = utcnow()
    audit.record("letter_signature_withdrawn", target=letter, actor=actor, organization_id=actor.organization_id)


def reconfirming(letter: Letter) -> tuple[int, datetime | None]:
    """How many organizations signed before the last material change and have not re-confirmed (nor withdrawn),
    and when that change was made: the public page says so rather than silently dropping them."""
    waiting = [signature for signature in active_signatures(letter) if not is_current(letter, signature)]
    if not waiting:
        return 0, None
    change = next(
        revision
        for revision in letter.revisions
        if revision.locale == letter.original_locale and revision.number == letter.material_version
    )
    return len(waiting), change.created_at


def public_signatories(letter: Letter) -> list[Signature]:
    """As sign-on letters list them: steering committee members first, then everyone else alphabetically."""
    current = [signature for signature in letter.signatures if is_current(letter, signature)]
    return sorted(current, key=lambda s: (not s.organization.is_steering, s.organization.name.casefold()))


def signature_counts(person, letters: list[Letter]) -> dict[int, int | None]:
    """By letter id: how many organizations' signatures count on the letter's current text (as its page's counter
    and ``public_signatories`` count them), or None where an embargo hides the signatories from ``person``. One
    query whatever the number of letters."""
    visible = {letter.id for letter in letters if permissions.can_see_signatories(person, letter)}
    counted: dict[int, int] = {}
    if visible:
        rows = db.session.execute(
            select(Signature.letter_id, func.count())
            .join(Letter, Letter.id == Signature.letter_id)
            .where(
                Signature.letter_id.in_(visible),
                Signature.withdrawn_at.is_(None),
                Signature.original_number >= Letter.material_version,
            )
            .group_by(Signature.letter_id)
        )
        counted = {letter_id: count for letter_id, count in rows}
    return {letter.id: counted.get(letter.id, 0) if letter.id in visible else None for letter in letters}


def region_counts(signatures: list[Signature]) -> Counter:
    return Counter(signature.organization.region for signature in signatures)


def unsigned_members(letter: Letter) -> list[Organization]:
    signed = {signature.organization_id for signature in active_signatures(letter)}
    members = db.session.scalars(
        select(Organization)
        .where(Organization.membership_status == MembershipStatus.ACTIVE)
        .order_by(Organization.region, Organization.name)
    )
    return [organization for organization in members if organization.id not in signed]


def send_reminders(actor: User, letter: Letter) -> int:
    """Email the signatories of every member organization that has not signed yet; returns how many emails."""
    if not permissions.can_manage_letter(actor):
        raise LetterError("not_allowed")
    if letter.status != LetterStatus.OPEN:
        raise LetterError("not_open")
    _refuse_after_deadline(letter)
    sent = _remind_unsigned(letter)
    audit.record("letter_reminders_sent", target=letter, actor=actor, emails=sent)
    return sent


def _claim(letter: Letter, still_true, **values) -> bool:
    """Set ``values`` on ``letter`` only while ``still_true`` holds in the database, with one conditional UPDATE:
    of runs that overlap, exactly one claims the change. Returns whether this one did (the letter is then fresh)."""
    changed = db.session.execute(
        update(Letter)
        .where(Letter.id == letter.id, still_true)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        db.session.refresh(letter)
    return bool(changed)


def close_due(today: date | None = None) -> list[Letter]:
    """Close every open letter whose deadline has passed; returns those this call closed.

    The conditional UPDATE closes each letter once even when two runs overlap: the second finds it no longer open
    (PostgreSQL re-checks the row after the first run's commit; SQLite lets one writer at a time), so only the run
    that closed it records it in the audit log.
    """
    today = today or utcnow().date()
    due = db.session.scalars(
        select(Letter).where(Letter.status == LetterStatus.OPEN, Letter.deadline < today).order_by(Letter.id)
    ).all()
    closed = []
    for letter in due:
        if _claim(letter, Letter.status == LetterStatus.OPEN, status=LetterStatus.CLOSED):
            audit.record("letter_status_changed", target=letter, actor=None, status=str(LetterStatus.CLOSED))
            closed.append(letter)
    if closed:
        versions.bump(versions.LETTERS)  # the public pages show the letter closed
    return closed


def remind_before_deadline(today: date | None = None) -> int:
    """The one automatic reminder, ``LETTER_REMINDER_DAYS`` before an open letter's deadline, to the signatories
    of member organizations that have not signed; returns how many emails. Claiming the letter's reminder with a
    conditional UPDATE before queueing means overlapping runs send it once."""
    days = current_app.config["LETTER_REMINDER_DAYS"]
    if days <= 0:
        return 0
    today = today or utcnow().date()
    due = db.session.scalars(
        select(Letter)
        .where(
            Letter.status == LetterStatus.OPEN,
            Letter.deadline_reminder_sent_at.is_(None),
            Letter.deadline >= today,
            Letter.deadline <= today + timedelta(days=days),
        )
        .order_by(Letter.id)
    ).all()
    sent = 0
    for letter in due:
        if _claim(letter, Letter.deadline_reminder_sent_at.is_(None), deadline_reminder_sent_at=utcnow()):
            emails = _remind_unsigned(letter)
            audit.record("letter_reminders_sent", target=letter, actor=None, emails=emails, automatic=True)
            sent += emails
    return sent


def _remind_unsigned(letter: Letter) -> int:
    link = external_url("letters.detail", slug=letter.slug)
    sent = 0
    for organization in unsigned_members(letter):
        for person in signers_of(organization):
            queue_email(person.email, "letter_reminder", person.locale, letter=letter, link=link)
            sent += 1
    return sent


def add_supporter(letter: Letter, name: str, country: str, contact_email: str) -> Supporter:
    if not (letter.accepts_supporters and letter.status == LetterStatus.OPEN) or deadline_passed(letter):
        raise LetterError("not_allowed")
    supporter = Supporter(
        letter_id=letter.id,
        name=name.strip(),
        country=country,
        contact_email=contact_email,
        text_hash=letter.original.content_hash,
    )
    db.session.add(supporter)
    db.session.flush()
    audit.record("letter_supporter_added", target=letter, actor=None, supporter_id=supporter.id)
    return supporter


def decide_supporter(actor: User, supporter: Supporter, approve: bool) -> None:
    if not permissions.can_manage_letter(actor):
        raise LetterError("not_allowed")
    supporter.status = SupporterStatus.APPROVED if approve else SupporterStatus.DECLINED
    audit.record("letter_supporter_decided", target=supporter, actor=actor, approved=approve)


def approved_supporters(letter: Letter) -> list[Supporter]:
    return list(
        db.session.scalars(
            select(Supporter)
            .where(Supporter.letter_id == letter.id, Supporter.status == SupporterStatus.APPROVED)
            .order_by(func.lower(Supporter.name))
        )
    )


def record_response(actor: User, letter: Letter, text: str | None, url: str | None, on) -> None:
    if not permissions.can_manage_letter(actor):
        raise LetterError("not_allowed")
    letter.response_text, letter.response_url, letter.response_on = text or None, url or None, on
    audit.record("letter_response_recorded", target=letter, actor=actor)
