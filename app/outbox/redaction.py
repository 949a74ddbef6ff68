"""Secret links in emails are the recipient's alone.

A link opens something without a password (a password reset, an invitation, an application's status page, a
calendar feed) when its route, or its query, takes a ``token``: every such route is named that way, so a new
one is covered without being listed here. Wherever someone other than the recipient reads an email (the
admin outbox, the log in production, the stored copy once delivered) the token is replaced by REDACTED.
"""

import re
from urllib.parse import quote, urlsplit, urlunsplit

from flask import current_app
from werkzeug.exceptions import HTTPException, MethodNotAllowed

SECRET_ARGUMENT = "token"
REDACTED = "[redacted]"
# A link as it stands in a text email, without the punctuation of the sentence around it.
LINK = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")
SECRET_QUERY = re.compile(rf"(?<=[?&]){SECRET_ARGUMENT}=[^&#]*")


def redact_secrets(text: str) -> str:
    """``text`` with the token of every link into this app that carries one replaced by REDACTED."""
    return LINK.sub(lambda match: _redacted_link(match.group()), text)


def _redacted_link(link: str) -> str:
    parts = urlsplit(SECRET_QUERY.sub(f"{SECRET_ARGUMENT}={REDACTED}", link))
    token = _route_arguments(parts.path).get(SECRET_ARGUMENT)
    if token:  # where the route put it: a whole path segment, or one before a suffix such as .ics
        spelled = "|".join(re.escape(form) for form in {token, quote(token, safe="")})
        where = re.compile(rf"(?<=/)(?:{spelled})(?=[/.]|$)")
        parts = parts._replace(path=where.sub(REDACTED, parts.path))
    return urlunsplit(parts)


def _route_arguments(path: str) -> dict:
    """The arguments of the route ``path`` leads to, whatever host the link names (PUBLIC_URL may have moved)."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    prefix = public.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix):]
    adapter = current_app.url_map.bind(public.netloc or "localhost")
    try:
        return adapter.match(path, method="GET")[1]
    except MethodNotAllowed as error:  # a route that only takes POST still names its token
        return adapter.match(path, method=sorted(error.valid_methods)[0])[1]
    except HTTPException:  # not a route of this app, or one that redirects
        return {}
