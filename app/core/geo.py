"""Countries (ISO 3166-1 alpha-2, names from CLDR in the reader's language) and regions."""

from enum import StrEnum
from functools import cache

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l


class Region(StrEnum):
    AFRICA = "africa"
    ASIA_PACIFIC = "asia_pacific"
    EUROPE = "europe"
    LATIN_AMERICA = "latin_america"
    MIDDLE_EAST = "middle_east"
    NORTH_AMERICA = "north_america"


REGION_LABELS = {
    Region.AFRICA: _l("Africa"),
    Region.ASIA_PACIFIC: _l("Asia and the Pacific"),
    Region.EUROPE: _l("Europe and Central Asia"),
    Region.LATIN_AMERICA: _l("Latin America and the Caribbean"),
    Region.MIDDLE_EAST: _l("Middle East and North Africa"),
    Region.NORTH_AMERICA: _l("North America"),
}

# Where each country belongs, so an organization's region follows from its country.
_REGION_COUNTRIES = {
    Region.AFRICA: "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU MW "
    "MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW",
    Region.ASIA_PACIFIC: "AF AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN IO JP KH KI KP KR LA LK MH MM MN MO MP "
    "MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW UM VN VU WF WS",
    Region.EUROPE: "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IM IS "
    "IT JE KG KZ LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TJ TM TR UA UZ VA XK",
    Region.LATIN_AMERICA: "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GT GY HN HT JM "
    "KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    Region.MIDDLE_EAST: "AE BH DZ EG EH IL IQ IR JO KW LB LY MA OM PS QA SA SY TN YE",
    Region.NORTH_AMERICA: "BM CA GL PM US",
}
COUNTRY_REGION = {code: region for region, codes in _REGION_COUNTRIES.items() for code in codes.split()}
COUNTRY_CODES = frozenset(COUNTRY_REGION)


def region_for(country: str) -> Region:
    """The region of an ISO 3166-1 alpha-2 code; raises KeyError for unknown codes."""
    return COUNTRY_REGION[country.upper()]


@cache
def _territories(locale: str) -> dict[str, str]:
    """CLDR's country names in ``locale``, read once per worker (lists name a country on every row)."""
    return dict(Locale.parse(locale).territories)


def country_name(code: str, locale: str | None = None) -> str:
    """The country's name in ``locale`` (the reader's by default)."""
    return _territories(locale or str(get_locale())).get(code.upper(), code.upper())


def country_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the reader's language."""
    territories = _territories(locale or str(get_locale()))
    return sorted(((code, territories.get(code, code)) for code in COUNTRY_CODES), key=lambda pair: pair[1])
