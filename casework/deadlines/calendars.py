"""Holiday calendars per place and per year (D2).

Working days are every day except Saturdays, Sundays and the public holidays of
the institution where the act is to be done (Reg 1182/71 Art 2(2)): for EPSO and
the appointing authority the Commission's Brussels list (place ``brussels``),
for the General Court the Court's Luxembourg list (place ``court``).

Holidays are data. A year is either *generated* from the usual pattern and
marked ``provisional``, or *loaded* from an official list and marked
``confirmed`` (an administrator checks it against the official decision). A
calendar covers a contiguous range of years; asking about a date outside it
raises ``CalendarRangeError`` instead of silently treating it as a normal year.

Each ``Calendar`` precomputes, once, for every day of its range the number of
working days strictly before it, and the list of working days in order. Every
working-day question (n-th working day after or before a date, next working
day, working days in a span) is then one or two list look-ups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from .errors import CalendarRangeError, DeadlineError

PROVISIONAL = "provisional"
CONFIRMED = "confirmed"
STATUSES = (PROVISIONAL, CONFIRMED)

DEFAULT_FIRST_YEAR = 2000
DEFAULT_LAST_YEAR = 2050

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (Anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@dataclass(frozen=True, order=True)
class Holiday:
    """One non-working day with the name shown in a deadline's trace."""

    date: dt.date
    name: str

    def to_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "weekday": WEEKDAY_NAMES[self.date.weekday()], "name": self.name}


