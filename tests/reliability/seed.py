"""A small coalition in a dedicated database: people with live sessions, a platform, an open letter.

People are signed in by a server-side session created here and a session cookie signed with the
server's key, as a real sign-in would leave them.
"""

from dataclasses import dataclass, field

import requests

from app import create_app
from app.extensions import db
from tests.conftest import app_config
from tests.reliability.server import SECRET_KEY

SIGNATORIES = 6
AUTHORS = 4


@dataclass
class Coalition:
    """What the seeded database holds: people's session cookies by name, and a few ids."""

    database_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    platform_id: int = 0
    letter_slug: str = ""
    org_id: int = 0

    def client(self, person: str | None) -> requests.Session:
        session = requests.Session()
        if person is not None:
            session.cookies.set("session", self.cookies[person], domain="127.0.0.1", path="/")
        return session


def seed(database_url: str) -> Coalition:
    """Organizations, people with live sessions, a platform and a letter open for signatures."""
    import pyotp

    from app.accounts.models import OrgRole, UserSession
    from app.accounts.services import create_user
    from app.core.db import utcnow
    from app.core.geo import region_for
    from app.core.tokens import new_token
    from app.letters import services as letters
    from app.letters.vocab import LetterStatus
    from app.organizations.models import Organization
    from app.platforms.models import Platform

    app = create_app(app_config(database_url, SECRET_KEY=SECRET_KEY))
    serializer = app.session_interface.get_signing_serializer(app)
    coalition = Coalition(database_url)
    with app.app_context():
        signing = Organization(name="Signing Org", slug="signing-org", country="KE", region=region_for("KE"))
        steering = Organization(
            name="Steering Org", slug="steering-org", country="IN", region=region_for("IN"), is_steering=True
        )
        platform = Platform(name="Facebook", slug="facebook")
        db.session.add_all([signing, steering, platform])
        db.session.flush()
        people = {
            f"signatory{n}": create_user(f"signatory{n}@example.org", f"Signatory {n}", signing, OrgRole.SIGNATORY)
            for n in range(SIGNATORIES)
        }
        people |= {
            f"author{n}": create_user(f"author{n}@example.org", f"Author {n}", signing, OrgRole.MEMBER)
            for n in range(AUTHORS)
        }
        people |= {
            f"steering{n}": create_user(
                f"steering{n}@example.org", f"Steering {n}", steering, OrgRole.SIGNATORY, is_steering=True
            )
            for n in range(2)
        }
        for name in ("steering0", "steering1"):
            people[name].totp_secret, people[name].totp_enabled_at = pyotp.random_base32(), utcnow()
        letter = letters.create_letter(
            people["steering0"],
            platform.id,
            "Trust and Safety",
            "en",
            "Stop amplifying hate",
            "We write about hate.",
            ["Publish an appeals process"],
        )
        letter.status = LetterStatus.OPEN
        for name, person in people.items():
            token, token_hash = new_token()
            db.session.add(
                UserSession(user_id=person.id, token_hash=token_hash, two_factor_verified=person.has_two_factor)
            )
            coalition.cookies[name] = serializer.dumps({"_user_id": token, "_fresh": True})
        db.session.commit()
        coalition.platform_id, coalition.letter_slug, coalition.org_id = platform.id, letter.slug, signing.id
    with app.app_context():
        db.engine.dispose()
    return coalition


def query(coalition: Coalition, statement):
    """Run ``statement`` on the served database from the test process and commit; returns its rows, if any."""
    app = create_app(app_config(coalition.database_url))
    with app.app_context():
        try:
            result = db.session.execute(statement)
            rows = result.all() if statement.is_select else None
            db.session.commit()
            return rows
        finally:
            db.session.remove()
            db.engine.dispose()


def incident_form(coalition, title: str, **extra) -> dict:
    """The new-incident form, filled in on the seeded platform."""
    return {
        "title": title,
        "platform_id": str(coalition.platform_id),
        "categories": ["hate_speech"],
        "language": "en",
        "country": "KE",
        "first_seen_on": "2026-05-01",
        "severity": "2",
        "visibility": "coalition",
        "account_prominence": "ordinary",
    } | extra
