"""Reading cases as plain data: find one by reference, its full view, lists with filters, and a
candidate's record with their cases. Read-only; the command line and the web call the same
functions, so no query logic lives in a command or a view.

The view of a case is everything the people handling it are shown: state, type and rule, deciding
body (R1), the contested decision (R2), filing and lateness (D6: in days, and in hours where the
limit ends at an hour of the day), each deadline with its explanation (D6), the outcome and the
reasons, the messages exchanged, the documents and the audit trail. That is the case file as the
legal team keeps it; what each audience sees of it (a candidate: no analysis, no internal reasons,
the board as a body) is :func:`casework.auth.permissions.case_view_for`, the layer above.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from ..audit import AuditEvent
from ..clock import BRUSSELS
from ..competitions.history import candidate_history
from ..competitions.models import Application, Candidate, Notice
from .models import Case, CaseDeadline, CaseState, CaseType, DeadlineStatus, case_reference

# A case reference: type code, year of filing (Brussels), number — e.g. REV-2022-000042
REFERENCE = re.compile(r"^(?P<code>[A-Z]{3})-(?P<year>\d{4})-(?P<id>\d{6,9})$")
REFERENCE_EXAMPLE = "REV-2022-000042"
LIST_LIMIT = 500


def _iso(value: Any) -> str | None:
    return value and value.isoformat()


def find_case(session: Session, reference: str) -> Case | None:
    """The case with that reference (type code, year and number must all match), or None."""
    text = reference.strip().upper()
    match = REFERENCE.match(text)
    case = session.get(Case, int(match["id"])) if match else None
    return case if case is not None and case.reference == text else None


def deadline_data(row: CaseDeadline) -> dict[str, Any]:
    """D6: a deadline with its explanation — who must act by it (``audience``: the candidate or the
    administration), the date to act by (D2, D5), the last day the law gives, the outer limit weighed
    on a late filing, the rule's source and every step of the computation."""
    computation = row.computation or {}
    rule = computation.get("rule") or {}
    last_day = _iso(row.last_day)
    return {"name": row.name, "rule": row.rule, "audience": computation.get("audience") or rule.get("audience"),
            "status": row.status.value, "last_day": last_day,
            "act_by": computation.get("act_by", last_day), "outer_limit": computation.get("outer_limit", last_day),
            "due_at": _iso(row.due_at), "met_at": _iso(row.met_at),
            "source": rule.get("source"), "time_of_day": rule.get("time_of_day"),
            "steps": list(computation.get("steps", [])), "computation": computation}


def lateness(case: Case) -> dict[str, Any] | None:
    """D6: how late the filing was. ``days``: Brussels days after the last day on which it was received
    (0: on the last day, after the hour the limit ends at); ``hours``/``minutes``: only where the limit
    ends at an hour of the day (e.g. an application deadline at noon), else None. None when no filing
    limit applies (a Reg 1049/2001 request)."""
    row = case.deadline("filing")
    if row is None:
        return None
    hour_limit = (row.spec.get("rule") or {}).get("time_of_day")
    out: dict[str, Any] = {"late": bool(case.late), "seconds": case.lateness_seconds or 0, "days": 0,
                           "hours": None, "minutes": None, "hour_limit": hour_limit,
                           "last_day": _iso(row.last_day), "due_at": _iso(row.due_at),
                           "within_outer_limit": "within-outer-limit" in case.flags, "excuse": case.excuse}
    if case.late and row.last_day is not None:
        out["days"] = (case.filed_at.astimezone(BRUSSELS).date() - row.last_day).days
        if hour_limit:
            out["hours"], rest = divmod(out["seconds"], 3600)
            out["minutes"] = rest // 60
    return out


def _trail(session: Session, case: Case) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "case", AuditEvent.entity_id == case.id)
                                .order_by(AuditEvent.id)))


def case_view(session: Session, case: Case) -> dict[str, Any]:
    """Everything about ``case`` as JSON-ready data (see the module docstring)."""
    trail = _trail(session, case)
    filing = next((e for e in trail if e.action == "file"), None)
    decided = [e for e in trail if e.action == "decide"]
    application, decision = case.application, case.decision
    return {
        "reference": case.reference, "type": case.type.value, "rule": case.type.rule, "state": case.state.value,
        "deciding_body": case.deciding_body.value, "version": case.version, "language": case.language,
        "candidate": {"name": case.candidate.full_name, "email": case.candidate.email},
        "application": application and {"number": application.number, "notice": application.notice.reference,
                                         "field": application.field.code, "phase": application.phase,
                                         "status": application.status.value},
        "contested_decision": decision and {"id": decision.id, "kind": decision.kind,
                                            "author": decision.author.value, "stage": decision.phase,
                                            "published_at": decision.published_at.isoformat()},
        "parent": case.parent and case.parent.reference,
        "filed_at": case.filed_at.isoformat(), "filed_by": filing.actor if filing else None,
        "registered_by_legal_team": "registered-by-legal-team" in case.flags,
        "late": case.late, "lateness_seconds": case.lateness_seconds, "lateness": lateness(case),
        "excuse": case.excuse, "flags": list(case.flags), "details": case.details,
        "outcome": case.outcome, "closed_at": _iso(case.closed_at),
        "decision": case.details.get("decision") and {**case.details["decision"],
                                                      "reason": decided[-1].reason if decided else None},
        "analysis": case.details.get("analysis"),
        "reasons": [{"step": e.action, "by": e.actor, "at": e.at.isoformat(), "reason": e.reason}
                    for e in trail if e.reason],
        "deadlines": [deadline_data(d) for d in case.deadlines],
        "messages": [{"at": m.at.isoformat(), "direction": m.direction, "kind": m.kind, "author": m.author,
                      "language": m.language, "body": m.body} for m in case.messages],
        "documents": [{"id": d.id, "kind": d.kind, "name": d.filename, "size": d.size, "media_type": d.media_type,
                       "sha256": d.sha256, "added_by": d.added_by, "added_at": d.added_at.isoformat()}
                      for d in case.documents],
        "trail": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "from": e.from_state,
                   "to": e.to_state, "reason": e.reason, "changes": e.changes} for e in trail],
    }


