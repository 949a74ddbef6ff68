"""Version counters of data sets, bumped in the transaction that changes them, so caches know when to refresh."""

import time
from datetime import datetime

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import String, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.db import listen_once, upsert, utcnow
from app.extensions import db

# The data sets with cached views: incidents (Insights), the public tracker and public letters; meetings and
# applications to join (the menu's counts of waiting work).
INCIDENTS = "incidents"
TRACKER = "tracker"
LETTERS = "letters"
MEETINGS = "meetings"
APPLICATIONS = "applications"
# Data sets bumped by any flush that writes one of their models (see ``track``), not by each service.
_TRACKED: dict[str, tuple[type, ...]] = {}

# Cached public pages ask for their data set's version on every request, and in a spike that database round
# trip is most of what a cached page costs. So each worker remembers a version for this long: a change made
# through another worker shows within a second; one made through this worker shows at once.
REMEMBER_SECONDS = 1.0
# Session.info key: data sets the open transaction changed, forgotten when it ends (a rolled-back
# version must not be remembered as anyone's).
_BUMPED = "bumped_versions"
_READ_IN_REQUEST = "data_versions_read"  # g key: the versions this request read (``current_of``)


def init_app(app: Flask) -> None:
    """Bump tracked data sets and forget remembered versions: listens on the app's sessions (once per process)."""
    listen_once(db.session, "before_flush", _bump_tracked)
    listen_once(db.session, "after_transaction_end", _forget_bumped)


class DataVersion(db.Model):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DataVersion {self.name} {self.version}>"


def bump(name: str) -> None:
    bump_in(db.session, name)
    db.session.flush()


def bump_in(session: Session, name: str) -> None:
    """Bump ``name`` in ``session``'s transaction, once however often asked; for flush hooks, which may not flush."""
    if name in session.info.get(_BUMPED, ()):
        return
    # An upsert: two first changes of a data set at once must not both insert its row.
    now = utcnow()
    session.execute(
        upsert(DataVersion, db.engine.dialect)
        .values(name=name, version=1, changed_at=now)
        .on_conflict_do_update(
            index_elements=[DataVersion.name], set_={"version": DataVersion.version + 1, "changed_at": now}
        )
    )
    session.info.setdefault(_BUMPED, set()).add(name)
    _forget_in_request([name])


def track(name: str, *models: type) -> None:
    """Bump ``name`` in every transaction that adds, changes or deletes one of ``models``: no write path
    (a signature, an organization renamed) can forget to. Features call it from their ``init_app``; tracking a
    model again changes nothing."""
    tracked = _TRACKED.get(name, ())
    _TRACKED[name] = tracked + tuple(model for model in models if model not in tracked)


def _bump_tracked(session: Session, *_args) -> None:
    written = [*session.new, *session.dirty, *session.deleted]
    for name, models in _TRACKED.items():
        if any(isinstance(item, models) for item in written):
            bump_in(session, name)


# Read on most requests: built once (building a statement costs about what running this one does).
_VERSIONS = select(DataVersion.name, DataVersion.version, DataVersion.changed_at).where(
    DataVersion.name.in_(bindparam("names", expanding=True))
)


def current(name: str) -> tuple[int, datetime | None]:
    """(version, changed_at); (0, None) before the first change."""
    return _read([name])[name]


def _read(names: list[str]) -> dict[str, tuple[int, datetime | None]]:
    """(version, changed_at) of each of ``names``, in one statement; (0, None) for one never changed."""
    rows = {row.name: (row.version, row.changed_at) for row in db.session.execute(_VERSIONS, {"names": names})}
    return {name: rows.get(name, (0, None)) for name in names}


def current_of(names: list[str]) -> tuple[int, ...]:
    """The versions of several data sets (a reader's caches may depend on more than one), in one statement. A request
    reads each once (its page's caches and its menu's counts follow some of the same data sets), and again once it
    changed it."""
    known = g.setdefault(_READ_IN_REQUEST, {}) if has_request_context() else {}
    missing = [name for name in names if name not in known]
    if missing:
        known.update({name: value[0] for name, value in _read(missing).items()})
    return tuple(known[name] for name in names)


def recent_of(names: list[str]) -> tuple[int, ...]:
    """``current_of``, each as this worker read it less than ``REMEMBER_SECONDS`` ago (``recent``)."""
    remembered = _remembered()
    now = time.monotonic()
    stale = [name for name in names if name not in remembered or now - remembered[name][0] >= REMEMBER_SECONDS]
    if stale:
        for name, value in _read(stale).items():
            remembered[name] = (now, value)
    return tuple(remembered[name][1][0] for name in names)


def recent(name: str) -> tuple[int, datetime | None]:
    """``current``, as this worker read it less than ``REMEMBER_SECONDS`` ago (for cached public pages)."""
    remembered = _remembered()
    now = time.monotonic()
    read_at, value = remembered.get(name, (None, None))
    if read_at is None or now - read_at >= REMEMBER_SECONDS:
        value = current(name)
        remembered[name] = (now, value)
    return value


def _remembered() -> dict[str, tuple[float, tuple[int, datetime | None]]]:
    """This app's (worker's) recently read versions."""
    return current_app.extensions.setdefault("recent_data_versions", {})


def _forget_bumped(session: Session, transaction) -> None:
    """Committed or rolled back: this worker reads the bumped versions afresh."""
    if transaction.parent is None:
        bumped = session.info.pop(_BUMPED, ())
        for name in bumped:
            _remembered().pop(name, None)
        _forget_in_request(bumped)


def _forget_in_request(names) -> None:
    if has_request_context():
        read = g.get(_READ_IN_REQUEST, {})
        for name in names:
            read.pop(name, None)
