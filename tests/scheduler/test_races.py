"""What must not be lost between a claim and its commit: a concurrent edit of the case, a
deadline moved away and back, a calendar change falling due together with the act it changes."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from casework.agenda.calendars import record_year
from casework.agenda.models import DueEvent, EventStatus
from casework.cases.models import Case, CaseState, CaseType, DeadlineStatus
from casework.deadlines import CalendarYear, Holiday, default_calendars
from casework.notifications.models import OutboxMessage
from casework.scheduler import sweeps
from casework.scheduler.sweeps import sweep

from . import scenes

END_OF_REPLY = datetime(2022, 8, 16, 22, tzinfo=UTC)     # the complaint's 4 months end (D3, D5, D4)


def test_p4_a_concurrent_edit_of_the_case_delays_the_implied_rejection_never_skips_it(scratch_database, frozen,
                                                                                      monkeypatch):
    db = scratch_database
    case_id = scenes.complaint(db, frozen, datetime(2022, 4, 13, 9, tzinfo=UTC))
    claim = sweeps.claim

    def claim_while_an_officer_edits(session, batch, now=None):
        events = claim(session, batch, now)
        # what an officer's commit (assigning the case, say) does to the row meanwhile
        session.connection().execute(text("UPDATE cases SET version = version + 1 WHERE id = :i"), {"i": case_id})
        return events

    monkeypatch.setattr(sweeps, "claim", claim_while_an_officer_edits)
    frozen.set(END_OF_REPLY + timedelta(seconds=1))
    assert sweep(db, worker="w").counts["retried"] == 1
    monkeypatch.setattr(sweeps, "claim", claim)
    with db.session_scope() as s:
        row = s.scalar(select(DueEvent).where(DueEvent.case_id == case_id, DueEvent.kind == "implied-rejection"))
        assert (row.status, row.attempts) == (EventStatus.PENDING, 1) and row.outcome == "ConflictError"
    frozen.advance(hours=1)
    sweep(db, worker="w")
    with db.session_scope() as s:
        assert scenes.case_of(s, case_id).state is CaseState.IMPLIED_REJECTION


def test_d2_a_deadline_moved_away_and_back_is_acted_on_at_its_end(scratch_database, frozen):
    db = scratch_database
    case_id = scenes.complaint(db, frozen, datetime(2022, 4, 13, 9, tzinfo=UTC))
    shipped = default_calendars()["brussels"].year(2022)
    frozen.set(datetime(2022, 8, 10, 9, tzinfo=UTC))
    with db.session_scope() as s:          # 16 August recorded as a holiday by mistake: the end moves
        record_year(s, CalendarYear("brussels", 2022, (*shipped.holidays, Holiday(date(2022, 8, 16), "typo")),
                                    "confirmed", "list"), actor="admin", reason="official list")
    frozen.advance(seconds=1)
    sweep(db, worker="w")
    frozen.set(END_OF_REPLY + timedelta(seconds=1))        # the rows of the old end are skipped
    sweep(db, worker="w")
    frozen.set(END_OF_REPLY + timedelta(hours=10))
    with db.session_scope() as s:          # the mistake corrected: the end is 16 August again, now past
        record_year(s, CalendarYear("brussels", 2022, shipped.holidays, "confirmed", "list"),
                    actor="admin", reason="typo corrected")
    frozen.advance(seconds=1)
    sweep(db, worker="w")                  # recomputed: the rows of 16 August are due again...
    sweep(db, worker="w")                  # ...and the next sweep takes the implied rejection
    with db.session_scope() as s:
        case = scenes.case_of(s, case_id)
        assert (case.state, case.deadline("reply").last_day) == (CaseState.IMPLIED_REJECTION, date(2022, 8, 16))


def test_d2_d7_a_calendar_change_is_applied_before_the_lapse_it_changes(scratch_database, frozen):
    db = scratch_database
    case_id = scenes.complaint(db, frozen, datetime(2022, 4, 13, 9, tzinfo=UTC))
    frozen.set(END_OF_REPLY + timedelta(seconds=1))
    sweep(db, worker="w")                  # implied rejection: court window until Monday 28 November
    frozen.set(datetime(2022, 11, 28, 23, 0, 1, tzinfo=UTC))    # just after it ended (24:00 Brussels)...
    court = default_calendars()["court"].year(2022)
    with db.session_scope() as s:          # ...the Court's official list makes 28 November a holiday
        record_year(s, CalendarYear("court", 2022, (*court.holidays, Holiday(date(2022, 11, 28), "closure")),
                                    "confirmed", "list"), actor="admin", reason="official list of the Court")
    frozen.advance(seconds=1)
    sweep(db, worker="w")                  # the lapse and the recomputation fall due together
    with db.session_scope() as s:
        remedy = s.scalar(select(Case).where(Case.parent_id == case_id, Case.type == CaseType.REMEDY))
        window = remedy.deadline("court-action")
        # the window rolls forward to Tuesday 29 November (D5): it has not lapsed
        assert (remedy.state, window.status, window.last_day) == (
            CaseState.WINDOW_OPEN, DeadlineStatus.OPEN, date(2022, 11, 29))
        told = s.scalars(select(OutboxMessage.recipient).where(OutboxMessage.template == "deadline-moved")).all()
        # the legal team is told; the candidate's date to act by, Friday 25 November (D2: counted
        # from the rejection without the unconfirmed Assumption holiday), did not move
        assert told and remedy.candidate.email not in told
        assert window.computation["act_by"] == "2022-11-25"
