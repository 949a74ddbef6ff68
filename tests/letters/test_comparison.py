"""Letter versions compared word by word: whole words in every script, never a word cut in two, marked for
sight and for screen readers."""

import pytest

from app.extensions import db
from app.letters import services
from app.letters.comparison import Change, Kind, compare, tokens

SAME, REMOVED, ADDED = Kind.SAME, Kind.REMOVED, Kind.ADDED


def test_a_changed_word_is_removed_and_added_whole():
    assert compare("Hire moderators in Asia and Africa.", "Hire moderators in Asian languages and Africa.") == [
        Change(SAME, "Hire moderators in "),
        Change(REMOVED, "Asia"),
        Change(ADDED, "Asian languages"),
        Change(SAME, " and Africa."),
    ]


def test_neighbouring_changed_words_read_as_one_change():
    assert compare("the quick brown fox", "the slow red fox") == [
        Change(SAME, "the "),
        Change(REMOVED, "quick brown"),
        Change(ADDED, "slow red"),
        Change(SAME, " fox"),
    ]


def test_added_and_removed_sentences_and_lines():
    assert compare("One.\nTwo.", "One.\nTwo.\nThree.") == [Change(SAME, "One.\nTwo."), Change(ADDED, "\nThree.")]
    assert compare("Keep this. Drop this.", "Keep this.") == [
        Change(SAME, "Keep this."),
        Change(REMOVED, " Drop this."),
    ]


def test_unchanged_text_is_one_run_and_empty_text_none():
    assert compare("Same words.", "Same words.") == [Change(SAME, "Same words.")]
    assert compare("", "") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("किताब पढ़ो, अभी!", ["किताब", "पढ़ो", "अभी"]),  # vowel signs are marks, not letters
        ("كِتَابٌ جديد.", ["كِتَابٌ", "جديد"]),  # harakat
        ("اردو\u200cزبان ہے", ["اردو\u200cزبان", "ہے"]),  # the zero-width non-joiner inside a word
        ("Don’t stop; café", ["Don", "t", "stop", "café"]),
    ],
)
def test_words_keep_their_marks_and_joiners(text, words):
    assert "".join(tokens(text)) == text
    assert [token for token in tokens(text) if token[0].isalpha()] == words


def test_scripts_without_spaces_compare_character_by_character():
    assert compare("公开申诉", "公开透明申诉") == [Change(SAME, "公开"), Change(ADDED, "透明"), Change(SAME, "申诉")]


def test_a_changed_word_in_hindi_or_arabic_is_never_split():
    hindi = compare("हम मॉडरेटर चाहते हैं", "हम अधिक मॉडरेटर चाहते हैं")
    assert hindi == [Change(SAME, "हम"), Change(ADDED, " अधिक"), Change(SAME, " मॉडरेटर चाहते हैं")]
    arabic = compare("نطالب بمشرفين", "نطالب بمشرفين أكثر")
    assert arabic == [Change(SAME, "نطالب بمشرفين"), Change(ADDED, " أكثر")]


# The versions page.


def test_the_versions_page_marks_whole_words_for_sight_and_screen_readers(login, make_letter, personas):
    letter = make_letter(locale="ar", title="أوقفوا الكراهية", body="نطالب بمشرفين في آسيا.", demands=["الشفافية"])
    services.save_text(
        personas["steering"],
        letter,
        "ar",
        "أوقفوا الكراهية",
        "نطالب بمشرفين في أفريقيا.",
        ["الشفافية"],
        True,
        letter.edit_version,
    )
    db.session.commit()
    page = login(None).get(f"/letters/{letter.slug}/versions?lang=en").get_data(as_text=True)
    assert '<div class="word-diff" lang="ar" dir="rtl">نطالب بمشرفين في <del>' in page
    assert (
        '<del><span class="visually-hidden">Removed: </span>آسيا<span class="visually-hidden"> (end of removal)' in page
    )
    assert '<ins><span class="visually-hidden">Added: </span>أفريقيا<span class="visually-hidden">' in page
    assert page.count("No change.") == 2  # the title and the demands
