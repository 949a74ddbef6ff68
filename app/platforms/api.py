from flask_smorest import Blueprint

from app.core.access import PUBLIC, allow
from app.platforms import services
from app.platforms.schemas import PlatformSchema

blp = Blueprint("platforms_api", __name__, url_prefix="/api/v1/platforms", description="Platforms the coalition tracks")


@blp.route("")
@blp.response(200, PlatformSchema(many=True))
@allow(PUBLIC)
def list_platforms():
    """List the platforms the coalition tracks.

    Public.
    """
    return services.active_platforms()
