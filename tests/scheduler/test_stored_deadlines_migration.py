"""Migration 0006 (D2): an open court window stored while the Court's calendar was the Brussels
pattern is recomputed under the Court's own list by the scheduler, and the candidate is told."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casework import clock
from casework.agenda.models import DueEvent
from casework.audit import AuditEvent
from casework.cases.models import Case, CaseDeadline, CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import applications as apps
from casework.deadlines import (
    PROVISIONAL,
    Calendar,
    CalendarSet,
    CalendarYear,
    DeadlineSpec,
    Holiday,
    compute,
    default_calendars,
)
from casework.migrate import upgrade
from casework.notifications.models import OutboxMessage
from casework.scheduler.sweeps import sweep

from ..conftest import BACKENDS, fresh_database


def _old_court_calendars() -> CalendarSet:
    """The Court's calendar as it was generated before: the Brussels pattern with 23 June added."""
    brussels = default_calendars()["brussels"]
    years = []
    for year in brussels.years.values():
        extra = (Holiday(date(year.year, 6, 23), "Luxembourg National Day"),)
        days = tuple(h for h in (*year.holidays, *extra) if h.date.weekday() < 5)
        years.append(CalendarYear("court", year.year, days, PROVISIONAL, "generated (old pattern)"))
    return CalendarSet({"brussels": brussels, "court": Calendar("court", years)})


@pytest.mark.parametrize("backend", BACKENDS)
def test_d2_an_open_court_window_stored_under_the_old_court_calendar_is_recomputed(backend, tmp_path, frozen):
    frozen.set(datetime(2026, 1, 10, 9, tzinfo=UTC))
    with fresh_database(backend, tmp_path, revision="0005") as db:
        with db.session_scope() as s:
            candidate = apps.register_candidate(s, email="court@example.eu", identity_key="ID-COURT",
                                                surname="Court", given_names="Ana", correspondence_language="FR")
            old = compute(DeadlineSpec.for_rule("court-action", date(2025, 12, 24)), _old_court_calendars())
            assert old.last_day == date(2026, 4, 7)        # Good Friday and Easter taken as Court holidays
            spec = old.spec.to_dict()
            del spec["rule"]["audience"]                    # as rows were stored before audiences existed
            computation = {k: v for k, v in old.to_dict().items() if k not in ("act_by", "outer_limit")}
            case = Case(type=CaseType.REMEDY, state=CaseState.WINDOW_OPEN, candidate=candidate,
                        deciding_body=DecidingBody.GENERAL_COURT, language="FR", filed_at=clock.now(),
                        updated_at=clock.now(), late=False, flags=[], details={"forum": "court"})
            s.add(case)
            s.add(CaseDeadline(case=case, name="court-action", rule="court-action", spec=spec,
                               computation=computation, last_day=old.last_day, due_at=old.deadline,
                               status=DeadlineStatus.OPEN, created_at=clock.now()))
        upgrade(db.engine)
        with db.session_scope() as s:
            rows = s.scalars(select(DueEvent).where(DueEvent.kind == "recompute")).all()
            # one per Court year the stored computation consulted (its Art 3(5) span runs from 2025)
            assert {(r.payload["place"], r.payload["year"]) for r in rows} == {("court", 2025), ("court", 2026)}
            assert s.scalar(select(CaseDeadline)).spec["rule"]["audience"] == "candidate"
        frozen.advance(seconds=1)
        assert sweep(db, worker="w").counts == {"done": 2}
        with db.session_scope() as s:
            window = s.scalar(select(CaseDeadline))
            # 24 Dec 2025 + 3 months + 10 days = Friday 3 April 2026, a working day of the Court
            assert window.last_day == date(2026, 4, 3) and window.last_day.weekday() == 4
            assert window.computation["act_by"] == "2026-04-03"
            [why] = s.scalars(select(AuditEvent.reason).where(AuditEvent.entity == "case",
                                                              AuditEvent.action == "recompute")).all()
            assert why.startswith("holiday calendar court 2025 changed: the Court's own list")
            told = s.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "court@example.eu"))
            assert told.template == "deadline-moved" and told.language == "FR"
            assert "7 avril 2026" in told.body and "3 avril 2026" in told.body      # rendered in French
