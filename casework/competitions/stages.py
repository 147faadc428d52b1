"""Where a candidate stands, and the decisions that moved them (C15, C16, R2).

Every change of phase or status is a :class:`Decision` (author, stage, publication date,
notice version, and what it rests on as data: ``basis``) plus a :class:`StageEvent` in the
candidate's history, written together. The bulk path (:func:`record_outcomes`) is what phase
closures use for thousands of candidates.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update
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
    admits: str | None = None  # C15: the claim the exclusion admits, e.g. "force-majeure"
    basis: dict[str, Any] | None = None   # what the decision rests on, as data (R2, R3); None: {}


def record_outcomes(session: Session, outcomes: list[Outcome], *, notice_version_id: int,
                    published_at: datetime, actor: str, source: str | None = None) -> None:
    """Apply many outcomes at once: decisions, history rows and the applications' new state.

    Each application appears at most once in ``outcomes``.
    """
    if not outcomes:
        return
    if session.get_bind().dialect.name == "postgresql":
        _record_outcomes_postgresql(session, outcomes, notice_version_id, published_at, actor, source)
        return
    decision_ids = list(session.scalars(
        insert(Decision).returning(Decision.id, sort_by_parameter_order=True),
        [{"application_id": o.application_id, "notice_version_id": notice_version_id,
          "kind": o.kind, "author": Body(o.author), "phase": o.decided_at_phase,
          "outcome": o.status, "ground": o.ground, "admits": o.admits, "reason": o.reason,
          "basis": o.basis or {}, "published_at": published_at, "source": source} for o in outcomes]))
    session.execute(insert(StageEvent), [
        {"application_id": o.application_id, "decision_id": d, "phase": o.phase,
         "status": o.status, "at": published_at, "actor": actor}
        for o, d in zip(outcomes, decision_ids)])
    groups: dict[tuple[str, Status], list[int]] = {}
    for o in outcomes:     # one UPDATE per (phase, status), not one per candidate
        groups.setdefault((o.phase, o.status), []).append(o.application_id)
    for (phase, status), ids in groups.items():
        for start in range(0, len(ids), 5000):
            session.execute(update(Application)
                            .where(Application.id.in_(ids[start:start + 5000]))
                            .values(phase=phase, status=status)
                            .execution_options(synchronize_session=False))


_POSTGRES_OUTCOMES = text("""
WITH o AS (
    SELECT * FROM unnest(CAST(:app AS integer[]), CAST(:phase AS text[]), CAST(:status AS text[]),
                         CAST(:kind AS text[]), CAST(:author AS text[]), CAST(:decided AS text[]),
                         CAST(:reason AS text[]), CAST(:ground AS text[]), CAST(:admits AS text[]),
                         CAST(:basis AS jsonb[]))
           AS o(application_id, phase, status, kind, author, decided, reason, ground, admits, basis)
), d AS (
    INSERT INTO decisions (application_id, notice_version_id, kind, author, phase, outcome, ground,
                           admits, reason, basis, published_at, source)
    SELECT application_id, :version, kind, author, decided, status, ground, admits, reason, basis, :at, :source
    FROM o
    RETURNING id, application_id
), history AS (
    INSERT INTO stage_events (application_id, decision_id, phase, status, at, actor)
    SELECT o.application_id, d.id, o.phase, o.status, :at, :actor FROM o JOIN d USING (application_id)
)
UPDATE applications AS a SET phase = o.phase, status = o.status FROM o WHERE a.id = o.application_id
""")


def _record_outcomes_postgresql(session: Session, outcomes: list[Outcome], notice_version_id: int,
                                published_at: datetime, actor: str, source: str | None) -> None:
    """The same writes as one set-based statement over arrays (tens of thousands of rows in a
    phase closure: one round trip instead of one statement per row)."""
    session.execute(_POSTGRES_OUTCOMES, {
        "app": [o.application_id for o in outcomes], "phase": [o.phase for o in outcomes],
        "status": [o.status.value for o in outcomes], "kind": [o.kind for o in outcomes],
        "author": [Body(o.author).value for o in outcomes],
        "decided": [o.decided_at_phase for o in outcomes], "reason": [o.reason for o in outcomes],
        "ground": [o.ground for o in outcomes], "admits": [o.admits for o in outcomes],
        "basis": [json.dumps(o.basis or {}) for o in outcomes],
        "version": notice_version_id, "at": published_at,
        "source": source, "actor": actor})


def record_outcome(session: Session, application: Application, *, phase: str, status: Status,
                   kind: str, author: str, actor: str, published_at: datetime,
                   reason: str | None = None, ground: str | None = None,
                   decided_at_phase: str | None = None, source: str | None = None,
                   admits: str | None = None, basis: dict[str, Any] | None = None) -> Decision:
    """One decision for one candidate (exclusion, withdrawal, reinstatement...)."""
    outcome = Outcome(application.id, phase, status, kind, decided_at_phase or application.phase,
                      author, reason, ground, admits, basis)
    record_outcomes(session, [outcome], notice_version_id=application.notice.current.id,
                    published_at=published_at, actor=actor, source=source)
    session.refresh(application)
    return session.scalar(select(Decision).where(Decision.application_id == application.id)
                          .order_by(Decision.id.desc()).limit(1))


def exclude(session: Session, application: Application, *, ground: str, author: str | None = None,
            actor: str, published_at: datetime, reason: str, basis: dict[str, Any] | None = None) -> Decision:
    """C15: exclusion at the candidate's current stage, with its ground and deciding body (by
    default the body the notice names for the ground, C5, R2) and the claim it admits.
    ``basis``: what it rests on beyond the ground, as data (e.g. ``{"tests_missed": ["verbal"]}``)."""
    if application.status is not Status.ACTIVE:
        raise CompetitionError(f"application {application.number} is {application.status.value}, not active")
    from . import rules
    from .notices import definition
    claim = rules.admitted_claim(rules.ExclusionGround(ground))
    author = author or definition(application.notice.current).deciding_body(ground)
    return record_outcome(session, application, phase=application.phase, status=Status.EXCLUDED,
                          kind="exclusion", author=author, actor=actor, published_at=published_at,
                          reason=reason, ground=ground, admits=None if claim is None else claim.value,
                          basis=basis)


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
