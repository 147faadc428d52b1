"""Holiday calendars as administrators keep them (D2), and what a change does to running deadlines.

The deadline engine ships a calendar per place and year (generated from the usual pattern,
*provisional*, or loaded from the official list, *confirmed*). An administrator records a year
here; from then on every deadline is computed with it, and a ``recompute`` due row makes the
scheduler recompute the open deadlines that consulted that year and tell those affected what moved.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .. import audit, clock
from ..db import Base, Instant, JSONType
from ..deadlines import CalendarSet, CalendarYear, DeadlineError, default_calendars
from ..text import bad_character
from .models import DueEvent, EventStatus


class CalendarYearRecord(Base):
    __tablename__ = "calendar_years"
    __table_args__ = (UniqueConstraint("place", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)        # CalendarYear.to_dict()
    version: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(Instant())


_CACHE = "casework.agenda.calendars"


def stored_calendars(session: Session) -> CalendarSet:
    """The shipped calendars with every year an administrator recorded (once per transaction)."""
    cached = session.info.get(_CACHE)
    if cached is None:
        cached = default_calendars()
        for record in session.scalars(select(CalendarYearRecord).order_by(CalendarYearRecord.id)):
            cached = cached.with_year(CalendarYear.from_dict(record.data))
        session.info[_CACHE] = cached
    return cached


MAX_NAME, MAX_SOURCE, MAX_REASON, MAX_ACTOR = 200, 2000, 2000, 200


def check_year(year: CalendarYear, *, actor: str, reason: str) -> None:
    """What an administrator records is shown in traces, letters, pages and terminals: the holiday names,
    the source and the reason hold no control character (ESC, NUL) or bidirectional override (U+202E),
    and are bounded (D6). Refused with the place named, never stored."""
    if not reason.strip():
        raise DeadlineError("a calendar change needs a reason (D6), e.g. the official decision it follows")
    texts = [(f"the name of the holiday of {h.date.isoformat()}", h.name, MAX_NAME, False) for h in year.holidays]
    texts += [("the source", year.source, MAX_SOURCE, False), ("the reason", reason, MAX_REASON, True),
              ("the author", actor, MAX_ACTOR, False)]
    for what, text, most, multiline in texts:
        bad = bad_character(text, multiline=multiline)
        if bad is not None:
            raise DeadlineError(f"{what} holds a control character ({bad})")
        if len(text) > most:
            raise DeadlineError(f"{what} is longer than {most} characters")
    for h in year.holidays:
        if not h.name.strip():
            raise DeadlineError(f"the name of the holiday of {h.date.isoformat()} is empty: a trace shows it (D6)")


def record_year(session: Session, year: CalendarYear, *, actor: str, reason: str) -> CalendarYearRecord:
    """Store (or replace) an administrator's year and plan the recomputation of running deadlines
    (refusals: :func:`check_year`, :class:`DeadlineError`)."""
    check_year(year, actor=actor, reason=reason)
    before = stored_calendars(session)[year.place].year(year.year)
    record = session.scalar(select(CalendarYearRecord).where(CalendarYearRecord.place == year.place,
                                                             CalendarYearRecord.year == year.year))
    if record is None:
        record = CalendarYearRecord(place=year.place, year=year.year, version=0)
        session.add(record)
    record.data, record.version = year.to_dict(), record.version + 1
    record.reason, record.updated_by, record.updated_at = reason, actor, clock.now()
    session.flush()
    session.info.pop(_CACHE, None)
    audit.record(session, actor=actor, entity="calendar_year", entity_id=record.id, action="record",
                 from_state=before.status, to_state=year.status, reason=reason,
                 changes={"place": year.place, "year": year.year, "version": record.version,
                          "before": [h.to_dict() for h in before.holidays],
                          "after": [h.to_dict() for h in year.holidays]})
    session.add(DueEvent(key=f"recompute/{year.place}/{year.year}/v{record.version}", kind="recompute",
                         due_at=clock.now(), status=EventStatus.PENDING, attempts=0,
                         payload={"place": year.place, "year": year.year, "version": record.version,
                                  "reason": reason}))
    return record
