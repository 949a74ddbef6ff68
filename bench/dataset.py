"""A deterministic, realistic data set for the benchmark, loaded with bulk inserts.

70 organizations, 700 people, ``incidents`` incidents (default 100,000) with their categories,
addresses, reports to the platform and evidence records, 50 platforms with 20 commitments each
and their timelines, 200 letters with 70 signatures each, 2,000 meetings. The same seed gives
the same rows. Full-text indexes fill themselves (SQLite FTS5 triggers, PostgreSQL generated
tsvector). Every person's password is ``PASSWORD``.

    python -m bench.dataset --incidents 100000     # into DATABASE_URL (already migrated)
"""

import argparse
import hashlib
import json
import random
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Table, insert, text

from app.core.geo import region_for
from app.extensions import db
from app.organizations.models import name_key

PASSWORD = "bench-password-correct-horse"
CHUNK = 5000
PEOPLE_PER_ORGANIZATION = 10
COMMITMENTS_PER_PLATFORM = 20
COUNTRIES = [
    "KE",
    "NG",
    "IN",
    "BR",
    "MX",
    "BA",
    "ZA",
    "PK",
    "ET",
    "MM",
    "PH",
    "ID",
    "CO",
    "LB",
    "TN",
    "FR",
    "US",
    "GB",
    "DE",
    "EG",
]
LANGUAGES = ["en", "fr", "es", "pt", "ar", "ur", "hi", "sw", "am", "my", "bs", "tl"]
CATEGORIES = [
    "hate_speech",
    "dehumanisation",
    "incitement",
    "violent_extremism",
    "disinformation",
    "conspiracy",
    "harassment",
    "atrocity_denial",
    "misogyny",
    "anti_lgbtq",
    "other",
]
WORDS = [
    "post",
    "video",
    "comment",
    "thread",
    "group",
    "page",
    "account",
    "campaign",
    "rumour",
    "claim",
    "attack",
    "minority",
    "community",
    "election",
    "journalist",
    "activist",
    "women",
    "refugees",
    "migrants",
    "religious",
    "ethnic",
    "village",
    "city",
    "border",
    "police",
    "army",
    "protest",
    "vote",
    "leader",
    "party",
    "threat",
    "slur",
    "meme",
    "image",
    "livestream",
    "channel",
    "network",
    "coordinated",
    "fake",
]
# A few words in other scripts, so full-text search covers them too.
WORDS += ["لاجئين", "صحفي", "शरणार्थी", "पत्रकार", "wakimbizi", "refugiados", "jornalista"]
SEARCH_WORD = "genocide"  # the full-text query: in 1 incident in 20, a full page even at 1,000 incidents
START = date(2024, 1, 1)
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Shape:
    """How much of everything; the benchmark's default, or ``scaled`` down for tests."""

    incidents: int = 100_000
    organizations: int = 70
    platforms: int = 50
    letters: int = 200
    meetings: int = 2000

    @property
    def open_letters(self) -> int:
        """Letters open for signatures (the write mix signs and withdraws there); the others are published."""
        return self.letters // 10

    @property
    def signing_organizations(self) -> range:
        """The last ten organizations (or fewer): they have not signed the open letters yet."""
        return range(max(1, self.organizations - 9), self.organizations + 1)

    def scaled(self, factor: float) -> "Shape":
        """Everything but the incidents multiplied by ``factor``."""
        return replace(
            self,
            **{
                name: max(1, round(getattr(self, name) * factor))
                for name in ("organizations", "platforms", "letters", "meetings")
            },
        )


def table(name: str) -> Table:
    return db.metadata.tables[name]


