"""Acting on due rows exactly once.

:func:`sweep` claims a batch of pending rows that have fallen due — on PostgreSQL with
``SELECT … FOR UPDATE SKIP LOCKED``, so any number of scheduler processes on any number of machines
share the work without waiting on each other; on SQLite the scheduler's transactions start with
``BEGIN IMMEDIATE``, so a second process waits instead of reading the same rows. Each row's effect
(a workflow step through :func:`casework.workflows.apply`, outbox messages) and its ``done`` mark
are written in the same transaction: a process killed half-way leaves the rows pending for the
next one, and nothing is done twice.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy import case as sql_case
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.orm import Session, selectinload

from .. import audit, clock
from ..agenda.models import DueEvent, EventStatus
from ..auth.actors import Actor
from ..auth.models import Role, User
from ..cases.models import Case, CaseDeadline, CaseState, CaseType, DeadlineStatus, DecidingBody
from ..db import Database
from ..deadlines import depends_on
from ..notifications import enqueue
from ..workflows import InvalidTransition, NotAllowed, apply, timelimits
from ..workflows.engine import BATCH, KEEP_TRANSACTION

log = logging.getLogger("casework.scheduler")

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=5)     # doubled at each failed attempt


class Stale(Exception):
    """The row no longer applies (the deadline was met, moved or cancelled): skipped, not failed."""


@dataclass
class SweepReport:
    counts: Counter = field(default_factory=Counter)     # done / skipped / retried / failed


def sweep(db: Database, *, worker: str, batch: int = 200, max_batches: int | None = None) -> SweepReport:
    """Act on every row due before now, batch by batch, one transaction per batch.

    A batch first runs straight through; if one of its rows fails with an unexpected error the
    whole batch is rolled back and run again row by row, each in a savepoint, so that the failing
    row is recorded (retried later, then failed) and the others go through.
    """
    report = SweepReport()
    batches, careful = 0, False
    while max_batches is None or batches < max_batches:
        try:
            with db.session_scope() as session:
                session.info[KEEP_TRANSACTION] = True      # the claimed rows stay locked whatever happens
                events = claim(session, batch)
                if not careful:         # straight through: one flush and one audit insert for the batch
                    session.info[BATCH], session.info[audit.BUFFER] = True, []
                with session.no_autoflush:
                    results = [act(session, event, worker, isolated=careful) for event in events]
                _record(session, events, results, worker)
        except Exception:
            if careful:
                raise
            careful = True                                 # the same rows again, one savepoint each
            continue
        careful = False
        batches += 1
        report.counts.update(status for status, _ in results)
        if events:
            log.info("swept", extra={"worker": worker, "events": len(events), "counts": dict(report.counts)})
        if len(events) < batch:
            break
    return report


def claim(session: Session, batch: int, now: datetime | None = None) -> list[DueEvent]:
    """Pending rows due strictly before ``now``, locked for this transaction; rows locked by
    another process are skipped, not waited for."""
    return list(session.scalars(
        select(DueEvent).where(DueEvent.status == EventStatus.PENDING, DueEvent.due_at < (now or clock.now()))
        # a calendar change first: nothing acts on a deadline under the calendar it replaces (D2)
        .order_by(sql_case((DueEvent.kind == "recompute", 0), else_=1), DueEvent.due_at, DueEvent.id)
        .limit(batch).with_for_update(skip_locked=True)
        # what the handlers read, loaded for the whole batch (not locked: only the due rows are)
        .options(selectinload(DueEvent.deadline),
                 selectinload(DueEvent.case).options(selectinload(Case.deadlines), selectinload(Case.candidate)))))


def act(session: Session, event: DueEvent, worker: str, *, isolated: bool) -> tuple[str, str]:
    """Do what ``event`` says: (status, outcome). ``isolated``: in a savepoint, and an error is
    recorded on the row (retried later, failed after MAX_ATTEMPTS) instead of raised."""
    handler = HANDLERS.get(event.kind)
    try:
        with session.begin_nested() if isolated else nullcontext():
            if handler is None:
                raise LookupError(f"no handler for due events of kind {event.kind!r}")
            _check_current(event)
            return EventStatus.DONE.value, handler(session, event)
    except Stale as exc:                  # raised before anything was written (or by a refused step)
        return EventStatus.SKIPPED.value, str(exc)
    except Exception as exc:
        if not isolated:
            raise
        event.attempts += 1
        error = failure(exc)
        log.warning("due event failed", extra={"worker": worker, "event": event.key, "error": error})
        if event.attempts >= MAX_ATTEMPTS:
            return EventStatus.FAILED.value, error
        event.due_at = clock.now() + RETRY_AFTER * 2 ** (event.attempts - 1)
        event.outcome = error
        return "retried", error


MAX_FAILURE = 300       # characters of a failure recorded on a row


def failure(exc: BaseException) -> str:
    """What a failed row records (``due_events.outcome``, the audit trail, the log): the exception's type
    and, for a database error, the first line of the driver's message, which names the constraint
    (``UNIQUE constraint failed: candidates.email``, ``duplicate key value violates unique constraint
    "candidates_email_key"``) — never the exception's text, which carries the SQL parameters (e-mail
    addresses, names) and whatever a message was built from. A DataError records its type only: its
    first line may quote the value (``invalid input syntax for type integer: "…"``)."""
    kind = type(exc).__name__
    if isinstance(exc, DBAPIError) and not isinstance(exc, DataError) and exc.orig is not None:
        lines = str(exc.orig).strip().splitlines()
        if lines:
            first = "".join(c if c.isprintable() else " " for c in lines[0])
            return f"{kind}: {first}"[:MAX_FAILURE]
    return kind


_MARK = update(DueEvent).where(DueEvent.id == bindparam("row_id")).values(
    status=bindparam("new_status"), outcome=bindparam("new_outcome"), worker=bindparam("by"),
    done_at=bindparam("at"))


def _record(session: Session, events: list[DueEvent], results: list[tuple[str, str]], worker: str) -> None:
    """The done (skipped, failed) marks and their audit rows, in bulk, in the batch's transaction."""
    now, actor = clock.now(), f"system:{worker}"
    closed = [(e, status, outcome) for e, (status, outcome) in zip(events, results) if status != "retried"]
    if not closed:
        return
    session.flush()
    session.connection().execute(_MARK, [{"row_id": e.id, "new_status": status, "new_outcome": outcome,
                                          "by": worker, "at": now} for e, status, outcome in closed])
    steps = session.info.pop(audit.BUFFER, None) or []          # the audit rows of the batch's steps
    audit.record_all(session, steps + [{"actor": actor, "entity": "due_event", "entity_id": e.id,
                                        "action": e.kind, "from_state": EventStatus.PENDING.value,
                                        "to_state": status, "reason": outcome} for e, status, outcome in closed])


