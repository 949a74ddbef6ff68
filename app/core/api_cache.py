"""Cached API lists: a list's JSON is serialized once per data version, reader scope, language and address, kept
gzip-compressed in the page cache (``app.extensions.cache``) and sent with an ``ETag`` (``If-None-Match`` gets 304).

Never stale: the key holds the data set's version (``app.core.versions``, bumped in the transaction of every change)
as read by this request, not a remembered one; a body is drawn in one database snapshot with the version in its key
(``read_in_one_snapshot``), so it never shows data older than its key says. A cached answer costs the version's
one indexed read (and the check of the caller's session or token).

Never leaked: the key holds the reader scope the view gives, which must name everything the output depends on about
the caller (the public, an organization's members, steering...). The output is built by plain functions into
dicts and lists and serialized with orjson; the views keep their marshmallow schemas for the OpenAPI document and
``tests/api`` checks that both give the same output.
"""

import gzip
import hashlib
from collections.abc import Callable

import orjson
from flask import current_app, request
from flask_babel import get_locale

from app.core import metrics, versions
from app.core.db import read_in_one_snapshot
from app.extensions import cache, db

GZIP_LEVEL = 6
PUBLIC = "public"


def cached_json(data_sets: str | list[str], draw: Callable[[], object], scope: str = PUBLIC):
    """The response for ``draw()``'s JSON (dicts, lists, strings, numbers, dates), from the cache when these
    versions of ``data_sets`` (one name, or the names a reader's view depends on) were already drawn for ``scope``
    in this language at this address."""
    names = [data_sets] if isinstance(data_sets, str) else data_sets
    version = versions.current_of(names)
    etag, compressed = _entry(names, version, scope) or _drawn(names, scope, draw)
    headers = {
        "ETag": f'"{etag}"',
        # Revalidated on each use: a change shows at once. A reader's own list stays out of shared caches.
        "Cache-Control": "public, no-cache" if scope == PUBLIC else "private, no-cache",
        "Vary": "Accept-Encoding, Accept-Language, Authorization, Cookie",
    }
    if request.if_none_match.contains(etag):
        return current_app.response_class(status=304, headers=headers)
    if "gzip" in request.accept_encodings:
        headers["Content-Encoding"] = "gzip"
        body = compressed
    else:
        body = gzip.decompress(compressed)
    return current_app.response_class(body, mimetype="application/json", headers=headers)


def _key(names: list[str], version: tuple[int, ...], scope: str) -> str:
    return f"api:{','.join(names)}:{version}:{scope}:{get_locale()}:{request.full_path}"


def _entry(names: list[str], version: tuple[int, ...], scope: str) -> tuple[str, bytes] | None:
    entry = cache.get(_key(names, version, scope))
    metrics.PAGE_CACHE_LOOKUPS.labels(result="miss" if entry is None else "hit").inc()
    return entry


def _drawn(names: list[str], scope: str, draw: Callable[[], object]) -> tuple[str, bytes]:
    """Draw in one snapshot with the versions read again in it (a change may have committed since), and keep."""
    read_in_one_snapshot(db.session())
    version = versions.current_of(names)
    body = orjson.dumps(draw())
    entry = (hashlib.sha256(body).hexdigest()[:32], gzip.compress(body, GZIP_LEVEL))
    cache.set(_key(names, version, scope), entry)
    return entry
