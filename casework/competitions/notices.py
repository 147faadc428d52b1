"""Notices and their versions (C14): publishing, amending, reading the definition in force."""
from __future__ import annotations

from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .. import audit, clock
from ..deadlines import RuleSet
from .definition import NoticeDefinition, control_character, parse_definition
from .errors import CompetitionError
from .models import (
    Application,
    ApplicationState,
    Decision,
    Field,
    Notice,
    NoticeVersion,
    PhaseClosure,
    Score,
    ScoreState,
    Status,
)
from .stages import Outcome, record_outcomes


def definition(version: NoticeVersion) -> NoticeDefinition:
    """The parsed definition of a stored version: kept on the loaded version (imports ask for it on every
    line) and, by its content, for the process (every page and filing reads one; parsing and checking
    it costs ten times what recognising its content does: docs/performance.md)."""
    parsed = version.__dict__.get("_parsed_definition")
    if parsed is None:
        parsed = _parsed(version.definition)
        version.__dict__["_parsed_definition"] = parsed
    return parsed


_PARSED: OrderedDict[str, NoticeDefinition] = OrderedDict()     # by content: ids repeat across databases
_PARSED_MAX = 64
_PARSED_LOCK = Lock()


def _parsed(data: dict) -> NoticeDefinition:
    """``parse_definition(data)``, remembered by the content itself (its text), least recently used first
    out. The result is immutable (frozen dataclasses), so one object serves every request."""
    key = repr(data)
    with _PARSED_LOCK:
        found = _PARSED.get(key)
        if found is not None:
            _PARSED.move_to_end(key)
            return found
    found = parse_definition(data)
    with _PARSED_LOCK:
        _PARSED[key] = found
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return found


def version_on(notice: Notice, day: date) -> NoticeVersion:
    """The version of ``notice`` in force on ``day`` (C14): the last one published by then."""
    in_force = [v for v in notice.versions if v.published_on <= day]
    return in_force[-1] if in_force else notice.versions[0]


def time_limits(version: NoticeVersion) -> RuleSet:
    """D9: the time limits of a notice version (its rule set, versioned with the notice, C14)."""
    return RuleSet.from_dict({"name": version.notice.reference, "version": f"version {version.number}",
                              **definition(version).rule_set})


def find_notice(session: Session, reference: str) -> Notice:
    notice = session.scalar(select(Notice).where(Notice.reference == reference))
    if notice is None:
        raise CompetitionError(f"no notice {reference!r}")
    return notice


def publish_notice(session: Session, document: dict[str, Any], *, actor: str) -> Notice:
    """Create a notice with its first version and its fields."""
    spec = parse_definition(document)
    if session.scalar(select(Notice.id).where(Notice.reference == spec.reference)):
        raise CompetitionError(f"notice {spec.reference} exists already: amend it instead")
    notice = Notice(reference=spec.reference, title=spec.title)
    notice.fields = [Field(code=f.code, name=f.name) for f in spec.fields]
    notice.versions = [NoticeVersion(number=1, published_on=spec.published_on, reason=None,
                                     definition=document, created_at=clock.now())]
    session.add(notice)
    session.flush()
    audit.record(session, actor=actor, entity="notice", entity_id=notice.id, action="publish",
                 to_state="version 1", changes={"reference": spec.reference})
    return notice


