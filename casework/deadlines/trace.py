"""The explanation carried by every computed deadline (D6).

A ``Trace`` is filled while a deadline is computed: the steps in plain words,
each day skipped and why (Saturday, Sunday, holiday name), whether Art 3(4)
roll-forward or Art 3(5) applied, the decisions applied, and every calendar
year consulted with its status (provisional/confirmed). The consulted years
make "does this deadline depend on year Y of place P" a set look-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .calendars import WEEKDAY_NAMES, Calendar, CalendarYear
from .instants import BRUSSELS


@dataclass(frozen=True)
class SkippedDay:
    """A day that was not counted or was passed over, with the reason."""

    date: dt.date
    reason: str  # "Saturday", "Sunday" or the holiday's name
    why: str  # which rule skipped it

    def to_dict(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "weekday": WEEKDAY_NAMES[self.date.weekday()],
            "reason": self.reason,
            "why": self.why,
        }


@dataclass
class Trace:
    """How one deadline was computed; ``to_dict`` is JSON-serialisable."""

    event: dt.date
    rule: dict[str, Any]
    event_instant: dt.datetime | None = None
    rule_set: dict[str, str | None] = field(default_factory=dict)
    first_day: dt.date | None = None
    raw_last_day: dt.date | None = None
    last_day: dt.date | None = None
    deadline: dt.datetime | None = None
    steps: list[str] = field(default_factory=list)
    skipped: list[SkippedDay] = field(default_factory=list)
    roll_forward_applied: bool = False
    art_3_5_applied: bool = False
    decisions: list[dict[str, Any]] = field(default_factory=list)
    calendars: dict[tuple[str, int], CalendarYear] = field(default_factory=dict)
    # D2, D5: the date shown to whoever must act, never later than the real one, and the latest
    # date the law could give, which the deciding body weighs on a late filing (D6)
    audience: str | None = None
    act_by: dt.date | None = None
    act_by_deadline: dt.datetime | None = None
    outer_limit: dt.date | None = None
    outer_limit_deadline: dt.datetime | None = None
    differences: list[str] = field(default_factory=list)

    def step(self, text: str) -> None:
        self.steps.append(text)

    def skip(self, day: dt.date, reason: str, why: str) -> None:
        self.skipped.append(SkippedDay(day, reason, why))

    def consult(self, calendar: Calendar, first: dt.date, last: dt.date) -> None:
        """Record that the result depends on ``calendar`` for the years of ``[first, last]``."""
        for y in range(min(first, last).year, max(first, last).year + 1):
            self.calendars.setdefault((calendar.place, y), calendar.year(y))

    def depends_on(self, place: str, year: int) -> bool:
        """True if the holiday list of ``year`` at ``place`` was consulted (recomputation check)."""
        return (place, year) in self.calendars

    def to_dict(self) -> dict[str, Any]:
        iso = _iso
        return {
            "event": iso(self.event),
            "event_instant": iso(self.event_instant),
            "rule": self.rule,
            "rule_set": self.rule_set,
            "first_day": iso(self.first_day),
            "raw_last_day": iso(self.raw_last_day),
            "last_day": iso(self.last_day),
            "deadline_utc": iso(self.deadline),
            "deadline_brussels": iso(self.deadline and self.deadline.astimezone(BRUSSELS)),
            "audience": self.audience,
            "act_by": iso(self.act_by),
            "act_by_utc": iso(self.act_by_deadline),
            "outer_limit": iso(self.outer_limit),
            "outer_limit_utc": iso(self.outer_limit_deadline),
            "differences": self.differences,
            "roll_forward_applied": self.roll_forward_applied,
            "art_3_5_applied": self.art_3_5_applied,
            "skipped": [s.to_dict() for s in self.skipped],
            "decisions": self.decisions,
            "calendars": [
                {"place": p, "year": y, "status": cy.status, "source": cy.source}
                for (p, y), cy in sorted(self.calendars.items())
            ],
            "steps": self.steps,
        }


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()

