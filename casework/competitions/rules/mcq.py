"""MCQ scoring and neutralisation (C8, C9, P1; 002 3.4.2, 003 Annex II).

A candidate's test is the ordered list of questions they were *given* (tests
are drawn per candidate, so two candidates may get different questions).
Score = points of the correctly answered questions.

Neutralisation (P1): a neutralised question is cancelled and its points are
redistributed over the remaining questions of that test, only for the
candidates who were given it; the test maximum stays the same. Redistribution
is proportional: each remaining question's points are multiplied by
max / (max - neutralised points) (equal split when all questions weigh the
same). Scores are exact ``Fraction``s: 20 questions with one neutralised gives
20/19 per question, and 19 correct answers give exactly 20, not 19.999...
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from ._numbers import Exact, Number, exact

QuestionId = Hashable


@dataclass(frozen=True)
class Question:
    question_id: QuestionId
    points: Number = 1


@dataclass(frozen=True)
class GivenTest:
    """The questions one candidate was given, in order."""

    test: str
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        ids = [q.question_id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"test {self.test}: a question was given twice")
        for q in self.questions:
            if exact(q.points, what=f"points of question {q.question_id}") < 0:
                raise ValueError(f"test {self.test}: question {q.question_id} has negative points")

    @property
    def maximum(self) -> Exact:
        return sum((exact(q.points) for q in self.questions), 0)


@dataclass(frozen=True)
class QuestionResult:
    """C13 answer table row: reference, chosen vs correct answer, points."""

    question_id: QuestionId
    chosen: object | None
    correct_answer: object
    neutralised: bool
    points_awarded: Exact


@dataclass(frozen=True)
class McqScore:
    test: str
    score: Exact
    maximum: Exact
    neutralised_given: tuple[QuestionId, ...]
    per_question: tuple[QuestionResult, ...]


def score_mcq(
    given: GivenTest,
    answers: Mapping[QuestionId, object],
    key: Mapping[QuestionId, object],
    neutralised: Iterable[QuestionId] = (),
) -> McqScore:
    """Score one candidate's test, applying neutralisation to the questions they were given."""
    neutralised = set(neutralised)
    missing_key = [q.question_id for q in given.questions if q.question_id not in key and q.question_id not in neutralised]
    if missing_key:
        raise ValueError(f"test {given.test}: no correct answer for question(s) {', '.join(map(str, missing_key))}")
    maximum = given.maximum
    hit = [q for q in given.questions if q.question_id in neutralised]
    remaining = sum((exact(q.points) for q in given.questions if q.question_id not in neutralised), 0)
    if hit and remaining == 0:
        raise ValueError(f"test {given.test}: every question with points is neutralised; no score possible")
    factor = Fraction(maximum, 1) / remaining if hit else Fraction(1)
    rows = []
    total = Fraction(0)
    for q in given.questions:
        chosen = answers.get(q.question_id)
        if q.question_id in neutralised:
            rows.append(QuestionResult(q.question_id, chosen, key.get(q.question_id), True, 0))
            continue
        correct = chosen is not None and chosen == key[q.question_id]
        pts = Fraction(exact(q.points)) * factor if correct else Fraction(0)
        total += pts
        rows.append(QuestionResult(q.question_id, chosen, key[q.question_id], False, exact(pts)))
    return McqScore(given.test, exact(total), maximum, tuple(q.question_id for q in hit), tuple(rows))


def inclusive_pass(passed_before: bool, passed_after: bool) -> bool:
    """002 3.4.2: nobody who passed before neutralisation fails because of it."""
    return passed_before or passed_after


@dataclass(frozen=True)
class NeutralisationOutcome:
    candidate_id: Hashable
    before: Exact
    after: Exact
    passed_before: bool
    passed_after: bool

    @property
    def passes(self) -> bool:
        return inclusive_pass(self.passed_before, self.passed_after)

    @property
    def newly_passing(self) -> bool:
        """Failed before, passes now: to be reinstated (R3)."""
        return not self.passed_before and self.passed_after


def simulate_neutralisation(
    sittings: Mapping[Hashable, tuple[GivenTest, Mapping[QuestionId, object]]],
    key: Mapping[QuestionId, object],
    neutralised: Iterable[QuestionId],
    passes: Callable[[Exact], bool],
) -> tuple[NeutralisationOutcome, ...]:
    """P1: before and after side by side for every candidate (sorted by str(id))."""
    neutralised = frozenset(neutralised)
    out = []
    for cid in sorted(sittings, key=str):
        given, answers = sittings[cid]
        b = score_mcq(given, answers, key).score
        a = score_mcq(given, answers, key, neutralised).score
        out.append(NeutralisationOutcome(cid, b, a, passes(b), passes(a)))
    return tuple(out)
