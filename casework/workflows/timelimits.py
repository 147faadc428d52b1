"""The time limits of a case: computed by the deadline engine, stored with their trace (D6).

Each :class:`CaseDeadline` row keeps the engine's input (``spec``) and its computation, so a
deadline can be shown with how it was computed, changed only by a recorded decision (D6, D7, D8)
and recomputed when a holiday calendar changes (D2).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, object_session

from .. import clock
from ..agenda import planning
from ..agenda.calendars import stored_calendars
from ..cases.models import Case, CaseDeadline, DeadlineStatus
from ..competitions.notices import time_limits, version_on
from ..deadlines import CalendarSet, DeadlineResult, DeadlineSpec, RuleSet, compute, get_rule_set
from ..deadlines import Decision as ClockDecision
from ..deadlines.errors import DeadlineError
from .errors import MissingData, WorkflowError

FILING_RULES = {              # D9: the rule that limits the filing itself, per case type
    "neutralisation": "neutralisation",
    "technical-issue": "technical-issue",
    "review": "review",
    "complaint": "art90-complaint",
    "access-info": "info-request",
}


def rule_set_for(case: Case) -> RuleSet:
    """D9: the rule set of the notice version the contested decision was taken under (C14), else of
    the notice in force; the statutory rules (D7, D8) are the same in every set."""
    if case.decision is not None:
        return time_limits(case.decision.notice_version)
    if case.application is not None and case.details.get("sat_on"):        # P1, P2: the day of the test
        return time_limits(version_on(case.application.notice, date.fromisoformat(case.details["sat_on"])))
    if case.application is not None:
        return time_limits(case.application.notice.current)
    return get_rule_set("2022")


def calendars_of(case: Case) -> CalendarSet:
    """The calendars in force: the shipped ones with the years administrators recorded (D2)."""
    return stored_calendars(object_session(case))


def _days(row: CaseDeadline) -> dict[str, str | None]:
    """The dates of a stored deadline that people are shown: the last day the law gives, the date
    to act by (D2, D5) and the outer limit (D6); rows stored before those existed have the last day."""
    last_day = row.last_day and row.last_day.isoformat()
    return {"last_day": last_day, "act_by": row.computation.get("act_by", last_day),
            "outer_limit": row.computation.get("outer_limit", last_day)}


def act_by(row: CaseDeadline) -> date | None:
    """The date to show whoever must act (D2, D5): for a candidate never later than the real one."""
    day = _days(row)["act_by"]
    return day and date.fromisoformat(day)


def recompute(row: CaseDeadline) -> dict[str, Any] | None:
    """D2: the deadline again under the calendars in force; what moved, or None if nothing did."""
    result = compute(DeadlineSpec.from_dict(row.spec), calendars_of(row.case))
    before = _days(row)
    after = {key: day and day.isoformat() for key, day in
             (("last_day", result.last_day), ("act_by", result.act_by), ("outer_limit", result.outer_limit))}
    if (before, row.due_at) == (after, result.deadline):
        return None
    _store(row, result)
    return {"deadline": row.name, "before": before, "after": after}


def _store(row: CaseDeadline, result: DeadlineResult) -> None:
    row.spec = result.spec.to_dict()
    row.computation = result.to_dict()
    row.last_day = result.last_day
    row.due_at = result.deadline
    planning.plan(row)         # what the scheduler must do, and when, for this end of the period


def open_deadline(session: Session, case: Case, name: str, rule: str, event: date | datetime,
                  rule_set: RuleSet | None = None, after: CaseDeadline | None = None) -> CaseDeadline:
    """Start the named time limit of ``case`` from ``event`` under the case's rule set; ``after``: the
    event is the end of that earlier period (D7: the court window from an implied rejection), so the
    date shown to the candidate does not rest on its unconfirmed holidays either (D2)."""
    spec = DeadlineSpec.for_rule(rule, event, rule_set or rule_set_for(case))
    if after is not None:
        spec = replace(spec, after=DeadlineSpec.from_dict(after.spec))
    return _row(session, case, name, rule, compute(spec, stored_calendars(session)), DeadlineStatus.OPEN)


def _row(session: Session, case: Case, name: str, rule: str, result: DeadlineResult, status: DeadlineStatus,
         met_at: datetime | None = None) -> CaseDeadline:
    row = CaseDeadline(case=case, name=name, rule=rule, status=status, met_at=met_at, created_at=clock.now())
    session.add(row)
    _store(row, result)
    return row


def filing_lateness(session: Session, case: Case, rule: str, event: date | datetime, filed_at: datetime,
                    rule_set: RuleSet | None = None) -> DeadlineResult:
    """D6: the limit of the filing itself, and the lateness it gives ``case`` (never a refusal); computed
    before the case is written, which :func:`record_filing` then stores the limit of.

    A filing after the last day but by the outer limit (D5: a notice's limit that does not roll
    forward; the day Art 3(4)-(5) would give) is flagged ``within-outer-limit``: the deciding body
    weighs it when it decides on the lateness.
    """
    result = _under_rule(case, rule, event, rule_set)
    late_by = result.deadline and (filed_at - result.deadline)
    if late_by and late_by > timedelta(0):
        case.late, case.lateness_seconds = True, int(late_by.total_seconds())
        within = result.outer_limit_deadline is not None and filed_at <= result.outer_limit_deadline
        case.flags = [*case.flags, "late", *(["within-outer-limit"] if within else [])]
    return result


def record_filing(session: Session, case: Case, result: DeadlineResult, filed_at: datetime) -> CaseDeadline:
    """The filing's own limit (:func:`filing_lateness`), met at ``filed_at``."""
    return _row(session, case, "filing", result.spec.rule.name, result, DeadlineStatus.MET, filed_at)


