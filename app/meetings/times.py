"""Meeting times as people read them: the weekday, the date and the time to the minute (a meeting has no seconds),
in the reader's language and the way their language writes dates and hours ("Tuesday, December 1, 2026, 5:00 PM",
"mardi 1 décembre 2026, 17:00"). Zones are named with ``app.core.i18n.zone_label`` ("Nairobi (Kenya Time)")."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from flask_babel import get_locale

from app.core.i18n import native_digits


def _date_and_time(moment: datetime, zone: str, date_pattern: str, joining: str, locale: Locale | str | None) -> str:
    """``moment`` in ``zone``: its date as ``date_pattern`` and its short time (hours and minutes), joined the way the
    locale joins a date and a time at width ``joining`` (Babel's own ``format_datetime`` joins them so)."""
    locale = locale or get_locale()
    zone_info = ZoneInfo(zone)
    joined = (
        get_datetime_format(joining, locale=locale)
        .replace("'", "")
        .replace("{0}", format_time(moment, "short", tzinfo=zone_info, locale=locale))
        .replace("{1}", format_date(moment.astimezone(zone_info), date_pattern, locale=locale))
    )
    return native_digits(joined, locale)


def long_time(moment: datetime, zone: str, locale: Locale | str | None = None) -> str:
    """``moment`` (aware) in ``zone``, in full with its weekday, to the minute, in ``locale`` (the reader's by
    default): "Tuesday, December 1, 2026, 5:00 PM"."""
    return _date_and_time(moment, zone, "full", "full", locale)


def short_time(moment: datetime, zone: str, locale: Locale | str | None = None) -> str:
    """``moment`` (aware) in ``zone`` as its short weekday and time, for a row that already gives the date:
    "Tue, 5:00 PM", "mar. 17:00"."""
    return _date_and_time(moment, zone, "EEE", "short", locale)
