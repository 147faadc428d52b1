"""What administrators watch of the scheduler (`casework scheduler status`, later an admin page): the
processes and their next runs, the due rows still to act on and the lag, failed and retried rows, the
outbox backlog — as plain data.

A pending row is *pending work* only while it still applies. A row planned for a deadline that has
since been met, has expired, was cancelled (a case closed or withdrawn cancels or meets its running
deadlines), is suspended, or moved to another end (``deadline_due_at`` in the payload no longer the
deadline's ``due_at``) is skipped by the sweep when it falls due (``sweeps._check_current``): it is
counted apart, as *will be skipped*, never as lag or as work waiting.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..agenda.models import DueEvent, EventStatus
from ..cases.models import CaseDeadline, DeadlineStatus
from ..notifications import backlog
from .models import SchedulerWorker

MOVED, SUSPENDED = "deadline moved", "deadline suspended"


def _isoformat(column, dialect: str) -> ColumnElement[str]:
    """An instant column as ``datetime.isoformat()`` writes a UTC instant (what planning stores in the
    payload): ``2022-06-05T22:00:00+00:00``, with ``.ffffff`` when there are microseconds. Built from
    strings, so that no stored value can make the query fail."""
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        micro = func.to_char(utc, "US", type_=String)
        return (func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS', type_=String)
                + case((micro == "000000", ""), else_=literal(".") + micro) + "+00:00")
    stored = cast(column, String)      # SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, see db.Instant)
    micro = func.substr(stored, 21, 6, type_=String)
    return (func.substr(stored, 1, 10, type_=String) + "T" + func.substr(stored, 12, 8, type_=String)
            + case((or_(micro == "", micro == "000000"), ""), else_=literal(".") + micro) + "+00:00")


def _why_skipped(dialect: str) -> ColumnElement[str | None]:
    """Why a pending row will be skipped when it falls due (None: it still applies) — the sweep's test."""
    planned = DueEvent.payload["deadline_due_at"].as_string()
    return case(
        (DueEvent.deadline_id.is_(None), None),
        (CaseDeadline.status != DeadlineStatus.OPEN, literal("deadline ") + cast(CaseDeadline.status, String)),
        (CaseDeadline.due_at.is_(None), SUSPENDED),
        (or_(planned.is_(None), planned != _isoformat(CaseDeadline.due_at, dialect)), MOVED),
        else_=None)


def scheduler_status(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """The scheduler's state at ``now`` (default: the clock's) as plain, JSON-ready data."""
    now = now or clock.now()
    why = _why_skipped(session.get_bind().dialect.name).label("why")
    pending = (select(DueEvent.kind, DueEvent.due_at, DueEvent.key, DueEvent.attempts, DueEvent.outcome, why)
               .outerjoin(CaseDeadline, CaseDeadline.id == DueEvent.deadline_id)
               .where(DueEvent.status == EventStatus.PENDING).subquery())
    live = pending.c.why.is_(None)
    overdue, oldest = session.execute(select(func.count(), func.min(pending.c.due_at))
                                      .where(live, pending.c.due_at < now)).one()
    upcoming = session.execute(select(pending.c.kind, func.min(pending.c.due_at), func.count())
                               .where(live, pending.c.due_at >= now)
                               .group_by(pending.c.kind).order_by(func.min(pending.c.due_at))).all()
    skipped = session.execute(select(pending.c.why, func.count(),
                                     func.count().filter(pending.c.due_at < now))
                              .where(~live).group_by(pending.c.why).order_by(pending.c.why)).all()
    retrying = session.execute(select(pending.c.key, pending.c.attempts, pending.c.outcome)
                               .where(live, pending.c.attempts > 0)
                               .order_by(pending.c.attempts.desc(), pending.c.key).limit(20)).all()
    failed = session.scalar(select(func.count()).select_from(DueEvent).where(DueEvent.status == EventStatus.FAILED))
    workers = [{"name": w.name, "host": w.host, "pid": w.pid, "last_seen": w.last_seen.isoformat(),
                "seconds_since": round((now - w.last_seen).total_seconds()), "next_runs": w.jobs}
               for w in session.scalars(select(SchedulerWorker).order_by(SchedulerWorker.name))]
    return {
        "now": now.isoformat(),
        "workers": workers,
        "due": {
            "overdue": overdue,                       # pending work: rows fallen due that still apply
            "lag_seconds": round((now - oldest).total_seconds()) if oldest else 0,
            "oldest_overdue": oldest.isoformat() if oldest else None,
            "failed": failed,
            "retrying": [{"key": k, "attempts": n, "last_error": e} for k, n, e in retrying],
            "next": [{"kind": k, "at": at.isoformat(), "count": n} for k, at, n in upcoming],
            # no longer applying: the sweep marks them skipped when they fall due, acting on nothing
            "will_be_skipped": {"count": sum(n for _, n, _ in skipped),
                                "fallen_due": sum(n for _, _, n in skipped),
                                "why": {reason: n for reason, n, _ in skipped}},
        },
        "outbox": backlog(session),
    }
