"""Secret links are their recipient's alone.

A link opens something without a password (a password reset, an invitation, an application's status page, a
calendar feed) when its route, or its query, takes a ``token``: every such route is named that way, so a new
one is covered without being listed here. Wherever someone other than the recipient reads an email (the
admin outbox, the log in production, the stored copy once delivered) or the app's log, the token is replaced
by REDACTED.
"""

import logging
import re
from urllib.parse import quote, urlsplit, urlunsplit

from flask import current_app, has_request_context, request
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
    link = SECRET_QUERY.sub(f"{SECRET_ARGUMENT}={REDACTED}", link)
    parts = urlsplit(link)
    token = _route_arguments(parts.path).get(SECRET_ARGUMENT)
    if not token:
        return link
    # Where the route put it: a whole path segment, or one before a suffix such as .ics.
    spelled = "|".join(re.escape(form) for form in {token, quote(token, safe="")})
    where = re.compile(rf"(?<=/)(?:{spelled})(?=[/.]|$)")
    return urlunsplit(parts._replace(path=where.sub(REDACTED, parts.path)))


def _route_arguments(path: str) -> dict:
    """The arguments of the route ``path`` leads to, whatever host the link names (PUBLIC_URL may have moved)."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    prefix = public.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    adapter = current_app.url_map.bind(public.netloc or "localhost")
    try:
        return adapter.match(path, method="GET")[1]
    except MethodNotAllowed as error:  # a route that only takes POST still names its token
        return adapter.match(path, method=sorted(error.valid_methods)[0])[1]
    except HTTPException:  # not a route of this app, or one that redirects
        return {}


class SecretPathFilter(logging.Filter):
    """Records logged while a secret link is served carry its token as REDACTED: Flask logs the path of a
    request that fails, and an exception may quote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        token = (request.view_args or {}).get(SECRET_ARGUMENT) if has_request_context() else None
        if token:
            record.msg, record.args = record.getMessage().replace(token, REDACTED), None
            if record.exc_info:  # formatted now, so the handler prints this text instead of its own
                record.exc_text = logging.Formatter().formatException(record.exc_info).replace(token, REDACTED)
        return True


def redact_app_log(logger: logging.Logger) -> None:
    """Add SecretPathFilter to ``logger`` once (apps built in one process share their logger)."""
    if not any(isinstance(existing, SecretPathFilter) for existing in logger.filters):
        logger.addFilter(SecretPathFilter())
