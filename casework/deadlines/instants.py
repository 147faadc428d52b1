"""Days and instants (D4).

Periods are counted in whole days of Brussels local time; a deadline is an
instant: the end of its last day (24:00 Brussels, i.e. 00:00 of the next day)
or a given time of day in Brussels (e.g. 12:00 for applications). Instants are
returned as aware UTC datetimes, so the same deadline is 23:00Z in winter and
22:00Z in summer.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .calendars import DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR
from .errors import CalendarRangeError, DeadlineError

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC


def out_of_range(what: str) -> CalendarRangeError:
    """``what`` (a date or an instant) lies where no date can be counted: at the very edge of what a date
    can hold (year 1, year 9999), far outside every calendar."""
    return CalendarRangeError(f"{what} is outside the dates a deadline can be counted from: the calendars "
                              f"cover {DEFAULT_FIRST_YEAR}-{DEFAULT_LAST_YEAR} (and the years an administrator "
                              "records)")


def local_date(event: dt.date | dt.datetime) -> dt.date:
    """The Brussels calendar day of an event; an instant must be timezone-aware. A day at the edge of
    what a date can hold (1 January of year 1, 31 December 9999: no day before or after it) is refused
    with a :class:`CalendarRangeError`, never an ``OverflowError``."""
    if isinstance(event, dt.datetime):
        if event.tzinfo is None or event.utcoffset() is None:
            raise DeadlineError(f"event instant {event.isoformat()} has no time zone; give an offset or a date")
        try:
            day = event.astimezone(BRUSSELS).date()
        except OverflowError:
            raise out_of_range(event.isoformat()) from None
    else:
        day = event
    if day in (dt.date.min, dt.date.max):
        raise out_of_range(event.isoformat())
    return day


def parse_when(text: str) -> dt.date | dt.datetime:
    """``2025-05-02`` (a date) or an ISO instant with offset (``2025-05-02T23:30:00+00:00``)."""
    text = text.strip()
    try:
        value = (dt.date.fromisoformat(text) if len(text) == 10
                 else dt.datetime.fromisoformat(text))   # Python 3.11 reads a trailing "Z" as UTC itself
    except ValueError:
        raise DeadlineError(f"malformed date or instant {text!r} (use 2025-05-02 or 2025-05-02T10:00:00+02:00)") from None
    local_date(value)  # rejects naive instants and days at the edge of what a date can hold
    return value


def deadline_instant(last_day: dt.date, time_of_day: dt.time | None = None) -> dt.datetime:
    """The UTC instant at which a period whose last day is ``last_day`` expires (D4)."""
    try:
        if time_of_day is None:
            local = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=BRUSSELS)
        else:
            local = dt.datetime.combine(last_day, time_of_day, tzinfo=BRUSSELS)
        return local.astimezone(UTC)
    except OverflowError:
        raise out_of_range(f"the last day {last_day.isoformat()}") from None
