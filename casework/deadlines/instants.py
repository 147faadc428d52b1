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

from .errors import DeadlineError

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC


def local_date(event: dt.date | dt.datetime) -> dt.date:
    """The Brussels calendar day of an event; an instant must be timezone-aware."""
    if isinstance(event, dt.datetime):
        if event.tzinfo is None or event.utcoffset() is None:
            raise DeadlineError(f"event instant {event.isoformat()} has no time zone; give an offset or a date")
        return event.astimezone(BRUSSELS).date()
    return event


def parse_when(text: str) -> dt.date | dt.datetime:
    """``2025-05-02`` (a date) or an ISO instant with offset (``2025-05-02T23:30:00+00:00``)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        value = dt.datetime.fromisoformat(text)   # Python 3.11 reads a trailing "Z" as UTC itself
    except ValueError:
        raise DeadlineError(f"malformed date or instant {text!r} (use 2025-05-02 or 2025-05-02T10:00:00+02:00)") from None
    local_date(value)  # rejects naive instants
    return value


def deadline_instant(last_day: dt.date, time_of_day: dt.time | None = None) -> dt.datetime:
    """The UTC instant at which a period whose last day is ``last_day`` expires (D4)."""
    if time_of_day is None:
        local = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=BRUSSELS)
    else:
        local = dt.datetime.combine(last_day, time_of_day, tzinfo=BRUSSELS)
    return local.astimezone(UTC)
