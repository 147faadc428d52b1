"""A candidate's record as plain data: who they are, each application with its stage history
(C16), every decision taken on it with its author, ground, publication date and stage (R2), and
which of them a reinstatement annulled (R3). Read-only; the command line and the web call the same
functions (the cases filed about it are added by :mod:`casework.cases.queries`, one layer up).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..audit import AuditEvent
from .errors import CompetitionError
from .models import Application, Candidate, Decision, Field, Notice, NoticeVersion, StageEvent, Status
from .notices import definition


def _iso(value: datetime | None) -> str | None:
    return value and value.isoformat()


def find_candidate(session: Session, key: str) -> Candidate | None:
    """The candidate with that e-mail address (in any case), or behind that application number. A key
    with an '@' is an e-mail address: an application number never holds one
    (``files.APPLICATION_NUMBER_PATTERN``, checked at import)."""
    key = key.strip()
    if "@" in key:
        return session.scalar(select(Candidate).where(func.lower(Candidate.email) == key.lower()))
    return session.scalar(select(Candidate).join(Application, Application.candidate_id == Candidate.id)
                          .where(Application.number == key))


_WITH_DECISION = (joinedload(Decision.application).joinedload(Application.candidate),
                  joinedload(Decision.notice_version).joinedload(NoticeVersion.notice))


def find_decision(session: Session, decision_id: int) -> Decision | None:
    """The decision with its application, candidate and notice version, read together: whoever looks a
    decision up checks whose it is (R2) and reads its time limits (D9, C14) next."""
    return session.get(Decision, decision_id, options=_WITH_DECISION)


def applications_of(session: Session, candidate_id: int) -> list[Application]:
    """The candidate's applications, oldest first, with their notices and the notices' versions (read
    with them: a page reads each notice's definition)."""
    return list(session.scalars(select(Application).where(Application.candidate_id == candidate_id)
                                .order_by(Application.id)
                                .options(joinedload(Application.notice).selectinload(Notice.versions))))


def decisions_on(session: Session, application_ids: list[int]) -> list[Decision]:
    """The decisions taken on those applications, by application then oldest first (R2)."""
    return list(session.scalars(select(Decision).where(Decision.application_id.in_(application_ids))
                                .order_by(Decision.application_id, Decision.id)))


def application_on(session: Session, candidate: Candidate, notice: Notice) -> Application | None:
    """The candidate's application to ``notice`` (C2: at most one per notice)."""
    return session.scalar(select(Application).where(Application.candidate_id == candidate.id,
                                                    Application.notice_id == notice.id))


def decision_data(decision: Decision, annulled_by: str | None = None) -> dict[str, Any]:
    """R2: what a decision is, by whom, about which stage, published when; R3: annulled by what."""
    return {"id": decision.id, "kind": decision.kind, "author": decision.author.value,
            "stage": decision.phase, "outcome": decision.outcome.value, "ground": decision.ground,
            "admits": decision.admits, "published_at": decision.published_at.isoformat(),
            "notice_version": decision.notice_version.number, "reason": decision.reason,
            "source": decision.source, "basis": getattr(decision, "basis", None) or {},
            "annulled": annulled_by is not None, "annulled_by": annulled_by}


def annulled_decisions(session: Session, application_ids: list[int]) -> dict[int, str]:
    """R3: decision id → what annulled it (the case or claim behind the reinstatement), from the
    audit rows the reinstatements wrote."""
    if not application_ids:
        return {}
    rows = session.scalars(select(AuditEvent).where(AuditEvent.entity == "application",
                                                    AuditEvent.entity_id.in_(application_ids),
                                                    AuditEvent.action == "reinstate"))
    return {row.changes["annulled_decision"]: row.changes.get("source") or "reinstatement"
            for row in rows if row.changes and row.changes.get("annulled_decision")}


def application_data(session: Session, application: Application, annulled: dict[int, str] | None = None,
                     visible: Callable[[object], bool] | None = None) -> dict[str, Any]:
    """One application: where it stands, its stage history (C16) and its decisions (R2), oldest first;
    ``visible`` keeps only the decisions a person may see (a permission check from a layer above)."""
    if annulled is None:
        annulled = annulled_decisions(session, [application.id])
    decisions = session.scalars(select(Decision).where(Decision.application_id == application.id)
                                .order_by(Decision.id))
    events = session.scalars(select(StageEvent).where(StageEvent.application_id == application.id)
                             .order_by(StageEvent.id))
    return {
        "number": application.number, "notice": application.notice.reference,
        "notice_title": application.notice.title, "field": application.field.code,
        "field_name": application.field.name, "state": application.state.value,
        "validated_at": _iso(application.validated_at), "phase": application.phase,
        "status": application.status.value, "reinstated": application.reinstated,
        "history": [{"at": e.at.isoformat(), "phase": e.phase, "status": e.status.value,
                     "decision": e.decision_id, "actor": e.actor} for e in events],
        "decisions": [decision_data(d, annulled.get(d.id)) for d in decisions if visible is None or visible(d)],
    }


def candidate_history(session: Session, candidate: Candidate,
                      visible: Callable[[object], bool] | None = None) -> dict[str, Any]:
    """The candidate and each of their applications with its history and decisions; ``visible``
    keeps only the applications and decisions a person may see."""
    applications = [a for a in session.scalars(select(Application).where(Application.candidate_id == candidate.id)
                                               .order_by(Application.id)) if visible is None or visible(a)]
    annulled = annulled_decisions(session, [a.id for a in applications])
    return {
        "candidate": {"id": candidate.id, "name": candidate.full_name, "surname": candidate.surname,
                      "given_names": candidate.given_names, "email": candidate.email,
                      "language": candidate.correspondence_language},
        "applications": [application_data(session, a, annulled, visible) for a in applications],
    }


def candidate_list(session: Session, notice: Notice, *, status: Status | None = None, stage: str | None = None,
                   field: Field | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The applications to ``notice`` by number, optionally only those with a status, at a stage
    (a phase of the notice) or in a field."""
    if stage is not None:
        phases = [p.code for p in definition(notice.current).phases]
        if stage not in phases:
            raise CompetitionError(f"{notice.reference} has no stage {stage!r} (stages: {', '.join(phases)})")
    query = (select(Application.number, Candidate.surname, Candidate.given_names, Candidate.email,
                    Field.code, Application.phase, Application.status, Application.reinstated)
             .join(Candidate, Candidate.id == Application.candidate_id)
             .join(Field, Field.id == Application.field_id)
             .where(Application.notice_id == notice.id).order_by(Application.number))
    if status is not None:
        query = query.where(Application.status == status)
    if stage is not None:
        query = query.where(Application.phase == stage)
    if field is not None:
        query = query.where(Application.field_id == field.id)
    if limit is not None:
        query = query.limit(limit)
    return [{"application": number, "surname": surname, "given_names": given, "email": email, "field": code,
             "stage": phase, "status": st.value, "reinstated": reinstated}
            for number, surname, given, email, code, phase, st, reinstated in session.execute(query)]