def _check_current(event: DueEvent) -> None:
    row = event.deadline
    if row is None:
        return
    if row.status is not DeadlineStatus.OPEN:
        raise Stale(f"the {row.name} deadline is {row.status.value}")
    planned_for = event.payload.get("deadline_due_at")
    if row.due_at is None or row.due_at.isoformat() != planned_for:
        raise Stale(f"the {row.name} deadline moved (planned for {planned_for}, now "
                    f"{row.due_at.isoformat() if row.due_at else 'suspended'})")


# --- what each kind of row does ------------------------------------------------------------

SCHEDULER = Actor.system("scheduler")
_HEADS = "casework.scheduler.heads"


def _legal_team(session: Session, case: Case) -> list[User]:
    """The assigned officer and their head of unit; with nobody assigned, every head of unit."""
    if case.assigned_officer_id is not None:
        officer = session.get(User, case.assigned_officer_id)
        people = [officer] + ([session.get(User, officer.head_of_unit_id)] if officer.head_of_unit_id else [])
    else:
        people = session.info.get(_HEADS)
        if people is None:          # once per batch: the same heads for every unassigned case
            people = session.info[_HEADS] = list(session.scalars(
                select(User).where(User.role == Role.HEAD_OF_UNIT, User.active)))
    return [p for p in people if p is not None and p.active]


def remind(session: Session, event: DueEvent) -> str:
    """Acknowledgement or reply due soon / overdue: the responsible officer and their head."""
    row, case = event.deadline, event.case
    template = "deadline-due-soon" if event.kind == "due-soon" else "deadline-overdue"
    recipients = _legal_team(session, case)
    for person in recipients:
        enqueue(session, key=f"{event.key}/user-{person.id}", to=person.email, language=person.language,
                template=template, case_id=case.id,
                context={"reference": case.reference, "deadline": row.name, "last_day": row.last_day.isoformat(),
                         "rule": row.rule})
    return f"{template} to {', '.join(p.email for p in recipients) or 'nobody (no head of unit on record)'}"


