"""Scans: due work that no deadline row carries, found by looking.

A candidate who opted in is told when the time to contest an adverse decision is about to run out
and they have filed nothing about it. The time limit is the one of the notice version the decision
was taken under (D9, the ``review`` rule); the message's idempotency key makes a second scan, or a
second scheduler process, add nothing.

The mail names the decision by codes the template puts in the candidate's words (C4,
docs/notifications.md): its kind (``msgctxt "decision"``), the kind of stage it concerns
(``msgctxt "phase"``: a notice names its stages freely, the kind is one of ``PHASE_KINDS``) and the
day it was published in the account (R2), a Brussels day.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .. import clock
from ..agenda.calendars import stored_calendars
from ..cases.models import Case
from ..competitions.models import Application, Candidate, Decision, Status
from ..competitions.notices import definition, time_limits
from ..db import Database
from ..deadlines import DeadlineSpec, compute
from ..notifications import enqueue

FILING_WINDOW_WARNING = timedelta(days=3)     # a setting of the portal, not a legal time limit
LOOK_BACK = timedelta(days=60)                # decisions older than this have no window left to warn of


def scan_filing_windows(db: Database) -> int:
    """Queue a reminder for every window closing within FILING_WINDOW_WARNING; returns how many."""
    now = clock.now()
    queued = 0
    with db.session_scope() as session:
        for decision in _adverse_unanswered(session, now):
            result = compute(DeadlineSpec.for_rule("review", decision.published_at,
                                                   time_limits(decision.notice_version)), stored_calendars(session))
            # D2, D5: the candidate is warned of the date to act by, never of a later one
            if result.act_by_deadline is None or not now < result.act_by_deadline <= now + FILING_WINDOW_WARNING:
                continue
            candidate = decision.application.candidate
            if enqueue(session, key=f"filing-window/decision-{decision.id}", to=candidate.email,
                       language=candidate.correspondence_language, template="filing-window-closing",
                       context={"notice": decision.application.notice.reference,
                                "decision": decision.kind, "phase": _phase_kind(decision),
                                "published_on": decision.published_at.astimezone(clock.BRUSSELS).date().isoformat(),
                                "kind": "review", "last_day": result.act_by.isoformat()}) is not None:
                queued += 1
    return queued


def _phase_kind(decision: Decision) -> str:
    """The kind of the stage ``decision`` concerns, in the notice version it was taken under (the
    stage's code itself when that version has no such stage: the template shows it as it is)."""
    try:
        return definition(decision.notice_version).phase(decision.phase).kind
    except KeyError:
        return decision.phase


def _adverse_unanswered(session: Session, now) -> list[Decision]:
    """Recent decisions that put an opted-in candidate out, about which nothing was filed."""
    filed = select(Case.decision_id).where(Case.decision_id.is_not(None))
    return list(session.scalars(
        select(Decision).join(Application).join(Candidate)
        .where(Candidate.filing_reminders, Decision.outcome.in_((Status.ELIMINATED, Status.EXCLUDED)),
               Decision.published_at > now - LOOK_BACK, Decision.published_at <= now,
               Decision.id.not_in(filed))
        .options(joinedload(Decision.application).joinedload(Application.candidate),
                 joinedload(Decision.notice_version))))
