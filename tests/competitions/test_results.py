"""C13: what candidates see of their own results."""
from __future__ import annotations

from decimal import Decimal

from casework.competitions import results
from casework.competitions.models import Question
from casework.competitions.queries import candidate_results
from tests.competitions.factories import (
    AD402,
    apply,
    assessment,
    close,
    marks,
    publish,
    refresh,
    scored_through_screener,
)


def _key(session, notice, test: str, answers: dict[str, str]) -> None:
    for ref, correct in answers.items():
        session.add(Question(notice_id=notice.id, test=test, ref=ref, correct=correct,
                             points=Decimal(1), neutralised=False))
    session.flush()


def test_c13_per_phase_results_show_screener_detail_and_mcq_answer_table(session, frozen):
    notice = publish(session, only_fields=("1",))
    [a] = scored_through_screener(session, notice, frozen, [30])
    _key(session, notice, "verbal", {"V1": "A", "V2": "B", "V3": "C"})
    results.record_mcq(session, a, "verbal", ["V3", "V1"], {"V3": "C", "V1": "D"})
    assert candidate_results(session, a)["tests"] == []     # not before the phase is decided
    marks(session, a, numerical=5, abstract=5, competencies=60, interview=70)
    close(session, notice, "assessment")                    # 1 + 5 + 5 < 20: reasoning failed
    shown = candidate_results(session, a)
    assert shown["available"] is True
    assert shown["screener"]["total"].startswith("30")
    assert {q["weight"] for q in shown["screener"]["questions"]} <= {1, 2, 3}
    assert sum(q["weight"] * q["mark"] for q in shown["screener"]["questions"]) == 30
    verbal, _numerical, _abstract = shown["tests"]       # competencies unprocessed (C10): withheld
    assert Decimal(verbal["score"]) == 1
    assert verbal["answers"] == [
        {"question": "V3", "chosen": "C", "correct": "C", "neutralised": False},
        {"question": "V1", "chosen": "D", "correct": "A", "neutralised": False},
    ]   # by reference only: the result holds no question text


def test_c13_c10_unprocessed_marks_are_not_communicated(session, frozen):
    notice = publish(session, only_fields=("1",))
    [a] = scored_through_screener(session, notice, frozen, [30])
    assessment(session, a, reasoning=(9, 5, 5))           # 19/40: the reasoning tests are failed
    close(session, notice, "assessment")
    refresh(session, a)
    shown = {t["test"] for t in candidate_results(session, a)["tests"]}
    assert shown == {"verbal", "numerical", "abstract"}   # competencies and interview withheld


def test_c13_results_at_the_end_only_when_the_notice_says_so(session, frozen):
    notice = publish(session, AD402, only_fields=("1",))
    a = apply(session, notice, language_2="EN")
    shown = candidate_results(session, a)
    assert shown == {"available": False,
                     "reason": "the notice publishes results only at the end of the competition"}
