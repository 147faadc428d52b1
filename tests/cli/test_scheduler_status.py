"""`casework scheduler status` with real due rows, on SQLite and PostgreSQL: rows for deadlines already
met, cancelled (a withdrawn case) or moved (an extension, D8) are not pending work — they are counted
apart as "will be skipped", and the sweep that follows skips exactly those and does the others."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from casework.agenda.models import DueEvent
from casework.auth.actors import actor_for
from casework.auth.models import Role, User
from casework.cases.models import Case, CaseDeadline, CaseType
from casework.competitions import applications as apps
from casework.scheduler.status import scheduler_status
from casework.workflows import apply, file_case

from ..workflows import people
from .backends import command  # noqa: F401  (fixture)


def _requests(db, n: int) -> list[int]:
    """``n`` Reg 1049/2001 requests filed now (each reply period plans a due-soon and an overdue row),
    a legal officer and a head of unit to remind; returns the case ids."""
    with db.session_scope() as s:
        people.user(s, Role.HEAD_OF_UNIT)
        ids = []
        for i in range(n):
            candidate = apps.register_candidate(s, email=f"c{i}@example.eu", identity_key=f"ID-{i}", surname="S",
                                                given_names="G", correspondence_language="EN")
            me = people.actor(s, Role.CANDIDATE, candidate_id=candidate.id)
            ids.append(file_case(s, me, CaseType.ACCESS_DOCUMENTS, details={"documents": "minutes"}).id)
        return ids


def _act(db, case_id: int, trigger: str, role: Role, **data) -> None:
    with db.session_scope() as s:
        case = s.get(Case, case_id)
        actor = (actor_for(s, s.scalar(select(User).where(User.candidate_id == case.candidate_id)))
                 if role is Role.CANDIDATE else people.actor(s, role))
        apply(s, case, trigger, actor, **data)


def _status(command):  # noqa: F811
    return json.loads(command("scheduler", "status", "--json").output)["due"]


def test_rows_of_met_cancelled_and_moved_deadlines_will_be_skipped_and_the_sweep_agrees(command):  # noqa: F811
    moved, met, withdrawn, waiting = _requests(command.db, 4)
    fresh = _status(command)
    assert (fresh["overdue"], fresh["will_be_skipped"]["count"]) == (0, 0)
    assert {(row["kind"], row["count"]) for row in fresh["next"]} == {("due-soon", 4), ("overdue", 4)}

    command.frozen.advance(days=2)
    _act(command.db, moved, "extend", Role.LEGAL_OFFICER, reason="many documents to consult (Art 7(3))")
    _act(command.db, met, "reply", Role.LEGAL_OFFICER, outcome="granted", body="The minutes are attached.")
    _act(command.db, withdrawn, "withdraw", Role.CANDIDATE)
    now = _status(command)
    assert now["will_be_skipped"] == {"count": 6, "fallen_due": 0, "why": {
        "deadline cancelled": 2, "deadline met": 2, "deadline moved": 2}}
    assert {(row["kind"], row["count"]) for row in now["next"]} == {("due-soon", 2), ("overdue", 2)}

    command.frozen.advance(days=120)           # everything has fallen due
    late = _status(command)
    assert late["overdue"] == 4                            # the extended request and the one left waiting
    assert late["will_be_skipped"] == {**now["will_be_skipped"], "fallen_due": 6}
    with command.db.session_scope() as s:
        [oldest] = s.scalars(select(DueEvent.due_at).join(CaseDeadline).where(
            CaseDeadline.case_id == waiting, DueEvent.kind == "due-soon"))
    assert late["oldest_overdue"] == oldest.isoformat()   # the lag is the oldest row that still applies
    text = command("scheduler", "status").output
    assert "due rows: 4 waiting" in text
    assert ("will be skipped: 6 row(s) whose deadline no longer applies (6 fallen due; deadline cancelled 2, "
            "deadline met 2, deadline moved 2): not pending work") in text

    ran = json.loads(command("scheduler", "--once", "--worker", "cron").output.strip().splitlines()[-1])
    assert ran["events"] == {"done": 4, "skipped": 6}
    after = _status(command)
    assert (after["overdue"], after["will_be_skipped"]["count"], after["next"]) == (0, 0, [])


def test_a_deadline_whose_end_has_microseconds_is_compared_exactly(command):  # noqa: F811
    [case_id] = _requests(command.db, 1)
    with command.db.session_scope() as s:
        row = s.scalar(select(CaseDeadline).where(CaseDeadline.case_id == case_id, CaseDeadline.name == "reply"))
        end = row.due_at + timedelta(microseconds=1500)
        row.due_at = end
        s.execute(update(DueEvent).where(DueEvent.deadline_id == row.id)
                  .values(payload={"deadline": "reply", "deadline_due_at": end.isoformat()}))
    with command.db.session_scope() as s:
        assert scheduler_status(s)["due"]["will_be_skipped"]["count"] == 0
        s.execute(update(CaseDeadline).where(CaseDeadline.case_id == case_id, CaseDeadline.name == "reply")
                  .values(due_at=end + timedelta(microseconds=1)))
        assert scheduler_status(s)["due"]["will_be_skipped"]["why"] == {"deadline moved": 2}
        s.execute(update(DueEvent).values(payload={"deadline": "reply"}))         # no planned end: moved too
        s.execute(update(CaseDeadline).where(CaseDeadline.case_id == case_id).values(due_at=None))
        assert scheduler_status(s)["due"]["will_be_skipped"]["why"] == {"deadline suspended": 2}
