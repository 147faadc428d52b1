"""What the scheduler must do for a deadline, and when: due rows planned as the deadline is stored.

Every time a case deadline is computed (opened, moved by a clock decision, recomputed after a
calendar change) its due rows are planned from its new end. Rows planned for an earlier end stay
and are skipped when they fall due (their ``deadline_due_at`` no longer matches): nothing has to
find and cancel them, and nothing acts on a deadline that moved.
"""
from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy.orm import object_session

from ..cases.models import CaseDeadline, CaseType, DeadlineStatus
from .models import DueEvent, EventStatus

# Reminder lead times: operational settings of the legal team, not legal time limits.
DUE_SOON = timedelta(days=3)
COURT_WINDOW_WARNING = timedelta(days=10)

_REMINDERS = (("due-soon", -DUE_SOON), ("overdue", timedelta(0)))
PLANS = {
    # deadline name -> (event kind, offset from the end of the period); the acts at the end itself
    # run once the end has passed (the sweep takes rows strictly before now)
    "acknowledgement": _REMINDERS,
    "reply": _REMINDERS,
    "confirmatory-reply": (*_REMINDERS, ("implied-refusal", timedelta(0))),          # D8
    "confirmatory-filing": (("close-file", timedelta(0)),),                         # D8
    "court-action": (("court-window-closing", -COURT_WINDOW_WARNING), ("lapse", timedelta(0))),   # D7, P6
}
COMPLAINT_REPLY = ("implied-rejection", timedelta(0))                               # P4, D7


def event_key(kind: str, row: CaseDeadline) -> str:
    """Also the stem of the outbox keys (Message-IDs): letters, digits, '-', '/', '.' only."""
    return f"{kind}/case-{row.case.id}/{row.name}/{row.due_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def plan(row: CaseDeadline) -> list[DueEvent]:
    """Add the due rows of ``row`` for its current end (none while suspended or closed)."""
    if row.due_at is None or row.status is not DeadlineStatus.OPEN or row.name not in PLANS:
        return []
    wanted = list(PLANS[row.name])
    if row.name == "reply" and row.case.type is CaseType.COMPLAINT:     # silence is a rejection, not late
        wanted = [(kind, offset) for kind, offset in wanted if kind != "overdue"] + [COMPLAINT_REPLY]
    planned = {e.key: e for e in row.due_events}
    added = []
    for kind, offset in wanted:
        key = event_key(kind, row)
        if key in planned:
            earlier = planned[key]
            if earlier.status is EventStatus.SKIPPED:   # the end moved away and back: due again
                earlier.status, earlier.attempts, earlier.outcome = EventStatus.PENDING, 0, None
                earlier.worker = earlier.done_at = None
            continue
        added.append(DueEvent(key=key, kind=kind, due_at=row.due_at + offset, status=EventStatus.PENDING,
                              case=row.case, deadline=row, attempts=0,
                              payload={"deadline": row.name, "deadline_due_at": row.due_at.isoformat()}))
    if added:
        object_session(row).add_all(added)       # in the transaction that stores the deadline
    return added
