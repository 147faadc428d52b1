"""Periods and how they are counted (Reg 1182/71 Art 3; RULES D1, D3, D5, D10).

A ``Period`` is a signed count and a unit: ``10cd`` (calendar days), ``15wd``
(working days), ``3m`` (months), ``1y`` (years); a negative count (``-5wd``)
counts backwards from a date (D10). The counting helpers take the day *from*
which the period runs (never counted itself, D1) and note into a ``Trace``
every day they skip and every calendar year they consult, so a result can
always be explained (D6) and checked for dependence on a calendar year.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass

from .calendars import Calendar
from .errors import PeriodError
from .trace import Trace

UNITS = {
    "cd": ("calendar day", "calendar days"),
    "wd": ("working day", "working days"),
    "m": ("month", "months"),
    "y": ("year", "years"),
}
_PERIOD_RE = re.compile(r"^\s*([+-]?)\s*(\d{1,5})\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Period:
    """A signed number of calendar days, working days, months or years."""

    count: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise PeriodError(f"unknown period unit {self.unit!r} (use cd, wd, m or y)")
        if self.count == 0:
            raise PeriodError("a period must not be zero")

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """``10cd``, ``15wd``, ``3m``, ``1y``, ``-5wd``, ``+10cd``."""
        if isinstance(text, Period):
            return text
        m = _PERIOD_RE.match(str(text).lower())
        if not m:
            raise PeriodError(f"malformed period {text!r} (expected e.g. 10cd, 15wd, 3m, 1y, -5wd)")
        sign, digits, unit = m.groups()
        return cls(-int(digits) if sign == "-" else int(digits), unit)

    @property
    def backward(self) -> bool:
        return self.count < 0

    def describe(self) -> str:
        n = abs(self.count)
        words = UNITS[self.unit][n != 1]
        return f"{n} {words}" + (" before" if self.backward else "")

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def add_months(d: dt.date, months: int) -> dt.date:
    """Same date ``months`` later (or earlier), or the last day of a shorter month (D3, Art 3(2)(c))."""
    y, m0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    if not dt.MINYEAR <= y <= dt.MAXYEAR:
        raise PeriodError(f"{months} months from {d} is outside the supported dates")
    return dt.date(y, m0 + 1, min(d.day, _cal.monthrange(y, m0 + 1)[1]))


def count_period(start: dt.date, period: Period, calendar: Calendar, trace: Trace, note: str = "") -> dt.date:
    """The raw last day of ``period`` running from ``start`` (``start`` not counted, D1).

    Calendar days include Saturdays, Sundays and holidays (Art 3(3)); working
    days skip them, and each skipped day goes into the trace (D2).
    """
    n = period.count
    try:
        if period.unit == "cd":
            last = start + dt.timedelta(days=n)
        elif period.unit == "m":
            last = add_months(start, n)
        elif period.unit == "y":
            last = add_months(start, 12 * n)
        else:
            last = calendar.add_working_days(start, n)
            lo, hi = sorted((start + dt.timedelta(days=1 if n > 0 else -1), last))
            trace.consult(calendar, lo, hi)
            for day, reason in calendar.non_working_days(lo, hi):
                trace.skip(day, reason, "not a working day, not counted (D2)")
    except OverflowError:
        raise PeriodError(f"{period} from {start} is outside the supported dates") from None
    trace.step(f"{note}{period.describe()} from {start.isoformat()} -> {last.isoformat()}")
    return last


def roll_forward(last: dt.date, calendar: Calendar, trace: Trace) -> dt.date:
    """Move a last day that is a Saturday, Sunday or holiday to the next working day (Art 3(4), D5)."""
    rolled = calendar.next_working_day(last)
    trace.consult(calendar, last, rolled)
    if rolled != last:
        for day, reason in calendar.non_working_days(last, rolled - dt.timedelta(days=1)):
            trace.skip(day, reason, "last day not a working day: moved forward (Art 3(4))")
        trace.roll_forward_applied = True
        trace.step(f"{last.isoformat()} is not a working day -> end of the next working day "
                   f"{rolled.isoformat()} ({calendar.place} calendar; Reg 1182/71 Art 3(4))")
    return rolled


def ensure_two_working_days(first: dt.date, last: dt.date, calendar: Calendar, trace: Trace) -> dt.date:
    """Extend ``last`` so that ``[first, last]`` holds at least two working days (Art 3(5), D5)."""
    trace.consult(calendar, first, last)
    if calendar.working_days_between(first, last) >= 2:
        return last
    second = calendar.add_working_days(first - dt.timedelta(days=1), 2)
    trace.consult(calendar, last, second)
    for day, reason in calendar.non_working_days(last + dt.timedelta(days=1), second):
        trace.skip(day, reason, "period extended to hold two working days (Art 3(5))")
    trace.art_3_5_applied = True
    trace.step(f"{first.isoformat()}..{last.isoformat()} holds fewer than two working days -> "
               f"extended to {second.isoformat()} (Reg 1182/71 Art 3(5))")
    return second
