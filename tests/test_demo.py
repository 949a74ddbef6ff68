from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from app.accounts.auth import find_user_by_email
from app.demo import data
from app.extensions import db
from app.incidents.models import Incident
from app.insights import figures, stats, views
from app.insights.report import compute
from app.letters.models import Letter, LetterRevision, Signature
from app.organizations.models import Organization
from app.platforms.models import Platform
from tests.incidents.test_public_map import country_titles


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert count(Organization) == len(data.ORGANIZATIONS)
    assert count(Platform) == len(data.PLATFORMS)
    incidents = count(Incident)
    assert incidents == len(data.INCIDENTS) + sum(stream[3] for stream in data.ARCHIVE_STREAMS)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "nothing added" in second.output
    assert count(Organization) == len(data.ORGANIZATIONS)
    assert count(Incident) == incidents


def test_demo_data_spans_the_regions_and_names_the_major_platforms(app):
    app.test_cli_runner().invoke(args=["demo", "load"])
    regions = set(db.session.scalars(select(Organization.region)))
    assert {"africa", "asia_pacific", "latin_america", "europe", "middle_east"} <= regions
    names = set(db.session.scalars(select(Platform.name)))
    assert {"Facebook", "Instagram", "YouTube", "TikTok", "Telegram", "WhatsApp"} <= names


def test_demo_load_is_refused_in_production(make_app):
    app = make_app(COALITION_ENV="production", TRUSTED_HOSTS=["coalition.test"], MAIL_SERVER="console")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    with app.app_context():
        assert count(Organization) == 0


def test_demo_incidents_span_the_workflow_and_some_are_public(app, client):
    from app.incidents.models import Incident

    app.test_cli_runner().invoke(args=["demo", "load"])
    statuses = set(db.session.scalars(select(Incident.status)))
    assert {"draft", "submitted", "verified", "published"} <= statuses
    assert "Rohingya" in client.get("/public/incidents/").get_data(as_text=True)


def test_demo_tracker_has_published_commitments_with_timelines(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    overview = client.get("/tracker/").get_data(as_text=True)
    assert "Publish the list of accounts exempt from moderation" in overview
    assert "overdue by" in overview


def test_demo_letters_are_open_and_each_signed_by_two_organizations(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    page = client.get("/letters/").get_data(as_text=True)
    assert "end impunity for the powerful" in page and "moderate hate in every language on TikTok" in page
    signatures = db.session.scalars(select(func.count()).select_from(Signature).group_by(Signature.letter_id))
    assert list(signatures) == [2, 2]
    assert set(db.session.scalars(select(Letter.status))) == {"open"}


def test_the_demo_signatory_has_the_second_letter_awaiting_their_signature(app, client, sign_in_as):
    app.test_cli_runner().invoke(args=["demo", "load"])
    sign_in_as(client, find_user_by_email("signatory@coalition.example"))
    home = client.get("/").get_data(as_text=True)
    waiting = home.split("Letters awaiting", 1)[1].split("</section>", 1)[0]
    assert "moderate hate in every language on TikTok" in waiting
    assert "end impunity for the powerful" not in waiting, "Kenya Online Safety Forum signed the first letter"


def test_the_demo_archive_gives_every_public_chart_and_the_map_figures_of_5_or_more(app, client):
    """A year of published public incidents: counts by platform, language and country all shown, every month of
    the time axis with a shown count, every chart drawn and every country on the map with a number."""
    app.test_cli_runner().invoke(args=["demo", "load"])
    with app.test_request_context():
        insights = compute(AnonymousUserMixin(), stats.StatsFilters(), public=True)
        platforms = views.platform_names()
        drawn = {name: figures.figure(name, insights, platforms).drawn for name in views.CHARTS}
    assert drawn == dict.fromkeys(views.CHARTS, True)
    for rows in (insights.by_platform, insights.by_language, insights.by_country):
        assert len(rows) >= 7 and all(number is not None and number >= 5 for _key, number in rows)
    assert len(insights.over_time) >= 12 and all(any(counts.values()) for counts in insights.over_time.values())
    titles = country_titles(client.get("/public/incidents/map.svg").get_data(as_text=True))
    assert {"in", "mm", "ng", "ke", "ba", "br", "gb"} <= set(titles)
    assert [title for title in titles.values() if "fewer than" in title] == []


def test_the_main_demo_letter_is_translated_in_full_into_bengali_and_burmese(app, client, monkeypatch):
    """Saved whether or not the languages are supported yet; once they are, the letter's page has their tabs."""
    app.test_cli_runner().invoke(args=["demo", "load"])
    letter = db.session.scalar(select(Letter).join(LetterRevision).where(LetterRevision.title == data.LETTER["title"]))
    for locale, text in data.LETTER["translations"].items():
        revision = letter.latest(locale)
        assert (revision.title, revision.body, revision.demands) == (text["title"], text["body"], text["demands"])
        assert len(revision.demands) == len(data.LETTER["demands"]) and revision.translates_number == 1
        assert revision.zawgyi_originals is None, "the demo's Burmese is Unicode"
    supported = app.config["SUPPORTED_LOCALES"]
    monkeypatch.setitem(app.config, "SUPPORTED_LOCALES", [*supported, *({"bn", "my"} - set(supported))])
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    for locale in ("bn", "my"):
        assert f'?text={locale}" hreflang="{locale}"' in page
    burmese = client.get(f"/letters/{letter.slug}?text=my").get_data(as_text=True)
    assert data.LETTER["translations"]["my"]["demands"][0] in burmese
