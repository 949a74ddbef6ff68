"""Every list and public page runs the same number of SQL statements with ten times the data.

The data is the benchmark's own data set (bench/dataset.py), at a twentieth and at half its shape.
"""

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import cache, db
from bench import dataset
from tests.conftest import empty_all_tables

SMALL = dataset.Shape(incidents=60).scaled(0.05)
LARGE = dataset.Shape(incidents=600).scaled(0.5)  # ten times as much of everything
MEMBER = "person01-3@bench.example"  # an ordinary member of the first organization

PUBLIC_PAGES = [
    "/",
    "/members",
    "/tracker/",
    "/tracker/platforms/platform-01",
    "/tracker/commitments/1",
    "/tracker/feed.atom",
    "/tracker/platforms/platform-01/feed.atom",
    "/tracker/platforms/platform-01/embed",
    "/tracker/tracker.json",
    "/tracker/tracker.csv",
    "/letters/",
    "/letters/{published}",
    "/letters/{published}/print",
    "/letters/{published}.txt",
    "/public/incidents/",
    "/public/incidents/?q=refugees",
    # Filters wide enough to list incidents in both data sets (an empty page skips loading categories and reports).
    "/public/incidents/?sort=oldest&platform=platform-01&since=2000-01-01&until=2099-12-31",
    "/public/incidents/?sort=severity&language=en&language=fr&language=es&language=ar&category=hate_speech"
    "&category=dehumanisation&category=incitement&category=disinformation",
    "/public/insights/",
    "/api/v1/incidents",
    "/api/v1/incidents?q=refugees",
    "/api/v1/commitments",
    "/api/v1/letters",
    "/api/v1/letters/{published}",
    "/api/v1/letters/{published}/signatures",
    "/api/v1/organizations",
    "/api/v1/platforms",
]
MEMBER_PAGES = [
    "/",  # their workspace
    "/incidents/",
    "/incidents/?severity=3&reported=yes",
    "/incidents/?q=refugees",
    "/meetings/",
    "/insights/",
    "/letters/{open}",
    "/api/v1/meetings",
]


def statement_counts(app, shape, count_queries, sign_in_as) -> dict[str, int]:
    """Load ``shape`` and count each page's statements on a cold cache."""
    dataset.load(shape)
    dataset.reset_sequences()
    member = db.session.scalar(select(User).where(User.email == MEMBER))
    anonymous, signed_in = app.test_client(), sign_in_as(app.test_client(), member)
    letters = {"published": f"letter-{shape.letters:03d}", "open": "letter-001"}
    counts = {}
    for client, pages in ((anonymous, PUBLIC_PAGES), (signed_in, MEMBER_PAGES)):
        for page in pages:
            cache.clear()
            app.extensions.pop("recent_data_versions", None)  # what versions.recent remembers: a fresh worker
            with count_queries() as statements:
                response = client.get(page.format(**letters))
            assert response.status_code == 200, page
            counts[page] = len(statements)
    return counts


def test_list_and_public_pages_run_as_many_statements_with_ten_times_the_data(
    app, cleaner_engine, count_queries, sign_in_as
):
    few = statement_counts(app, SMALL, count_queries, sign_in_as)
    db.session.remove()
    empty_all_tables(cleaner_engine)
    many = statement_counts(app, LARGE, count_queries, sign_in_as)
    assert {page: (few[page], many[page]) for page in few if few[page] != many[page]} == {}
