from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Kind(StrEnum):
    PLATFORM = "platform"
    MEMBERS = "members"


KIND_LABELS = {Kind.PLATFORM: _l("Meeting with a platform"), Kind.MEMBERS: _l("Meeting among members")}


class MeetingStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_REPLY = "no_reply"
    POLLING = "polling"
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    MeetingStatus.REQUESTED: _l("Requested"),
    MeetingStatus.ACCEPTED: _l("Accepted by the platform"),
    MeetingStatus.DECLINED: _l("Declined by the platform"),
    MeetingStatus.NO_REPLY: _l("No reply from the platform"),
    MeetingStatus.POLLING: _l("Finding a time"),
    MeetingStatus.SCHEDULED: _l("Scheduled"),
    MeetingStatus.HELD: _l("Held"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
# What a platform meeting may become next (any meeting can also be cancelled).
PLATFORM_STEPS = {
    MeetingStatus.REQUESTED: (MeetingStatus.ACCEPTED, MeetingStatus.DECLINED, MeetingStatus.NO_REPLY),
    MeetingStatus.NO_REPLY: (MeetingStatus.ACCEPTED, MeetingStatus.DECLINED),
    MeetingStatus.ACCEPTED: (MeetingStatus.POLLING,),
    MeetingStatus.SCHEDULED: (MeetingStatus.HELD,),
}


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


ANSWER_LABELS = {Answer.YES: _l("Yes"), Answer.MAYBE: _l("If need be"), Answer.NO: _l("No")}
ANSWER_WEIGHT = {Answer.YES: 1.0, Answer.MAYBE: 0.5, Answer.NO: 0.0}


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


ACTION_STATUS_LABELS = {ActionStatus.OPEN: _l("Open"), ActionStatus.DONE: _l("Done")}


class Rsvp(StrEnum):
    """An invitee's answer to a scheduled meeting, stored as its iCalendar PARTSTAT."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    TENTATIVE = "TENTATIVE"
    DECLINED = "DECLINED"


RSVP_LABELS = {
    Rsvp.ACCEPTED: _l("Accepted"),
    Rsvp.TENTATIVE: _l("Tentative"),
    Rsvp.DECLINED: _l("Declined"),
    Rsvp.NEEDS_ACTION: _l("Not answered"),
}
# What an invitee may answer, with its button (NEEDS-ACTION is where everyone starts).
RSVP_BUTTONS = {Rsvp.ACCEPTED: _l("Accept"), Rsvp.TENTATIVE: _l("Accept tentatively"), Rsvp.DECLINED: _l("Decline")}
RSVP_ANSWERS = tuple(RSVP_BUTTONS)
