import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from app.core.access import SIGNED_IN, allow
from app.core.api import documents_errors

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="The person calling the API")


class OrganizationRefSchema(ma.Schema):
    name = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)


class MeSchema(ma.Schema):
    name = ma.fields.String(required=True)
    organization = ma.fields.Nested(OrganizationRefSchema, required=True)
    roles = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Organization role, plus 'steering' and 'admin' when held"},
    )
    token_scope = ma.fields.String(allow_none=True, metadata={"description": "read or write; null for a session"})


@blp.route("/me")
@blp.response(200, MeSchema)
@documents_errors(blp, 401)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def me():
    """The caller's name, organization and roles.

    Signed-in people and API tokens.
    """
    token = current_user.current_token
    return {
        "name": current_user.name,
        "organization": current_user.organization,
        "roles": current_user.role_names,
        "token_scope": str(token.scope) if token else None,
    }
