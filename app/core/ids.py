"""Database integers: the largest value an INTEGER column holds, and the URL converter for ids."""

from werkzeug.routing import IntegerConverter

MAX_INTEGER = 2**31 - 1  # PostgreSQL refuses a bigger value even in a query ("integer out of range")


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes, which always names a database id: a larger number matches no route (404)
    instead of reaching the database; the OpenAPI document states the maximum."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)