def case_row(case: Case) -> dict[str, Any]:
    """A case as a line of a list."""
    return _line(case, case.application and case.application.number)


def _line(case: Any, application: str | None) -> dict[str, Any]:
    """A line of a list from a case or a row of its :data:`_LINE` columns."""
    return {"reference": case_reference(case.type, case.filed_at, case.id), "type": case.type.value,
            "state": case.state.value, "deciding_body": case.deciding_body.value,
            "filed_at": case.filed_at.isoformat(), "late": case.late, "outcome": case.outcome,
            "flags": list(case.flags), "application": application, "decision": case.decision_id}


_LINE = (Case.id, Case.type, Case.state, Case.deciding_body, Case.filed_at, Case.late, Case.outcome, Case.flags,
         Case.decision_id)
# the lines with their running time limits, built once (a list page runs it on every request)
_LINES_WITH_NEXT_DATE = (
    select(*_LINE, Application.number.label("application_number"), CaseDeadline.name.label("deadline"),
           CaseDeadline.last_day, CaseDeadline.computation["act_by"].as_string().label("act_by"))
    .outerjoin(Application, Application.id == Case.application_id)
    .outerjoin(CaseDeadline, and_(CaseDeadline.case_id == Case.id, CaseDeadline.status == DeadlineStatus.OPEN))
    .order_by(Case.id.desc(), CaseDeadline.id))


def case_list(session: Session, *, case_type: CaseType | None = None, state: CaseState | None = None,
              candidate: Candidate | None = None, notice: Notice | None = None, late: bool | None = None,
              visible: ColumnElement[bool] | None = None, limit: int | None = LIST_LIMIT) -> list[dict[str, Any]]:
    """Cases, newest first, with the filters given; ``visible``: only those a person may see
    (:func:`casework.auth.permissions.case_filter`, from the layer above)."""
    query = select(Case).order_by(Case.id.desc())
    if visible is not None:
        query = query.where(visible)
    if case_type is not None:
        query = query.where(Case.type == case_type)
    if state is not None:
        query = query.where(Case.state == state)
    if candidate is not None:
        query = query.where(Case.candidate_id == candidate.id)
    if notice is not None:
        query = query.where(Case.application_id.in_(select(Application.id)
                                                     .where(Application.notice_id == notice.id)))
    if late is not None:
        query = query.where(Case.late.is_(late))
    if limit is not None:
        query = query.limit(limit)
    return [case_row(case) for case in session.scalars(query)]


def cases_with_next_date(session: Session, visible: ColumnElement[bool]) -> list[dict[str, Any]]:
    """The cases a person may see (``visible``: :func:`casework.auth.permissions.case_filter`), newest
    first, each as a line of a list with its next running time limit (``next``: the open one with the
    earliest date to act by, or None). One query, of the columns a line shows: the page a candidate
    opens most (measured in docs/performance.md)."""
    lines: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for row in session.execute(_LINES_WITH_NEXT_DATE.where(visible)):
        if row.id not in lines:
            lines[row.id] = (_line(row, row.application_number), [])
        running = lines[row.id][1]
        if row.deadline is not None:      # deadline_data's keys, as far as a line needs them (D2, D5)
            last_day = _iso(row.last_day)
            running.append({"name": row.deadline, "status": DeadlineStatus.OPEN.value, "last_day": last_day,
                            "act_by": row.act_by or last_day})
    return [{**line, "next": next_date(running)} for line, running in lines.values()]


def next_date(deadlines: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Of deadlines as :func:`deadline_data` gives them, the running one with the earliest date to act by."""
    running = [row for row in deadlines if row["status"] == DeadlineStatus.OPEN.value and row.get("act_by")]
    return min(running, key=lambda row: row["act_by"]) if running else None


def candidate_view(session: Session, candidate: Candidate, *, visible: Callable[[object], bool] | None = None,
                   visible_cases: ColumnElement[bool] | None = None) -> dict[str, Any]:
    """The candidate's record (:func:`casework.competitions.history.candidate_history`) with their
    cases, oldest first; each decision lists the cases that contest it. ``visible`` and
    ``visible_cases``: only what a person may see (:mod:`casework.auth.permissions`, a layer above)."""
    view = candidate_history(session, candidate, visible)
    cases = list(reversed(case_list(session, candidate=candidate, visible=visible_cases, limit=None)))
    contested: dict[int, list[str]] = {}
    for row in cases:
        if row["decision"] is not None:
            contested.setdefault(row["decision"], []).append(row["reference"])
    for application in view["applications"]:
        for decision in application["decisions"]:
            decision["contested_by"] = contested.get(decision["id"], [])
    view["cases"] = cases
    return view

