"""A signed-in person's workspace: what waits for them now, by role, on their home page and as counts in the menu.

Each queue's query lives in its feature (``app/<feature>/awaiting.py``); which queues a person has is asked of
``app/core/permissions``. A person's counts come from one SQL statement and are kept for them until what they count
changes (a data version, read on every request: a count drops the moment the work is done) or the time changes them
(a meeting begins, a deadline passes); the home page then loads a page of each of the person's queues, one or two
statements per queue, however much waits.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_skeleton, format_time, get_datetime_format
from flask import g, url_for
from flask_babel import get_locale, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.core import permissions, versions
from app.core.db import NOW, TODAY, utcnow, words_inline
from app.core.i18n import native_digits
from app.extensions import cache, db
from app.incidents import audience
from app.incidents import awaiting as incidents
from app.letters import awaiting as letters
from app.letters.models import Letter
from app.letters.services import text_for
from app.meetings import awaiting as meetings
from app.meetings.models import ActionItem
from app.organizations import awaiting as organizations

# How many of a queue's items the home page lists; the rest are a link away.
ITEMS_SHOWN = 8


@dataclass(frozen=True)
class Item:
    """One thing waiting: what it is, where to do it, and when it is due or happens (in the reader's language and
    time zone)."""

    title: str
    url: str
    when: str | None = None


@dataclass(frozen=True)
class Queue:
    """A kind of waiting work. ``place`` names the menu entry whose count includes it. Its count for a person
    changes only when one of ``data_sets(person)`` (``versions`` names) does, or at the moment ``changes_at(person)``
    (a scalar SELECT of the next time or date that changes it with no change to any row) comes."""

    name: str
    place: str
    heading: str
    empty: str
    applies: Callable[[object], bool]
    query: Callable[[object], Select]
    items: Callable[[Select], list[Item]]
    data_sets: Callable[[object], list[str]]
    all_url: Callable[[], str] | None = None
    changes_at: Callable[[object], ScalarSelect] | None = None


def _when(value: date | datetime | None) -> str | None:
    """A date, or a time in the reader's zone without seconds, in the reader's language."""
    if value is None:
        return None
    locale = get_locale()
    if not isinstance(value, datetime):
        return native_digits(format_skeleton("yMMMEd", value, locale=locale), locale)
    local = to_user_timezone(value)
    # The locale's own way of joining a date and a time ("{1}, {0}", "{1} في {0}"...).
    joined = get_datetime_format("medium", locale).format(
        format_time(local, "short", locale=locale), format_skeleton("yMMMEd", local, locale=locale)
    )
    return native_digits(joined, locale)


def _incident_items(query: Select) -> list[Item]:
    return [
        Item(f"{incident.reference} · {incident.title}", url_for("incidents.detail", reference=incident.reference))
        for incident in db.session.scalars(query)
    ]


def _letter_items(anchor: str) -> Callable[[Select], list[Item]]:
    def items(query: Select) -> list[Item]:
        locale = str(get_locale())
        return [
            Item(
                text_for(letter, locale).title,
                url_for("letters.detail", slug=letter.slug, _anchor=anchor),
                _when(letter.deadline),
            )
            for letter in db.session.scalars(query.options(selectinload(Letter.revisions)))
        ]

    return items


def _supporter_items(query: Select) -> list[Item]:
    return [
        Item(supporter.name, url_for("letters_manage.progress", slug=slug, _anchor="supporters"))
        for supporter, slug in db.session.execute(query)
    ]


def _application_items(query: Select) -> list[Item]:
    return [
        Item(application.name, url_for("admin.application", application_id=application.id))
        for application in db.session.scalars(query)
    ]


def _meeting_items(anchor: str | None) -> Callable[[Select], list[Item]]:
    """Items linking to the meeting's section ``anchor``; None: wherever the person's answer is asked."""

    def items(query: Select) -> list[Item]:
        return [
            Item(
                meeting.title,
                url_for("meetings.detail", meeting_id=meeting.id, _anchor=anchor or _answer_anchor(meeting)),
                _when(meeting.starts_at),
            )
            for meeting in db.session.scalars(query)
        ]

    return items


def _answer_anchor(meeting) -> str:
    return "rsvp" if meeting.starts_at and meeting.status == "scheduled" else "poll"


def _action_items(query: Select) -> list[Item]:
    return [
        Item(item.title, url_for("meetings.detail", meeting_id=item.meeting_id, _anchor="actions"), _when(item.due_on))
        for item in db.session.scalars(query.options(joinedload(ActionItem.owner)))
    ]


def _can_sign(person) -> bool:
    return permissions.can_sign_for_organization(person, person.organization)


def _letters_data(_person) -> list[str]:
    return [versions.LETTERS]


def _meetings_data(_person) -> list[str]:
    return [versions.MEETINGS]


def _next_deadline(_person) -> ScalarSelect:
    return letters.next_deadline()


QUEUES = (
    Queue(
        "letters_to_sign",
        "letters",
        _l("Letters awaiting your organization's signature"),
        _l("No letters wait for your signature. Letters appear here when the steering committee opens one."),
        _can_sign,
        letters.to_sign,
        _letter_items("signing"),
        _letters_data,
        all_url=lambda: url_for("letters.index"),
        changes_at=_next_deadline,
    ),
    Queue(
        "letters_to_reconfirm",
        "letters",
        _l("Signatures to confirm again"),
        _l("No signature needs confirming. When the text of a letter you signed changes, it appears here."),
        _can_sign,
        letters.to_reconfirm,
        _letter_items("signing"),
        _letters_data,
        changes_at=_next_deadline,
    ),
    Queue(
        "meetings_to_answer",
        "meetings",
        _l("Meetings awaiting your answer"),
        _l("No meeting waits for your answer. Invitations and polls to find a time appear here."),
        permissions.is_signed_in,
        meetings.to_answer,
        _meeting_items(None),
        _meetings_data,
        all_url=lambda: url_for("meetings.index"),
        changes_at=meetings.next_start,
    ),
    Queue(
        "minutes_to_write",
        "meetings",
        _l("Minutes to write"),
        _l(
            "No minutes are due. Meetings you organize appear here once they have begun, until their minutes are final."
        ),
        permissions.is_signed_in,
        meetings.minutes_to_write,
        _meeting_items("minutes"),
        _meetings_data,
        changes_at=meetings.next_start,
    ),
    Queue(
        "actions_to_do",
        "meetings",
        _l("Action items for your organization"),
        _l("No open action items. Items assigned to your organization in a meeting appear here."),
        permissions.is_signed_in,
        meetings.actions_to_do,
        _action_items,
        _meetings_data,
    ),
    Queue(
        "incidents_returned",
        "incidents",
        _l("Incidents returned for more information"),
        _l("No incident waits for more information. When reviewers ask your organization a question, it appears here."),
        permissions.is_signed_in,
        incidents.returned_for_information,
        _incident_items,
        audience.reader_versions,
        all_url=lambda: url_for("incidents.index"),
    ),
    Queue(
        "incidents_to_review",
        "incidents",
        _l("Incidents waiting for review"),
        _l("No incident waits for review. Incidents appear here when members submit them."),
        permissions.is_steering,
        lambda _person: incidents.to_review(),
        _incident_items,
        audience.reader_versions,
        all_url=lambda: url_for("incidents.index", status="submitted"),
    ),
    Queue(
        "supporters_to_moderate",
        "manage",
        _l("Supporters waiting for approval"),
        _l("No supporter waits for approval. Organizations that support an open letter appear here."),
        permissions.can_manage_letter,
        lambda _person: letters.supporters_to_moderate(),
        _supporter_items,
        _letters_data,
        all_url=lambda: url_for("letters_manage.index"),
    ),
    Queue(
        "applications_to_review",
        "admin",
        _l("Applications to join"),
        _l("No application waits for review. Organizations that apply to join appear here."),
        permissions.can_review_applications,
        lambda _person: organizations.applications_to_review(),
        _application_items,
        lambda _person: [versions.APPLICATIONS],
        all_url=lambda: url_for("admin.applications"),
    ),
)


@dataclass(frozen=True)
class Section:
    queue: Queue
    count: int
    items: list[Item]


def queues_of(person) -> list[Queue]:
    """The queues the person has, by their roles as they act now."""
    return [queue for queue in QUEUES if permissions.is_signed_in(person) and queue.applies(person)]


# The menu's count statements, by reader: built in milliseconds, run in a fraction of one. A full table is emptied
# rather than ordered: a process serves far fewer readers between restarts.
_COUNT_STATEMENTS: dict[tuple, Select] = {}
MAX_COUNT_STATEMENTS = 1024


def counts_of(person) -> dict[str, int]:
    """How much waits in each of the person's queues (none for the anonymous): counted in one SQL statement, and kept
    for them until a data set their queues count from changes (its version, read afresh) or the next moment the
    time alone changes a count (a meeting they attend begins, a deadline passes)."""
    queues = queues_of(person)
    if not queues:
        return {}
    data_sets = sorted({name for queue in queues for name in queue.data_sets(person)})
    key = f"waiting-counts:{_counted_for(person, queues)}:{versions.current_of(data_sets)}"
    now = utcnow()
    kept = cache.get(key)
    if kept is not None and (kept[1] is None or now < kept[1]):
        return kept[0]
    row = db.session.execute(count_statement(person, queues), {NOW: now, TODAY: now.date()}).one()
    counts = {queue.name: row._mapping[queue.name] for queue in queues}
    until = _first_change(row[len(queues) :])
    timeout = None if until is None else max(1, math.ceil((until - now).total_seconds()))
    cache.set(key, (counts, until), timeout=timeout)
    return counts


def _first_change(moments) -> datetime | None:
    """The first of ``moments`` (a time, or a date: the start of the next day in UTC, when it has passed)."""
    starts = [
        moment if isinstance(moment, datetime) else datetime.combine(moment + timedelta(days=1), time(), UTC)
        for moment in moments
        if moment is not None
    ]
    return min(starts, default=None)


def _counted_for(person, queues: list[Queue]) -> tuple:
    """What the counts of ``queues`` depend on besides the data and the time: the person, their organization, whether
    they act as steering, and which queues they have."""
    return (person.id, person.organization_id, permissions.is_steering(person), *(queue.name for queue in queues))


def count_statement(person, queues: list[Queue]) -> Select:
    """The statement counting ``queues`` for ``person``, then giving the moments the time changes their counts
    (``Queue.changes_at``), built once per process for what it depends on (``_counted_for``); the time is its
    parameter (``db.now_parameter``)."""
    key = _counted_for(person, queues)
    statement = _COUNT_STATEMENTS.get(key)
    if statement is None:
        if len(_COUNT_STATEMENTS) >= MAX_COUNT_STATEMENTS:
            _COUNT_STATEMENTS.clear()
        counts = [
            select(func.count())
            .select_from(queue.query(person).order_by(None).subquery())
            .scalar_subquery()
            .label(queue.name)
            for queue in queues
        ]
        moments = {queue.changes_at: queue.changes_at(person) for queue in queues if queue.changes_at}
        statement = _COUNT_STATEMENTS[key] = words_inline(select(*counts, *moments.values()))
    return statement


def current_counts() -> dict[str, int]:
    """``counts_of`` the signed-in reader, counted once per request (the menu and the home page share it)."""
    if "waiting_counts" not in g:
        g.waiting_counts = counts_of(current_user)
    return g.waiting_counts


def menu_counts() -> dict[str, int]:
    """What waits, by menu entry (``Queue.place``), for the reader."""
    places: dict[str, int] = {}
    by_name = {queue.name: queue for queue in QUEUES}
    for name, count in current_counts().items():
        place = by_name[name].place
        places[place] = places.get(place, 0) + count
    return places


def sections(person, counts: dict[str, int]) -> list[Section]:
    """The person's queues with their ``counts`` (``counts_of``) and first items, those with work waiting first; a
    queue with nothing waiting costs no statement."""
    return sorted(
        (
            Section(
                queue,
                counts[queue.name],
                queue.items(queue.query(person).limit(ITEMS_SHOWN)) if counts[queue.name] else [],
            )
            for queue in queues_of(person)
        ),
        key=lambda section: not section.count,
    )


def waiting_in(place: str) -> int:
    """For the menu: how much waits for the reader under that entry (0 on pages drawn for the public)."""
    if g.get("public_render") or not permissions.is_signed_in(current_user):
        return 0
    return menu_counts().get(place, 0)


def frame_state() -> tuple:
    """The menu's counts, for the key of a reader's cached page (``page_cache.add_frame_state``): a copy drawn with
    other counts is never shown."""
    return tuple(sorted(current_counts().items()))


@dataclass(frozen=True)
class LinkGroup:
    heading: str
    links: list[tuple[str, str]]  # (label, address)


def everyday_links(person) -> list[LinkGroup]:
    """The work pages the person's roles use, grouped by role, for the home page."""
    groups = [
        LinkGroup(
            _l("Everyday work"),
            [
                (_l("File an incident"), url_for("incidents.new")),
                (_l("Incidents"), url_for("incidents.index")),
                (_l("Import incidents from a spreadsheet"), url_for("incidents_imports.new")),
                (_l("Letters"), url_for("letters.index")),
                (_l("Meetings"), url_for("meetings.index")),
                (_l("Meetings in your calendar"), url_for("meetings.calendar_settings")),
                (_l("Insights"), url_for("insights.index")),
                (_l("Commitment tracker: propose an update"), url_for("tracker.overview")),
                (_l("Platforms and commitments you follow"), url_for("tracker_manage.following")),
            ],
        )
    ]
    if permissions.can_manage_letter(person):
        groups.append(
            LinkGroup(
                _l("Steering committee"),
                [
                    (_l("Manage letters"), url_for("letters_manage.index")),
                    (_l("Draft a letter"), url_for("letters_manage.new")),
                    (_l("Manage the commitment tracker"), url_for("tracker_manage.index")),
                    (_l("Add a commitment"), url_for("tracker_manage.edit")),
                    (_l("Schedule a meeting"), url_for("meetings.new")),
                    (_l("Schedule a recurring meeting"), url_for("meetings.new_series")),
                ],
            )
        )
    if permissions.can_manage_organization(person, person.organization):
        slug = person.organization.slug
        groups.append(
            LinkGroup(
                _l("Your organization"),
                [
                    (_l("Profile and people"), url_for("organizations_manage.organization", slug=slug)),
                    (_l("Invite someone"), url_for("organizations_manage.invite", slug=slug)),
                ],
            )
        )
    if permissions.is_admin(person):
        groups.append(
            LinkGroup(
                _l("Administration"),
                [
                    (_l("Administration"), url_for("admin.index")),
                    (_l("Applications to join"), url_for("admin.applications")),
                    (_l("Organizations"), url_for("admin.organization_list")),
                    (_l("People"), url_for("admin.people")),
                    (_l("Platforms"), url_for("admin.platform_list")),
                ],
            )
        )
    groups.append(
        LinkGroup(
            _l("Account and security"),
            [
                (_l("Your profile"), url_for("accounts_settings.profile")),
                (_l("Password"), url_for("accounts_settings.change_password")),
                (_l("Two-factor sign-in"), url_for("accounts_settings.two_factor_setup")),
                (_l("API tokens"), url_for("accounts_settings.tokens")),
            ],
        )
    )
    return groups
