"""The figures behind Insights, checked against values computed by hand on small data sets."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.incidents import services
from app.incidents.vocab import Channel, Outcome
from app.insights import stats
from app.insights.report import compute, language_gaps
from app.platforms.models import Platform

REPORTED_ON = date(2026, 3, 2)


@pytest.fixture
def facebook(incident_factory):
    """The platform incident_factory files on."""
    return db.session.scalar(db.select(Platform).where(Platform.slug == "facebook"))


@pytest.fixture
def reported(personas, incident_factory, facebook):
    """``reported(("removed", 2), ("pending", None), language="ar")``: an incident of organization A (published
    and public unless told) with one report per (outcome, days from report to outcome)."""

    def create(*reports, author="member_a", status="published", visibility="public", **fields):
        person = personas[author]
        incident = incident_factory(person, status=status, visibility=visibility, **fields)
        for outcome, days in reports:
            outcome_on = None if days is None else REPORTED_ON + timedelta(days=days)
            services.add_report(person, incident, REPORTED_ON, Channel.IN_APP, None, Outcome(outcome), outcome_on,
                                is_appeal=False)
        db.session.commit()
        return incident

    return create


@pytest.fixture
def languages(reported):
    """Facebook, by language; the hand-computed figures are in the tests below.

    en (6 reported): removed 2d, restricted 4d, no_violation 10d, pending then suspended 6d, pending, pending
        -> acted 3/6, never answered 2/6, median of [2, 4, 6, 10] = 5 (an even count)
    ar (5): geo_blocked 1d, removed 3d, no_violation 7d, pending, pending -> acted 2/5, unanswered 2/5, median 3
    fr (5): removed 8d, four pending -> acted 1/5, unanswered 4/5, median 8
    sw (4): removed 1d four times -> suppressed
    One English incident was never reported: it counts nowhere.
    """
    for outcomes in ([("removed", 2)], [("restricted", 4)], [("no_violation", 10)],
                     [("pending", None), ("account_suspended", 6)], [("pending", None)], [("pending", None)], []):
        reported(*outcomes, language="en")
    for outcomes in ([("geo_blocked", 1)], [("removed", 3)], [("no_violation", 7)], [("pending", None)],
                     [("pending", None)]):
        reported(*outcomes, language="ar")
    for outcomes in [[("removed", 8)]] + [[("pending", None)]] * 4:
        reported(*outcomes, language="fr")
    for _ in range(4):
        reported(("removed", 1), language="sw")


def by_key(rows) -> dict:
    return {row.key: row for row in rows}


def public_figures(filters=None):
    return compute(None, filters or stats.StatsFilters(), public=True)


@pytest.mark.parametrize("hits, total, low, high", [
    (6, 6, 0.6097, 1.0), (3, 6, 0.1876, 0.8124), (0, 10, 0.0, 0.2775), (1, 5, 0.0362, 0.6245)])
def test_wilson_interval_matches_known_values(hits, total, low, high):
    interval = stats.wilson_interval(hits, total)
    assert interval == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_wilson_interval_without_observations_is_none():
    assert stats.wilson_interval(0, 0) is None


def test_rate_below_five_is_suppressed_and_five_is_shown():
    four, five = stats.Rate(4, 4), stats.Rate(5, 5)
    assert four.suppressed and four.value is None and four.interval is None
    assert not five.suppressed and five.value == 1.0
    assert five.interval == (pytest.approx(0.5655, abs=5e-5), 1.0)


def test_acted_and_unanswered_shares_match_hand_counts(languages, facebook):
    rows = by_key(stats.responsiveness(None, stats.StatsFilters(), True, "platform_language"))
    platform = str(facebook.id)
    english, arabic, french = rows[(platform, "en")], rows[(platform, "ar")], rows[(platform, "fr")]
    assert (english.reported, english.acted, english.unanswered) == (6, 3, 2)
    assert (arabic.reported, arabic.acted, arabic.unanswered) == (5, 2, 2)
    assert (french.reported, french.acted, french.unanswered) == (5, 1, 4)
    assert english.acted_rate.value == 0.5 and english.unanswered_rate.value == pytest.approx(1 / 3)
    assert english.acted_rate.interval == (pytest.approx(0.1876, abs=5e-5), pytest.approx(0.8124, abs=5e-5))


def test_median_days_with_even_and_odd_counts(languages, facebook):
    rows = by_key(stats.responsiveness(None, stats.StatsFilters(), True, "platform_language"))
    assert rows[(str(facebook.id), "en")].median_days == 5.0  # (4 + 6) / 2 over four answered reports
    assert rows[(str(facebook.id), "ar")].median_days == 3.0  # the middle of 1, 3, 7
    assert rows[(str(facebook.id), "fr")].median_days == 8.0  # a single answered report


def test_median_of_a_platform_spans_every_language(languages, facebook):
    # Answered reports on Facebook: 2 4 10 6 | 1 3 7 | 8 | 1 1 1 1 -> sorted 1 1 1 1 1 2 3 4 6 7 8 10: (2 + 3) / 2.
    (row,) = stats.responsiveness(None, stats.StatsFilters(), True, "platform")
    assert (row.reported, row.acted, row.unanswered, row.median_days) == (20, 10, 8, 2.5)


def test_group_of_four_is_suppressed_and_five_is_not(languages, facebook):
    rows = by_key(stats.responsiveness(None, stats.StatsFilters(), True, "platform_language"))
    swahili, arabic = rows[(str(facebook.id), "sw")], rows[(str(facebook.id), "ar")]
    assert swahili.suppressed and swahili.acted_rate.value is None and swahili.unanswered_rate.interval is None
    assert not arabic.suppressed and arabic.acted_rate.value == 0.4


def test_language_gap_puts_the_widest_gap_first_and_suppressed_last(languages, facebook):
    gaps = public_figures().language_gap
    assert [(row.platform_id, row.language) for row in gaps] == [
        (str(facebook.id), "fr"), (str(facebook.id), "ar"), (str(facebook.id), "sw")]
    assert [row.gap for row in gaps] == [pytest.approx(0.3), pytest.approx(0.1), None]
    assert gaps[0].english.value == 0.5 and gaps[0].median_days == 8.0 and gaps[0].english_median_days == 5.0


def test_language_gap_needs_english_on_the_same_platform():
    rows = [stats.Responsiveness(("1", "en"), 5, 5, 0, 1.0), stats.Responsiveness(("1", "ar"), 5, 1, 0, 2.0),
            stats.Responsiveness(("2", "ar"), 5, 0, 5, None)]
    assert [(row.platform_id, row.language, row.gap) for row in language_gaps(rows)] == [
        ("1", "ar", pytest.approx(0.8))]


def test_powerful_accounts_are_compared_with_all_others(reported, facebook, platform_factory):
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    for prominence, outcome in [("political", "removed")] + [("political", "pending")] * 2 + [
            ("influencer", "no_violation")] * 2:
        reported((outcome, 1), account_prominence=prominence)
    for outcome in ["removed"] * 4 + ["pending"]:
        reported((outcome, 2), account_prominence="ordinary")
    for _ in range(3):
        reported(("removed", 1), account_prominence="influencer", platform_id=tiktok.id)
    rows = by_key(public_figures().powerful_gap)
    powerful, other = rows[(str(facebook.id), "powerful")], rows[(str(facebook.id), "other")]
    assert (powerful.reported, powerful.acted, powerful.acted_rate.value) == (5, 1, 0.2)
    assert (other.reported, other.acted, other.acted_rate.value) == (5, 4, 0.8)
    assert rows[(str(tiktok.id), "powerful")].suppressed
    assert (str(tiktok.id), "other") not in rows


def test_counts_by_dimension_and_over_time(reported, platform_factory):
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    reported(language="ar", country="LB", categories=["hate_speech", "incitement"], first_seen_on=date(2026, 1, 31))
    reported(language="ar", country="LB", categories=["hate_speech"], first_seen_on=date(2026, 2, 1))
    reported(language="en", country="NG", categories=["misogyny"], first_seen_on=date(2026, 2, 28),
             platform_id=tiktok.id)
    figures = public_figures()
    assert figures.total == 3
    assert figures.by_language == [("ar", 2), ("en", 1)]
    assert figures.by_country == [("LB", 2), ("NG", 1)]
    assert figures.by_category == [("hate_speech", 2), ("incitement", 1), ("misogyny", 1)]
    assert figures.over_time == {"2026-01": {"hate_speech": 1, "incitement": 1},
                                 "2026-02": {"hate_speech": 1, "misogyny": 1}}
    assert dict(figures.by_platform)[str(tiktok.id)] == 1


@pytest.fixture
def spread(reported, personas, platform_factory):
    """Three published public incidents, each reported and acted on: different dates, platforms, countries,
    categories and filing organizations (A is in Nigeria, Africa; B in Brazil, Latin America)."""
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    reported(("removed", 1), country="NG", categories=["hate_speech"], first_seen_on=date(2026, 1, 10))
    reported(("removed", 1), country="KE", categories=["disinformation"], first_seen_on=date(2026, 2, 10),
             platform_id=tiktok.id)
    reported(("removed", 1), author="member_b", country="BR", categories=["misogyny"],
             first_seen_on=date(2026, 3, 10))
    return tiktok


@pytest.mark.parametrize("filters, countries", [
    ({}, ["BR", "KE", "NG"]),
    ({"since": date(2026, 2, 10)}, ["BR", "KE"]),
    ({"until": date(2026, 2, 10)}, ["KE", "NG"]),
    ({"since": date(2026, 2, 1), "until": date(2026, 2, 28)}, ["KE"]),
    ({"country": ["NG", "BR"]}, ["BR", "NG"]),
    ({"region": ["latin_america"]}, ["BR"]),
    ({"region": ["africa"]}, ["KE", "NG"]),
    ({"category": ["misogyny", "disinformation"]}, ["BR", "KE"]),
])
def test_filters_narrow_every_figure(spread, filters, countries):
    figures = public_figures(stats.StatsFilters(**filters))
    assert sorted(country for country, _n in figures.by_country) == countries
    assert figures.total == len(countries)
    assert sum(row.reported for row in figures.responsiveness) == len(countries)
    assert sum(number for counts in figures.over_time.values() for number in counts.values()) == len(countries)


def test_platform_filter_keeps_that_platform_only(spread):
    figures = public_figures(stats.StatsFilters(platform=[spread.id]))
    assert figures.by_platform == [(str(spread.id), 1)] and figures.by_country == [("KE", 1)]
    assert [row.key[0] for row in figures.responsiveness] == [str(spread.id)]


def test_members_count_what_they_may_see(reported, personas):
    reported(("removed", 1))
    reported(("removed", 1), status="draft", visibility="public")
    reported(("removed", 1), status="verified", visibility="coalition")
    for persona, expected in [("member_a", 3), ("member_b", 2), ("steering", 2)]:
        assert compute(personas[persona], stats.StatsFilters(), public=False).total == expected
    assert public_figures().total == 1


@pytest.mark.parametrize("group_by", ["platform", "language", "country", "category"])
def test_every_api_grouping_counts_each_reported_incident(languages, group_by):
    rows = stats.responsiveness(None, stats.StatsFilters(), True, group_by)
    assert sum(row.reported for row in rows) == 20  # every incident has the default single category


def test_the_region_filter_never_counts_an_anonymous_filer_for_readers_it_hides_from(reported, personas):
    """The region is the filing organization's (A: Nigeria, Africa): it would narrow down a filer shown to the
    reader as "a member organization", so such incidents count in a region only for A and its reviewers."""
    reported(("removed", 1))
    reported(("removed", 1), show_organization=False)
    africa = stats.StatsFilters(region=["africa"])
    assert public_figures(africa).total == 1 and public_figures().total == 2
    assert compute(personas["member_b"], africa, public=False).total == 1
    assert compute(personas["member_a"], africa, public=False).total == 2
    assert compute(personas["steering"], africa, public=False).total == 2
