"""What the cluster's database holds before the scenarios: two organizations, a platform, two open letters, a
member who signs in with a password, read-write API tokens, and a meeting due for its reminder."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from app import create_app
from app.extensions import db
from tests.cluster.processes import SECRET_KEY
from tests.conftest import app_config

SIGNATORIES = 4
PASSWORD = "a long cluster password"
ORGANIZER = "steering@steering.example"  # writes the letters, organizes the meetings


@dataclass
class Seeded:
    """Emails, API tokens by person, and the letters' slugs."""

    member_email: str = "member@signing.example"
    password: str = PASSWORD
    tokens: dict[str, str] = field(default_factory=dict)
    signing_letter: str = ""
    cached_letter: str = ""
    second_org_name: str = "Second Org"
    invited: list[str] = field(default_factory=list)  # the emails a meeting due for its reminder invites

    def bearer(self, person: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[person]}"}


def seed(database_url: str) -> Seeded:
    """Fill the migrated database at ``database_url``."""
    from app.accounts.api_tokens import create_api_token
    from app.accounts.models import OrgRole, TokenScope
    from app.accounts.services import create_user
    from app.core.geo import region_for
    from app.letters import services as letters
    from app.letters.vocab import LetterStatus
    from app.organizations.models import Organization
    from app.platforms.models import Platform

    seeded = Seeded()
    app = create_app(app_config(database_url, SECRET_KEY=SECRET_KEY))
    with app.app_context():
        signing = Organization(name="Signing Org", slug="signing-org", country="KE", region=region_for("KE"))
        second = Organization(name=seeded.second_org_name, slug="second-org", country="BR", region=region_for("BR"))
        steering = Organization(
            name="Steering Org", slug="steering-org", country="IN", region=region_for("IN"), is_steering=True
        )
        platform = Platform(name="Facebook", slug="facebook")
        db.session.add_all([signing, second, steering, platform])
        db.session.flush()
        people = {
            f"signatory{n}": create_user(f"signatory{n}@signing.example", f"Signatory {n}", signing, OrgRole.SIGNATORY)
            for n in range(SIGNATORIES)
        }
        people["member"] = create_user(seeded.member_email, "Member", signing, OrgRole.MEMBER, password=PASSWORD)
        people["second"] = create_user("signatory@second.example", "Second", second, OrgRole.SIGNATORY)
        author = create_user(ORGANIZER, "Steering", steering, OrgRole.SIGNATORY, is_steering=True)
        for name, person in people.items():
            seeded.tokens[name] = create_api_token(person, "cluster", TokenScope.WRITE)[1]
        slugs = []
        for title in ("Stop amplifying hate", "Publish your appeals"):
            letter = letters.create_letter(
                author, platform.id, "Trust and Safety", "en", title, "We write to you.", ["Publish an appeals process"]
            )
            letter.status = LetterStatus.OPEN
            slugs.append(letter.slug)
        seeded.invited = sorted(person.email for person in people.values())
        db.session.add(meeting_due_for_reminder(seeded, "Coalition call"))
        db.session.commit()
        seeded.signing_letter, seeded.cached_letter = slugs
    with app.app_context():
        db.engine.dispose()
    return seeded


def meeting_due_for_reminder(seeded: Seeded, title: str):
    """A members' meeting in 12 hours that nobody has been reminded of yet, organized by the steering person, with
    ``seeded.invited`` invited (in an app context on the cluster's database)."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.core.db import utcnow
    from app.meetings.models import Invitee, Meeting
    from app.meetings.vocab import Kind, MeetingStatus

    invited = db.session.scalars(select(User.id).where(User.email.in_(seeded.invited))).all()
    return Meeting(
        uid=f"{uuid.uuid4()}@coalition",
        kind=Kind.MEMBERS,
        title=title,
        status=MeetingStatus.SCHEDULED,
        timezone="UTC",
        starts_at=utcnow() + timedelta(hours=12),
        organizer_id=db.session.scalar(select(User.id).where(User.email == ORGANIZER)),
        invitees=[Invitee(user_id=user_id) for user_id in invited],
    )