def close(case: Case, name: str, status: DeadlineStatus, at: datetime | None = None) -> CaseDeadline | None:
    """Mark the open deadline ``name`` met, expired or cancelled."""
    row = case.deadline(name)
    if row is None or row.status is not DeadlineStatus.OPEN:
        return None
    row.status = status
    row.met_at = at or clock.now()
    return row


def cancel_open(case: Case) -> None:
    """A closed or withdrawn case stops its running time limits."""
    for row in case.deadlines:
        if row.status is DeadlineStatus.OPEN:
            row.status, row.met_at = DeadlineStatus.CANCELLED, clock.now()


def is_past(row: CaseDeadline | None, at: datetime | None = None) -> bool:
    """The period has run out (its last day has ended, D4)."""
    return row is not None and row.due_at is not None and (at or clock.now()) > row.due_at


def clock_decision(data: dict[str, Any]) -> ClockDecision:
    """A D6 decision from form data: kind, reason, and ``on`` or ``period``."""
    try:
        return ClockDecision(kind=data.get("kind", ""), reason=data.get("reason") or "",
                             on=data.get("on"), period=data.get("period"), ref=data.get("ref"))
    except (DeadlineError, ValueError) as exc:
        raise MissingData(str(exc)) from None


def apply_clock_decision(case: Case, name: str, decision: ClockDecision) -> dict[str, Any]:
    """D6/D7/D8: extend, suspend, resume or restart the deadline ``name``; returns what moved."""
    row = case.deadline(name)
    if row is None:
        raise MissingData(f"case {case.reference} has no {name!r} deadline")
    if row.status not in (DeadlineStatus.OPEN, DeadlineStatus.EXPIRED):
        raise WorkflowError(f"the {name} deadline is {row.status.value}: it cannot be changed")
    before = {**_days(row), "due_at": row.due_at and row.due_at.isoformat()}
    try:
        result = compute(DeadlineSpec.from_dict(row.spec).with_decision(decision), calendars_of(case))
    except DeadlineError as exc:
        raise WorkflowError(str(exc)) from None
    if row.status is DeadlineStatus.EXPIRED and (result.deadline is None or result.deadline > clock.now()):
        row.status, row.met_at = DeadlineStatus.OPEN, None
    _store(row, result)
    return {"deadline": name, "decision": decision.to_dict(), "before": before,
            "after": {**_days(row), "due_at": row.due_at and row.due_at.isoformat()}}


def last_day_under(case: Case, rule: str, row: CaseDeadline) -> date:
    """The last day ``rule`` gives from the same event as ``row`` (D8: the extended period)."""
    return _under_rule(case, rule, DeadlineSpec.from_dict(row.spec).event).last_day


def _under_rule(case: Case, rule: str, event: date | datetime, rule_set: RuleSet | None = None) -> DeadlineResult:
    """What ``rule`` gives from ``event`` under the case's rule set (D9) and the calendars in force (D2)."""
    return compute(DeadlineSpec.for_rule(rule, event, rule_set or rule_set_for(case)), calendars_of(case))


def decisions_of(row: CaseDeadline, kind: str) -> list[dict[str, Any]]:
    return [d for d in row.spec.get("decisions", []) if d.get("kind") == kind]