@dataclass(frozen=True)
class CalendarYear:
    """The holiday list of one place for one year, with its status and source (D2)."""

    place: str
    year: int
    holidays: tuple[Holiday, ...]
    status: str = PROVISIONAL
    source: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise DeadlineError(f"calendar status must be one of {STATUSES}, not {self.status!r}")
        for h in self.holidays:
            if h.date.year != self.year:
                raise DeadlineError(f"holiday {h.date} ({h.name}) is not in year {self.year}")
        object.__setattr__(self, "holidays", tuple(sorted(set(self.holidays))))

    KEYS = ("place", "year", "holidays", "source", "status")
    HOLIDAY_KEYS = ("date", "name", "weekday")      # the weekday, as to_dict writes it, must be the date's

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, status: str = CONFIRMED) -> CalendarYear:
        """Load an official list: ``{"place", "year", "holidays": [{"date", "name"}], "source", "status"?}``.

        A loaded list is ``confirmed`` unless the data says otherwise. A key the format does not know is
        refused (a typo such as ``holiday`` or ``sources`` is not ignored), at the top and in a holiday;
        ``place``, ``source``, ``status`` and a holiday's ``date`` and ``name`` are strings, ``year`` a
        whole number, ``holidays`` a list.
        """
        if not isinstance(data, Mapping):
            raise DeadlineError(f"malformed calendar year data: an object is expected, not {type(data).__name__}")
        _known_keys(data, cls.KEYS, "")
        for key in ("place", "year", "holidays"):
            if key not in data:
                raise DeadlineError(f"malformed calendar year data: {key} is missing")
        year, listed = data["year"], data["holidays"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise DeadlineError(f"malformed calendar year data: year must be a whole number, not {_shown(year)}")
        if not isinstance(listed, list):
            raise DeadlineError("malformed calendar year data: holidays must be a list of {\"date\", \"name\"}")
        holidays = []
        for i, entry in enumerate(listed):
            where = f"holidays[{i}]"
            if not isinstance(entry, Mapping):
                raise DeadlineError(f"malformed calendar year data: {where} must be an object {{\"date\", \"name\"}}")
            _known_keys(entry, cls.HOLIDAY_KEYS, f"{where}.")
            day, name = _text(entry, "date", where), _text(entry, "name", where)
            try:
                date = dt.date.fromisoformat(day) if len(day) == 10 else None
            except ValueError:
                date = None
            if date is None:
                raise DeadlineError(f"malformed calendar year data: {where}.date: {_shown(day)} is not a date "
                                    "YYYY-MM-DD")
            if "weekday" in entry and entry["weekday"] != WEEKDAY_NAMES[date.weekday()]:
                raise DeadlineError(f"malformed calendar year data: {where}.weekday: {day} is a "
                                    f"{WEEKDAY_NAMES[date.weekday()]}, not {_shown(entry['weekday'])}")
            holidays.append(Holiday(date, name))
        return cls(place=_text(data, "place", ""), year=year, holidays=tuple(holidays),
                   status=_text(data, "status", "") if "status" in data else status,
                   source=_text(data, "source", "") if "source" in data else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "year": self.year,
            "status": self.status,
            "source": self.source,
            "holidays": [h.to_dict() for h in self.holidays],
        }


def _shown(value: Any) -> str:
    """A value of a refused file as a message shows it: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _known_keys(data: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in known:
            raise DeadlineError(f"malformed calendar year data: {where}{_shown(key)}: unknown key (known here: "
                                f"{', '.join(sorted(known))})")


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        place = f"{where}.{key}" if where else key
        raise DeadlineError(f"malformed calendar year data: {place} must be a string, not {_shown(value)}")
    return value


@dataclass(frozen=True)
class HolidayPattern:
    """The holidays of a place as a rule per year, used to generate its years (D2).

    ``fixed`` are (month, day, name, first year it applies); ``easter`` are (offset from Easter
    Sunday, name). Years from ``confirmed_from`` on are generated ``confirmed``: the list is a
    standing decision (the Court's), not a yearly one still to be published (the Commission's).
    """

    place: str
    fixed: tuple[tuple[int, int, str, int], ...]
    easter: tuple[tuple[int, str], ...]
    source: str
    confirmed_from: int | None = None
    source_before: str = ""  # the source of the years before ``confirmed_from``

    def year(self, year: int) -> CalendarYear:
        """Generate ``year``; holidays falling on a Saturday or Sunday are left out."""
        days = [Holiday(dt.date(year, m, d), name) for m, d, name, since in self.fixed if year >= since]
        sunday = easter_sunday(year)
        days += [Holiday(sunday + dt.timedelta(days=off), name) for off, name in self.easter]
        weekdays = tuple(h for h in days if h.date.weekday() < 5)
        if self.confirmed_from is not None and year >= self.confirmed_from:
            return CalendarYear(self.place, year, weekdays, CONFIRMED, self.source)
        return CalendarYear(self.place, year, weekdays, PROVISIONAL, self.source_before or self.source)


_ALWAYS = 0
_BRUSSELS_FIXED = (
    (1, 1, "New Year's Day", _ALWAYS),
    (1, 2, "Day after New Year's Day", _ALWAYS),
    (5, 1, "Labour Day", _ALWAYS),
    (5, 9, "Anniversary of the Schuman Declaration (Europe Day)", _ALWAYS),
    (7, 21, "Belgian National Day", _ALWAYS),
    (8, 15, "Assumption", _ALWAYS),
    (11, 1, "All Saints' Day", _ALWAYS),
    (11, 2, "All Souls' Day", _ALWAYS),
    (12, 24, "Christmas Eve (end-of-year closure)", _ALWAYS),
    (12, 25, "Christmas Day", _ALWAYS),
    (12, 26, "St Stephen's Day (end-of-year closure)", _ALWAYS),
    *((12, d, "End-of-year closure", _ALWAYS) for d in range(27, 32)),
)
_BRUSSELS_EASTER = (
    (-3, "Maundy Thursday"),
    (-2, "Good Friday"),
    (1, "Easter Monday"),
    (39, "Ascension Day"),
    (40, "Day after Ascension Day"),
    (50, "Whit Monday"),
)
# D2: the Court's own, much shorter list. Maundy Thursday, Good Friday, the day after Ascension,
# 21 July, 2 November and the Christmas closure are working days of the Court.
COURT_SINCE_2019 = 2019
_COURT_FIXED = (
    (1, 1, "New Year's Day", _ALWAYS),
    (5, 1, "Labour Day", _ALWAYS),
    (5, 9, "Europe Day", COURT_SINCE_2019),
    (6, 23, "Luxembourg National Day", _ALWAYS),
    (8, 15, "Assumption", _ALWAYS),
    (11, 1, "All Saints' Day", _ALWAYS),
    (12, 25, "Christmas Day", _ALWAYS),
    (12, 26, "St Stephen's Day", _ALWAYS),
)
_COURT_EASTER = (
    (1, "Easter Monday"),
    (39, "Ascension Day"),
    (50, "Whit Monday"),
)
COURT_SOURCE = ("Court of Justice, decision on official holidays (OJ C 156, 7.5.2019, p. 4; OJ C 95, 23.3.2020, "
                "p. 2), a standing list that also applies to the General Court (Rules of Procedure of the "
                "General Court Art 58) (RULES D2)")

PATTERNS: dict[str, HolidayPattern] = {
    "brussels": HolidayPattern(
        "brussels", _BRUSSELS_FIXED, _BRUSSELS_EASTER,
        "generated from the usual pattern of the Commission's list for staff in Brussels (RULES D2); "
        "provisional until an administrator confirms the year against the Commission's decision",
    ),
    "court": HolidayPattern(
        "court", _COURT_FIXED, _COURT_EASTER, COURT_SOURCE, confirmed_from=COURT_SINCE_2019,
        source_before="the Court's standing list without 9 May, which it added in 2019 (RULES D2); "
                      "provisional: years before 2019 are not checked against the decision then in force",
    ),
}


class Calendar:
    """Working days of one place over a contiguous range of years.

    Treated as immutable: ``with_year`` returns a new calendar. The index lists
    (``_before``, ``_workdays``) are shared with the fast paths in ``periods``
    and ``bulk``.
    """

    def __init__(self, place: str, years: Iterable[CalendarYear]):
        by_year = {y.year: y for y in years}
        if not by_year:
            raise DeadlineError(f"calendar {place!r} has no years")
        first, last = min(by_year), max(by_year)
        missing = sorted(set(range(first, last + 1)) - set(by_year))
        if missing:
            raise DeadlineError(f"calendar {place!r} has gaps: no list for {missing}")
        for y in by_year.values():
            if y.place != place:
                raise DeadlineError(f"year {y.year} belongs to place {y.place!r}, not {place!r}")
        self.place = place
        self.years: Mapping[int, CalendarYear] = dict(sorted(by_year.items()))
        self.first_year, self.last_year = first, last
        self._names = {h.date.toordinal(): h.name for y in self.years.values() for h in y.holidays}
        self._base = dt.date(first, 1, 1).toordinal()
        end = dt.date(last, 12, 31).toordinal()
        # _before[i]: working days strictly before day base+i (length = days + 1).
        # _workdays[k]: ordinal of the (k+1)-th working day of the range.
        before, workdays = [0], []
        for o in range(self._base, end + 1):
            if (o - 1) % 7 < 5 and o not in self._names:  # ordinal 1 (0001-01-01) is a Monday
                workdays.append(o)
            before.append(len(workdays))
        self._before = before
        self._workdays = workdays
        self._end = end

    # -- range -------------------------------------------------------------
    def _index(self, d: dt.date) -> int:
        i = d.toordinal() - self._base
        if not 0 <= i <= self._end - self._base:
            raise self._range_error(d.year)
        return i

    def _range_error(self, year: int) -> CalendarRangeError:
        return CalendarRangeError(
            f"no {self.place} calendar for {year} (calendars cover {self.first_year}-{self.last_year})"
        )

    def year(self, year: int) -> CalendarYear:
        """The holiday list of ``year``; ``CalendarRangeError`` outside the range."""
        try:
            return self.years[year]
        except KeyError:
            raise self._range_error(year) from None

    def with_year(self, year: CalendarYear) -> Calendar:
        """A new calendar where ``year`` replaces (or extends the range by) that year's list."""
        return Calendar(self.place, {**self.years, year.year: year}.values())

    def confirmed_only(self) -> Calendar:
        """The same range with the holidays of every unconfirmed year left out (weekends stay)."""
        return Calendar(self.place, (y if y.status == CONFIRMED else CalendarYear(y.place, y.year, (), y.status, y.source)
                                     for y in self.years.values()))

    # -- single days ---------------------------------------------------------
    def is_working_day(self, d: dt.date) -> bool:
        i = self._index(d)
        return self._before[i + 1] != self._before[i]

    def non_working_reason(self, d: dt.date) -> str | None:
        """``None`` for a working day, else ``Saturday``/``Sunday`` or the holiday's name."""
        self._index(d)
        wd = d.weekday()
        if wd >= 5:
            return WEEKDAY_NAMES[wd]
        return self._names.get(d.toordinal())

    # -- counting ----------------------------------------------------------
    def _workday(self, k: int, year_hint: int) -> dt.date:
        if not 0 <= k < len(self._workdays):
            raise self._range_error(year_hint)
        return dt.date.fromordinal(self._workdays[k])

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after ``d`` (n > 0) or before ``d`` (n < 0); ``d`` is not counted (D1)."""
        i = self._index(d)
        if n > 0:
            return self._workday(self._before[i + 1] + n - 1, self.last_year + 1)
        if n < 0:
            return self._workday(self._before[i] + n, self.first_year - 1)
        raise DeadlineError("a working-day count must not be zero")

    def next_working_day(self, d: dt.date) -> dt.date:
        """``d`` itself if it is a working day, else the first working day after it (D5)."""
        return self._workday(self._before[self._index(d)], self.last_year + 1)

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Number of working days in ``[first, last]`` (both included)."""
        return self._before[self._index(last) + 1] - self._before[self._index(first)]

    def non_working_days(self, first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, str]]:
        """Each non-working day in ``[first, last]`` with its reason, for the trace."""
        i, j = self._index(first), self._index(last)
        for k in range(i, j + 1):
            if self._before[k + 1] == self._before[k]:
                day = dt.date.fromordinal(self._base + k)
                yield day, self.non_working_reason(day)  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Calendar({self.place!r}, {self.first_year}-{self.last_year})"