def bulk(name: str, rows) -> None:
    """Insert ``rows`` (an iterable of dicts with the same keys) in chunks; column defaults fill the rest."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            db.session.execute(insert(table(name)), chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(table(name)), chunk)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def load(shape: Shape = Shape(), seed: int = 2026, password_hash: str | None = None) -> None:
    """Fill the (migrated, empty) database and commit. Every person's password is ``PASSWORD``."""
    from app.accounts.passwords import hash_password
    from app.incidents import facet_counts

    rng = random.Random(seed)
    password_hash = password_hash or hash_password(PASSWORD)
    countries = [COUNTRIES[i % len(COUNTRIES)] for i in range(shape.organizations)]
    bulk(
        "organizations",
        (
            {
                "id": i,
                "name": f"Organization {i:02d}",
                "name_key": name_key(f"Organization {i:02d}"),
                "slug": f"org-{i:02d}",
                "country": country,
                "region": region_for(country).value,
                "website": f"https://org-{i:02d}.example",
                "is_steering": i <= 5,
            }
            for i, country in enumerate(countries, 1)
        ),
    )
    roles = ["org_admin", "signatory", "signatory"] + ["member"] * (PEOPLE_PER_ORGANIZATION - 3)
    bulk(
        "users",
        (
            {
                "id": (org - 1) * PEOPLE_PER_ORGANIZATION + n + 1,
                "email": f"person{org:02d}-{n}@bench.example",
                "name": f"Person {org:02d}-{n}",
                "password_hash": password_hash,
                "organization_id": org,
                "org_role": role,
                "locale": "en",
                "timezone": "UTC",
            }
            for org in range(1, shape.organizations + 1)
            for n, role in enumerate(roles)
        ),
    )
    bulk(
        "platforms",
        (
            {"id": i, "name": f"Platform {i:02d}", "slug": f"platform-{i:02d}", "company": f"Company {i:02d}"}
            for i in range(1, shape.platforms + 1)
        ),
    )
    _incidents(rng, shape)
    _commitments(rng, shape)
    _letters(rng, shape)
    _meetings(rng, shape)
    facet_counts.recount()  # inserted around the ORM, which keeps them
    db.session.commit()


def _incidents(rng: random.Random, shape: Shape) -> None:
    count, people = shape.incidents, shape.organizations * PEOPLE_PER_ORGANIZATION
    statuses = ["published"] * 14 + ["verified"] * 2 + ["submitted"] * 2 + ["draft", "rejected"]
    counters: dict[int, int] = {}
    rows, categories, urls, reports, evidence = [], [], [], [], []
    for i in range(1, count + 1):
        seen = START + timedelta(days=int(1030 * i / count))  # ids grow with the date, as filing does
        counters[seen.year] = counters.get(seen.year, 0) + 1
        author = rng.randrange(1, people + 1)
        status = rng.choice(statuses)
        title = sentence(rng, 6)
        description = sentence(rng, 40)
        if rng.random() < 0.05:
            description += f" {SEARCH_WORD}"
        filed = datetime.combine(seen, datetime.min.time(), UTC) + timedelta(hours=rng.randrange(1, 72))
        rows.append(
            {
                "id": i,
                "reference": f"INC-{seen.year}-{counters[seen.year]:06d}",
                "organization_id": (author - 1) // PEOPLE_PER_ORGANIZATION + 1,
                "author_id": author,
                "platform_id": rng.randrange(1, shape.platforms + 1),
                "title": title.capitalize(),
                "language": rng.choice(LANGUAGES),
                "country": rng.choice(COUNTRIES),
                "first_seen_on": seen,
                "excerpt": sentence(rng, 12),
                "account_handle": f"@account{rng.randrange(5000)}",
                "account_audience": rng.randrange(100, 2_000_000),
                "account_prominence": rng.choice(["ordinary"] * 8 + ["influencer", "political"]),
                "estimated_reach": rng.randrange(10, 5_000_000),
                "description": description,
                "severity": rng.choice("1223334"),
                "is_graphic": rng.random() < 0.1,
                "status": status,
                "visibility": rng.choice(["public"] * 7 + ["coalition"] * 2 + ["organization"]),
                "submitted_at": filed if status != "draft" else None,
                "published_at": filed + timedelta(days=2) if status == "published" else None,
                "created_at": filed,
                "updated_at": filed,
            }
        )
        for category in rng.sample(CATEGORIES, rng.choice((1, 1, 2, 3))):
            categories.append({"incident_id": i, "category": category})
        address = f"https://platform.example/post/{i}"
        urls.append({"incident_id": i, "url": address, "normalized": address})
        for _ in range(rng.choice((0, 1, 1, 2))):
            reported = seen + timedelta(days=rng.randrange(0, 10))
            outcome = rng.choice(
                ["pending", "removed", "restricted", "geo_blocked", "no_violation", "account_suspended"]
            )
            reports.append(
                {
                    "incident_id": i,
                    "reported_on": reported,
                    "channel": rng.choice(["in_app", "trusted_flagger", "legal", "direct"]),
                    "ticket_reference": f"T-{i}",
                    "outcome": outcome,
                    "outcome_on": None if outcome == "pending" else reported + timedelta(days=rng.randrange(1, 40)),
                    "created_by_id": author,
                }
            )
        if rng.random() < 0.5:
            evidence.append(
                {
                    "incident_id": i,
                    "url": address,
                    "archive_url": f"https://archive.example/{i}",
                    "description": "Archived copy",
                    "is_public": True,
                    "uploaded_by_id": author,
                }
            )
        if len(rows) == CHUNK:
            _flush_incidents(rows, categories, urls, reports, evidence)
    _flush_incidents(rows, categories, urls, reports, evidence)
    bulk("incident_counters", ({"year": year, "last_number": number} for year, number in counters.items()))


