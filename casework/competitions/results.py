"""Recording results: MCQ answer sheets, marked tests, screener marks (C6, C8, C9, C13).

An MCQ result keeps the questions the candidate was given and the answers chosen, so that a
neutralisation (P1) can rescore it later; its score is computed from the question keys.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from . import rules
from .errors import CompetitionError
from .models import Application, Question, Score, ScoreState, Sitting
from .notices import definition


def _put(session: Session, application: Application, test: str, score: Decimal,
         taken_on: date | None, detail: dict | None) -> Score:
    if taken_on is not None and taken_on > clock.today_brussels():
        raise CompetitionError(f"{test}: the day the test was taken ({taken_on.isoformat()}) is in the future")
    existing = session.scalar(select(Score).where(Score.application_id == application.id,
                                                  Score.test == test))
    if existing is not None and existing.state is ScoreState.RECORDED:
        raise CompetitionError(f"application {application.number} has a {test} result already")
    if existing is not None:             # a re-sit after a cancelled event (C14)
        session.delete(existing)
        session.flush()
    row = Score(application_id=application.id, test=test, score=score, state=ScoreState.RECORDED,
                notice_version_id=application.notice.current.id, taken_on=taken_on, detail=detail)
    session.add(row)
    return row


def record_mark(session: Session, application: Application, test: str, mark: Decimal,
                taken_on: date | None = None) -> Score:
    """A marked test (competencies, interview, written test), checked against its scale."""
    spec = definition(application.notice.current)
    try:
        _, test_spec = spec.test(test)
    except KeyError:
        raise CompetitionError(f"{application.notice.reference} has no test {test!r}") from None
    if isinstance(mark, Decimal) and not mark.is_finite():     # NaN would not even compare
        raise CompetitionError(f"{test}: the mark is not a finite number")
    if not test_spec.min <= mark <= test_spec.max:
        raise CompetitionError(f"{test}: mark {mark} outside {test_spec.min}–{test_spec.max}")
    return _put(session, application, test, mark, taken_on, None)


def answer_key(session: Session, notice_id: int, test: str) -> dict[str, Question]:
    return {q.ref: q for q in session.scalars(select(Question).where(Question.notice_id == notice_id,
                                                                    Question.test == test))}


def mcq_score(key: Mapping[str, Question], given: list[str], answers: Mapping[str, str],
              test: str) -> rules.McqScore:
    """Score one answer sheet against the key, neutralised questions applied (P1)."""
    unknown = [q for q in given if q not in key]
    if unknown:
        raise CompetitionError(f"{test}: unknown question(s) {', '.join(unknown)}")
    sheet = rules.GivenTest(test, tuple(rules.Question(q, key[q].points) for q in given))
    return rules.score_mcq(sheet, answers, {q: key[q].correct for q in given},
                           neutralised=[q for q in given if key[q].neutralised])


def record_mcq(session: Session, application: Application, test: str, given: list[str],
               answers: dict[str, str], taken_on: date | None = None,
               key: Mapping[str, Question] | None = None) -> Score:
    key = key if key is not None else answer_key(session, application.notice_id, test)
    result = mcq_score(key, given, answers, test)
    return _put(session, application, test, Decimal(result.score.numerator) / result.score.denominator,
                taken_on, {"given": given, "answers": answers})


def record_screener(session: Session, application: Application, marks: dict[str, int],
                    language: str | None = None) -> Score:
    """C6: the board's marks per screener question; the score is Σ weight × mark.

    ``language``: the language the answers were written in, when the provider gives it; it must
    be the one the notice says (C4: language 2 in AD/398/22 and AST/151/22, 003 4.3.1)."""
    spec = definition(application.notice.current)
    if language is not None:
        from .queries import screener_language
        expected = screener_language(spec, application)
        if language != expected:
            raise CompetitionError(
                f"application {application.number}: the talent screener is filled in language "
                f"{spec.screener_language} ({expected}), not {language} (C4)")
    weights = spec.field(application.field.code).screener_weights
    scale = rules.ScreenerScale(*spec.screener_weights, *spec.screener_marks)
    try:
        score = rules.screener_score(weights, marks, scale)
    except ValueError as exc:
        raise CompetitionError(f"application {application.number}: {exc}") from None
    return _put(session, application, "screener", Decimal(score), None, {"marks": marks})


def record_sitting(session: Session, application: Application, test: str, sat_on: date) -> Sitting:
    """The test provider's record that the candidate sat ``test`` on ``sat_on`` (P1, P2 events)."""
    spec = definition(application.notice.current)
    try:
        spec.test(test)
    except KeyError:
        raise CompetitionError(f"{application.notice.reference} has no test {test!r}") from None
    sitting = session.scalar(select(Sitting).where(Sitting.application_id == application.id,
                                                   Sitting.test == test))
    if sitting is None:
        sitting = Sitting(application_id=application.id, test=test, sat_on=sat_on)
        session.add(sitting)
    sitting.sat_on = sat_on       # a re-sit after a cancelled event replaces the date (C14)
    session.flush()
    return sitting
