"""C6 talent screener (003 Annex IV).

The board gives each question a weight and each answer a mark; the score is
sum(weight x mark). Only these weighted marks decide who goes through (B.1
point 5); the experience-days x task-weight order (B.1) only decides the order
in which the board reads the files. Ranges (weights 1-3, marks 0-4 in 2022) are
data in ``ScreenerScale``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from ._numbers import Exact, Number, exact
from .ranking import CandidateId, RankedEntry, rank_scores

QuestionId = Hashable


@dataclass(frozen=True)
class ScreenerScale:
    min_weight: int
    max_weight: int
    min_mark: int
    max_mark: int


def _whole_in_range(value: object, lo: int, hi: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number {lo}-{hi}, got {value!r}")  # noqa: TRY004 (bad input)
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be {lo}-{hi}, got {value}")
    return value


def validate_weights(weights: Mapping[QuestionId, int], scale: ScreenerScale) -> None:
    if not weights:
        raise ValueError("the screener has no weighted questions")
    for q, w in weights.items():
        _whole_in_range(w, scale.min_weight, scale.max_weight, f"weight of question {q}")


def screener_score(
    weights: Mapping[QuestionId, int],
    marks: Mapping[QuestionId, int],
    scale: ScreenerScale,
) -> int:
    """Σ weight x mark. Every weighted question needs a mark; no unknown questions."""
    validate_weights(weights, scale)
    missing = [q for q in weights if q not in marks]
    if missing:
        raise ValueError(f"no mark for question(s) {', '.join(map(str, missing))}")
    unknown = [q for q in marks if q not in weights]
    if unknown:
        raise ValueError(f"mark for unknown question(s) {', '.join(map(str, unknown))}")
    return sum(
        weights[q] * _whole_in_range(marks[q], scale.min_mark, scale.max_mark, f"mark for question {q}")
        for q in weights
    )


def rank_screener(
    marks_by_candidate: Mapping[CandidateId, Mapping[QuestionId, int]],
    weights: Mapping[QuestionId, int],
    scale: ScreenerScale,
) -> tuple[RankedEntry, ...]:
    """C6: rank one field's candidates by weighted screener score, best first."""
    return rank_scores(
        {c: screener_score(weights, m, scale) for c, m in marks_by_candidate.items()}
    )


def answered_none(answers: Mapping[QuestionId, str | None]) -> bool:
    """C15: True if the candidate answered no screener question (blank = no answer)."""
    return not any(a is not None and str(a).strip() for a in answers.values())


def reading_order(
    task_days: Mapping[CandidateId, Mapping[Hashable, Number]],
    task_weights: Mapping[Hashable, int],
    scale: ScreenerScale,
) -> tuple[tuple[CandidateId, Exact], ...]:
    """003 Annex IV B.1: order in which the board reads files (days x task weight).

    Informative only: it must never be used to decide who goes through.
    """
    for t, w in task_weights.items():
        _whole_in_range(w, scale.min_weight, scale.max_weight, f"weight of task {t}")
    points = {}
    for c, days in task_days.items():
        unknown = [t for t in days if t not in task_weights]
        if unknown:
            raise ValueError(f"candidate {c}: unknown task(s) {', '.join(map(str, unknown))}")
        points[c] = sum((exact(d, what=f"days on {t}") * task_weights[t] for t, d in days.items()), 0)
    return tuple((e.candidate_id, e.score) for e in rank_scores(points))