def _flush_incidents(*batches: list) -> None:
    for name, rows in zip(
        ("incidents", "incident_categories", "incident_urls", "platform_reports", "evidence"), batches, strict=True
    ):
        bulk(name, rows)
        rows.clear()


def _commitments(rng: random.Random, shape: Shape) -> None:
    claimed = ["no_response", "declined", "committed", "in_progress", "partly_implemented", "implemented"]
    verified = ["not_assessed", "cannot_verify", "progress_confirmed", "contradicted", "confirmed"]
    areas = ["exemptions", "policies", "languages", "algorithms", "transparency"]
    commitments, translations, milestones, updates, sources = [], [], [], [], []
    update_id = 0
    for platform in range(1, shape.platforms + 1):
        for n in range(COMMITMENTS_PER_PLATFORM):
            cid = (platform - 1) * COMMITMENTS_PER_PLATFORM + n + 1
            commitments.append(
                {
                    "id": cid,
                    "platform_id": platform,
                    "title": f"Commitment {cid}: " + sentence(rng, 6),
                    "description": sentence(rng, 50),
                    "area": areas[n % len(areas)],
                    "statement_url": f"https://platform.example/statement/{cid}",
                    "statement_date": date(2025, 1 + n % 12, 1),
                    "claimed": rng.choice(claimed),
                    "verified": rng.choice(verified),
                    "progress": rng.randrange(0, 101),
                    "deadline": date(2026, 1 + n % 12, 15),
                    "is_published": True,
                }
            )
            translations.append(
                {"commitment_id": cid, "locale": "fr", "title": f"Engagement {cid}", "description": sentence(rng, 50)}
            )
            milestones += [
                {"commitment_id": cid, "title": sentence(rng, 5), "due_on": date(2026, m, 1)} for m in (3, 9)
            ]
            for u in range(5):
                update_id += 1
                happened = date(2025, 2 + 2 * u, 1 + n)
                updates.append(
                    {
                        "id": update_id,
                        "commitment_id": cid,
                        "happened_on": happened,
                        "note": sentence(rng, 30),
                        "claimed": rng.choice(claimed),
                        "verified": rng.choice(verified),
                        "progress": 20 * u,
                        "organization_id": rng.randrange(1, shape.organizations + 1),
                        "state": "published",
                        "published_at": datetime.combine(happened, datetime.min.time(), UTC),
                    }
                )
                sources.append(
                    {
                        "update_id": update_id,
                        "url": f"https://news.example/{update_id}",
                        "archive_url": f"https://archive.example/news/{update_id}",
                    }
                )
    for name, rows in (
        ("commitments", commitments),
        ("commitment_translations", translations),
        ("commitment_milestones", milestones),
        ("commitment_updates", updates),
        ("commitment_update_sources", sources),
    ):
        bulk(name, rows)


