import marshmallow as ma
from flask_smorest import Blueprint

from app.core.access import PUBLIC, allow
from app.core.geo import REGION_LABELS
from app.organizations import services

blp = Blueprint(
    "organizations_api", __name__, url_prefix="/api/v1/organizations", description="The public member directory"
)


class OrganizationSchema(ma.Schema):
    name = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)
    country = ma.fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2"})
    region = ma.fields.String(required=True)
    region_name = ma.fields.Function(lambda org: str(REGION_LABELS[org.region]))
    website = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    steering_committee = ma.fields.Boolean(attribute="is_steering")


@blp.route("")
@blp.response(200, OrganizationSchema(many=True))
@allow(PUBLIC)
def list_organizations():
    """The active member organizations, public fields only.

    Public.
    """
    return services.active_organizations()
