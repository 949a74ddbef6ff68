"""The figures behind Insights, checked against values computed by hand on small data sets."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.incidents import services
from app.incidents.vocab import Channel, Outcome
from app.insights import stats
from app.insights.report import compute, language_gaps
from tests.insights.helpers import REPORTED_ON


@pytest.fixture
def reported(personas, incident_factory, platform):
    """``reported(("removed", 2), ("pending", None), language="ar")``: an incident of organization A (published
    and public unless told) with one report per (outcome, days from report to outcome)."""

    def create(*reports, author="member_a", status="published", visibility="public", **fields):
        person = personas[author]
        incident = incident_factory(person, status=status, visibility=visibility, **fields)
        reported_on = max(REPORTED_ON, incident.first_seen_on)  # never before the incident was seen
        for outcome, days in reports:
            outcome_on = None if days is None else reported_on + timedelta(days=days)
            services.add_report(
                person, incident, reported_on, Channel.IN_APP, None, Outcome(outcome), outcome_on, is_appeal=False
            )
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
    for outcomes in (
        [("removed", 2)],
        [("restricted", 4)],
        [("no_violation", 10)],
        [("pending", None), ("account_suspended", 6)],
        [("pending", None)],
        [("pending", None)],
        [],
    ):
        reported(*outcomes, language="en")
    for outcomes in (
        [("geo_blocked", 1)],
        [("removed", 3)],
        [("no_violation", 7)],
        [("pending", None)],
        [("pending", None)],
    ):
        reported(*outcomes, language="ar")
    for outcomes in [[("removed", 8)]] + [[("pending", None)]] * 4:
        reported(*outcomes, language="fr")
    for _ in range(4):
        reported(("removed", 1), language="sw")


def by_key(rows) -> dict:
    return {row.key: row for row in rows}


def public_figures(filters=None):
    return compute(None, filters or stats.StatsFilters(), public=True)


@pytest.mark.parametrize(
    "hits, total, low, high",
    [(6, 6, 0.6097, 1.0), (3, 6, 0.1876, 0.8124), (0, 10, 0.0, 0.2775), (1, 5, 0.0362, 0.6245)],
)
def test_wilson_interval_matches_known_values(hits, total, low, high):
    interval = stats.wilson_interval(hits, total)
    assert interval == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_wilson_interval_without_observations_is_none():
    assert stats.wilson_interval(0, 0) is None


def test_rate_below_five_is_suppressed_and_five_is_shown():
    four, five = stats.Rate(4, 4), stats.Rate(5, 5)
    assert four.suppressed and four.value is None and four.interval is None
    assert not five.suppressed and five.value == 1.0
    # A shown 5 of 5 may be anything from 5 of 7 to 7 of 7: the interval spans them all (5 of 7's low end).
    assert five.interval == (pytest.approx(stats.wilson_interval(5, 7)[0]), 1.0)


def test_rate_on_a_count_of_one_to_four_is_suppressed_even_out_of_many():
    three_of_forty, none_of_forty = stats.Rate(3, 40), stats.Rate(0, 40)
    assert three_of_forty.suppressed and three_of_forty.value is None and three_of_forty.interval is None
    assert not none_of_forty.suppressed and none_of_forty.value == 0.0


@pytest.mark.parametrize("hits, total", [(8, 8), (8, 12), (9, 12), (10, 10), (12, 12)])
def test_rate_tells_no_more_than_its_rounded_counts(hits, total):
    """8 of 8 and 8 of 12 both read "10 of 10": their shown share and interval are the same, and the interval
    still covers each one's own."""
    rate, shown = stats.Rate(hits, total), stats.Rate(10, 10)
    assert (rate.shown_hits, rate.shown_total, rate.value, rate.interval) == (10, 10, 1.0, shown.interval)
    low, high = rate.interval
    assert low <= stats.wilson_interval(hits, total)[0] and high >= stats.wilson_interval(hits, total)[1]


def test_acted_and_unanswered_shares_match_hand_counts(languages, platform):
    rows = by_key(stats.responsiveness(None, stats.StatsFilters(), True, "platform_language"))
    slug = platform.slug
    english, arabic, french = rows[(slug, "en")], rows[(slug, "ar")], rows[(slug, "fr")]
    assert (english.reported, english.acted, english.unanswered) == (6, 3, 2)
    assert (arabic.reported, arabic.acted, arabic.unanswered) == (5, 2, 2)
    assert (french.reported, french.acted, french.unanswered) == (5, 1, 4)
    # Three and two are counts of 1 to 4: no rate is built on them.
    assert english.acted_rate.value is None and english.unanswered_rate.value is None


