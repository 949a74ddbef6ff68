"""What the cluster's database holds before the scenarios: two organizations, a platform, two open letters, a
member who signs in with a password, and read-write API tokens."""

from dataclasses import dataclass, field

from app import create_app
from app.extensions import db
from tests.cluster.processes import SECRET_KEY
from tests.conftest import app_config

SIGNATORIES = 4
PASSWORD = "a long cluster password"


@dataclass
class Seeded:
    """Emails, API tokens by person, and the letters' slugs."""

    member_email: str = "member@signing.example"
    password: str = PASSWORD
    tokens: dict[str, str] = field(default_factory=dict)
    signing_letter: str = ""
    cached_letter: str = ""
    second_org_name: str = "Second Org"

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
        author = create_user("steering@steering.example", "Steering", steering, OrgRole.SIGNATORY, is_steering=True)
        for name, person in people.items():
            seeded.tokens[name] = create_api_token(person, "cluster", TokenScope.WRITE)[1]
        slugs = []
        for title in ("Stop amplifying hate", "Publish your appeals"):
            letter = letters.create_letter(
                author, platform.id, "Trust and Safety", "en", title, "We write to you.", ["Publish an appeals process"]
            )
            letter.status = LetterStatus.OPEN
            slugs.append(letter.slug)
        db.session.commit()
        seeded.signing_letter, seeded.cached_letter = slugs
    with app.app_context():
        db.engine.dispose()
    return seeded
