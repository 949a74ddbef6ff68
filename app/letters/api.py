"""Letters in the JSON API: public letters, their signatories, and signing with a read-write token."""

import marshmallow as ma
from flask import abort, request
from flask_babel import get_locale
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import or_, select

from app.core import api_cache, permissions, versions
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.api import ETAG_HEADERS, documents_errors, documents_not_modified
from app.extensions import db
from app.letters import services
from app.letters.models import Letter, LetterRevision
from app.letters.vocab import PUBLIC_STATUSES
from app.platforms.models import Platform

blp = Blueprint("letters_api", __name__, url_prefix="/api/v1/letters", description="Demand letters and signatures")


def reading_locale() -> str:
    """The language asked for with ``lang``, which wins over the caller's own preference; else the caller's."""
    return request.args.get("lang") or str(get_locale())


class LetterSummarySchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.Function(lambda letter: services.text_for(letter, reading_locale()).title)
    platform = ma.fields.Function(lambda letter: letter.platform.slug)
    status = ma.fields.String()
    deadline = ma.fields.Date(allow_none=True)


class LetterListSchema(LetterSummarySchema):
    """An item of the list: what the API document says of ``_letter_rows``'s output."""

    signature_count = ma.fields.Integer(
        allow_none=True,
        dump_only=True,
        metadata={"description": "How many organizations' signatures count on the current text; null under embargo"},
    )


class LetterSchema(LetterSummarySchema):
    language = ma.fields.Function(lambda letter: services.text_for(letter, reading_locale()).locale)
    version = ma.fields.Function(lambda letter: services.text_for(letter, reading_locale()).number)
    body = ma.fields.Function(lambda letter: services.text_for(letter, reading_locale()).body)
    demands = ma.fields.Function(lambda letter: services.text_for(letter, reading_locale()).demands)
    addressee = ma.fields.Function(lambda letter: {"name": letter.addressee_name, "title": letter.addressee_title})
    translations = ma.fields.Function(
        lambda letter: {
            locale: {"version": revision.number, "up_to_date": up_to_date}
            for locale, (revision, up_to_date) in services.translation_status(letter).items()
            if revision
        }
    )


class SignatureSchema(ma.Schema):
    organization = ma.fields.Function(lambda signature: signature.organization.name)
    country = ma.fields.Function(lambda signature: signature.organization.country)
    steering_committee = ma.fields.Function(lambda signature: signature.organization.is_steering)
    signed_at = ma.fields.DateTime()
    language = ma.fields.Function(lambda signature: signature.revision.locale)
    version = ma.fields.Function(
        lambda signature: signature.revision.number,
        metadata={"description": "The version signed of the text in `language` (as the letter's `version`)"},
    )
    original_version = ma.fields.Integer(
        attribute="original_number",
        metadata={"description": "The version of the original that text corresponds to"},
    )
    text_hash = ma.fields.String(metadata={"description": "SHA-256 of the exact text signed"})


class LetterQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    lang = ma.fields.String(metadata={"description": "Language of the text (fallback: the original)"})


@blp.route("")
@blp.response(200, LetterListSchema(many=True), headers=ETAG_HEADERS)
@documents_not_modified(blp)
@allow(PUBLIC)
def list_letters():
    """Letters open for signatures, closed, sent and published, newest first, each with its signature count. Public.
    The answer carries an `ETag`: send it back in `If-None-Match` to get 304 while nothing changed."""
    # Steering see the counts an embargo hides from everyone else.
    scope = "steering" if permissions.is_steering(current_user) else api_cache.PUBLIC
    return api_cache.cached_json(versions.LETTERS, _letter_rows, scope)


def _letter_rows() -> list[dict]:
    """LetterListSchema's output from the columns it shows: the title of the latest text in the reading language,
    else of the original's latest (``services.text_for``). Two statements."""
    letters = db.session.execute(
        select(Letter.id, Letter.slug, Letter.original_locale, Platform.slug.label("platform"), Letter.status)
        .add_columns(Letter.deadline, Letter.embargoed)
        .join(Platform, Platform.id == Letter.platform_id)
        .where(Letter.status.in_(PUBLIC_STATUSES))
        .order_by(Letter.created_at.desc())
    ).all()
    locale = reading_locale()
    titles = {}  # (letter, locale) -> the title of its latest revision: rows come by number
    for letter_id, revision_locale, title in db.session.execute(
        select(LetterRevision.letter_id, LetterRevision.locale, LetterRevision.title)
        .join(Letter, Letter.id == LetterRevision.letter_id)
        .where(
            Letter.status.in_(PUBLIC_STATUSES),
            or_(LetterRevision.locale == locale, LetterRevision.locale == Letter.original_locale),
        )
        .order_by(LetterRevision.number)
    ):
        titles[letter_id, revision_locale] = title
    counts = services.signature_counts(current_user, letters)  # the rows have what its access rule reads
    return [
        {
            "slug": letter.slug,
            "title": titles.get((letter.id, locale), titles.get((letter.id, letter.original_locale))),
            "platform": letter.platform,
            "status": str(letter.status),
            "deadline": letter.deadline.isoformat() if letter.deadline else None,
            "signature_count": counts[letter.id],
        }
        for letter in letters
    ]


@blp.route("/<slug>")
@blp.arguments(LetterQuerySchema, location="query", as_kwargs=True)
@blp.response(200, LetterSchema)
@documents_errors(blp, 400, 404)
@allow(PUBLIC)
def get_letter(slug: str, **_query):
    """One letter in the language asked for with `lang` (else the original). Public once open."""
    return services.visible_letter_or_404(current_user, slug)


@blp.route("/<slug>/signatures")
@blp.response(200, SignatureSchema(many=True))
@documents_errors(blp, 400, 404)
@allow(PUBLIC)
def list_signatures(slug: str):
    """Organizations whose signature counts on the current text, as the public page lists them.

    Empty while an embargo hides them.
    """
    letter = services.visible_letter_or_404(current_user, slug)
    return services.public_signatories(letter) if permissions.can_see_signatories(current_user, letter) else []


@blp.route("/<slug>/signatures", methods=["POST"])
@blp.response(201, SignatureSchema)
@documents_errors(blp, 400, 401, 403, 404, 409)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def sign(slug: str):
    """Sign for the caller's organization (signatory or org admin, read-write token) the text in `lang` (else the
    caller's language, else the original). 409 if it already has, once the deadline has passed, or when that text
    is a translation older than the letter's last material change (a signature that would not count): the problem
    then names the current text with `current_version`, `current_language`, `current_text` (this API) and
    `current_page`."""
    letter = services.visible_letter_or_404(current_user, slug)
    if not permissions.can_sign_letter(current_user, letter):
        abort(403)
    signature = services.sign(current_user, letter, reading_locale())
    db.session.commit()
    return signature


@blp.route("/<slug>/signatures", methods=["DELETE"])
@blp.response(204)
@documents_errors(blp, 400, 401, 403, 404, 409)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def withdraw(slug: str):
    """Withdraw the caller's organization's signature while the letter is open; the record keeps it. 409 once the
    deadline has passed."""
    letter = services.visible_letter_or_404(current_user, slug)
    services.withdraw(current_user, letter)
    db.session.commit()
