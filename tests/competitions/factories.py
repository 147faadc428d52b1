"""Small builders for database-backed competition scenarios.

Every number comes from the demo notice documents (``tests.conftest.NOTICES``); a scenario only
tweaks the document (fewer places, fewer fields) before publishing it.
"""
from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.competitions import applications as apps
from casework.competitions import results, selection
from casework.competitions.definition import SKILLS
from casework.competitions.models import Application, Decision, Notice, Score, Status
from casework.competitions.notices import definition, publish_notice
from tests.conftest import NOTICES

ACTOR = "test"
AD398 = "EPSO-AD-398-22.json"
AST151 = "EPSO-AST-151-22.json"
AD402 = "EPSO-AD-402-23.json"
AD402_AMENDMENT = "EPSO-AD-402-23-amendment-2024.json"

_serial = itertools.count(1)


# --- notices -------------------------------------------------------------------------------

def document(name: str, *, places: dict[str, int] | None = None,
             only_fields: tuple[str, ...] | None = None, **top: Any) -> dict[str, Any]:
    """A demo notice document with tweaks: places per field, fewer fields, top-level keys."""
    doc = copy.deepcopy(json.loads((NOTICES / name).read_text(encoding="utf-8")))
    if only_fields is not None:
        doc["fields"] = [f for f in doc["fields"] if f["code"] in only_fields]
    for f in doc["fields"]:
        if places and f["code"] in places:
            f["places"] = places[f["code"]]
    doc.update(top)
    return doc


def publish(session: Session, name: str = AD398, **tweaks: Any) -> Notice:
    return publish_notice(session, document(name, **tweaks), actor=ACTOR)


def deadline(notice: Notice) -> datetime:
    return definition(notice.current).application_deadline


def after_deadline(frozen, notice: Notice, **delta: float) -> None:
    frozen.set(deadline(notice) + timedelta(**(delta or {"minutes": 1})))


# --- candidates ----------------------------------------------------------------------------

def levels(**by_language: str) -> dict[str, dict[str, str]]:
    """levels(DE="C2", EN="B2"): the same CEFR level for the four skills."""
    return {lang: dict.fromkeys(SKILLS, level) for lang, level in by_language.items()}


# C5: the subjects the demo notices require of a degree (AD/398/22 "ict", AST/151/22 (a) "duties")
SUBJECTS = ["ict", "duties"]


def profile(diploma: str = "degree-4y", awarded_on: str = "2008-06-30",
            *jobs: dict[str, Any], subjects: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """A declared profile (C5); by default a 4-year degree in ICT + ICT work in the field since
    2008. ``extra``: more keys of the profile (``identity_document_valid_until``)."""
    return {"diplomas": [{"level": diploma, "awarded_on": awarded_on,
                          "subjects": SUBJECTS if subjects is None else subjects}],
            "experience": list(jobs) or [job("2008-09-01")], **extra}


def job(start: str, end: str | None = None, fraction: str = "1", in_field: bool = True,
        **extra: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "fraction": fraction, "in_field": in_field, **extra}


@dataclass
class Person:
    surname: str = ""
    given_names: str = "Alex"
    field: str = "1"
    language_1: str = "DE"
    language_2: str = "EN"
    levels: dict[str, Any] = dc_field(default_factory=lambda: levels(DE="C2", EN="C1"))
    profile: dict[str, Any] = dc_field(default_factory=profile)
    publish_name: bool = True
    validate: bool = True


def register(session: Session, surname: str = "", given_names: str = "Alex", *,
             identity_key: str | None = None, email: str | None = None):
    n = next(_serial)
    return apps.register_candidate(
        session, email=email or f"person{n}@example.eu", identity_key=identity_key or f"ID-{n}",
        surname=surname or f"Candidate{n:04d}", given_names=given_names, correspondence_language="EN")


def apply(session: Session, notice: Notice, person: Person | None = None, **overrides: Any) -> Application:
    """Register, file and (unless ``validate=False``) validate one application."""
    person = person or Person(**overrides)
    candidate = register(session, person.surname, person.given_names)
    application = apps.file_application(
        session, candidate, notice, number=f"APP-{candidate.id:06d}", field_code=person.field,
        language_1=person.language_1, language_2=person.language_2,
        language_levels=person.levels, profile=person.profile, publish_name=person.publish_name)
    if person.validate:
        apps.validate_application(session, application, actor=ACTOR)
    return application


def apply_many(session: Session, notice: Notice, n: int, **overrides: Any) -> list[Application]:
    return [apply(session, notice, **overrides) for _ in range(n)]


# --- phases --------------------------------------------------------------------------------

def close(session: Session, notice: Notice, *phases: str) -> list[selection.FieldReport]:
    reports = []
    for phase in phases:
        reports += selection.close_phase(session, notice, phase, actor=ACTOR)
    return reports


def refresh(session: Session, *applications: Application) -> None:
    for a in applications:
        session.refresh(a)


def decisions(session: Session, application: Application) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.application_id == application.id)
                                .order_by(Decision.id)))