def amend_notice(session: Session, document: dict[str, Any], *, actor: str, reason: str,
                 published_on: date, reopens_applications: bool = False,
                 cancelled_tests: tuple[str, ...] = ()) -> NoticeVersion:
    """Publish an amendment as a new version (C14).

    ``reopens_applications``: every validated application must be revalidated before the new
    deadline or it drops out. ``cancelled_tests``: marks of these tests are cancelled (answers
    not processed, no results; everyone re-sits).
    """
    spec = parse_definition(document)
    notice = find_notice(session, spec.reference)
    old = definition(notice.current)
    if published_on < notice.current.published_on:     # C14: versions follow each other
        raise CompetitionError(f"the amendment's publication date {published_on} is before that of "
                               f"version {notice.current.number} ({notice.current.published_on})")
    if not reason.strip() or len(reason) > 2000 or control_character(reason, prose=True):
        raise CompetitionError("the reason must be a text of at most 2000 characters, without "
                               "control characters")
    if {f.code for f in spec.fields} != {f.code for f in old.fields}:
        raise CompetitionError("an amendment cannot add or remove fields")
    if published_on > clock.today_brussels():
        # the last version is the one in force (Notice.current): a future date would apply it at once
        # and refuse every later amendment dated before it
        raise CompetitionError(f"the amendment's publication date {published_on} is after today "
                               f"({clock.today_brussels()}): record an amendment once it is published")
    if reopens_applications and not (spec.application_deadline > max(clock.now(), old.application_deadline)):
        raise CompetitionError("reopening applications needs a new application deadline, later than the "
                               f"old one ({old.application_deadline.isoformat()}) and in the future")
    version = NoticeVersion(number=notice.current.number + 1, published_on=published_on,
                            reason=reason, definition=document, created_at=clock.now())
    notice.versions.append(version)
    session.flush()
    changes: dict[str, Any] = {"reason": reason}
    if reopens_applications:
        apps = session.scalars(select(Application).where(
            Application.notice_id == notice.id,
            Application.state == ApplicationState.VALIDATED)).all()
        for app in apps:
            app.state = ApplicationState.REVALIDATION_REQUIRED
        changes["revalidation_required"] = len(apps)
        changes["back_to_application"] = _reopen_application_phase(
            session, notice, old, version, cancelled_tests, actor=actor, reason=reason)
    if cancelled_tests:
        changes["cancelled_marks"] = _cancel_tests(session, notice, cancelled_tests)
    audit.record(session, actor=actor, entity="notice", entity_id=notice.id, action="amend",
                 from_state=f"version {version.number - 1}", to_state=f"version {version.number}",
                 reason=reason, changes=changes)
    return version


def _reopen_application_phase(session: Session, notice: Notice, old: NoticeDefinition,
                              version: NoticeVersion, cancelled_tests: tuple[str, ...], *,
                              actor: str, reason: str) -> int:
    """C14: reopened applications are decided afresh at the new deadline.

    Back at the application phase go: the active candidates who had gone past it; those who
    dropped out for not validating (they may validate now); and those eliminated or excluded at a
    phase all of whose tests are cancelled (everyone re-sits). The notice's phases run again.
    """
    first = definition(version).phases[0].code
    resat = {p.code for p in old.phases if p.tests and all(t.code in cancelled_tests for t in p.tests)}
    latest = (select(Decision.application_id, func.max(Decision.id).label("id"))
              .join(Application, Application.id == Decision.application_id)
              .where(Application.notice_id == notice.id).group_by(Decision.application_id).subquery())
    rows = session.execute(
        select(Application.id, Application.phase, Application.status, Decision.kind, Decision.phase)
        .join(latest, latest.c.application_id == Application.id)
        .join(Decision, Decision.id == latest.c.id)).all()
    back = [(app_id, phase) for app_id, phase, status, kind, decided_at in rows
            if (status is Status.ACTIVE and phase != first)
            or (status in (Status.ELIMINATED, Status.EXCLUDED)
                and (kind == "not-validated" or decided_at in resat))]
    record_outcomes(session, [Outcome(app_id, first, Status.ACTIVE, "reopened", phase, "epso",
                                      f"applications reopened by the amendment: {reason}")
                              for app_id, phase in back],
                    notice_version_id=version.id, published_at=clock.now(), actor=actor)
    session.execute(delete(PhaseClosure).where(
        PhaseClosure.field_id.in_(select(Field.id).where(Field.notice_id == notice.id))))
    return len(back)


def _cancel_tests(session: Session, notice: Notice, tests: tuple[str, ...]) -> int:
    """C14: marks of cancelled test events are not processed and give no result."""
    result = session.execute(
        update(Score)
        .where(Score.test.in_(tests), Score.state.in_((ScoreState.RECORDED, ScoreState.UNPROCESSED)),
               Score.application_id.in_(select(Application.id).where(Application.notice_id == notice.id)))
        .values(state=ScoreState.CANCELLED))
    return result.rowcount