def test_median_days_with_even_and_odd_counts(languages, platform):
    rows = by_key(stats.responsiveness(None, stats.StatsFilters(), True, "platform_language"))
    assert rows[(platform.slug, "en")].median_days == 5.0  # (4 + 6) / 2 over four answered reports
    assert rows[(platform.slug, "ar")].median_days == 3.0  # the middle of 1, 3, 7
    assert rows[(platform.slug, "fr")].median_days == 8.0  # a single answered report


def test_median_of_a_platform_spans_every_language(languages, platform):
    # Answered reports on Facebook: 2 4 10 6 | 1 3 7 | 8 | 1 1 1 1 -> sorted 1 1 1 1 1 2 3 4 6 7 8 10: (2 + 3) / 2.
    (row,) = stats.responsiveness(None, stats.StatsFilters(), True, "platform")
    assert (row.reported, row.acted, row.unanswered, row.median_days) == (20, 10, 8, 2.5)


def test_group_of_four_is_suppressed_and_five_is_not(languages, platform):
    rows = by_key(stats.responsiveness(None, stats.StatsFilters(), True, "platform_language"))
    swahili, arabic = rows[(platform.slug, "sw")], rows[(platform.slug, "ar")]
    assert swahili.suppressed and swahili.acted_rate.value is None and swahili.unanswered_rate.interval is None
    assert not arabic.suppressed and arabic.shown_reported == 5 and arabic.acted_rate.suppressed


def test_language_gap_puts_the_widest_gap_first_and_suppressed_last():
    rows = [
        stats.Responsiveness(("1", "en"), 20, 15, 0, 5.0),
        stats.Responsiveness(("1", "fr"), 20, 5, 10, 8.0),
        stats.Responsiveness(("1", "ar"), 20, 10, 5, 3.0),
        stats.Responsiveness(("1", "sw"), 4, 4, 0, 1.0),
        stats.Responsiveness(("1", "hi"), 20, 3, 0, 2.0),
    ]
    gaps = language_gaps(rows)
    assert [row.language for row in gaps] == ["fr", "ar", "hi", "sw"]
    assert [row.gap for row in gaps] == [pytest.approx(0.5), pytest.approx(0.25), None, None]
    assert gaps[0].english.value == 0.75 and gaps[0].median_days == 8.0 and gaps[0].english_median_days == 5.0


def test_language_gap_needs_english_on_the_same_platform():
    rows = [
        stats.Responsiveness(("facebook", "en"), 5, 5, 0, 1.0),
        stats.Responsiveness(("facebook", "ar"), 5, 0, 0, 2.0),
        stats.Responsiveness(("tiktok", "ar"), 5, 0, 5, None),
    ]
    assert [(row.platform, row.language, row.gap) for row in language_gaps(rows)] == [
        ("facebook", "ar", pytest.approx(1.0))
    ]


def test_powerful_accounts_are_compared_with_all_others(reported, platform, platform_factory):
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    for prominence, outcome in (
        [("political", "removed")] + [("political", "pending")] * 2 + [("influencer", "no_violation")] * 2
    ):
        reported((outcome, 1), account_prominence=prominence)
    for outcome in ["removed"] * 4 + ["pending"]:
        reported((outcome, 2), account_prominence="ordinary")
    for _ in range(3):
        reported(("removed", 1), account_prominence="influencer", platform_id=tiktok.id)
    rows = by_key(public_figures().powerful_gap)
    powerful, other = rows[(platform.slug, "powerful")], rows[(platform.slug, "other")]
    assert (powerful.reported, powerful.acted, powerful.acted_rate.suppressed) == (5, 1, True)
    assert (other.reported, other.acted, other.acted_rate.suppressed) == (5, 4, True)
    assert rows[(tiktok.slug, "powerful")].suppressed
    assert (tiktok.slug, "other") not in rows


def test_counts_by_dimension_and_over_time(reported, platform_factory):
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    reported(language="ar", country="LB", categories=["hate_speech", "incitement"], first_seen_on=date(2026, 1, 31))
    reported(language="ar", country="LB", categories=["hate_speech"], first_seen_on=date(2026, 2, 1))
    reported(
        language="en", country="NG", categories=["misogyny"], first_seen_on=date(2026, 2, 28), platform_id=tiktok.id
    )
    everything = stats.StatsFilters()
    assert stats.counts_by(None, everything, True, "language") == [("ar", 2), ("en", 1)]
    assert stats.counts_by(None, everything, True, "country") == [("LB", 2), ("NG", 1)]
    assert stats.counts_by(None, everything, True, "category") == [
        ("hate_speech", 2),
        ("incitement", 1),
        ("misogyny", 1),
    ]
    assert stats.over_time(None, everything, True) == {
        "2026-01": {"hate_speech": 1, "incitement": 1},
        "2026-02": {"hate_speech": 1, "misogyny": 1},
    }
    assert dict(stats.counts_by(None, everything, True, "platform"))[tiktok.slug] == 1


