"""Cached pages. Public pages for a viral spike (the tracker, public insights, letters): server-side cache,
ETag/Last-Modified, 304s. And a signed-in reader's own copy of a members' page they come back to (the incident list).

The cache key holds the version of the data set the page shows (bumped by every
change, see ``app.core.versions``), the day (overdue days and date ranges change
at midnight), the language and the full path, so any change is visible at once.
Pages are rendered as the public sees them
(``g.public_render``): nothing personal — no name, no flash message, no CSRF
token — ever enters a cached page. They are cached gzip-compressed, and sent
so to the browsers that accept it (all of them): compressed once per version,
not once per request, and a twentieth of the bytes to copy out of the cache.

A signed-in reader never gets the public's copy of a page: it has no menu of theirs and offers to sign in. They get
the page drawn for them (a page that changes per reader, like the incident list, keeps their own copy).

A reader's own copy is keyed by everything the page's frame draws for them (who they are, their role, name,
language and time zone, and what features add with ``add_frame_state``: the counts of waiting work in the menu)
and their browser session's CSRF secret, besides the data set's version and the full path; the person is still
checked on every request (their session may have ended).
"""

import gzip
import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import partial, wraps

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.http import http_date, quote_etag

from app.core import metrics, permissions, versions
from app.extensions import cache

MAX_AGE = 60
# A copy for everyone is compressed once and sent many times: small. A reader's own copy is sent to them alone, often
# once, and compressing it is part of what their first request waits for: fast (level 1: 0.1 ms instead of 0.4 for
# a list page, 14% more bytes).
PUBLIC_GZIP_LEVEL, READER_GZIP_LEVEL = 6, 1
FRAME_STATE = "page_cache_frame_state"  # key in app.extensions: see add_frame_state


def add_frame_state(app: Flask, state: Callable[[], object]) -> None:
    """Make ``state()`` (something the frame of every page draws for the signed-in reader, such as counts in the
    menu; cheap, computed afresh each request) part of the key of a reader's cached page."""
    app.extensions.setdefault(FRAME_STATE, []).append(state)


def public_page(data_set: str, mimetype: str = "text/html", live_for_sessions: bool = False):
    """Cache the view's output for everyone until ``data_set`` (a ``versions`` name) changes.

    A signed-in reader of an HTML page gets their own copy (their menu, what they may do there: ``reader_page``);
    data and feeds are the same for everyone. With ``live_for_sessions``, an anonymous reader with a session (a
    message waiting for them) gets it drawn live.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if mimetype == "text/html" and current_user.is_authenticated:
                return _reader_copy(data_set, partial(view, *args, **kwargs))
            if live_for_sessions and session:
                return view(*args, **kwargs)
            version, changed_at = versions.recent(data_set)
            today = date.today()
            # Overdue days change at midnight: a page is as new as the later of the last change and today's start.
            modified = max(changed_at, datetime.combine(today, time()).astimezone(UTC)) if changed_at else None
            key = f"{data_set}:{version}:{today.isoformat()}:{get_locale()}:{request.full_path}"
            etag = hashlib.sha256(key.encode()).hexdigest()[:32]
            headers = {
                "ETag": quote_etag(etag),
                "Cache-Control": f"public, max-age={MAX_AGE}",
                "Vary": "Accept-Language, Cookie, Accept-Encoding",
            }
            if modified:
                headers["Last-Modified"] = http_date(modified)
            if request.if_none_match.contains(etag) or (
                not request.if_none_match
                and modified
                and request.if_modified_since
                and modified.replace(microsecond=0) <= request.if_modified_since
            ):
                return current_app.response_class(status=304, headers=headers)
            return _compressed_response(
                _compressed_copy(key, partial(_as_public, view, *args, **kwargs), PUBLIC_GZIP_LEVEL), mimetype, headers
            )

        return wrapper

    return decorate


def reader_page(data_set: str | Callable[[object], list[str]]):
    """Cache a signed-in reader's own copy of the view's page, compressed, for their browser session, until
    ``data_set`` changes (or one of the data sets ``data_set(reader)`` names) or their frame would draw
    differently; a page with a message waiting for them is drawn live (the message shows once)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return _reader_copy(data_set, partial(view, *args, **kwargs))

        return wrapper

    return decorate


