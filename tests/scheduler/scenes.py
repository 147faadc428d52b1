"""Committed scenes for the scheduler tests: the scheduler opens its own sessions and transactions,
so these tests use a database of their own (``scratch_database``) instead of a rolled-back session."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from casework.agenda.models import DueEvent, EventStatus
from casework.auth.models import Role, User
from casework.cases.models import Case, CaseDeadline, CaseType
from casework.competitions import applications as apps
from casework.competitions import stages
from casework.db import Database
from casework.workflows import apply, file_case

from ..competitions import factories as f
from ..workflows import people


def epso_exclusion(session, frozen):
    """AD/398/22 field 1: EPSO excludes a candidate on 22 March 2022 (general eligibility, C15)."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    out = f.apply(session, notice)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    stages.exclude(session, out, ground="general_eligibility", author="epso", actor="epso",
                   published_at=frozen.now(), reason="no declaration on civil rights")
    session.refresh(out)
    return notice, out


def complaint(db: Database, frozen, lodged_at: datetime) -> int:
    """A P4 complaint lodged at ``lodged_at``, analysed and with the appointing authority."""
    with db.session_scope() as s:
        notice, out = epso_exclusion(s, frozen)
        frozen.set(lodged_at)
        case = file_case(s, people.candidate(s, out), CaseType.COMPLAINT, application=out,
                         decision=f.last_decision(s, out), details={"grounds": "I made the declaration"})
        team = people.team(s, notice)
        for trigger in ("acknowledge", "analyse", "refer"):
            apply(s, case, trigger, team.legal)
        return case.id


def head_of_unit(session) -> User:
    return people.user(session, Role.HEAD_OF_UNIT)


def documents_request(db: Database, at: datetime) -> tuple[int, int]:
    """A Reg 1049/2001 request (its reply deadline plans reminders) and a head of unit to remind;
    returns (case id, deadline id)."""
    with db.session_scope() as s:
        head_of_unit(s)
        candidate = apps.register_candidate(s, email="docs@example.eu", identity_key="ID-DOCS", surname="Docs",
                                            given_names="Ann", correspondence_language="DE")
        me = people.actor(s, Role.CANDIDATE, candidate_id=candidate.id)
        case = file_case(s, me, CaseType.ACCESS_DOCUMENTS, details={"documents": "the board's minutes"})
        return case.id, case.deadline("reply").id


def bulk_reminders(db: Database, deadline_id: int, n: int, due_at: datetime) -> None:
    """``n`` due rows on one deadline, all fallen due: the load for the exactly-once tests."""
    with db.session_scope() as s:
        row = s.get(CaseDeadline, deadline_id)
        payload = {"deadline": row.name, "deadline_due_at": row.due_at.isoformat()}
        rows = [{"key": f"load-{i}", "kind": "due-soon", "due_at": due_at, "status": EventStatus.PENDING,
                 "case_id": row.case_id, "deadline_id": row.id, "payload": payload, "attempts": 0}
                for i in range(n)]
        for start in range(0, n, 10_000):
            s.execute(insert(DueEvent), rows[start:start + 10_000])


def case_of(session, case_id: int) -> Case:
    return session.scalar(select(Case).where(Case.id == case_id))
