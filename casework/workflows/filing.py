"""Filing a case: what the candidate sends is recorded, never refused for lateness (D6).

The contested decision's author, stage and publication date come from the competition core's
record (R2); the filing deadline is computed from it under the notice's rule set (D9). What the
rules require to be considered at all (P1: the question and the error; P3, P4: the contested
decision) is asked for before anything is recorded; everything else that may make a case
inadmissible is recorded as a flag for the legal team to decide on.

What each case type takes is data (:data:`DETAILS`); :mod:`.requests` checks a request as a form or
the command line received it against that data, and refuses what the type does not take.
"""
from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from .. import audit, clock
from ..agenda.calendars import stored_calendars
from ..auth.actors import Actor
from ..auth.models import Role
from ..cases.models import Case, CaseDeadline, CaseDocument, CaseMessage, CaseState, CaseType
from ..competitions.models import Application, Decision, Sitting
from ..competitions.notices import definition, time_limits, version_on
from ..deadlines import BRUSSELS, DeadlineResult, DeadlineSpec, RuleSet, compute, local_date
from ..notifications.templates import letter
from ..text import control_character_in
from . import routing, timelimits
from .errors import MissingData, NotAllowed, SittingNotOnRecord, UploadRefused, WarningRequired
from .steps import InvalidData

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200         # a stored document's name (the column's length): a longer one is shortened
UPLOAD_TYPES = {        # media type: (the bytes a real file of it starts with, the endings its stored name may
    "application/pdf": ((b"%PDF-",), (".pdf",)),                      # keep: the first is added otherwise)
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "text/plain": ((), (".txt",)),
}

BOARD_WARNING_CODE = "p4-board-decision"
NOT_A_FILER = "only the candidate, or the legal team registering a request received otherwise, can file a case"


# --- what is filed, per case type ----------------------------------------------------------------

TEXT, YES_NO, LIST = "text", "yes-no", "list"


@dataclass(frozen=True)
class Detail:
    """One item of what is filed, as data: a form or ``case file -d`` may give exactly the details of
    the case type (tests/workflows/test_filing_request.py checks them against what this module reads)."""
    key: str
    required: str | None = None    # the refusal when it is missing names this: "the grounds of the request (P3)"
    plural: bool = False           # … "are required" rather than "is required"
    kind: str = TEXT               # YES_NO: a flag the rules read; LIST: items one by one (P5)


DETAILS: dict[CaseType, tuple[Detail, ...]] = {
    CaseType.NEUTRALISATION: (Detail("question", "the question, identified by its content (P1)"),
                              Detail("explanation", "an explanation of the alleged error (P1)"),
                              Detail("error_type")),                  # "translation": flagged (003 4.2.1)
    CaseType.TECHNICAL_ISSUE: (Detail("description", "a description of the problem (P2)"),
                               Detail("about"),                       # "application-form" (003 4.1)
                               Detail("preparatory_steps_done", kind=YES_NO),
                               Detail("preparatory_steps_claim")),    # force majeure (004 7.1(5))
    CaseType.REVIEW: (Detail("grounds", "the grounds of the request (P3)", plural=True),
                      Detail("technical_issue", kind=YES_NO)),        # resting on a P2 issue
    CaseType.COMPLAINT: (Detail("grounds", "the grounds of the complaint (P4)", plural=True),
                         Detail("technical_issue", kind=YES_NO),
                         Detail("omission_date")),                    # against a failure to act (YYYY-MM-DD)
    CaseType.ACCESS_INFO: (Detail("items", "the information requested (P5)", kind=LIST),),
    CaseType.ACCESS_DOCUMENTS: (Detail("documents", "the documents requested (Reg 1049/2001 Art 6)", plural=True),),
}


def details_of(case_type: CaseType) -> tuple[Detail, ...]:
    """What can be filed for ``case_type`` (nothing for an onward remedy, which is not filed)."""
    return DETAILS.get(case_type, ())


