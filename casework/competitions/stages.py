"""Where a candidate stands, and the decisions that moved them (C15, C16, R2).

Every change of phase or status is a :class:`Decision` (author, stage, publication date,
notice version) plus a :class:`StageEvent` in the candidate's history, written together. The
bulk path (:func:`record_outcomes`) is what phase closures use for thousands of candidates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .errors import CompetitionError
from .models import Application, Body, Decision, StageEvent, Status


@dataclass(frozen=True)
class Outcome:
    """What a decision does to one application."""
    application_id: int
    phase: str                 # the phase the candidate is at afterwards
    status: Status
    kind: str                  # admitted, invited, eliminated, excluded, reinstatement, ...
    decided_at_phase: str      # the stage the decision concerns (R2)
    author: str                # "board" or "epso" or "appointing-authority"
    reason: str | None = None
    ground: str | None = None  # C15


def record_outcomes(session: Session, outcomes: list[Outcome], *, notice_version_id: int,
                    published_at: datetime, actor: str, source: str | None = None) -> list[int]:
    """Apply many outcomes at once: decisions, history rows and the applications' new state."""
    if not outcomes:
        return []
    decision_ids = list(session.scalars(
        insert(Decision).returning(Decision.id, sort_by_parameter_order=True),
        [{"application_id": o.application_id, "notice_version_id": notice_version_id,
          "kind": o.kind, "author": Body(o.author), "phase": o.decided_at_phase,
          "outcome": o.status, "ground": o.ground, "reason": o.reason,
          "published_at": published_at, "source": source} for o in outcomes]))
    session.execute(insert(StageEvent), [
        {"application_id": o.application_id, "decision_id": d, "phase": o.phase,
         "status": o.status, "at": published_at, "actor": actor}
        for o, d in zip(outcomes, decision_ids)])
    session.execute(update(Application), [
        {"id": o.application_id, "phase": o.phase, "status": o.status} for o in outcomes])
    return decision_ids


def record_outcome(session: Session, application: Application, *, phase: str, status: Status,
                   kind: str, author: str, actor: str, published_at: datetime,
                   reason: str | None = None, ground: str | None = None,
                   decided_at_phase: str | None = None, source: str | None = None) -> Decision:
    """One decision for one candidate (exclusion, withdrawal, reinstatement...)."""
    outcome = Outcome(application.id, phase, status, kind, decided_at_phase or application.phase,
                      author, reason, ground)
    [decision_id] = record_outcomes(session, [outcome], notice_version_id=application.notice.current.id,
                                    published_at=published_at, actor=actor, source=source)
    session.refresh(application)
    return session.get(Decision, decision_id)


def exclude(session: Session, application: Application, *, ground: str, author: str,
            actor: str, published_at: datetime, reason: str) -> Decision:
    """C15: exclusion at the candidate's current stage, with its ground and deciding body."""
    if application.status is not Status.ACTIVE:
        raise CompetitionError(f"application {application.number} is {application.status.value}, not active")
    return record_outcome(session, application, phase=application.phase, status=Status.EXCLUDED,
                          kind="exclusion", author=author, actor=actor, published_at=published_at,
                          reason=reason, ground=ground)


def last_exclusion(session: Session, application: Application) -> Decision | None:
    """The latest decision that put the candidate out (eliminated or excluded)."""
    return session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id,
               Decision.outcome.in_((Status.ELIMINATED, Status.EXCLUDED)))
        .order_by(Decision.id.desc()).limit(1))


def history(session: Session, application: Application) -> list[StageEvent]:
    """C16: the candidate's stages and statuses over time, oldest first."""
    return list(session.scalars(select(StageEvent).where(StageEvent.application_id == application.id)
                                .order_by(StageEvent.id)))
