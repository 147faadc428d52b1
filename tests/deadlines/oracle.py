"""Independent oracles for the deadline tests; they share no code with the engine.

numpy's business-day functions are fed with the same holiday *data*;
dateutil gives months (relativedelta) and Easter.
"""

from __future__ import annotations

import datetime as dt

import numpy as np


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def holiday_array(calendar) -> np.ndarray:
    """All holiday dates of a calendar as numpy's ``holidays=`` argument."""
    return np.array([h.date for y in calendar.years.values() for h in y.holidays], dtype="datetime64[D]")


def np_day(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "D")


def py_day(value: np.datetime64) -> dt.date:
    return value.astype("datetime64[D]").astype(dt.date)


def nth_working_day(start: dt.date, n: int, holidays: np.ndarray) -> dt.date:
    """n-th working day after (n > 0) or before (n < 0) ``start``, start not counted.

    busday_offset counts from the start itself once rolled, so roll 'preceding'
    forwards (a non-working start behaves like the working day before it) and
    'following' backwards.
    """
    roll = "preceding" if n > 0 else "following"
    return py_day(np.busday_offset(np_day(start), n, roll=roll, holidays=holidays))


def is_working_day(day: dt.date, holidays: np.ndarray) -> bool:
    return bool(np.is_busday(np_day(day), holidays=holidays))


def working_days_in(first: dt.date, last: dt.date, holidays: np.ndarray) -> int:
    """Working days in [first, last]."""
    return int(np.busday_count(np_day(first), np_day(last + dt.timedelta(days=1)), holidays=holidays))