def _tell_candidate(session: Session, event: DueEvent, case: Case, template: str, context: dict,
                    key: str | None = None) -> None:
    candidate = case.candidate
    enqueue(session, key=key or f"{event.key}/candidate", to=candidate.email,
            language=candidate.correspondence_language, template=template, case_id=case.id,
            context={"reference": case.reference, **context})


def step(trigger: str) -> Callable[[Session, DueEvent], str]:
    """A workflow step the law makes happen at the end of a period, through the one entry point."""
    def take(session: Session, event: DueEvent) -> str:
        case = event.case
        try:
            apply(session, case, trigger, SCHEDULER)
        except (InvalidTransition, NotAllowed) as exc:    # e.g. replied meanwhile: the period no longer runs
            if session.info.get(BATCH):    # nothing undone it half did: the batch goes again row by row
                raise
            raise Stale(str(exc)) from None
        # any other error (someone changed the case meanwhile: ConflictError) is retried, never skipped
        if trigger == "implied_rejection":       # the candidate is told the court window and its end
            window = session.scalar(select(Case).where(
                Case.parent_id == case.id, Case.type == CaseType.REMEDY,
                Case.deciding_body == DecidingBody.GENERAL_COURT, Case.state == CaseState.WINDOW_OPEN)
                .order_by(Case.id.desc()).limit(1))
            if window is not None:           # none when an action was already lodged or the window lapsed
                _tell_candidate(session, event, case, "implied-rejection", {
                    "reply_last_day": event.deadline.last_day.isoformat(),
                    "court_until": timelimits.act_by(window.deadline("court-action")).isoformat()})
        elif trigger == "implied_refusal":       # D8: a negative reply by silence, told by mail too
            _tell_candidate(session, event, case, "case-step", {"step": trigger, "state": case.state.value})
        return f"{trigger} taken"
    return take


def warn_court_window(session: Session, event: DueEvent) -> str:
    remedy = event.case
    parent = remedy.parent or remedy
    _tell_candidate(session, event, parent, "court-window-closing",
                    {"court_until": timelimits.act_by(event.deadline).isoformat()})
    return "candidate warned that the court window is closing"


def recompute_deadlines(session: Session, event: DueEvent) -> str:
    """D2, D6: an administrator changed a holiday calendar year; every open deadline that consulted
    it is computed again, and the case's officers and candidate are told what moved."""
    place, year, reason = event.payload["place"], event.payload["year"], event.payload["reason"]
    moved = 0
    session.flush()       # what this batch changed before is seen (recompute rows are claimed first)
    # locked: a scheduler acting on one of these deadlines right now finishes first, then is skipped
    for row in session.scalars(select(CaseDeadline).where(CaseDeadline.status == DeadlineStatus.OPEN)
                               .order_by(CaseDeadline.id).with_for_update(of=CaseDeadline)):
        if row.status is not DeadlineStatus.OPEN or not depends_on(row.computation, place, year):
            continue
        change = timelimits.recompute(row)
        if change is None:
            continue
        moved += 1
        case = row.case
        case.updated_at = clock.now()              # the case's version moves with its deadline
        audit.record(session, actor=SCHEDULER.name, entity="case", entity_id=case.id, action="recompute",
                     from_state=case.state.value, to_state=case.state.value,
                     reason=f"holiday calendar {place} {year} changed: {reason}", changes={"deadline": change})
        context = {"reference": case.reference, "deadline": row.name, "reason": "calendar-changed",
                   "old_last_day": change["before"]["last_day"], "new_last_day": change["after"]["last_day"]}
        for person in _legal_team(session, case):
            enqueue(session, key=f"{event.key}/deadline-{row.id}/user-{person.id}", to=person.email,
                    language=person.language, template="deadline-moved", context=context, case_id=case.id)
        if change["before"]["act_by"] != change["after"]["act_by"]:      # D2: the date the candidate acts by
            _tell_candidate(session, event, case, "deadline-moved",
                            {**context, "old_last_day": change["before"]["act_by"],
                             "new_last_day": change["after"]["act_by"]},
                            key=f"{event.key}/deadline-{row.id}/candidate")
    return f"{moved} open deadline(s) moved"


HANDLERS: dict[str, Callable[[Session, DueEvent], str]] = {
    "recompute": recompute_deadlines,                   # D2
    "due-soon": remind,
    "overdue": remind,
    "implied-rejection": step("implied_rejection"),     # P4, D7
    "implied-refusal": step("implied_refusal"),         # D8
    "close-file": step("close"),                        # D8
    "lapse": step("lapse"),                             # P6
    "court-window-closing": warn_court_window,          # D7
}
