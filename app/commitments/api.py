"""The tracker in the JSON API: published commitments only."""

import marshmallow as ma
from flask import abort
from flask_babel import get_locale
from flask_smorest import Blueprint

from app.api import documents_errors
from app.commitments import queries
from app.commitments.public_views import filters_from_args
from app.core.access import PUBLIC, allow

blp = Blueprint("commitments_api", __name__, url_prefix="/api/v1/commitments",
                description="The public commitment tracker")


class SourceSchema(ma.Schema):
    url = ma.fields.String()
    archive_url = ma.fields.String(allow_none=True)


class UpdateSchema(ma.Schema):
    date = ma.fields.Date(attribute="happened_on")
    note = ma.fields.String()
    claimed = ma.fields.String()
    verified = ma.fields.String()
    progress = ma.fields.Integer()
    sources = ma.fields.List(ma.fields.Nested(SourceSchema))
    documented_by = ma.fields.Function(lambda update: update.organization.name if update.organization else None)


class CommitmentSchema(ma.Schema):
    id = ma.fields.Integer()
    platform = ma.fields.Function(lambda item: item.platform.slug)
    title = ma.fields.Function(lambda item: item.translated(str(get_locale()))[0])
    description = ma.fields.Function(lambda item: item.translated(str(get_locale()))[1])
    area = ma.fields.String()
    claimed = ma.fields.String()
    verified = ma.fields.String()
    progress = ma.fields.Integer()
    deadline = ma.fields.Date(allow_none=True)
    statement_url = ma.fields.String(allow_none=True)
    statement_archive_url = ma.fields.String(allow_none=True)


class CommitmentDetailSchema(CommitmentSchema):
    timeline = ma.fields.List(ma.fields.Nested(UpdateSchema))


class CommitmentQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    platform = ma.fields.String(metadata={"description": "Platform slug"})
    area = ma.fields.String()
    claimed = ma.fields.String()
    verified = ma.fields.String()
    lang = ma.fields.String(metadata={"description": "Language of titles and descriptions (fallback: the original)"})


@blp.route("")
@blp.arguments(CommitmentQuerySchema, location="query", as_kwargs=True)
@blp.response(200, CommitmentSchema(many=True))
@documents_errors(blp, 400)
@allow(PUBLIC)
def list_commitments(**_query):
    """Published commitments, filtered by platform, area, claimed and verified status. Public."""
    return queries.published_commitments(milestones=False, **filters_from_args())


@blp.route("/<int:commitment_id>")
@blp.response(200, CommitmentDetailSchema)
@documents_errors(blp, 404)
@allow(PUBLIC)
def get_commitment(commitment_id: int):
    """One published commitment with its timeline of published updates. Public."""
    commitment = queries.published_commitment(commitment_id) or abort(404)
    commitment.timeline = queries.timeline([commitment.id]).get(commitment.id, [])
    return commitment


