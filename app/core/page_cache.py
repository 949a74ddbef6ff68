"""Cached pages. Public pages for a viral spike (the tracker, public insights, letters): server-side cache,
ETag/Last-Modified, 304s. And a signed-in reader's own copy of a members' page they come back to (the incident list).

The cache key holds the version of the data set the page shows (bumped by every
change, see ``app.core.versions``), the day (overdue days and date ranges change
at midnight), the language and the full path, so any change is visible at once. Pages are rendered as the public sees them
(``g.public_render``): nothing personal — no name, no flash message, no CSRF
token — ever enters a cached page. They are cached gzip-compressed, and sent
so to the browsers that accept it (all of them): compressed once per version,
not once per request, and a twentieth of the bytes to copy out of the cache.

A reader's own copy is keyed by everything the page's frame draws for them (who they are, their role, name,
language and time zone) besides the data set's version and the full path; the person is still checked on every
request (their session may have ended), and the copy's CSRF token is swapped for the request's own.
"""

import gzip
import hashlib
from datetime import UTC, date, datetime, time
from functools import wraps

from flask import g, make_response, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.core import versions
from app.extensions import cache

MAX_AGE = 60
GZIP_LEVEL = 6
# Stands in a reader's cached page for the CSRF token, which is replaced by the request's own when it is sent.
CSRF_PLACEHOLDER = "csrf-token-of-the-request"


def public_page(data_set: str, mimetype: str = "text/html", live_for_sessions: bool = False):
    """Cache the view's output for everyone until ``data_set`` (a ``versions`` name) changes.

    With ``live_for_sessions``, a reader with a session (signed in: the page shows what they may do;
    or with a message waiting for them) gets the page drawn for them, and only the public's is cached.
    """
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if live_for_sessions and (session or current_user.is_authenticated):
                return view(*args, **kwargs)
            version, changed_at = versions.recent(data_set)
            today = date.today()
            # Overdue days change at midnight: a page is as new as the later of the last change and today's start.
            modified = max(changed_at, datetime.combine(today, time()).astimezone(UTC)) if changed_at else None
            key = f"{data_set}:{version}:{today.isoformat()}:{get_locale()}:{request.full_path}"
            etag = hashlib.sha256(key.encode()).hexdigest()[:32]
            if request.if_none_match.contains(etag) or (
                    not request.if_none_match and modified and request.if_modified_since
                    and modified.replace(microsecond=0) <= request.if_modified_since):
                response = make_response("", 304)
            else:
                compressed = cache.get(key)
                if compressed is None:
                    g.public_render = True
                    compressed = gzip.compress(view(*args, **kwargs).encode(), GZIP_LEVEL)
                    cache.set(key, compressed)
                if "gzip" in request.accept_encodings:
                    response = make_response(compressed)
                    response.content_encoding = "gzip"
                else:
                    response = make_response(gzip.decompress(compressed))
                response.mimetype = mimetype
            response.set_etag(etag)
            if modified:
                response.last_modified = modified
            response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
            response.vary.update(("Accept-Language", "Cookie", "Accept-Encoding"))
            return response

        return wrapper

    return decorate


def reader_page(data_set: str):
    """Cache a signed-in reader's own copy of the view's page until ``data_set`` changes or their frame would
    draw differently; a page with a message waiting for them is drawn live (the message shows once)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if "_flashes" in session:
                return view(*args, **kwargs)
            version, _changed = versions.recent(data_set)
            key = f"reader-page:{data_set}:{version}:{_reader_fingerprint()}:{request.full_path}"
            page = cache.get(key)
            if page is None:
                page = view(*args, **kwargs).replace(generate_csrf(), CSRF_PLACEHOLDER)
                cache.set(key, page)
            return page.replace(CSRF_PLACEHOLDER, generate_csrf())

        return wrapper

    return decorate


def _reader_fingerprint() -> str:
    """Everything about the reader that a page or its frame shows or depends on."""
    person = current_user
    drawn_for = (person.id, person.organization_id, person.org_role, person.is_steering, person.is_admin,
                 person.name, str(get_locale()), str(get_timezone()))
    return hashlib.sha256(repr(drawn_for).encode()).hexdigest()[:32]