def _letters(rng: random.Random, shape: Shape) -> None:
    letters, revisions, demands, signatures = [], [], [], []
    for lid in range(1, shape.letters + 1):
        is_open = lid <= shape.open_letters
        title, body = f"Letter {lid}: " + sentence(rng, 6), "\n\n".join(sentence(rng, 60) for _ in range(5))
        items = [sentence(rng, 15) for _ in range(6)]
        digest = hashlib.sha256(
            json.dumps({"title": title, "body": body, "demands": items}, ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()
        letters.append(
            {
                "id": lid,
                "slug": f"letter-{lid:03d}",
                "platform_id": (lid - 1) % shape.platforms + 1,
                "addressee_name": "Head of Trust and Safety",
                "addressee_title": "Vice-President",
                "letter_date": date(2026, 1 + lid % 10, 1),
                "status": "open" if is_open else "published",
                "deadline": date(2027, 1, 1),
                "sent_on": None if is_open else date(2026, 10, 1),
            }
        )
        revisions.append(
            {
                "id": lid,
                "letter_id": lid,
                "locale": "en",
                "number": 1,
                "title": title,
                "body": body,
                "demands": items,
                "content_hash": digest,
                "created_by_id": 1,
            }
        )
        demands += [{"letter_id": lid, "position": position} for position in range(1, len(items) + 1)]
        signers = range(1, shape.signing_organizations[0]) if is_open else range(1, shape.organizations + 1)
        signatures += [
            {
                "letter_id": lid,
                "organization_id": org,
                "signer_id": (org - 1) * PEOPLE_PER_ORGANIZATION + 2,
                "signed_at": NOW - timedelta(minutes=lid * 100 + org),
                "revision_id": lid,
                "original_number": 1,
                "text_hash": digest,
            }
            for org in signers
        ]
    for name, rows in (
        ("letters", letters),
        ("letter_revisions", revisions),
        ("letter_demands", demands),
        ("signatures", signatures),
    ):
        bulk(name, rows)


def _meetings(rng: random.Random, shape: Shape) -> None:
    people = shape.organizations * PEOPLE_PER_ORGANIZATION
    meetings, invitees = [], []
    for mid in range(1, shape.meetings + 1):
        organizer = rng.randrange(1, people + 1)
        meetings.append(
            {
                "id": mid,
                "uid": f"bench-meeting-{mid}@coalition",
                "kind": rng.choice(["platform", "members"]),
                "title": sentence(rng, 5).capitalize(),
                "platform_id": rng.randrange(1, shape.platforms + 1),
                "status": rng.choice(["requested", "scheduled", "held", "cancelled"]),
                "timezone": "Africa/Nairobi",
                "starts_at": NOW + timedelta(hours=mid * 7 - 7000),
                "agenda": sentence(rng, 30),
                "organizer_id": organizer,
            }
        )
        guests = {organizer, *rng.sample(range(1, people + 1), min(5, people))}
        invitees += [{"meeting_id": mid, "user_id": user} for user in sorted(guests)]
    bulk("meetings", meetings)
    bulk("meeting_invitees", invitees)


def reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the explicit ids inserted above."""
    if db.engine.dialect.name != "postgresql":
        return
    for name, tbl in db.metadata.tables.items():
        if "id" in tbl.c and tbl.c.id.autoincrement is not False and tbl.c.id.primary_key:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
                )
            )
    db.session.commit()


def analyze() -> None:
    """Planner statistics, as a maintained production database has them."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def main() -> None:
    from app import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    with create_app().app_context():
        started = time.monotonic()
        load(Shape(incidents=arguments.incidents), arguments.seed)
        reset_sequences()
        analyze()
        print(f"loaded {arguments.incidents} incidents in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
