"""The scheduler acts on due rows at the instant the deadline engine computed, through the one
workflow entry point, exactly once; rows for a deadline that moved or was met are skipped."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from casework.agenda.models import DueEvent, EventStatus
from casework.audit import AuditEvent
from casework.cases.models import Case, CaseState, CaseType
from casework.notifications.models import OutboxMessage
from casework.scheduler.sweeps import sweep
from casework.workflows import apply

from ..workflows import people
from . import scenes

END_OF_REPLY = datetime(2022, 8, 16, 22, tzinfo=UTC)     # 24:00 Brussels summer time on 16 August


def _mail(db, template):
    with db.session_scope() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.template == template)
                              .order_by(OutboxMessage.id)))


def test_p4_d7_time_travel_implied_rejection_on_the_computed_day_and_not_a_day_before(scratch_database, frozen):
    db = scratch_database
    case_id = scenes.complaint(db, frozen, datetime(2022, 4, 13, 9, tzinfo=UTC))
    with db.session_scope() as s:
        scenes.head_of_unit(s)
        planned = {e.kind: e.due_at for e in s.scalars(select(DueEvent).where(DueEvent.case_id == case_id))}
    # lodged Wednesday 13 April 2022: 4 months → Saturday 13 August; Monday 15 August is a holiday,
    # so the reply period ends at the end of Tuesday 16 August (D3, D5, D4)
    assert planned == {"due-soon": END_OF_REPLY - timedelta(days=3), "implied-rejection": END_OF_REPLY}

    frozen.set(datetime(2022, 8, 15, 12, tzinfo=UTC))               # four months have (nearly) passed
    assert sweep(db, worker="w").counts == {"done": 1}               # only the due-soon reminder
    frozen.set(END_OF_REPLY - timedelta(seconds=1))                  # the last second of 16 August
    assert sweep(db, worker="w").counts == {}
    with db.session_scope() as s:
        assert scenes.case_of(s, case_id).state is CaseState.REFERRED

    frozen.set(END_OF_REPLY + timedelta(seconds=1))
    assert sweep(db, worker="w").counts == {"done": 1}
    with db.session_scope() as s:
        case = scenes.case_of(s, case_id)
        assert (case.state, case.outcome) == (CaseState.IMPLIED_REJECTION, "implied-rejection")
        remedy = s.scalar(select(Case).where(Case.parent_id == case_id, Case.type == CaseType.REMEDY))
        # D7: 16 August + 3 months + 10 days = Saturday 26 November → Monday 28 November 2022
        assert remedy.deadline("court-action").last_day == date(2022, 11, 28)
        actors = s.scalars(select(AuditEvent.actor).where(AuditEvent.entity == "case", AuditEvent.entity_id == case_id,
                                                          AuditEvent.action == "implied_rejection")).all()
        assert actors == ["system:scheduler"]
    [told] = _mail(db, "implied-rejection")
    # D2: the candidate is told Friday 25 November, counted from Monday 15 August: the rejection rolled
    # past Assumption on the provisional Brussels 2022 list, and no date shown rests on it
    assert "25 November 2022" in told.body and told.language == "EN"

    frozen.advance(minutes=5)
    assert sweep(db, worker="w").counts == {}                        # exactly once
    assert len(_mail(db, "implied-rejection")) == 1


def test_rows_of_a_deadline_that_was_met_or_moved_are_skipped_not_acted_on(scratch_database, frozen):
    db = scratch_database
    frozen.set(datetime(2022, 4, 5, 9, tzinfo=UTC))
    case_id, _ = scenes.documents_request(db, frozen.now())
    with db.session_scope() as s:
        case = scenes.case_of(s, case_id)
        team_legal = people.actor(s, people.Role.LEGAL_OFFICER)
        apply(s, case, "extend", team_legal, reason="many documents (Art 7(3))")     # the end moves (D8)
    frozen.set(datetime(2022, 5, 1, tzinfo=UTC))     # after the first end (29 April), before the new one
    report = sweep(db, worker="w")
    assert report.counts == {"skipped": 2}                            # the reminders of the old end
    with db.session_scope() as s:
        outcomes = s.scalars(select(DueEvent.outcome).where(DueEvent.status == EventStatus.SKIPPED)).all()
        assert all("moved" in o for o in outcomes)
        apply(s, scenes.case_of(s, case_id), "reply", people.actor(s, people.Role.LEGAL_OFFICER),
              outcome="granted", body="Here they are.")
    frozen.set(datetime(2022, 6, 1, tzinfo=UTC))                      # after the new end: replied meanwhile
    assert sweep(db, worker="w").counts == {"skipped": 2}
    assert _mail(db, "deadline-overdue") == []


def test_every_row_acted_on_leaves_one_audit_row(scratch_database, frozen):
    db = scratch_database
    frozen.set(datetime(2022, 4, 5, 9, tzinfo=UTC))
    _, deadline_id = scenes.documents_request(db, frozen.now())
    scenes.bulk_reminders(db, deadline_id, 1_000, frozen.now() - timedelta(minutes=1))
    report = sweep(db, worker="w", batch=150)
    assert report.counts == {"done": 1_000}
    with db.session_scope() as s:
        per_row = s.execute(select(AuditEvent.entity_id, func.count()).where(AuditEvent.entity == "due_event")
                            .group_by(AuditEvent.entity_id)).all()
        assert len(per_row) == 1_000 and {n for _, n in per_row} == {1}
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1_000


def test_a_failing_row_is_retried_later_and_does_not_hold_up_the_others(scratch_database, frozen):
    db = scratch_database
    frozen.set(datetime(2022, 4, 5, 9, tzinfo=UTC))
    _, deadline_id = scenes.documents_request(db, frozen.now())
    scenes.bulk_reminders(db, deadline_id, 5, frozen.now() - timedelta(minutes=1))
    with db.session_scope() as s:
        s.add(DueEvent(key="broken", kind="no-such-kind", due_at=frozen.now() - timedelta(minutes=1),
                       status=EventStatus.PENDING, attempts=0, payload={}))
    assert sweep(db, worker="w").counts == {"done": 5, "retried": 1}
    with db.session_scope() as s:
        broken = s.scalar(select(DueEvent).where(DueEvent.key == "broken"))
        assert (broken.status, broken.attempts) == (EventStatus.PENDING, 1)
        assert broken.outcome == "LookupError" and broken.due_at > frozen.now()      # the type: no text (sweeps.failure)
    for _ in range(4):                                   # five attempts, then visible as failed
        frozen.set(broken.due_at + timedelta(seconds=1))
        sweep(db, worker="w")
        with db.session_scope() as s:
            broken = s.scalar(select(DueEvent).where(DueEvent.key == "broken"))
    assert (broken.status, broken.attempts) == (EventStatus.FAILED, 5)
