import marshmallow as ma

from app.platforms.services import platform_slugs


class PlatformSchema(ma.Schema):
    name = ma.fields.String(required=True)
    slug = ma.fields.String(
        required=True, metadata={"description": "How the API names the platform, in filters, bodies and statistics"}
    )
    company = ma.fields.String(allow_none=True)
    website = ma.fields.String(allow_none=True)


def known_platform_slug(slug: str) -> None:
    """Validates a filter's platform: any platform, tracked now or once."""
    if slug not in platform_slugs():
        raise ma.ValidationError("Unknown platform: give its slug, as /api/v1/platforms lists them.")
