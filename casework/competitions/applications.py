"""Candidates and applications (C1–C4, C14): filing, validation, revalidation, withdrawal."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..clock import BRUSSELS
from .definition import CEFR, SKILLS, NoticeDefinition
from .errors import CompetitionError
from .models import Application, ApplicationState, Candidate, Notice, ReserveListEntry, Status
from .notices import definition
from .stages import record_outcome


def register_candidate(session: Session, *, email: str, identity_key: str, surname: str,
                       given_names: str, correspondence_language: str) -> Candidate:
    """One account per person (C1): a second account for the same identity is refused."""
    if session.scalar(select(Candidate.id).where(Candidate.identity_key == identity_key)):
        raise CompetitionError("this person already holds an account (C1: one account per person)")
    if session.scalar(select(Candidate.id).where(Candidate.email == email)):
        raise CompetitionError(f"an account with the e-mail address {email} exists already")
    candidate = Candidate(email=email, identity_key=identity_key, surname=surname, given_names=given_names,
                          correspondence_language=correspondence_language)
    session.add(candidate)
    session.flush()
    return candidate


def check_languages(spec: NoticeDefinition, language_1: str, language_2: str,
                    levels: dict[str, dict[str, str]]) -> list[str]:
    """C4: what is wrong with a language choice (empty list: nothing)."""
    problems = []
    if language_1 not in spec.language_1:
        problems.append(f"language 1 {language_1} is not allowed by the notice")
    if language_2 not in spec.language_2:
        problems.append(f"language 2 {language_2} is not allowed by the notice "
                        f"(allowed: {', '.join(spec.language_2)})")
    if language_1 == language_2:
        problems.append("language 2 must differ from language 1")
    for lang, minimum, label in ((language_1, spec.language_1_min, "language 1"),
                                 (language_2, spec.language_2_min, "language 2")):
        declared = levels.get(lang, {})
        for skill in SKILLS:
            level = declared.get(skill)
            if level not in CEFR or CEFR.index(level) < CEFR.index(minimum):
                problems.append(f"{label} {lang}: {skill} must be at least {minimum} "
                                f"(declared {level or 'nothing'})")
    return problems


def file_application(session: Session, candidate: Candidate, notice: Notice, *, number: str,
                     field_code: str, language_1: str, language_2: str,
                     language_levels: dict[str, Any], profile: dict[str, Any],
                     publish_name: bool = True) -> Application:
    """A draft application to one field (C2); nothing is checked until validation."""
    if session.scalar(select(Application.id).where(Application.candidate_id == candidate.id,
                                                   Application.notice_id == notice.id)):
        raise CompetitionError(f"{candidate.email} has applied to {notice.reference} already "
                               "(C2: one field per notice)")
    field = next((f for f in notice.fields if f.code == field_code), None)
    if field is None:
        raise CompetitionError(f"{notice.reference} has no field {field_code!r}")
    application = Application(
        number=number, candidate=candidate, notice=notice, field=field,
        state=ApplicationState.DRAFT, language_1=language_1, language_2=language_2,
        language_levels=language_levels, profile=profile, publish_name=publish_name,
        phase="application", status=Status.ACTIVE, reinstated=False)
    session.add(application)
    session.flush()
    return application


def validation_instant_problem(spec: NoticeDefinition, validated_at: datetime) -> str | None:
    """C3: what is wrong with a validation instant recorded by the account system (historical
    data, issue 10 §5), or None. It needs its offset, and lies between the notice's publication
    and its application deadline, and not in the future."""
    if validated_at.tzinfo is None or validated_at.utcoffset() is None:
        return "the validation instant needs its offset (e.g. 2022-03-21T09:15:00+01:00)"
    if validated_at > clock.now():
        return "the validation instant is in the future"
    if validated_at > spec.application_deadline:
        return (f"the validation instant is after the application deadline "
                f"({spec.application_deadline.isoformat()}, C3): not a valid application")
    if validated_at.astimezone(BRUSSELS).date() < spec.published_on:
        return f"the validation instant is before the notice was published ({spec.published_on})"
    return None


def validate_application(session: Session, application: Application, *, actor: str,
                         validated_at: datetime | None = None) -> None:
    """C3: the sworn statement; after it nothing changes. Also C14 revalidation.

    ``validated_at``: the instant the account system recorded, for a competition loaded from its
    files (historical data, issue 10 §5): checked against the deadline instead of the clock
    (:func:`validation_instant_problem`). Without it the validation happens now, before the
    deadline."""
    if application.state not in (ApplicationState.DRAFT, ApplicationState.REVALIDATION_REQUIRED):
        raise CompetitionError(f"application {application.number} is {application.state.value}: "
                               "it cannot be validated")
    if application.status is not Status.ACTIVE:
        raise CompetitionError(f"application {application.number} is {application.status.value}: "
                               "it cannot be validated")
    version = application.notice.current
    spec = definition(version)
    if validated_at is not None:
        problem = validation_instant_problem(spec, validated_at)
        if problem:
            raise CompetitionError(f"application {application.number}: {problem}")
    elif clock.now() > spec.application_deadline:
        raise CompetitionError(f"the application deadline ({spec.deadline_wording or spec.application_deadline}) "
                               "has passed")
    problems = check_languages(spec, application.language_1, application.language_2,
                               application.language_levels)
    if problems:
        raise CompetitionError("; ".join(problems))
    before = application.state.value
    application.state = ApplicationState.VALIDATED
    application.validated_at = clock.now() if validated_at is None else validated_at.astimezone(UTC)
    application.validated_version_id = version.id
    changes: dict[str, Any] = {"notice_version": version.number}
    if validated_at is not None:
        changes["validated_at"] = application.validated_at.isoformat()
        changes["recorded_by"] = "the account system's file"
    audit.record(session, actor=actor, entity="application", entity_id=application.id,
                 action="validate", from_state=before, to_state="validated", changes=changes)


def amend_draft(application: Application, **changes: Any) -> None:
    """Change a draft or an application reopened by an amendment (C3, C14); never a validated one."""
    if application.state not in (ApplicationState.DRAFT, ApplicationState.REVALIDATION_REQUIRED):
        raise CompetitionError(f"application {application.number} is validated: it cannot be changed (C3)")
    if "field_code" in changes:
        raise CompetitionError("the field cannot be changed (C2)")
    for name, value in changes.items():
        if name not in ("language_1", "language_2", "language_levels", "profile", "publish_name"):
            raise CompetitionError(f"{name} cannot be changed")
        setattr(application, name, value)


def withdraw(session: Session, application: Application, *, actor: str) -> None:
    """The candidate leaves the competition (C16)."""
    if application.status not in (Status.ACTIVE, Status.RESERVE_LIST):
        raise CompetitionError(f"application {application.number} is {application.status.value}: "
                               "only a candidate still in the competition can withdraw")
    # C12: a withdrawn candidate leaves the published reserve list
    session.execute(delete(ReserveListEntry).where(ReserveListEntry.application_id == application.id))
    record_outcome(session, application, phase=application.phase, status=Status.WITHDRAWN,
                   kind="withdrawal", author="epso", actor=actor,
                   reason="withdrawn by the candidate", published_at=clock.now())
