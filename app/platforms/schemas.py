import marshmallow as ma


class PlatformSchema(ma.Schema):
    name = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)
    company = ma.fields.String(allow_none=True)
    website = ma.fields.String(allow_none=True)
