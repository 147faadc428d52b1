"""What the portal's templates use to write dates, times and periods in the page's language.

No words here: dates are written by the catalogues' patterns and Babel's CLDR data
(:func:`casework.notifications.catalogue.day`), times as 24-hour clock figures, the zone as its
abbreviation (CET, CEST); the templates say "Brussels time" through the catalogues.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import g

from ...clock import BRUSSELS
from ...deadlines import Period
from ...notifications import catalogue
from ...notifications.templates import number
from .pages import brussels_day


def _language() -> str:
    me = g.get("me")
    return me.language if me is not None else "EN"


def day(value: str | date | datetime | None) -> str:
    """A date, or the Brussels day of an instant, in words ("1 April 2022", "1er avril 2022")."""
    if value in (None, ""):
        return ""
    return catalogue.day(brussels_day(value), _language())


def when(value: str | datetime | None) -> dict[str, str] | None:
    """An instant in Brussels: its day in words, the time (24-hour clock) and the zone's abbreviation."""
    if value in (None, ""):
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(BRUSSELS)
    return {"iso": local.isoformat(), "day": catalogue.day(local.date(), _language()),
            "time": local.strftime("%H:%M"), "zone": local.tzname() or "Europe/Brussels"}


def period(text: str | None) -> dict[str, Any] | None:
    """A rule's period (``10cd``, ``15wd``, ``3m``) as a count and a unit code for the templates' words."""
    if not text:
        return None
    parsed = Period.parse(text)
    return {"count": abs(parsed.count), "unit": parsed.unit, "backward": parsed.backward}


def num(value: object) -> str:
    """A mark, a score or a weight as the page's language writes numbers ("14,74"; never "15.0000")."""
    return "" if value is None else number(value, _language())


def day_as_filed(value: str) -> str:
    """A day a candidate filed (the day of a test, the date a decision was due), in words when it is a
    date or an instant, else as it was filed (the command line stores what it is given)."""
    try:
        return day(value)
    except (ValueError, OverflowError):      # not a date; or an instant at the calendar's edge
        return value


def template_helpers() -> dict[str, Any]:
    return {"day": day, "day_as_filed": day_as_filed, "when": when, "period": period, "num": num}
