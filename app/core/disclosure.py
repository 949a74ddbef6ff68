"""Statistical disclosure control: how any count of incidents may be shown, on every page, chart, CSV, API and PDF.

Small numbers single people out (the only group documenting in one language, one country, one month), so:

- 0 stays 0 (a true zero reveals no one);
- 1 to 4 are suppressed and read "fewer than 5";
- every other count, cells and totals alike, is rounded to the nearest multiple of 5 (8 reads 10).

Rounding is what stops a hidden cell from being recovered by subtraction: a total minus the cells beside it,
or one filter's total minus a neighbouring filter's, is only known to within a few incidents, never to the
one to four that were hidden. A rate is computed from the rounded counts, so it tells no more than they do.
SECURITY.md states the rule and what it leaves open.
"""

from flask_babel import gettext as _
from jinja2 import pass_context

from app.core import i18n

MIN_COUNT = 5
ROUNDING_BASE = 5


def protect(number: int | None) -> int | None:
    """``number`` as it may be shown: 0, None when suppressed (1 to 4), or rounded to the nearest multiple of
    ``ROUNDING_BASE``. Idempotent, so a count already protected can pass through again."""
    if number is None or 0 < number < MIN_COUNT:
        return None
    return (number + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE


def counts_shown_as(shown: int) -> range:
    """Every true count that ``protect`` shows as ``shown`` (not a suppressed one)."""
    if shown == 0:
        return range(0, 1)
    half = ROUNDING_BASE // 2
    return range(max(shown - half, MIN_COUNT), shown + half + 1)


def fewer_than(*, in_data: bool = False) -> str:
    """What a suppressed count reads, in the reader's language and digits; ``in_data`` (a CSV cell), its number
    in 0-9 as the rest of the data."""
    return _("fewer than %(num)s", num=str(MIN_COUNT) if in_data else i18n.display_number(MIN_COUNT))


def shown(number: int | None) -> str | int:
    """A count for a CSV cell: the protected number, or the words for a suppressed one."""
    protected = protect(number)
    return fewer_than(in_data=True) if protected is None else protected


@pass_context
def format_count(context, number: int | None) -> str:
    """The ``count`` template filter: a count protected, then formatted in the page's locale."""
    protected = protect(number)
    return fewer_than() if protected is None else i18n.format_number(context, protected)
