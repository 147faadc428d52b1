"""Who may see what, and who may act on a case: the one place both questions are answered.

Every view (CLI today, web later) asks :func:`can_view` before it shows one object, and lists
cases through :func:`visible_cases`, which selects exactly the cases :func:`can_view` allows (a
test checks that the two agree). :func:`may_act` is the acting check of
:func:`casework.workflows.apply`. The matrix, with its reasons, is docs/permissions.md.

The checks are plain functions over an :class:`~casework.auth.actors.Actor` and the object; they
answer "no" with ``False`` (deny by default: an object of a kind not listed here is never shown)
and never raise for it. Only two answers need the database — a candidate's results (C13: what the
notice lets them see, and when) and what the appointing authority sees beside a complaint — and
they use the ``session`` given, or the object's own session; with neither, the answer is no.

The rules (People and bodies; R1; C13; P5):

- the **system** (the scheduler) sees everything;
- a **candidate** sees their own cases with their documents and correspondence, their own
  applications, their own decisions once published in the account (R2), and their own results
  as the notice lets them (C13);
- everybody else never sees anything of a candidate they declared a conflict of interest with;
- the **legal team** (officers and head of unit) sees every case, application, decision and
  result — but not the board's deliberations (P5: board confidentiality);
- an **EPSO officer** sees the cases EPSO decides (R1) and, EPSO organising the competitions,
  every application, decision and result;
- a **board member** sees the cases routed to the board of a notice they sit on (R1) and the
  applications, decisions, results and deliberations of those notices — never another board's;
- the **appointing authority** sees the cases addressed to it (Article 90(2) complaints, P4) and
  the application, decisions and results of a candidate whose complaint about that application
  is addressed to it — not, say, a request for review decided by the board;
- an **administrator** manages accounts and calendars and sees no case file.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, select, true
from sqlalchemy.orm import Session, object_session

from .. import clock
from ..cases.models import Case, CaseDocument, CaseMessage, DecidingBody
from ..competitions.models import Application, Decision, PhaseClosure, Score, ScoreState, Status
from ..competitions.notices import definition
from .actors import Actor
from .models import Role

# Who may take a step of a case (the words of ``Step.who`` in casework.workflows.steps).
CANDIDATE = "candidate"            # the case's own candidate
LEGAL = "legal"                    # EPSO's legal team (officer or head of unit)
DECIDING_BODY = "deciding-body"    # a member of the case's deciding body (R1), free of conflicts
SYSTEM = "system"                  # the scheduler, at a date the deadline engine computed

# P5: what the board keeps to itself (Staff Regulations Annex III Art 6; 003 Annex II 3.2) — the
# categories of casework.workflows.disclosure that board confidentiality excludes.
BOARD_CONFIDENTIAL = frozenset({"marked-copy", "marking-details", "board-member-views", "comparisons"})


@dataclass(frozen=True)
class Deliberation:
    """Board-internal material of one competition: how the board reached a decision, as opposed to
    the decision and its statement of reasons (which the legal team needs for the reasoned reply
    and the candidate receives).

    Nothing is stored as a deliberation yet: the board's before/after simulation of a
    neutralisation (P1, :func:`simulation_deliberation`) is the one such material the code
    produces. Individual members' views, marking notes and marked copies will be wrapped in this
    (or carry a ``notice_id`` the same way) when the board room stores them.
    """
    notice_id: int
    kind: str                                   # one of BOARD_CONFIDENTIAL
    candidate_ids: frozenset[int] = frozenset()   # the candidates it concerns


def simulation_deliberation(session: Session, notice_id: int, report: Any) -> Deliberation:
    """The board's neutralisation simulation (``neutralisation.simulate``: every candidate's score
    and rank before and after, side by side) as a deliberation: a comparison of candidates (P5)."""
    application_ids = [row.application_id for row in report.rows]
    candidates = session.scalars(select(Application.candidate_id).where(Application.id.in_(application_ids)))
    return Deliberation(notice_id, "comparisons", frozenset(candidates))


# --- acting ------------------------------------------------------------------------------------

def _notice_of(case: Case) -> int | None:
    return case.application.notice_id if case.application is not None else None


def is_deciding_body(actor: Actor, case: Case) -> bool:
    """R1: whether ``actor`` belongs to the body that decides ``case`` now (for the board: the board
    of the case's notice)."""
    body = case.deciding_body
    if body is DecidingBody.BOARD:
        return actor.role is Role.BOARD_MEMBER and _notice_of(case) in actor.boards
    if body is DecidingBody.EPSO:
        return actor.role is Role.EPSO_OFFICER
    if body is DecidingBody.APPOINTING_AUTHORITY:
        return actor.role is Role.APPOINTING_AUTHORITY
    return False


def may_act(actor: Actor, case: Case, who: Iterable[str]) -> bool:
    """Whether ``actor`` is one of ``who`` for ``case``; never on a candidate they declared a
    conflict of interest with."""
    if not actor.may_handle(case.candidate_id):
        return False
    return any((w == CANDIDATE and actor.role is Role.CANDIDATE and actor.candidate_id == case.candidate_id)
               or (w == LEGAL and actor.in_legal_team)
               or (w == DECIDING_BODY and is_deciding_body(actor, case))
               or (w == SYSTEM and actor.is_system)
               for w in who)


# --- seeing ------------------------------------------------------------------------------------

def _sees_case(actor: Actor, case: Case) -> bool:
    if actor.is_system:
        return True
    if actor.role is Role.CANDIDATE:
        return actor.candidate_id is not None and case.candidate_id == actor.candidate_id
    if not actor.may_handle(case.candidate_id):
        return False
    return actor.in_legal_team or is_deciding_body(actor, case)


def _addressed_to_authority(session: Session | None, application_id: int) -> bool:
    """A case about the application is addressed to the appointing authority (P4)."""
    if session is None:
        return False
    return session.scalar(select(Case.id).where(
        Case.application_id == application_id,
        Case.deciding_body == DecidingBody.APPOINTING_AUTHORITY).limit(1)) is not None


def _sees_file(actor: Actor, application: Application, session: Session | None) -> bool:
    """An application and what hangs on it (decisions, results), for anyone but its candidate."""
    if not actor.may_handle(application.candidate_id):
        return False
    if actor.in_legal_team or actor.role is Role.EPSO_OFFICER:
        return True
    if actor.role is Role.BOARD_MEMBER:
        return application.notice_id in actor.boards
    if actor.role is Role.APPOINTING_AUTHORITY:
        return _addressed_to_authority(session, application.id)
    return False


def _own(actor: Actor, application: Application) -> bool:
    return actor.candidate_id is not None and application.candidate_id == actor.candidate_id


def result_published(session: Session | None, score: Score) -> bool:
    """C13: whether the notice lets the candidate see this result now (the same rules as
    ``queries.candidate_results``): per phase once the field's phase is decided, or only once
    the last phase has run when the notice says "at-end" (004 4.3.2 a); never a mark left
    unprocessed (C10) or cancelled (C14); the screener once the screener phase is decided; no
    competency passport for an excluded candidate (003 Annex II 3.2.1)."""
    if session is None or score.state is not ScoreState.RECORDED:
        return False
    application = score.application
    spec = definition(application.notice.current)
    closed = set(session.scalars(select(PhaseClosure.phase).where(PhaseClosure.field_id == application.field_id)))
    if spec.results == "at-end" and spec.phases[-1].code not in closed:
        return False
    if score.test == "screener":
        return any(p.kind == "screener" and p.code in closed for p in spec.phases)
    for phase in spec.phases:
        if phase.code not in closed:
            continue
        for test in phase.tests:
            if test.code == score.test:
                return not (phase.competency_passport and test.kind == "marked"
                            and application.status is Status.EXCLUDED)
    return False


def _sees_deliberation(actor: Actor, deliberation: Deliberation) -> bool:
    if actor.is_system:
        return True
    return (actor.role is Role.BOARD_MEMBER and deliberation.notice_id in actor.boards
            and actor.conflicts.isdisjoint(deliberation.candidate_ids))


def can_view(actor: Actor, obj: object, *, session: Session | None = None, now: datetime | None = None) -> bool:
    """Whether ``actor`` may see ``obj``: a Case, CaseDocument, CaseMessage, Application, Decision,
    Score (a result) or Deliberation. Anything else: no.

    ``session`` is needed only for a candidate's results and for the appointing authority's view
    of an application (by default the object's own session); ``now`` (default: the clock) decides
    whether a decision is published in the candidate's account yet (R2)."""
    if isinstance(obj, Deliberation):
        return _sees_deliberation(actor, obj)
    if isinstance(obj, Case):
        return _sees_case(actor, obj)
    if isinstance(obj, CaseDocument | CaseMessage):
        return _sees_case(actor, obj.case)
    if isinstance(obj, Application):
        application, rule = obj, None
    elif isinstance(obj, Decision):
        application, rule = obj.application, "decision"
    elif isinstance(obj, Score):
        application, rule = obj.application, "result"
    else:
        return False
    if actor.is_system:
        return True
    session = session or object_session(obj)
    if actor.role is Role.CANDIDATE:
        if not _own(actor, application):
            return False
        if rule == "decision":
            return obj.published_at <= (now or clock.now())
        if rule == "result":
            return result_published(session, obj)
        return True
    return _sees_file(actor, application, session)


# --- lists -------------------------------------------------------------------------------------

def case_filter(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition of :func:`can_view` on a case, for lists and counts."""
    if actor.is_system:
        return true()
    if actor.role is Role.CANDIDATE:
        return Case.candidate_id == actor.candidate_id if actor.candidate_id is not None else false()
    if actor.in_legal_team:
        condition: ColumnElement[bool] = true()
    elif actor.role is Role.EPSO_OFFICER:
        condition = Case.deciding_body == DecidingBody.EPSO
    elif actor.role is Role.APPOINTING_AUTHORITY:
        condition = Case.deciding_body == DecidingBody.APPOINTING_AUTHORITY
    elif actor.role is Role.BOARD_MEMBER:
        condition = and_(Case.deciding_body == DecidingBody.BOARD, Case.application_id.in_(
            select(Application.id).where(Application.notice_id.in_(sorted(actor.boards)))))
    else:
        return false()
    if actor.conflicts:
        condition = and_(condition, Case.candidate_id.not_in(sorted(actor.conflicts)))
    return condition


def visible_cases(actor: Actor) -> Select[tuple[Case]]:
    """The cases ``actor`` may see, as a select to refine (filter, order, page) and run:
    ``session.scalars(visible_cases(actor).where(Case.state == ...))``."""
    return select(Case).where(case_filter(actor))