def test_figures_leave_with_counts_of_one_to_four_suppressed_and_the_rest_rounded(reported):
    for country, number in (("LB", 3), ("NG", 8), ("KE", 5)):
        for _ in range(number):
            reported(("removed", 1), country=country, first_seen_on=date(2026, 1, 31))
    figures = public_figures()
    assert figures.total == 15  # 16, rounded to the nearest 5
    assert figures.by_country == [("NG", 10), ("KE", 5), ("LB", None)]
    assert figures.over_time == {"2026-01": {"hate_speech": 15}}
    (row,) = figures.responsiveness
    assert (row.shown_reported, row.acted_rate.value) == (15, 1.0)


@pytest.fixture
def spread(reported, personas, platform_factory):
    """Three published public incidents, each reported and acted on: different dates, platforms, countries,
    categories and filing organizations (A is in Nigeria, Africa; B in Brazil, Latin America)."""
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    reported(("removed", 1), country="NG", categories=["hate_speech"], first_seen_on=date(2026, 1, 10))
    reported(
        ("removed", 1),
        country="KE",
        categories=["disinformation"],
        first_seen_on=date(2026, 2, 10),
        platform_id=tiktok.id,
    )
    reported(("removed", 1), author="member_b", country="BR", categories=["misogyny"], first_seen_on=date(2026, 3, 10))
    return tiktok


@pytest.mark.parametrize(
    "filters, countries",
    [
        ({}, ["BR", "KE", "NG"]),
        ({"since": date(2026, 2, 10)}, ["BR", "KE"]),
        ({"until": date(2026, 2, 10)}, ["KE", "NG"]),
        ({"since": date(2026, 2, 1), "until": date(2026, 2, 28)}, ["KE"]),
        ({"country": ["NG", "BR"]}, ["BR", "NG"]),
        ({"region": ["latin_america"]}, ["BR"]),
        ({"region": ["africa"]}, ["KE", "NG"]),
        ({"category": ["misogyny", "disinformation"]}, ["BR", "KE"]),
    ],
)
def test_filters_narrow_every_figure(spread, filters, countries):
    filters = stats.StatsFilters(**filters)
    assert sorted(country for country, _n in public_figures(filters).by_country) == countries
    assert sum(number for _key, number in stats.counts_by(None, filters, True, "platform")) == len(countries)
    assert sum(row.reported for row in stats.responsiveness(None, filters, True, "platform_language")) == len(countries)
    assert sum(number for counts in stats.over_time(None, filters, True).values() for number in counts.values()) == len(
        countries
    )


def test_region_is_where_the_incident_happened_not_where_its_filer_works(reported):
    """Organization A works in Nigeria (Africa): its incident in Brazil counts under Latin America only."""
    reported(("removed", 1), country="BR")

    def countries(region):
        return [key for key, _n in stats.counts_by(None, stats.StatsFilters(region=[region]), True, "country")]

    assert countries("latin_america") == ["BR"]
    assert countries("africa") == []


def test_platform_filter_keeps_that_platform_only(spread):
    figures = public_figures(stats.StatsFilters(platform=[spread.slug]))
    assert figures.by_platform == [(spread.slug, None)] and figures.by_country == [("KE", None)]
    assert [row.key[0] for row in figures.responsiveness] == [spread.slug]


def test_members_count_what_they_may_see(reported, personas):
    reported(("removed", 1))
    reported(("removed", 1), status="draft", visibility="public")
    reported(("removed", 1), status="verified", visibility="coalition")
    for persona, expected in [("member_a", 3), ("member_b", 2), ("steering", 2)]:
        counts = stats.counts_by(personas[persona], stats.StatsFilters(), False, "platform")
        assert sum(number for _key, number in counts) == expected
    assert sum(number for _key, number in stats.counts_by(None, stats.StatsFilters(), True, "platform")) == 1


@pytest.mark.parametrize("group_by", ["platform", "language", "country", "category"])
def test_every_api_grouping_counts_each_reported_incident(languages, group_by):
    rows = stats.responsiveness(None, stats.StatsFilters(), True, group_by)
    assert sum(row.reported for row in rows) == 20  # every incident has the default single category
