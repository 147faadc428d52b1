"""Bulk "n working days from date" over numpy arrays.

Uses the calendar's own precomputed index (working days strictly before each
day, and the ordered list of working days) as numpy arrays, so one call is two
vectorised look-ups; it does not call ``numpy.busday_offset``. Semantics are
those of the single call: the start day is not counted (D1), n > 0 counts
forwards, n < 0 backwards; the result is always a working day, so Art 3(4)
roll-forward never changes it.
"""

from __future__ import annotations

import weakref

import numpy as np

from .calendars import Calendar, CalendarSet, default_calendars
from .errors import CalendarRangeError, DeadlineError

_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal(): day 0 of datetime64[D]
_ARRAYS: weakref.WeakKeyDictionary[Calendar, tuple[np.ndarray, np.ndarray, int]] = weakref.WeakKeyDictionary()


def _arrays(calendar: Calendar) -> tuple[np.ndarray, np.ndarray, int]:
    """(working days before each day, working days as datetime64 day numbers, first day number)."""
    cached = _ARRAYS.get(calendar)
    if cached is None:
        before = np.asarray(calendar._before, dtype=np.int32)
        workdays = np.asarray(calendar._workdays, dtype=np.int64) - _EPOCH_ORDINAL
        cached = _ARRAYS[calendar] = (before, workdays, calendar._base - _EPOCH_ORDINAL)
    return cached


def add_working_days_bulk(dates: np.ndarray, counts: np.ndarray, place: str = "brussels",
                          calendars: CalendarSet | None = None) -> np.ndarray:
    """Element-wise n-th working day after (n > 0) or before (n < 0) each date, as ``datetime64[D]``."""
    calendar = (calendars or default_calendars())[place]
    before, workdays, first_day = _arrays(calendar)
    i = np.asarray(dates, dtype="datetime64[D]").astype(np.int64) - first_day
    n = np.asarray(counts, dtype=np.int64)
    if i.size == 0:
        return np.empty(np.broadcast(i, n).shape, dtype="datetime64[D]")
    if i.min() < 0 or i.max() >= len(before) - 1:
        raise CalendarRangeError(f"a date lies outside the {place} calendar "
                                 f"({calendar.first_year}-{calendar.last_year})")
    if not n.all():
        raise DeadlineError("a working-day count must not be zero")
    if n.min() > 0:  # the common case: a single gather
        k = before[i + 1] + (n - 1)
    elif n.max() < 0:
        k = before[i] + n
    else:
        k = np.where(n > 0, before[i + 1] + (n - 1), before[i] + n)
    if k.min() < 0 or k.max() >= len(workdays):
        raise CalendarRangeError(f"a result lies outside the {place} calendar "
                                 f"({calendar.first_year}-{calendar.last_year})")
    return workdays[k].view("datetime64[D]")
