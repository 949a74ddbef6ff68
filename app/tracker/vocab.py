from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Area(StrEnum):
    EXEMPTIONS = "exemptions"
    POLICIES = "policies"
    LANGUAGES = "languages"
    ALGORITHMS = "algorithms"
    TRANSPARENCY = "transparency"


AREA_LABELS = {
    Area.EXEMPTIONS: _l("Ending moderation exemptions for the powerful"),
    Area.POLICIES: _l("Clear and enforced hateful-conduct and violent-organization policies"),
    Area.LANGUAGES: _l("Moderation resourced in every language and region"),
    Area.ALGORITHMS: _l("Algorithms that stop amplifying hate and disinformation"),
    Area.TRANSPARENCY: _l("Transparency to civil society"),
}


class Claimed(StrEnum):
    NO_RESPONSE = "no_response"
    DECLINED = "declined"
    COMMITTED = "committed"
    IN_PROGRESS = "in_progress"
    PARTLY_IMPLEMENTED = "partly_implemented"
    IMPLEMENTED = "implemented"


CLAIMED_LABELS = {
    Claimed.NO_RESPONSE: _l("No response"),
    Claimed.DECLINED: _l("Declined"),
    Claimed.COMMITTED: _l("Committed"),
    Claimed.IN_PROGRESS: _l("In progress"),
    Claimed.PARTLY_IMPLEMENTED: _l("Partly implemented"),
    Claimed.IMPLEMENTED: _l("Implemented"),
}


class Verified(StrEnum):
    NOT_ASSESSED = "not_assessed"
    CANNOT_VERIFY = "cannot_verify"
    PROGRESS_CONFIRMED = "progress_confirmed"
    CONTRADICTED = "contradicted"
    CONFIRMED = "confirmed"


VERIFIED_LABELS = {
    Verified.NOT_ASSESSED: _l("Not yet assessed"),
    Verified.CANNOT_VERIFY: _l("Cannot verify"),
    Verified.PROGRESS_CONFIRMED: _l("Progress confirmed"),
    Verified.CONTRADICTED: _l("Contradicted by evidence"),
    Verified.CONFIRMED: _l("Confirmed"),
}

# The score's weights, stated on the overview page: what the coalition can verify, not what is claimed.
SCORE_WEIGHTS = {Verified.CONFIRMED: 1.0, Verified.PROGRESS_CONFIRMED: 0.5, Verified.CONTRADICTED: -0.5}


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"


STANCE_LABELS = {Stance.SUPPORTS: _l("Supports the claim"), Stance.CONTRADICTS: _l("Contradicts the claim")}


class UpdateState(StrEnum):
    PUBLISHED = "published"
    PROPOSED = "proposed"
    DECLINED = "declined"
