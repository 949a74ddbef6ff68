"""A letter as a campaign page: its signatories by region and country, and how it is shared (links to share it
and the Open Graph / Twitter card description of it that link previews read)."""

from collections import Counter
from typing import NamedTuple
from urllib.parse import quote, urlencode

from babel import Locale
from babel.core import get_global
from flask_babel import lazy_gettext as _l

from app.core.geo import Region
from app.core.links import external_url
from app.letters.models import Letter, LetterRevision, Signature

PREVIEW_SIZE = (1200, 630)  # what Open Graph and Twitter's large card show without cropping


class RegionTally(NamedTuple):
    """How many signatories one region has, and how many each of its countries (ISO codes, most first, then by code)."""

    region: Region
    count: int
    countries: list[tuple[str, int]]


def signatory_breakdown(signatures: list[Signature]) -> list[RegionTally]:
    """The signatories by region of their organizations, most first, each region split by country. Signatories
    are published by name, so no count is held back (``app.core.disclosure`` is for incidents)."""
    by_region: dict[Region, Counter] = {}
    for signature in signatures:
        organization = signature.organization
        by_region.setdefault(organization.region, Counter())[organization.country] += 1
    tallies = [
        RegionTally(region, sum(countries.values()), sorted(countries.items(), key=lambda item: (-item[1], item[0])))
        for region, countries in by_region.items()
    ]
    return sorted(tallies, key=lambda tally: (-tally.count, tally.region))


class ShareLink(NamedTuple):
    name: str
    url: str


def share_links(page_url: str, title: str) -> list[ShareLink]:
    """Plain links that share the letter by email and on the common networks: no script of theirs on our page."""
    return [
        ShareLink(
            _l("Email"), "mailto:?" + urlencode({"subject": title, "body": f"{title}\n{page_url}"}, quote_via=quote)
        ),
        ShareLink("X (Twitter)", "https://x.com/intent/tweet?" + urlencode({"text": title, "url": page_url})),
        ShareLink("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": page_url})),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {page_url}"})),
        ShareLink("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page_url})),
        ShareLink("Telegram", "https://t.me/share/url?" + urlencode({"url": page_url, "text": title})),
    ]


def open_graph_locale(code: str) -> str:
    """Open Graph's ``language_TERRITORY`` form of a language code, with CLDR's likeliest territory (ar: ar_EG)."""
    locale = Locale.parse(get_global("likely_subtags").get(code, code))
    return f"{locale.language}_{locale.territory}"


def sharing(letter: Letter, text: LetterRevision) -> dict:
    """What the letter's page needs to be shared: its public address, its preview image's (drawn in the language
    of the text shown) and the share links."""
    page_url = external_url("letters.detail", slug=letter.slug)
    return {
        "page_url": page_url,
        "preview_url": external_url("letters.preview", slug=letter.slug, text=text.locale),
        "preview_size": PREVIEW_SIZE,
        "share_links": share_links(page_url, text.title),
        "og_locale": open_graph_locale(text.locale),
        "og_alternates": [open_graph_locale(locale) for locale in letter.locales if locale != text.locale],
    }
