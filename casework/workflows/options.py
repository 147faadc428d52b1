"""What a candidate can do about a decision, and until when: the procedures open against it, as data.

"What can I do about this?" (issue 11) for one published decision (R2):

- **P3 request for review** against a decision of the board or EPSO (R1: the body that took it
  decides), within the notice's limit (D9);
- **P4 Article 90(2) complaint** against any act, within 3 months (D7); against a board decision it
  is pointless (the Director cannot overturn a board's value judgment) and the candidate is told so
  before filing, with the court window that keeps running (``filing.warnings_for``);
- **P5 request for access to information** after a decision that published results (a phase with
  tests, or the screener), within the notice's limit when it sets one;
- **P1 neutralisation** (an MCQ test) and **P2 technical issue** about each test of the decision's
  phase the candidate sat, from the day of the sitting;
- **P2 about the application form** while applications are open: reported before the application
  deadline (003 4.1), with the day after which questions to EPSO may not be answered in time (D10);
- **P6** as information only (the legal team tracks it): a board decision may go straight to the
  General Court within 3 months and 10 days (D7); an EPSO decision only after a complaint; the
  Ombudsman needs prior approaches and suspends no time limit.

Every date comes from the deadline engine with the same event, rule and rule set as the filing
itself (:func:`filing_limit` mirrors ``filing.file_case``; a test files each option and compares),
with the computation a candidate is shown (D6) — never the outer limit (D5: a later date, the
deciding body's to weigh). A passed limit does not close an option: the filing is recorded as late
and the deciding body decides on it (D6).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..agenda.calendars import stored_calendars
from ..cases.models import CaseState, CaseType, DecidingBody
from ..competitions.models import Application, Body, Decision, Sitting
from ..competitions.notices import definition, time_limits, version_on
from ..deadlines import BRUSSELS, DeadlineResult, DeadlineSpec, compute
from . import routing, timelimits
from .filing import warnings_for

COURT, OMBUDSMAN = "court-action", "ombudsman"      # P6, information only
ABOUT_TESTS = (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE)


@dataclass(frozen=True)
class Option:
    """One procedure open to the candidate (or, for P6, told about), with its time limit."""
    kind: str                          # a CaseType value ("review"), or COURT / OMBUDSMAN (P6)
    rule: str                          # "P1" … "P6"
    deciding_body: str | None          # R1: who decides (a DecidingBody value)
    fileable: bool                     # False: information only (P6, or a court action after a complaint)
    act_by: date | None                # the date to act by (D2, D5); None: no time limit (or none yet)
    ends_at: datetime | None           # the instant the period for acting ends (UTC)
    passed: bool                       # the date to act by is over: filing still recorded, as late (D6)
    computation: dict[str, Any] | None  # the engine's trace as the candidate is shown it (D6, no outer limit)
    warnings: tuple[tuple[str, str], ...] = ()   # (code, text) to show and confirm before filing (P4)
    decision_id: int | None = None     # the contested decision
    notice: str | None = None          # P1, P2: the notice's reference (the filing names the notice and the test)
    test: str | None = None            # P1, P2: the test's code
    sat_on: date | None = None         # P1, P2: the day it was sat
    after_complaint: bool = False      # P6: an EPSO decision reaches the court only after a complaint (D7)
    about: str | None = None           # P2: "application-form" for a problem with the application form
    questions_by: date | None = None   # D10: questions sent to EPSO after this day may not be answered in time

    @property
    def pointless(self) -> bool:
        """P4 against a board decision: filed and answered, but it cannot overturn the board (P4)."""
        return bool(self.warnings)


def filing_limit(session: Session, case_type: CaseType, *, decision: Decision | None = None,
                 application: Application | None = None, sat_on: date | None = None) -> DeadlineResult | None:
    """D9, D6: the limit for filing ``case_type`` — against ``decision`` (P3, P4, P5: from its publication
    in the account, under the rule set of the notice version it was taken under, C14), or about a test of
    ``application`` sat on ``sat_on`` (P1, P2: under the version in force that day). The same event, rule
    and rule set as ``filing.file_case``; None where the rule set sets no such limit (D9) or the type has
    none (Reg 1049/2001 requests)."""
    rule = timelimits.FILING_RULES.get(case_type.value)
    if rule is None:
        return None
    if case_type in ABOUT_TESTS:
        if application is None or sat_on is None:
            return None
        rules, event = time_limits(version_on(application.notice, sat_on)), sat_on
    else:
        if decision is None:
            return None
        rules, event = time_limits(decision.notice_version), decision.published_at
    if rule not in rules.rules:
        return None
    return compute(DeadlineSpec.for_rule(rule, event, rules), stored_calendars(session))


def told(computation: dict[str, Any]) -> dict[str, Any]:
    """A deadline's computation as a candidate is shown it (D2, D5): without the outer limit, nor any step
    that names it where it is a later date than the one to act by."""
    outer = computation.get("outer_limit")
    beyond = outer if outer and outer not in (computation.get("act_by"), computation.get("last_day")) else None
    out = {key: value for key, value in computation.items() if key not in ("outer_limit", "outer_limit_utc", "spec")}
    for key in ("steps", "differences"):
        out[key] = [text for text in computation.get(key, []) if beyond is None or beyond not in text]
    return out


def _option(kind: CaseType, result: DeadlineResult | None, now: datetime, **fields: Any) -> Option:
    ends_at = result.act_by_deadline if result is not None else None
    return Option(kind=kind.value, rule=kind.rule, fileable=True,
                  act_by=result.act_by if result is not None else None, ends_at=ends_at,
                  passed=ends_at is not None and now > ends_at,
                  computation=told(result.to_dict()) if result is not None else None, **fields)


def _has_results(decision: Decision) -> bool:
    """P5: the decision closed a phase with results (tests, or the talent screener)."""
    try:
        phase = next(p for p in definition(decision.notice_version).phases if p.code == decision.phase)
    except StopIteration:
        return False
    return bool(phase.tests) or phase.kind == "screener"


def options_for(session: Session, decision: Decision, now: datetime | None = None,
                language: str | None = None) -> list[Option]:
    """The procedures open against ``decision`` (P1–P5) and the onward remedies told about it (P6), each
    with its date to act by and computation; the P4 warning in ``language`` (English by default)."""
    now = now or clock.now()
    out: list[Option] = []
    about = {"decision_id": decision.id}
    if decision.author in (Body.BOARD, Body.EPSO):                   # P3: against the board's or EPSO's acts
        out.append(_option(CaseType.REVIEW, filing_limit(session, CaseType.REVIEW, decision=decision), now,
                           deciding_body=routing.deciding_body(CaseType.REVIEW, decision).value, **about))
    out.append(_option(CaseType.COMPLAINT, filing_limit(session, CaseType.COMPLAINT, decision=decision), now,
                       deciding_body=routing.deciding_body(CaseType.COMPLAINT, decision).value,
                       warnings=tuple(warnings_for(session, CaseType.COMPLAINT, decision, language)), **about))
    if _has_results(decision):
        out.append(_option(CaseType.ACCESS_INFO, filing_limit(session, CaseType.ACCESS_INFO, decision=decision),
                           now, deciding_body=routing.deciding_body(CaseType.ACCESS_INFO, decision).value, **about))
    out.extend(test_options(session, decision.application, now, phase=decision.phase))
    out.extend(onward(session, decision, now))
    return out


def test_options(session: Session, application: Application, now: datetime | None = None,
                 phase: str | None = None) -> list[Option]:
    """P1 (an MCQ test) and P2 (any test) about each test the candidate sat, from the day of the sitting;
    ``phase``: only the tests of that phase of the notice."""
    now = now or clock.now()
    spec = definition(application.notice.current)
    tests = {test.code: test for p in spec.phases if phase is None or p.code == phase for test in p.tests}
    sittings = session.scalars(select(Sitting).where(Sitting.application_id == application.id)
                               .order_by(Sitting.sat_on, Sitting.test))
    out: list[Option] = []
    for sitting in sittings:
        test = tests.get(sitting.test)
        if test is None:
            continue
        kinds: Sequence[CaseType] = ABOUT_TESTS if test.kind == "mcq" else (CaseType.TECHNICAL_ISSUE,)
        for kind in kinds:
            out.append(_option(kind, filing_limit(session, kind, application=application, sat_on=sitting.sat_on),
                               now, deciding_body=routing.deciding_body(kind, None).value,
                               notice=application.notice.reference, test=sitting.test, sat_on=sitting.sat_on))
    return out


def application_form(session: Session, application: Application, now: datetime | None = None) -> Option | None:
    """P2 about the application form while applications are open (C14: under the version in force): to be
    reported before the notice's application deadline, not within days of a test (003 4.1; 004 7.1(2)),
    and D10: questions sent less than 5 working days before that deadline may not be answered in time
    (the notice's ``questions-cutoff`` rule, counted backwards; None where its rule set has none)."""
    now = now or clock.now()
    version = version_on(application.notice, now.astimezone(BRUSSELS).date())
    deadline = definition(version).application_deadline
    if now > deadline:
        return None
    rules = time_limits(version)
    cutoff = (compute(DeadlineSpec.for_rule("questions-cutoff", deadline, rules), stored_calendars(session)).last_day
              if "questions-cutoff" in rules.rules else None)
    return Option(kind=CaseType.TECHNICAL_ISSUE.value, rule=CaseType.TECHNICAL_ISSUE.rule,
                  deciding_body=routing.deciding_body(CaseType.TECHNICAL_ISSUE, None).value, fileable=True,
                  act_by=deadline.astimezone(BRUSSELS).date(), ends_at=deadline, passed=False, computation=None,
                  notice=application.notice.reference, about="application-form", questions_by=cutoff)


def onward(session: Session, decision: Decision, now: datetime | None = None) -> list[Option]:
    """P6, as information: the court window against a board decision (D7: tracked if a case opened it,
    else from the decision's notification), an EPSO decision's way to court through a complaint, and the
    Ombudsman (no time limit of its own, and it suspends none)."""
    now = now or clock.now()
    out: list[Option] = []
    if routing.is_board_decision(decision):
        out.append(_court_window(session, decision, now))
    else:
        out.append(Option(kind=COURT, rule="P6", deciding_body=DecidingBody.GENERAL_COURT.value, fileable=False,
                          act_by=None, ends_at=None, passed=False, computation=None, decision_id=decision.id,
                          after_complaint=True))
    out.append(Option(kind=OMBUDSMAN, rule="P6", deciding_body=DecidingBody.OMBUDSMAN.value, fileable=False,
                      act_by=None, ends_at=None, passed=False, computation=None, decision_id=decision.id))
    return out


def _court_window(session: Session, decision: Decision, now: datetime) -> Option:
    """D7: as ``filing.board_window_end`` counts it, with the computation behind the date."""
    from .effects import board_window
    tracked = board_window(session, decision)
    row = tracked.deadline("court-action") if tracked is not None else None
    if row is not None:
        act_by, ends_at = timelimits.act_by(row), row.computation.get("act_by_utc")
        ends = datetime.fromisoformat(ends_at) if ends_at else row.due_at
        passed = tracked.state is CaseState.LAPSED or (ends is not None and now > ends)
        computation = told(row.computation)
    else:
        result = compute(DeadlineSpec.for_rule(COURT, decision.published_at, time_limits(decision.notice_version)),
                         stored_calendars(session))
        act_by, ends = result.act_by, result.act_by_deadline
        passed, computation = ends is not None and now > ends, told(result.to_dict())
    return Option(kind=COURT, rule="P6", deciding_body=DecidingBody.GENERAL_COURT.value, fileable=False,
                  act_by=act_by, ends_at=ends, passed=passed, computation=computation, decision_id=decision.id)