def last_decision(session: Session, application: Application) -> Decision:
    return decisions(session, application)[-1]


def score_row(session: Session, application: Application, test: str) -> Score:
    return session.scalar(select(Score).where(Score.application_id == application.id, Score.test == test))


# --- marks ---------------------------------------------------------------------------------

def screener_marks(notice: Notice, field_code: str, total: int) -> dict[str, int]:
    """Marks per screener question that give exactly ``total`` = Σ weight × mark (C6)."""
    spec = definition(notice.current)
    weights = spec.field(field_code).screener_weights
    top = spec.screener_marks[1]
    marks, left = {}, total
    for q, w in sorted(weights.items(), key=lambda kv: -kv[1]):
        marks[q] = min(top, left // w)
        left -= marks[q] * w
    assert left == 0, f"screener total {total} cannot be reached"
    return marks


def screener(session: Session, application: Application, total: int) -> Score:
    return results.record_screener(
        session, application, screener_marks(application.notice, application.field.code, total))


def spread(total: int, n: int, low: int = 1, high: int = 10) -> list[int]:
    """``n`` marks within [low, high] adding up to ``total``."""
    assert n * low <= total <= n * high
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def marks(session: Session, application: Application, **by_test: Any) -> None:
    """record_mark for each test: marks(app, verbal=10, interview=70); ``competencies=40`` is
    spread over competency-1..N of the notice."""
    spec = definition(application.notice.current)
    competencies = by_test.pop("competencies", None)
    if competencies is not None:
        codes = [t.code for p in spec.phases for t in p.tests if t.code.startswith("competency-")]
        by_test.update(zip(codes, spread(competencies, len(codes))))
    for test, mark in by_test.items():
        results.record_mark(session, application, test.replace("_", "-"), Decimal(str(mark)))


def assessment(session: Session, application: Application, *, reasoning: tuple[int, int, int] = (14, 7, 7),
               competencies: int = 60, interview: int = 70) -> None:
    """AD/398/22 assessment centre marks (C8, C9): verbal, numerical, abstract; 8 competencies;
    field interview."""
    verbal, numerical, abstract = reasoning
    marks(session, application, verbal=verbal, numerical=numerical, abstract=abstract,
          competencies=competencies, interview=interview)


def scored_through_screener(session: Session, notice: Notice, frozen, totals: list[int],
                            **person: Any) -> list[Application]:
    """Candidates of field 1 taken through application, eligibility and screener (C6, C7)."""
    people = [apply(session, notice, **person) for _ in totals]
    after_deadline(frozen, notice)
    close(session, notice, "application", "eligibility")
    for a, total in zip(people, totals):
        screener(session, a, total)
    close(session, notice, "screener")
    refresh(session, *people)
    return people


def at_document_check(session: Session, notice: Notice, frozen, finals: list[int],
                      **person: Any) -> list[Application]:
    """Candidates of field 1 who passed the assessment with the given final scores (C9)."""
    people = scored_through_screener(session, notice, frozen, [40] * len(finals), **person)
    for a, final in zip(people, finals):
        interview = min(100, final - 40)
        assessment(session, a, competencies=final - interview, interview=interview)
    close(session, notice, "assessment")
    refresh(session, *people)
    return people


def through_reserve_list(session: Session, notice: Notice, frozen, finals: list[int]) -> list[Application]:
    """Candidates of field 1 whose documents all support their application, run to the reserve
    list (C11, C12)."""
    people = at_document_check(session, notice, frozen, finals)
    for a in people:
        a.documents_supported = True
    session.flush()
    close(session, notice, "document-check", "reserve-list")
    refresh(session, *people)
    return people


def reserve_list_published(session, frozen, finals, failing_reasoning=()):
    """Field 1 with 2 places up to a published reserve list; ``failing_reasoning``: indexes of
    candidates whose verbal mark (9) makes them fail the 20/40 reasoning pass mark."""
    notice = publish(session, only_fields=("1",), places={"1": 2})
    people = scored_through_screener(session, notice, frozen, [40] * len(finals))
    for i, (a, final) in enumerate(zip(people, finals)):
        interview = min(100, final - 40)
        reasoning = (9, 5, 5) if i in failing_reasoning else (14, 7, 7)
        assessment(session, a, reasoning=reasoning, competencies=final - interview, interview=interview)
    close(session, notice, "assessment")
    refresh(session, *people)
    for a in people:
        if a.status is Status.ACTIVE:
            a.documents_supported = True
    session.flush()
    close(session, notice, "document-check", "reserve-list")
    refresh(session, *people)
    return notice, people


def through_eligibility(session, frozen, *profiles):
    """AD/398/22 field 1: one application per profile, closed through the eligibility phase (C5)."""
    notice = publish(session, only_fields=("1",))
    people = [apply(session, notice, profile=p) for p in profiles]
    after_deadline(frozen, notice)
    close(session, notice, "application", "eligibility")
    refresh(session, *people)
    return notice, people