@dataclass(frozen=True)
class CalendarSet:
    """The calendars of all places; the unit that recomputation compares (old vs new)."""

    calendars: Mapping[str, Calendar] = field(default_factory=dict)

    def __getitem__(self, place: str) -> Calendar:
        try:
            return self.calendars[place]
        except KeyError:
            raise DeadlineError(f"unknown calendar place {place!r} (known: {', '.join(self.calendars)})") from None

    def with_year(self, year: CalendarYear) -> CalendarSet:
        """A new set in which ``year`` (e.g. a confirmed official list) replaces the old list."""
        return CalendarSet({**self.calendars, year.place: self[year.place].with_year(year)})

    @cached_property
    def confirmed_only(self) -> CalendarSet:
        """D2: the calendars a date shown to a candidate is computed with, so that it never rests on
        a holiday of a year nobody has confirmed yet (built once per set, when first needed)."""
        return CalendarSet({place: cal.confirmed_only() for place, cal in self.calendars.items()})

    def changed_years(self, other: CalendarSet) -> set[tuple[str, int]]:
        """(place, year) pairs whose holiday list or status differs between ``self`` and ``other``
        (confirming a year moves the dates shown to candidates, D2)."""
        changed = set()
        for place in set(self.calendars) | set(other.calendars):
            mine = self.calendars.get(place)
            theirs = other.calendars.get(place)
            years = set(mine.years if mine else ()) | set(theirs.years if theirs else ())
            for y in years:
                a = mine.years.get(y) if mine else None
                b = theirs.years.get(y) if theirs else None
                if a is None or b is None or (a.holidays, a.status) != (b.holidays, b.status):
                    changed.add((place, y))
        return changed


def generated_calendar(place: str, first: int = DEFAULT_FIRST_YEAR, last: int = DEFAULT_LAST_YEAR) -> Calendar:
    """A calendar of provisional years generated from the place's pattern (D2)."""
    try:
        pattern = PATTERNS[place]
    except KeyError:
        raise DeadlineError(f"no holiday pattern for place {place!r}") from None
    return Calendar(place, (pattern.year(y) for y in range(first, last + 1)))


@cache
def default_calendars() -> CalendarSet:
    """Generated 2000-2050 for every place, with the shipped official lists confirmed."""
    from .official_calendars import OFFICIAL_YEARS

    calendars = CalendarSet({place: generated_calendar(place) for place in PATTERNS})
    for data in OFFICIAL_YEARS:
        calendars = calendars.with_year(CalendarYear.from_dict(data))
    return calendars
