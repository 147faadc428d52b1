"""A request to file a case as a form or the command line receives it, and the one function that
checks it: plain strings in, what :func:`~casework.workflows.filing.file_case` needs out (issue 10:
the portal and ``casework case file`` call the same functions).

- the case type is one of :data:`FILEABLE` (an onward remedy, P6, is opened by the legal team);
- the details are those of the case type (:data:`~casework.workflows.filing.DETAILS`): yes/no flags
  become booleans, a list (the P5 items) is split at commas; a key the type does not take is refused,
  naming those it takes; the test and the day it was sat are fields of their own (P1, P2);
- who files for whom: a candidate for themselves; the legal team registers a request received by
  post or e-mail on a candidate's behalf (D6); nobody else;
- the subject: the contested decision (R2) must be on an application of the candidate, and a
  candidate learns nothing of other candidates' decisions; a notice needs the candidate whose
  application to it the request is about;
- when a request sent by other means was received (D6): an ISO instant with its offset, or a date,
  which is the start of that Brussels day (the earliest instant of the day: never later than the
  real receipt);
- the day a test was sat (P1, P2, when no sitting is on record): a date, not in the future, with the
  test.

What :func:`check_filing` does not refuse, :func:`~casework.workflows.filing.file_case` does: a
candidate's request about someone else's application, a receipt instant given by a candidate or in
the future, what the rules require for each case type (P1–P5), a warning not confirmed (P4).
Refusals are the workflows' errors, one line each, nothing recorded. They name the request's fields
in a form's words (:data:`FIELDS`); the command line passes its option names instead.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..auth.actors import Actor
from ..auth.models import Role
from ..cases.models import Case, CaseType
from ..competitions import history
from ..competitions.errors import CompetitionError
from ..competitions.models import Application, Candidate, Decision
from ..competitions.notices import find_notice
from ..deadlines import BRUSSELS, DeadlineError, local_date, parse_when
from ..text import bad_character
from .errors import MissingData, NotAllowed
from .filing import LIST, YES_NO, Upload, check_details, check_filer, checked, details_of, file_case, warnings_for
from .steps import InvalidData

FILEABLE = tuple(t for t in CaseType if t is not CaseType.REMEDY)       # P6 is opened by the legal team
ABOUT_A_TEST = (CaseType.NEUTRALISATION, CaseType.TECHNICAL_ISSUE)      # P1, P2: about a test sitting
YES, NO = ("yes", "true", "1"), ("no", "false", "0")
# details that filing or the steps write themselves: the field of the request to use instead, if any
RESERVED_DETAILS = {"test": "test", "sat_on": "sat_on", "decision": None, "analysis": None}
MAX_ID = 2**63 - 1          # the largest row id (BIGINT); a decision id given as text is checked against it
MAX_NAMED = 5               # application numbers a refusal names for a candidate
# how refusals name the fields of a request: a form's words; `casework case file` passes its options
FIELDS = {"decision": "the contested decision", "notice": "the notice", "candidate": "the candidate",
          "test": "the test", "sat_on": "the day the test was sat", "received_at": "the date of receipt",
          "decision_ids": ""}       # where the ids of one's decisions are listed ("": a form lists them itself)


class DayRefused(InvalidData):
    """The day a test was sat (P1, P2) cannot be taken: ``reason`` says why (``not-a-date``, ``future``)
    for a form to say it at its field in the reader's language; the message is the English sentence the
    command line prints."""

    def __init__(self, message: str, *, reason: str, day: date | None = None):
        super().__init__(message)
        self.reason, self.day = reason, day


@dataclass(frozen=True)
class FilingRequest:
    """What a form or ``casework case file`` received, as given: strings, None (or "") for a field
    left empty."""
    case_type: str                       # one of FILEABLE, by its value ("review")
    decision: str | None = None          # the contested decision's id (R2)
    notice: str | None = None            # a notice's reference: the candidate's application to it
    candidate: str | None = None         # the legal team: the candidate's e-mail or application number
    test: str | None = None              # P1, P2
    sat_on: str | None = None            # P1, P2: the day the test was sat (YYYY-MM-DD) if no sitting is on record
    details: Mapping[str, str | Sequence[str]] = field(default_factory=dict)   # a list: the P5 items, as a form's
    received_at: str | None = None       # the legal team: when a request by post or e-mail came in (D6)
    documents: Sequence[Upload] = ()     # evidence
    confirmed: Sequence[str] = ()        # the codes of the warnings shown and confirmed (P4, D7)


@dataclass(frozen=True)
class Filing:
    """A checked request: the arguments of :func:`~casework.workflows.filing.file_case`."""
    case_type: CaseType
    application: Application | None
    decision: Decision | None
    test: str | None
    sat_on: date | None
    details: dict[str, Any]
    documents: tuple[Upload, ...]
    confirmed_warnings: tuple[str, ...]
    filed_at: datetime | None            # None: now

    def warnings(self, session: Session, language: str | None = None) -> list[tuple[str, str]]:
        """(code, text) of what must be shown, and confirmed, before filing (P4 against a board decision),
        in ``language`` (the portal's; English by default)."""
        return warnings_for(session, self.case_type, self.decision, language)

    def file(self, session: Session, actor: Actor) -> Case:
        return file_case(session, actor, self.case_type, application=self.application, decision=self.decision,
                         test=self.test, sat_on=self.sat_on, details=self.details, documents=self.documents,
                         confirmed_warnings=self.confirmed_warnings, filed_at=self.filed_at)


def file_request(session: Session, actor: Actor, request: FilingRequest,
                 fields: Mapping[str, str] | None = None) -> Case:
    """Check ``request`` (:func:`check_filing`) and file it as ``actor``: the new case."""
    return check_filing(session, actor, request, fields).file(session, actor)


def check_filing(session: Session, actor: Actor, request: FilingRequest,
                 fields: Mapping[str, str] | None = None) -> Filing:
    """``request`` checked and resolved for ``actor``; ``fields`` names the request's fields in the
    refusals (the keys of :data:`FIELDS`; a form's words where it gives none)."""
    names = {**FIELDS, **(fields or {})}
    case_type = fileable(request.case_type)
    details = _details(case_type, request.details, names)
    filed_at = _received_at(_given(request.received_at, "received_at", names), names)
    test = _given(request.test, "test", names)
    day = _sat_on(_given(request.sat_on, "sat_on", names), names)
    if (test or day) and case_type not in ABOUT_A_TEST:
        raise InvalidData(f"{names['test']} and {names['sat_on']} are for a neutralisation or a technical issue "
                          "(P1, P2)")
    if day and not test:
        raise MissingData(f"{names['sat_on']} is given without {names['test']}")
    documents = tuple(request.documents)
    for upload in documents:
        checked(upload)
    candidate = _candidate(session, actor, _given(request.candidate, "candidate", names), names)
    application, decision = _subject(session, actor, candidate, _given(request.decision, "decision", names),
                                     _given(request.notice, "notice", names), names)
    return Filing(case_type, application, decision, test, day, details, documents, tuple(request.confirmed),
                  filed_at)


def fileable(name: str) -> CaseType:
    """The case type named ``name``, if a candidate (or the legal team for them) can file one."""
    for case_type in FILEABLE:
        if case_type.value == name:
            return case_type
    raise InvalidData(f"unknown case type {name!r} (one of {', '.join(t.value for t in FILEABLE)})")


def _given(value: str | None, name: str, names: Mapping[str, str]) -> str | None:
    """A one-line field: None when empty; refused with a control character (NUL included)."""
    if value is None or not value.strip():
        return None
    bad = bad_character(value)
    if bad is not None:
        raise InvalidData(f"{names[name]} contains a control character ({bad})")
    return value.strip()


def _details(case_type: CaseType, given: Mapping[str, str | Sequence[str]], names: Mapping[str, str]) -> dict[str, Any]:
    """What is filed, as the rules read it: yes/no flags as booleans, lists as lists; then checked
    (:func:`~casework.workflows.filing.check_details`: unknown keys, control characters, what is required)."""
    kinds = {detail.key: detail.kind for detail in details_of(case_type)}
    details: dict[str, Any] = {}
    for key, value in given.items():
        if key in RESERVED_DETAILS:
            instead = RESERVED_DETAILS[key]
            raise InvalidData(f"the detail {key} cannot be given: " + (
                f"use {names[instead]}" if instead else "it is recorded by the deciding body"))
        if key not in kinds:                 # refused below, with the details the type takes
            details[key] = value
        elif kinds[key] == LIST:
            items = value.split(",") if isinstance(value, str) else value
            details[key] = [item.strip() for item in items if item.strip()]
        elif not isinstance(value, str):
            raise InvalidData(f"{key} takes one text, not a list")
        elif kinds[key] == YES_NO:
            word = value.strip().lower()
            if word not in YES + NO:
                raise InvalidData(f"{key} takes yes or no, not {value!r}")
            details[key] = word in YES
        else:
            details[key] = value
    check_details(case_type, details)
    return details


def _received_at(text: str | None, names: Mapping[str, str]) -> datetime | None:
    """D6: when a request sent by post or e-mail was received. A date alone is the start of that
    Brussels day (the earliest instant of the day: never later than the real receipt)."""
    if text is None:
        return None
    try:
        when = parse_when(text)
    except DeadlineError as exc:
        raise InvalidData(f"{names['received_at']}: {exc}") from None
    if not isinstance(when, datetime):
        when = datetime.combine(when, time(0), BRUSSELS)
    return when.astimezone(UTC)


def _sat_on(text: str | None, names: Mapping[str, str]) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DayRefused(f"{names['sat_on']}: {text!r} is not a date (YYYY-MM-DD)", reason="not-a-date") from None
    if day > local_date(clock.now()):
        raise DayRefused(f"{names['sat_on']}: {day.isoformat()} is in the future", reason="future", day=day)
    return day


def _who(session: Session, candidate: Candidate) -> str:
    """The candidate as a refusal names them: by their application numbers, never by name or address (a
    refusal is printed, logged and shown on a form)."""
    numbers = sorted(session.scalars(select(Application.number).where(Application.candidate_id == candidate.id)))
    if not numbers:
        return "the candidate (no application)"
    shown = ", ".join(numbers[:MAX_NAMED]) + (f" and {len(numbers) - MAX_NAMED} more" if len(numbers) > MAX_NAMED else "")
    return f"the candidate of application{'s' if len(numbers) > 1 else ''} {shown}"


def _database_id(text: str) -> int | None:
    """``text`` as the id of a row (1 to 2**63 - 1, a database BIGINT), or None when it cannot be one: a
    text of another shape or size never reaches the database (a Python integer beyond 64 bits overflows
    the driver)."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def _candidate(session: Session, actor: Actor, key: str | None, names: Mapping[str, str]) -> Candidate | None:
    """Whose request it is: the candidate acting, or the one the legal team names (None: to be taken
    from the contested decision)."""
    check_filer(actor)
    if actor.role is Role.CANDIDATE:
        if key is not None:
            raise NotAllowed(f"a candidate files for themselves: {names['candidate']} is for the legal team "
                             "registering a request received by post or e-mail")
        candidate = session.get(Candidate, actor.candidate_id) if actor.candidate_id else None
        if candidate is None:
            raise MissingData(f"the account {actor.name.partition(':')[2] or actor.name} is linked to no "
                              "candidate record")
        return candidate
    if key is None:
        return None
    candidate = history.find_candidate(session, key)
    if candidate is None:
        raise MissingData(f"{names['candidate']}: no candidate with the e-mail or application number {key!r}")
    return candidate


def _subject(session: Session, actor: Actor, candidate: Candidate | None, decision_id: str | None,
             notice_ref: str | None, names: Mapping[str, str]) -> tuple[Application | None, Decision | None]:
    """The application and contested decision (R2) the request is about, checked against the candidate."""
    if decision_id is not None and notice_ref is not None:
        raise InvalidData(f"give {names['decision']} or {names['notice']}, not both (a decision names its notice)")
    if decision_id is not None:
        return _decision(session, actor, candidate, decision_id, names)
    if notice_ref is not None:
        try:
            notice = find_notice(session, notice_ref)
        except CompetitionError as exc:
            raise MissingData(str(exc)) from None
        if candidate is None:
            raise MissingData(f"say on whose behalf the request is registered: give {names['candidate']} "
                              "(an e-mail address or an application number)")
        application = history.application_on(session, candidate, notice)
        if application is None:
            raise MissingData(f"{_who(session, candidate)} has no application to {notice.reference}")
        return application, None
    if actor.role is not Role.CANDIDATE:
        raise MissingData(f"the legal team registers a request about an application: give {names['decision']}, "
                          f"or {names['notice']} with {names['candidate']}")
    return None, None


def _decision(session: Session, actor: Actor, candidate: Candidate | None, decision_id: str,
              names: Mapping[str, str]) -> tuple[Application, Decision]:
    """R2: the contested decision, on an application of ``candidate``. A candidate is told the same
    whether a decision is someone else's or does not exist."""
    number = _database_id(decision_id)
    decision = history.find_decision(session, number) if number is not None else None
    mine = decision is not None and (candidate is None or decision.application.candidate_id == candidate.id)
    hint = f" ({names['decision_ids']})" if names["decision_ids"] else ""
    if not mine and actor.role is Role.CANDIDATE:
        raise MissingData(f"no decision {decision_id!r} on your applications{hint}")
    if decision is None:
        raise MissingData(f"no decision {decision_id!r}{hint}")
    if not mine:
        raise MissingData(f"decision #{decision.id} is not on an application of {_who(session, candidate)}")
    return decision.application, decision
