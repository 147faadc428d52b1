"""Who may see what, and who may act on a case: the one place both questions are answered.

Every view (CLI today, web later) asks :func:`can_view` before it shows one object, and lists
cases through :func:`visible_cases`, which selects exactly the cases :func:`can_view` allows (a
test checks that the two agree). :func:`may_act` is the acting check of
:func:`casework.workflows.apply`. The matrix, with its reasons, is docs/permissions.md.

What someone sees OF a case they may see is :func:`case_view_for` (a view's one call): the full
view of :func:`casework.cases.queries.case_view` for the legal team, the system and the deciding
board; the same with a board member shown as ``board`` for an EPSO officer or the appointing
authority; for the candidate, what they filed and were sent and the bodies' acts — never the
legal team's analysis, internal reasons and flags, the outer limit of a time limit (D5), or
which board member acted (People and bodies). :func:`case_rows_for` does the same for lists.

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

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, select, true
from sqlalchemy.orm import Session, object_session

from .. import clock
from ..cases import queries
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


# --- what each audience sees of a case ---------------------------------------------------------

class Audience(enum.Enum):
    """Who reads a case, for what they see of it (field level; docs/permissions.md)."""
    CASE_FILE = "case-file"           # the system, the legal team, the board that decides: the file as kept
    BOARD_AS_BODY = "board-as-body"   # EPSO officer, appointing authority: the file; a board member as "board"
    CANDIDATE = "candidate"           # their correspondence and the bodies' acts; nothing internal


def audience(actor: Actor) -> Audience | None:
    """What ``actor`` sees of a case they may see (:func:`can_view` says which): None for an
    administrator, who sees no case file."""
    if actor.is_system or actor.in_legal_team or actor.role is Role.BOARD_MEMBER:
        return Audience.CASE_FILE
    if actor.role in (Role.EPSO_OFFICER, Role.APPOINTING_AUTHORITY):
        return Audience.BOARD_AS_BODY
    if actor.role is Role.CANDIDATE:
        return Audience.CANDIDATE
    return None


# An actor as the trail records it ("<role>:<e-mail>", "system:<name>") shown as the role or body
# it acted for: the words of DecidingBody for the bodies, "legal-team", "candidate", "system".
_ACTING_FOR = {Role.CANDIDATE: "candidate", Role.LEGAL_OFFICER: "legal-team", Role.HEAD_OF_UNIT: "legal-team",
               Role.EPSO_OFFICER: DecidingBody.EPSO.value, Role.BOARD_MEMBER: DecidingBody.BOARD.value,
               Role.APPOINTING_AUTHORITY: DecidingBody.APPOINTING_AUTHORITY.value}
_BOARD_MEMBER = f"{Role.BOARD_MEMBER.value}:"


def acting_for(name: str | None) -> str | None:
    """The role or body an actor name stands for (``board-member:x@…`` → ``board``); a name of no
    known role → ``epso`` (the organisation), never the name itself."""
    if name is None:
        return None
    prefix = name.partition(":")[0]
    if prefix == "system":
        return "system"
    try:
        return _ACTING_FOR.get(Role(prefix), DecidingBody.EPSO.value)
    except ValueError:
        return DecidingBody.EPSO.value


# What a candidate is shown of a case; everything else of queries.case_view is the case file's
# (deny by default: a field added to the case view reaches a candidate only once it is named here).
CANDIDATE_FIELDS = ("reference", "type", "rule", "state", "deciding_body", "version", "language", "candidate",
                    "application", "contested_decision", "parent", "filed_at", "registered_by_legal_team", "late",
                    "lateness_seconds", "excuse", "outcome", "closed_at")
# the deciding body's decision as the candidate learns it: outcome, date, ground and findings — the
# reasons come with the reasoned reply (P3), which the legal team drafts from the decision
CANDIDATE_DECISION = ("outcome", "on", "ground", "preparatory_steps")
# details the legal team and the deciding body add to what the candidate filed: the analysis (D6, the
# legal team's recommendation) and the decision (shown on its own, above)
CASE_FILE_DETAILS = frozenset({"analysis", "decision"})
# correspondence: what the candidate filed and what EPSO sent them via the account. A message of
# any other kind (a note between the legal team and the board, when there are such) is the file's.
CORRESPONDENCE = frozenset({"filing", "acknowledgement", "notice", "extension", "reply"})
# documents: the evidence filed (by the candidate, or for them by the legal team) and what a reply gave
CANDIDATE_DOCUMENTS = frozenset({"evidence", "reply"})
# the steps of a case the candidate is told of (workflows.machines.MAILED; a test keeps them equal),
# its filing, and what happens to a tracked court window or Ombudsman complaint (P6). Not the legal
# team's internal steps (analysis, referral, rerouting, assignment, clock decisions, recomputation).
CANDIDATE_EVENTS = frozenset({"file", "acknowledge", "decide", "reply", "reply_confirmatory", "extend", "confirm",
                              "withdraw", "reopen", "implied_rejection", "implied_refusal", "close",
                              "open", "lodge", "judge", "lapse"})


def _board_as_body(value: Any) -> Any:
    """Every board member's actor name in ``value`` (trail, decision, changes) as ``board``."""
    if isinstance(value, str):
        return DecidingBody.BOARD.value if value.startswith(_BOARD_MEMBER) else value
    if isinstance(value, dict):
        return {key: _board_as_body(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_board_as_body(item) for item in value]
    return value


def _candidate_deadline(row: dict[str, Any]) -> dict[str, Any]:
    """D2, D5: the date to act by and how it was computed, without the outer limit — a later date,
    which the deciding body weighs on a late filing and the candidate is never told to act by."""
    outer = row.get("outer_limit")
    beyond = outer if outer and outer != row.get("act_by") and outer != row.get("last_day") else None

    def told(texts: list[str]) -> list[str]:
        return [text for text in texts if beyond is None or beyond not in text]

    computation = {key: value for key, value in (row.get("computation") or {}).items()
                   if key not in ("outer_limit", "outer_limit_utc")}
    for key in ("steps", "differences"):
        if key in computation:
            computation[key] = told(computation[key])
    return {**{key: value for key, value in row.items() if key != "outer_limit"},
            "steps": told(row["steps"]), "computation": computation}


def _for_candidate(view: dict[str, Any]) -> dict[str, Any]:
    decision, lateness = view.get("decision"), view.get("lateness")
    return {
        **{key: view[key] for key in CANDIDATE_FIELDS if key in view},
        "filed_by": acting_for(view.get("filed_by")),
        "lateness": lateness and {key: value for key, value in lateness.items() if key != "within_outer_limit"},
        "details": {key: value for key, value in view.get("details", {}).items() if key not in CASE_FILE_DETAILS},
        "decision": decision and {**{key: decision[key] for key in CANDIDATE_DECISION if key in decision},
                                  "by": acting_for(decision.get("by"))},
        # the administration's limits too (the acknowledgement, the reply): what EPSO owes the candidate
        "deadlines": [_candidate_deadline(row) for row in view.get("deadlines", [])],
        "messages": [{**m, "author": acting_for(m["author"])} for m in view.get("messages", [])
                     if m["kind"] in CORRESPONDENCE and m["direction"] in ("in", "out")],
        "documents": [{**d, "added_by": acting_for(d["added_by"])} for d in view.get("documents", [])
                      if d["kind"] in CANDIDATE_DOCUMENTS],
        "trail": [{"at": e["at"], "actor": acting_for(e["actor"]), "action": e["action"], "from": e["from"],
                   "to": e["to"]} for e in view.get("trail", []) if e["action"] in CANDIDATE_EVENTS],
    }


def redact(view: dict[str, Any], who: Audience) -> dict[str, Any]:
    """What ``who`` sees of a case's full view (:func:`casework.cases.queries.case_view`)."""
    if who is Audience.CASE_FILE:
        return view
    if who is Audience.BOARD_AS_BODY:
        return _board_as_body(view)
    return _board_as_body(_for_candidate(view))


def case_view_for(session: Session, actor: Actor, case: Case) -> dict[str, Any] | None:
    """The case as ``actor`` sees it — the one call of a view (CLI, portal): None when they may not
    see it at all (:func:`can_view`), else :func:`casework.cases.queries.case_view` as their
    :func:`audience` sees it (:func:`redact`)."""
    who = audience(actor)
    if who is None or not can_view(actor, case, session=session):
        return None
    return redact(queries.case_view(session, case), who)


def case_rows_for(actor: Actor, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines of a case list (:func:`casework.cases.queries.case_row`, already limited to the cases
    ``actor`` may see by :func:`case_filter`) as ``actor`` sees them: a candidate without the legal
    team's flags (the triage notes of the filing)."""
    who = audience(actor)
    if who is None:
        return []
    if who is Audience.CANDIDATE:
        return [{key: value for key, value in row.items() if key != "flags"} for row in rows]
    return rows