def _reader_copy(data_set: str | Callable[[object], list[str]], draw: Callable[[], str]):
    """The signed-in reader's own cached copy of the page ``draw()`` draws (``reader_page``)."""
    if "_flashes" in session:
        return draw()
    names = data_set(current_user) if callable(data_set) else [data_set]
    version = versions.recent_of(names)
    # Today: overdue commitments and letters' deadlines change at midnight, as for the public's copy.
    key = (
        f"reader-page:{','.join(names)}:{version}:{date.today().isoformat()}:{_reader_fingerprint()}:"
        f"{request.full_path}"
    )
    compressed = _compressed_copy(key, draw, READER_GZIP_LEVEL, timeout=reader_copy_timeout())
    return _compressed_response(compressed, "text/html")


def site_header_key() -> str | None:
    """The key of the site's header as drawn for the signed-in reader (``_site_header.html``: their menu with its
    counts, their name, their sign-out form), the same on all their pages of one endpoint (the menu marks the
    current one); None on pages drawn for the public, or for no one signed in. It cost a fifth of drawing a page."""
    if g.get("public_render") or not current_user.is_authenticated:
        return None
    return f"{_reader_fingerprint()}:{request.endpoint}"


def reader_copy_timeout() -> int | None:
    """How long a copy drawn for one reader (their page, their site header) is kept: no longer than half the life of
    the CSRF tokens in it (as long as the session by default: the cache's own timeout)."""
    token_life = current_app.config["WTF_CSRF_TIME_LIMIT"]
    return token_life // 2 if token_life else None


def _reader_fingerprint() -> str:
    """Everything about the reader that a page or its frame shows or depends on, and their browser session's
    CSRF secret: the page's forms carry a token made from it (valid as long as the session). Once per request."""
    if "reader_fingerprint" in g:
        return g.reader_fingerprint
    secret_name = current_app.config["WTF_CSRF_FIELD_NAME"]
    if secret_name not in session:
        generate_csrf()  # makes the session's secret
    person = current_user
    # The roles as they act (inert until the second factor is passed), not as held.
    drawn_for = (
        person.id,
        person.organization_id,
        person.organization.slug if person.organization else None,
        person.org_role,
        permissions.is_steering(person),
        permissions.is_admin(person),
        person.name,
        str(get_locale()),
        str(get_timezone()),
        session[secret_name],
        [state() for state in current_app.extensions.get(FRAME_STATE, ())],
    )
    g.reader_fingerprint = hashlib.sha256(repr(drawn_for).encode()).hexdigest()[:32]
    return g.reader_fingerprint


def _as_public(view, *args, **kwargs) -> str:
    g.public_render = True
    return view(*args, **kwargs)


def _compressed_copy(key: str, draw, level: int, timeout: int | None = None) -> bytes:
    """The cached page under ``key``, gzip-compressed at ``level``; ``draw()`` draws it when the cache has none."""
    compressed = cache.get(key)
    metrics.PAGE_CACHE_LOOKUPS.labels(result="miss" if compressed is None else "hit").inc()
    if compressed is None:
        compressed = gzip.compress(draw().encode(), level)
        cache.set(key, compressed, timeout=timeout)
    return compressed


def _compressed_response(compressed: bytes, mimetype: str, headers: dict | None = None):
    """The gzip-compressed page as it is to browsers that accept it (all of them), unpacked for others."""
    headers = headers or {"Vary": "Accept-Encoding"}
    if "gzip" in request.accept_encodings:
        headers["Content-Encoding"] = "gzip"
        body = compressed
    else:
        body = gzip.decompress(compressed)
    return current_app.response_class(body, mimetype=mimetype, headers=headers)