def check_details(case_type: CaseType, details: dict[str, Any]) -> None:
    """Refuse details ``case_type`` does not take (listing those it takes) and text with control
    characters (line breaks and tabs are allowed), then require what the rules require (P1–P5)."""
    known = details_of(case_type)
    unknown = [key for key in details if key not in {d.key for d in known}]
    if unknown:
        takes = ", ".join(d.key + (" (required)" if d.required else "") for d in known)
        raise InvalidData(f"unknown detail{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                          f"for {case_type.value} ({case_type.rule}): it takes {takes}")
    if message := control_character_in(details):
        raise InvalidData(message)
    _required(case_type, details)


def _required(case_type: CaseType, details: dict[str, Any]) -> None:
    for detail in details_of(case_type):
        value = details.get(detail.key)
        if detail.required and (not value or (isinstance(value, str) and not value.strip())):
            raise MissingData(f"{detail.required} {'are' if detail.plural else 'is'} required")


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    media_type: str | None = None


def warnings_for(session: Session, case_type: CaseType, decision: Decision | None,
                 language: str | None = None) -> list[tuple[str, str]]:
    """What the portal must show, and the candidate confirm, before filing (P4, D7): (code, text), the
    text in ``language`` (C4; English when there is none in it)."""
    if case_type is CaseType.COMPLAINT and routing.is_board_decision(decision):
        text = letter("board-warning", language, board_warning(session, decision)).text
        return [(BOARD_WARNING_CODE, " ".join(text.split()))]
    return []


def board_warning(session: Session, decision: Decision) -> dict[str, Any]:
    """What the P4 warning against a board ``decision`` says, as data for its template: the date to act
    by of its court window (D7, D2) and whether that is over, and the notice's limit for a request for
    review (D9) as a count and a unit, None where its rule set has none."""
    end, lapsed = board_window_end(session, decision)
    rule = time_limits(decision.notice_version).rules.get("review")
    return {"until": end.isoformat(), "ended": lapsed, "review_count": abs(rule.period.count) if rule else None,
            "review_unit": rule.period.unit if rule else None}


def board_window_end(session: Session, decision: Decision) -> tuple[date, bool]:
    """D7: the date to act by (D2) of the court window against a board ``decision`` — the tracked one if
    a case opened it, else counted from the decision's notification — and whether it is over."""
    from .effects import board_window
    tracked = board_window(session, decision)
    if tracked is not None and tracked.deadline("court-action") is not None:
        row = tracked.deadline("court-action")
        return timelimits.act_by(row), tracked.state is CaseState.LAPSED or timelimits.is_past(row)
    result = compute(DeadlineSpec.for_rule("court-action", decision.published_at, time_limits(decision.notice_version)),
                     stored_calendars(session))
    return result.act_by, result.deadline is not None and clock.now() > result.deadline


def _keep_board_window(session: Session, case: Case) -> None:
    """P4, D7: a complaint against a board decision does not stop the court window against it: open and
    show that window (from the decision's notification) unless a case already tracks it."""
    from .effects import board_window
    remedy = board_window(session, case.decision)
    if remedy is None:
        remedy = open_remedy(session, case, Actor.system("filing"), event=case.decision.published_at)
    row = remedy.deadline("court-action")
    if remedy.state is CaseState.WINDOW_OPEN and row is not None and row.last_day is not None:
        text = letter("board-window", case.language, {"until": timelimits.act_by(row).isoformat(),
                                                      "ended": timelimits.is_past(row)})
        session.add(CaseMessage(case=case, direction="out", kind="notice", language=text.language,
                                author="system:filing", at=case.filed_at, body=text.text))


def _application_form(details: dict[str, Any]) -> bool:
    """P2 (003 4.1; 004 7.1(2)): a report about the application form rather than about a test."""
    return details.get("about") == "application-form"


def _filing_limit(session: Session, case: Case, case_type: CaseType, event, filed_at: datetime,
                  flags: list[str]) -> DeadlineResult | None:
    """D6, D9: the limit of the filing itself, its lateness set on ``case``; None when the rule set
    gives the filing no limit."""
    with session.no_autoflush:          # the case is not written yet
        if "application-form" in flags:                                                     # P2
            return _application_form_limit(session, case, filed_at)
        rule = timelimits.FILING_RULES.get(case_type.value)
        if rule is not None and rule in timelimits.rule_set_for(case).rules:   # D9: some rules set no limit
            return timelimits.filing_lateness(session, case, rule, event, filed_at)
    return None


def _application_form_limit(session: Session, case: Case, filed_at: datetime) -> DeadlineResult:
    """P2: problems with the application form are reported before the application deadline of the
    notice version in force (C14: a reopened deadline counts), not within 3 days of a test: a rule
    of one day ending at the notice's own time of day, never rolled forward."""
    spec = definition(version_on(case.application.notice, local_date(filed_at)))
    deadline = spec.application_deadline.astimezone(BRUSSELS)
    base = timelimits.rule_set_for(case)
    rules = RuleSet.from_dict({"name": base.name, "version": base.version, "rules": {"application-form": {
        "period": "1cd", "roll_forward": False, "art_3_5": False,
        "time_of_day": deadline.time().replace(tzinfo=None).isoformat(timespec="minutes"),
        "source": "003 Annex II 4.1, 004 7.1(2): problems with the application form are reported before the "
                  f"application deadline ({spec.deadline_wording or deadline.isoformat()}): the notice's own "
                  "deadline, counted as the single day ending at it, never rolled forward"}}})
    return timelimits.filing_lateness(session, case, "application-form", deadline.date() - timedelta(days=1),
                                      filed_at, rules)


def check_filer(actor: Actor, application: Application | None = None) -> None:
    """Who files: the candidate, about their own applications, or the legal team for them (D6)."""
    if actor.role is Role.CANDIDATE:
        if application is not None and application.candidate_id != actor.candidate_id:
            raise NotAllowed("a candidate can only file about their own applications")
    elif not actor.in_legal_team:
        raise NotAllowed(NOT_A_FILER)


def _event(session: Session, case_type: CaseType, application: Application | None, decision: Decision | None,
           test: str | None, sat_on, details: dict[str, Any], flags: list[str]) -> tuple[Sitting | None, Any]:
    """The event the filing time limit runs from: the test sitting (P1, P2), the decision (R2), or
    for a P4 against a failure to act the date by which a decision should have been taken."""
    if decision is not None and (application is None or decision.application_id != application.id):
        raise MissingData("the decision named is not one on this application")
    if case_type is CaseType.TECHNICAL_ISSUE and _application_form(details) and not test:
        if application is None:
            raise MissingData("say which application the problem with the application form is about")
        flags.append("application-form")               # P2: limited by the application deadline
        return None, definition(application.notice.current).application_deadline
    if case_type in (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE):
        if application is None or not test:
            raise MissingData("say which application and which test the request is about")
        sitting = session.scalar(select(Sitting).where(Sitting.application_id == application.id,
                                                       Sitting.test == test))
        if sitting is None and sat_on is None:
            raise SittingNotOnRecord(f"no sitting of {test} is on record for {application.number}: "
                                     "say on which day you sat the test")
        if sitting is None:
            flags.append("sitting-not-on-record")      # the legal team checks the declared date
        day = sitting.sat_on if sitting is not None else sat_on
        try:           # D9, C14: the notice as it stood on the day of the test
            definition(version_on(application.notice, day)).test(test)
        except KeyError:
            flags.append("test-not-in-notice")         # recorded all the same; the legal team checks
        return sitting, day
    if case_type is CaseType.COMPLAINT and decision is None:
        omission = details.get("omission_date")
        if not omission:
            raise MissingData("name the contested decision, or the date by which a decision should have "
                              "been taken (a complaint against a failure to act, P4)")
        try:
            day = date.fromisoformat(str(omission))
        except ValueError:
            raise MissingData(f"the date {omission!r} is not a date (YYYY-MM-DD)") from None
        flags.append("failure-to-act")
        return None, day
    if case_type in (CaseType.REVIEW, CaseType.COMPLAINT, CaseType.ACCESS_INFO):
        if decision is None:
            raise MissingData("name the contested decision (P3) or the published results (P5)")
        return None, decision.published_at
    return None, None


def _flags(session: Session, case_type: CaseType, application: Application | None,
           decision: Decision | None, details: dict[str, Any], documents: list[Upload], flags: list[str]) -> None:
    if case_type is CaseType.COMPLAINT and routing.is_board_decision(decision):
        flags.append("board-decision")         # P4, D7: answered all the same; its court window keeps running
    if case_type is CaseType.NEUTRALISATION and details.get("error_type") == "translation":
        flags.append("translation-claim")      # P1 (003 4.2.1): the board checks that the problem is explained
    if case_type is CaseType.TECHNICAL_ISSUE:
        if not documents and not _application_form(details):
            flags.append("no-evidence")                        # P2: helpdesk tickets, transcripts
        if details.get("preparatory_steps_done") is False:
            # P2 (004 7.1(5)): rejected unless the candidate proves circumstances beyond their control or
            # force majeure; their claim is a detail of the report, and EPSO decides on it
            flags.append("preparatory-steps-skipped")
            if not str(details.get("preparatory_steps_claim") or "").strip():
                flags.append("no-force-majeure-claim")
    if case_type in (CaseType.REVIEW, CaseType.COMPLAINT) and details.get("technical_issue"):
        reported = application is not None and session.scalar(      # in time, or late but excused (D6)
            select(Case.id).where(Case.application_id == application.id, Case.type == CaseType.TECHNICAL_ISSUE,
                                  Case.late.is_(False) | Case.excuse.is_not(None),
                                  Case.outcome.is_(None) | (Case.outcome != "inadmissible"),
                                  Case.state.not_in((CaseState.WITHDRAWN, CaseState.INADMISSIBLE))).limit(1))
        if not reported:
            flags.append("unreported-technical-issue")         # P2: such claims are rejected


def file_case(session: Session, actor: Actor, case_type: CaseType, *, application: Application | None = None,
              decision: Decision | None = None, test: str | None = None, sat_on=None,
              details: dict[str, Any] | None = None, documents: Iterable[Upload] = (),
              confirmed_warnings: Iterable[str] = (), filed_at: datetime | None = None) -> Case:
    """Record a new case in state ``filed``, with its deciding body (R1), filing lateness (D6) and
    the first time limits it starts (P3 acknowledgement, P4 reply, Reg 1049/2001 reply)."""
    if case_type is CaseType.REMEDY:
        raise MissingData("onward remedies are opened by the legal team (open_remedy), not filed")
    details = dict(details or {})
    documents = list(documents)
    check_filer(actor, application)
    _required(case_type, details)
    for upload in documents:                # refused before anything is recorded
        checked(upload)
    for code, message in warnings_for(session, case_type, decision):
        if code not in set(confirmed_warnings):
            raise WarningRequired(code, message)
    flags: list[str] = []
    sitting, event = _event(session, case_type, application, decision, test, sat_on, details, flags)
    _flags(session, case_type, application, decision, details, documents, flags)
    if test:
        details["test"], details["sat_on"] = test, event.isoformat()
    if filed_at is not None:         # received earlier by other means (post, e-mail)
        if not actor.in_legal_team:
            raise NotAllowed("only the legal team records when a request sent by other means was received")
        if filed_at > clock.now():
            raise MissingData("a request cannot have been received in the future")
        flags.append("registered-by-legal-team")
    filed_at = filed_at or clock.now()
    candidate = application.candidate if application is not None else None
    if candidate is None:
        if actor.candidate_id is None:
            raise MissingData("say which candidate the request comes from")
        from ..competitions.models import Candidate
        candidate = session.get(Candidate, actor.candidate_id)
    with session.begin_nested():     # a filing that fails half-way leaves nothing
        case = Case(type=case_type, state=CaseState.FILED, candidate=candidate, application=application,
                    decision=decision, sitting=sitting, deciding_body=routing.deciding_body(case_type, decision),
                    language=candidate.correspondence_language, filed_at=filed_at, updated_at=filed_at, late=False,
                    flags=flags, details=details)
        session.add(case)
        limit = _filing_limit(session, case, case_type, event, filed_at, flags)    # its lateness, known before
        session.flush()                                                             # the case is written (D6)
        if limit is not None:
            timelimits.record_filing(session, case, limit, filed_at)
        if case_type is CaseType.REVIEW:
            timelimits.open_deadline(session, case, "acknowledgement", "review-ack", filed_at)
        elif case_type is CaseType.COMPLAINT:
            timelimits.open_deadline(session, case, "reply", "art90-reply", filed_at)
        elif case_type is CaseType.ACCESS_DOCUMENTS:
            timelimits.open_deadline(session, case, "reply", "access-initial", filed_at)
        session.add(CaseMessage(case=case, direction="in", kind="filing", language=case.language,
                                body=_summary(details), author=actor.name, at=filed_at))
        for upload in documents:
            attach(session, case, upload, kind="evidence", actor=actor)
        if case_type is CaseType.COMPLAINT and routing.is_board_decision(decision):
            _keep_board_window(session, case)
        audit.record(session, actor=actor.name, entity="case", entity_id=case.id, action="file",
                     to_state=case.state.value, changes={"type": case_type.value, "flags": case.flags,
                                                         "deciding_body": case.deciding_body.value,
                                                         "filed_at": case.filed_at.isoformat(),
                                                         "lateness_seconds": case.lateness_seconds})
        session.flush()
    return case


def _summary(details: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in details.items())


def checked(upload: Upload, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str, str]:
    """The safe name and media type of an acceptable file: allowed type, content that matches it,
    a bounded size; anything else is refused. The name ends as its type does ("notes.html" sent as a
    PDF is kept as "notes.html.pdf"): whoever downloads it opens it as what it was checked to be."""
    name = secure_filename(upload.filename) or "document"
    called = upload.filename or "a file without a name"            # as the refusals name it
    media_type = upload.media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    limit = max_bytes // (1024 * 1024)

    def refused(reason: str, message: str) -> UploadRefused:
        return UploadRefused(message, reason=reason, filename=called, media_type=media_type,
                             limit_mb=limit)

    if media_type not in UPLOAD_TYPES:
        raise refused("type", f"{called}: files of type {media_type} are not accepted "
                              "(accepted: PDF, PNG, JPEG, plain text)")
    if not upload.content:
        raise refused("empty", f"{called} is empty")
    if len(upload.content) > max_bytes:
        raise refused("size", f"{called} is larger than {limit} MB")
    magic, endings = UPLOAD_TYPES[media_type]
    if magic and not upload.content.startswith(magic):
        raise refused("content", f"{called} is not a real {media_type} file")
    if media_type == "text/plain":
        try:
            upload.content.decode("utf-8")
        except UnicodeDecodeError:
            raise refused("text", f"{called} is not UTF-8 text") from None
    if not name.lower().endswith(endings):
        name += endings[0]
    return _stored_name(name), media_type


def _stored_name(name: str) -> str:
    """``name`` within :data:`MAX_FILENAME` characters, its extension kept (the type a download names)."""
    if len(name) <= MAX_FILENAME:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return name[:MAX_FILENAME]
    return stem[:MAX_FILENAME - len(extension) - 1] + "." + extension


def attach(session: Session, case: Case, upload: Upload, *, kind: str, actor: Actor,
           max_bytes: int = MAX_UPLOAD_BYTES) -> CaseDocument:
    """A validated file (:func:`checked`) stored on ``case``."""
    name, media_type = checked(upload, max_bytes)
    document = CaseDocument(case=case, kind=kind, filename=name, media_type=media_type,
                            size=len(upload.content), sha256=hashlib.sha256(upload.content).hexdigest(),
                            content=upload.content, added_by=actor.name, added_at=clock.now())
    session.add(document)
    return document


def open_remedy(session: Session, parent: Case, actor: Actor, *, forum: str = "court",
                event=None, details: dict[str, Any] | None = None, after: CaseDeadline | None = None) -> Case:
    """P6: track an onward remedy after ``parent`` — the court window from ``event`` (D7), or an
    Ombudsman complaint (which needs prior approaches and suspends no time limit)."""
    if not (actor.in_legal_team or actor.is_system):
        raise NotAllowed("onward remedies are recorded by the legal team")
    if forum not in ("court", "ombudsman"):
        raise MissingData("the forum is the General Court ('court') or the Ombudsman ('ombudsman')")
    case = Case(type=CaseType.REMEDY, candidate=parent.candidate, application=parent.application,
                decision=parent.decision, parent=parent, language=parent.language, filed_at=clock.now(),
                updated_at=clock.now(),
                deciding_body=routing.deciding_body(CaseType.REMEDY, None, forum), late=False, flags=[],
                details={"forum": forum, **(details or {})},
                state=CaseState.WINDOW_OPEN if forum == "court" else CaseState.LODGED)
    session.add(case)
    session.flush()
    if forum == "court":
        timelimits.open_deadline(session, case, "court-action", "court-action", event,
                                 timelimits.rule_set_for(parent), after=after)
    else:
        case.details = {**case.details, "note": "an Ombudsman complaint suspends no time limit (P6)"}
    audit.record(session, actor=actor.name, entity="case", entity_id=case.id, action="open",
                 to_state=case.state.value, changes={"type": "remedy", "forum": forum, "parent": parent.id})
    return case
