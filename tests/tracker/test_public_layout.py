"""What the public tracker pages say in words: the score, whose word each status is, the embed and its snippet."""

import html
import re
from datetime import date

import pytest

from app.tracker.vocab import Area, Claimed, Verified

PILL = re.compile(
    r'<span class="status-pill status-(claimed|verified) [^"]*">\s*<span class="status-who">([^<]+)</span>'
)


@pytest.fixture
def kenya_watch(platform_factory, make_commitment, record):
    """Like the demo: a platform with three commitments, one verified as done, one contradicted, one not assessed."""
    platform = platform_factory(name="Chirp", slug="chirp", company="Chirp Holdings")
    plan = [
        ("Fund Swahili moderators", Area.LANGUAGES, Claimed.IMPLEMENTED, Verified.CONFIRMED),
        ("End exemptions for politicians", Area.EXEMPTIONS, Claimed.IMPLEMENTED, Verified.CONTRADICTED),
        ("Open data to researchers", Area.TRANSPARENCY, Claimed.NO_RESPONSE, Verified.NOT_ASSESSED),
    ]
    for title, area, claimed, verified in plan:
        commitment = make_commitment(platform, title=title, area=area)
        if claimed != Claimed.NO_RESPONSE:
            record(commitment, date(2026, 5, 1), claimed, verified, 100)
    return platform


def test_every_status_pill_says_whose_word_it_is(client, kenya_watch):
    for path in ("/tracker/", "/tracker/platforms/chirp"):
        page = client.get(path).get_data(as_text=True)
        assert page.count('<span class="status-pill ') == 6, path  # two per commitment
        assert sorted(set(PILL.findall(page))) == [
            ("claimed", "The platform says"),
            ("verified", "The coalition verifies"),
        ], path
        assert len(PILL.findall(page)) == 6, path


def test_the_overview_card_explains_the_score_in_words(client, kenya_watch):
    card = client.get("/tracker/").get_data(as_text=True).split('<article class="platform-card"', 1)[1]
    card = card.split("</article>", 1)[0]
    assert "Chirp" in card and 'class="lettermark' in card and ">C</span>" in card
    # (1 confirmed − ½ contradicted) ÷ 3 commitments = 17 of 100.
    assert "<strong>17</strong>/100" in card
    assert "1 of 3 commitments verified as done" in card
    assert "1 contradicted by evidence, counted as minus half" in card
    assert "2 of 3 done" in card.split("The coalition verifies", 1)[0]  # the platform says it did two


def test_the_platform_page_has_its_summary_and_commitment_cards_by_area(client, kenya_watch):
    page = client.get("/tracker/platforms/chirp").get_data(as_text=True)
    summary = page.split('<header class="platform-summary">', 1)[1].split("</header>", 1)[0]
    assert "1 of 3 commitments verified as done" in summary and "Chirp Holdings" in page
    assert "Scorecard by platform" not in page  # not the all-platforms table any more
    areas = re.findall(r'<h2 id="area-(\w+)">', page)
    assert areas == ["exemptions", "languages", "transparency"]  # in the order of the coalition's demands
    assert page.count('<article class="commitment-card"') == 3


def embed_snippet(page: str) -> str:
    """The code to paste, as the read-only field holds it (and a reader copies it)."""
    field = re.search(r'<textarea id="embed-snippet"([^>]*)>([^<]*)</textarea>', page)
    assert "readonly" in field.group(1)
    return html.unescape(field.group(2))


def test_the_platform_page_offers_the_embed_snippet_to_copy(client, kenya_watch):
    page = client.get("/tracker/platforms/chirp").get_data(as_text=True)
    assert embed_snippet(page) == (
        '<iframe src="https://coalition.test/tracker/platforms/chirp/embed" title="Scorecard of Chirp"'
        ' width="400" height="480" loading="lazy"></iframe>'
    )
    assert '<label for="embed-snippet">' in page
    button = re.search(r'<button [^>]*data-copy="embed-snippet"[^>]*>', page).group(0)
    assert "hidden" in button and 'data-copied="Copied"' in button  # shown, and answering, by app.js


def test_a_quote_in_a_platform_name_stays_inside_the_snippet_attribute(client, platform_factory):
    platform_factory(name='The "Best" <App>', slug="best")
    snippet = embed_snippet(client.get("/tracker/platforms/best").get_data(as_text=True))
    assert 'title="Scorecard of The &#34;Best&#34; &lt;App&gt;"' in snippet


def test_the_embed_is_a_compact_scorecard(client, kenya_watch):
    embed = client.get("/tracker/platforms/chirp/embed").get_data(as_text=True)
    assert '<main class="embed-card">' in embed and "1 of 3 commitments verified as done" in embed
    assert "The platform says" in embed and "The coalition verifies" in embed
    assert 'href="https://coalition.test/tracker/platforms/chirp" target="_blank"' in embed
    assert "<script" not in embed


def test_the_labels_are_translated_and_arabic_pages_run_right_to_left(client, kenya_watch):
    for path in ("/tracker/?lang=ar", "/tracker/platforms/chirp?lang=ar", "/tracker/platforms/chirp/embed?lang=ar"):
        page = client.get(path).get_data(as_text=True)
        assert 'dir="rtl"' in page, path
        for english in ("The platform says", "The coalition verifies", "commitments verified as done"):
            assert english not in page, (path, english)
