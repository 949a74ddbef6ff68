"""``flask demo load``: idempotent demo data for a local trial."""

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts.auth import find_user_by_email
from app.accounts.models import OrgRole, User
from app.accounts.services import create_user
from app.core.db import utcnow
from app.core.geo import region_for
from app.demo import data
from app.extensions import db
from app.incidents import services
from app.incidents.models import Incident
from app.incidents.vocab import AccountProminence, Channel, Outcome, Severity, Status, Visibility
from app.letters import services as letters
from app.letters.vocab import LetterStatus
from app.meetings import services as meetings
from app.meetings.vocab import Kind
from app.organizations.models import Organization
from app.platforms.models import Platform
from app.tracker import services as tracker
from app.tracker.vocab import Area, Claimed, Verified

CREDENTIALS_FILE = "demo-credentials.txt"


@click.group("demo")
def demo_cli():
    """Demo data for local trials."""


@demo_cli.command("load")
@with_appcontext
def load_command():
    """Load the demo data unless it is there already. Refused in production."""
    if current_app.config["COALITION_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    credentials = Path(current_app.instance_path) / CREDENTIALS_FILE
    if db.session.scalar(select(Organization.id).limit(1)) is not None:
        click.echo("Demo data already present; nothing added.")
        if credentials.exists():
            click.echo(f"Demo accounts and passwords: {credentials}")
        return
    load_platforms()
    organizations = load_organizations()
    accounts = load_people(organizations)
    load_archive()  # the past year first: the workflow's incidents are the newest filed
    load_incidents()
    load_commitments(find_user_by_email("steering@coalition.example"))
    load_letter(find_user_by_email("steering@coalition.example"), data.LETTER)
    load_letter(find_user_by_email("steering@coalition.example"), data.SECOND_LETTER)
    load_meetings(find_user_by_email("steering@coalition.example"))
    db.session.commit()
    write_credentials(credentials, accounts)
    click.echo(
        f"Loaded {len(data.PLATFORMS)} platforms, {len(data.ORGANIZATIONS)} organizations and {len(accounts)} people."
    )
    click.echo(f"Demo accounts (passwords are shown once; they are also in {credentials}):")
    for email, password, description in accounts:
        click.echo(f"  {email:<34} {password}  {description}")


def load_platforms() -> None:
    for name, slug, company, website in data.PLATFORMS:
        db.session.add(Platform(name=name, slug=slug, company=company, website=website))


def load_organizations() -> dict[str, Organization]:
    organizations = {}
    for name, slug, country, website, steering in data.ORGANIZATIONS:
        organizations[slug] = Organization(
            name=name, slug=slug, country=country, region=region_for(country), website=website, is_steering=steering
        )
        db.session.add(organizations[slug])
    db.session.flush()
    return organizations


def load_people(organizations: dict[str, Organization]) -> list[tuple[str, str, str]]:
    """One person per role; returns (email, password, description) for each."""
    accounts = []
    for email, name, slug, role, steering, admin, description in data.PEOPLE:
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        create_user(email, name, organizations[slug], OrgRole(role), steering, admin, password=password)
        accounts.append((email, password, description))
    return accounts


def load_incidents() -> None:
    """A few incidents at every step of the workflow, filed by the demo member, some with reports."""
    author = find_user_by_email("member@coalition.example")
    platforms = {platform.slug: platform.id for platform in db.session.scalars(select(Platform))}
    today = date.today()
    for title, slug, categories, language, country, severity, status, visibility, excerpt, reports in data.INCIDENTS:
        incident = services.create_incident(
            author,
            services.IncidentData(
                title=title,
                platform_id=platforms[slug],
                categories=categories,
                language=language,
                country=country,
                first_seen_on=today - timedelta(days=70),
                severity=Severity(severity),
                excerpt=excerpt or None,
                visibility=Visibility(visibility),
                description="Documented by the demo data.",
            ),
        )
        for reported, channel, outcome, answered in reports:
            services.add_report(
                author,
                incident,
                today + timedelta(days=reported),
                Channel(channel),
                None,
                Outcome(outcome),
                today + timedelta(days=answered) if answered else None,
                False,
            )
        incident.status = Status(status)
        if incident.status == Status.PUBLISHED:
            incident.published_at = utcnow()


def load_archive() -> None:
    """A year of published public incidents, each reported once (``data.ARCHIVE_STREAMS``), drawn from a seeded
    random generator: the same archive at every load, and public figures large enough to be shown."""
    rng = random.Random(23)
    platforms = {platform.slug: platform.id for platform in db.session.scalars(select(Platform))}
    filers = archive_filers()
    # Days since first seen, evenly spread (every month of the year about as busy) and shuffled.
    total = sum(stream[3] for stream in data.ARCHIVE_STREAMS)
    ages = [14 + index * (data.ARCHIVE_DAYS - 14) // total for index in range(total)]
    rng.shuffle(ages)
    for slug, country, language, number, acted in data.ARCHIVE_STREAMS:
        outcomes = [pick(rng, data.ARCHIVE_ACTED) for _ in range(acted)]
        outcomes += [pick(rng, data.ARCHIVE_NOT_ACTED) for _ in range(number - acted)]
        for outcome in outcomes:
            seen = date.today() - timedelta(days=ages.pop())
            incident = archive_incident(rng, filers[country], platforms[slug], country, language, seen)
            archive_report(rng, filers[country], incident, Outcome(outcome))


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def archive_filers() -> dict[str, User]:
    """Per country of the archive, a documentation desk of the demo organization there: a member account
    without a password, which never signs in."""
    countries = {stream[1] for stream in data.ARCHIVE_STREAMS}
    filers = {}
    for _name, slug, country, *_details in data.ORGANIZATIONS:
        if country in countries:
            organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
            email = f"documentation@{slug}.example.org"
            filers[country] = create_user(email, "Documentation desk", organization, OrgRole.MEMBER)
    return filers


def archive_incident(
    rng: random.Random, author: User, platform_id: int, country: str, language: str, seen: date
) -> Incident:
    categories, _weight, templates = rng.choices(data.ARCHIVE_KINDS, [kind[1] for kind in data.ARCHIVE_KINDS])[0]
    speaker, prominence = rng.choice(data.ARCHIVE_SPEAKERS)
    target, community = rng.choice(data.ARCHIVE_TARGETS)
    title = rng.choice(templates).format(form=rng.choice(data.ARCHIVE_FORMS), target=target, speaker=speaker)
    return services.create_incident(
        author,
        services.IncidentData(
            title=title[0].upper() + title[1:],
            platform_id=platform_id,
            categories=categories,
            communities=[community],
            language=language,
            country=country,
            first_seen_on=seen,
            severity=Severity(pick(rng, data.ARCHIVE_SEVERITIES)),
            visibility=Visibility.PUBLIC,
            account_prominence=AccountProminence(prominence),
            description=f"Posted by {speaker}; documented by the demo data.",
        ),
    )


def archive_report(rng: random.Random, author: User, incident: Incident, outcome: Outcome) -> None:
    """One report to the platform a few days after the incident was seen; then the incident is published."""
    today = date.today()
    reported = min(incident.first_seen_on + timedelta(days=rng.randint(0, 5)), today)
    answered = None if outcome == Outcome.PENDING else min(reported + timedelta(days=rng.randint(1, 40)), today)
    channel = Channel(pick(rng, data.ARCHIVE_CHANNELS))
    services.add_report(author, incident, reported, channel, None, outcome, answered, False)
    incident.submitted_at = datetime.combine(reported, time(9), UTC)
    incident.published_at = min(incident.submitted_at + timedelta(days=rng.randint(2, 14)), utcnow())
    incident.status = Status.PUBLISHED


def load_commitments(steering) -> None:
    """Published commitments with their timelines, recorded as the demo steering member."""
    platforms = {platform.slug: platform.id for platform in db.session.scalars(select(Platform))}
    today = date.today()
    for slug, area, title, deadline, updates in data.COMMITMENTS:
        commitment = tracker.save_commitment(
            steering,
            None,
            tracker.CommitmentData(
                platform_id=platforms[slug],
                title=title,
                area=Area(area),
                is_published=True,
                deadline=today + timedelta(days=deadline) if deadline is not None else None,
            ),
        )
        for days, claimed, verified, progress, note, source in updates:
            tracker.record_update(
                steering,
                commitment,
                tracker.UpdateData(
                    happened_on=today + timedelta(days=days),
                    note=note,
                    claimed=Claimed(claimed),
                    verified=Verified(verified),
                    progress=progress,
                    sources=[(source, None)] if source else [],
                ),
            )


def load_letter(steering, spec: dict) -> None:
    """An open letter to the spec's platform (Facebook without one), in English, in French when the spec has a
    French title and in each language of its translations, open for signature and signed by the spec's signers.
    A translation is saved whether or not its language is supported yet: the letter's page shows it once it is."""
    platform = db.session.scalar(select(Platform).where(Platform.slug == spec.get("platform", "facebook")))
    letter = letters.create_letter(
        steering,
        platform.id,
        spec["addressee_name"],
        "en",
        spec["title"],
        spec["body"],
        spec["demands"],
        addressee_title=spec["addressee_title"],
        addressee_address=spec["addressee_address"],
        letter_date=date.today(),
        deadline=date.today() + timedelta(days=21),
        accepts_supporters=True,
    )
    if "french_title" in spec:
        letters.save_text(
            steering, letter, "fr", spec["french_title"], spec["body"], spec["demands"], True, letter.edit_version
        )
    for locale, text in spec.get("translations", {}).items():
        letters.save_text(
            steering, letter, locale, text["title"], text["body"], text["demands"], True, letter.edit_version
        )
    for status in (LetterStatus.IN_REVIEW, LetterStatus.OPEN):
        letters.advance(steering, letter, status)
    for email in spec["signers"]:
        letters.sign(find_user_by_email(email), letter, "en")


def load_meetings(steering) -> None:
    """A members' poll across time zones, a requested platform meeting and a monthly steering series."""
    poll = data.MEETING_POLL
    people = {email: find_user_by_email(email) for email in poll["invitees"] + data.MEETING_SERIES["invitees"]}
    people["member.b@coalition.example"].timezone = "America/Mexico_City"
    people["member@coalition.example"].timezone = "Africa/Nairobi"
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    meetings.create_meeting(
        steering,
        meetings.MeetingData(kind=Kind.MEMBERS, title=poll["title"], timezone=poll["timezone"]),
        [people[email].id for email in poll["invitees"]],
        [(now + timedelta(days=days)).replace(hour=hour) for days, hour in poll["slots"]],
    )
    facebook = db.session.scalar(select(Platform).where(Platform.slug == "facebook"))
    meetings.create_meeting(
        steering,
        meetings.MeetingData(
            kind=Kind.PLATFORM,
            title="Meeting with Meta's content policy team",
            timezone="America/Los_Angeles",
            platform_id=facebook.id,
            requested_on=date.today(),
            request_channel="In the open letter",
        ),
        [people["steering@coalition.example"].id],
        [],
    )
    series = data.MEETING_SERIES
    first = datetime.combine(date.today(), datetime.min.time()).replace(hour=series["hour"])
    meetings.create_series(
        steering,
        meetings.MeetingData(kind=Kind.MEMBERS, title=series["title"], timezone=series["timezone"]),
        series["rule"],
        first,
        series["count"],
        [people[email].id for email in series["invitees"]],
    )


def write_credentials(path: Path, accounts: list[tuple[str, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Coalition demo accounts (development only). Steering and admin accounts",
        "# must set up two-factor sign-in on first use of their privileged pages.",
        "",
    ]
    lines += [f"{email}\t{password}\t{description}" for email, password, description in accounts]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
