"""P1 through the workflow: a neutralisation request about a test the candidate sat, referred to
the board, decided as one auditable neutralisation (rescoring only who was given the question,
R3 inside), or not considered when late or only pointing at a translation problem (D6: recorded,
then declared inadmissible by the board)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from casework.audit import AuditEvent
from casework.cases.models import CaseState, CaseType, DecidingBody
from casework.competitions import results
from casework.workflows import InvalidTransition, MissingData, NotAllowed, apply, available, file_case

from ..competitions import factories as f
from ..competitions.test_neutralisation import VERBAL, _key, _sheet
from . import people

QUESTION = {"question": "the verbal reasoning question on the merger of two agencies (VER-020 in my answer table)",
            "explanation": "answers A and C are both right"}


@pytest.fixture
def sat(session, frozen):
    """Two candidates sat the verbal test on Monday 13 June 2022; one was given VER-020."""
    notice = f.publish(session, only_fields=("1",), places={"1": 10})
    given_it, other = f.scored_through_screener(session, notice, frozen, [40, 40])
    _key(session, notice, "verbal", VERBAL)
    _sheet(session, given_it, "verbal", VERBAL[:20], wrong=VERBAL[:5])
    _sheet(session, other, "verbal", VERBAL[:19] + ["VER-021"], wrong=VERBAL[:5])
    for a in (given_it, other):
        results.record_sitting(session, a, "verbal", date(2022, 6, 13))
    return notice, given_it, other


def _file(session, frozen, application, when, details=QUESTION):
    frozen.set(when)
    return file_case(session, people.candidate(session, application), CaseType.NEUTRALISATION,
                     application=application, test="verbal", details=dict(details))


def test_p1_r1_in_time_request_neutralised_by_the_board_rescores_only_those_given_it(session, frozen, sat):
    notice, given_it, other = sat
    case = _file(session, frozen, given_it, datetime(2022, 6, 15, 9, tzinfo=UTC))
    # 2022 rules: 3 calendar days after the test on 13 June → Thursday 16 June (D1, D9)
    assert (case.deciding_body, case.late, case.deadline("filing").last_day) == (
        DecidingBody.BOARD, False, date(2022, 6, 16))
    team = people.team(session, notice)
    apply(session, case, "refer", team.legal)
    other_board = people.actor(session, people.Role.BOARD_MEMBER, boards=(f.publish(session, f.AST151),))
    with pytest.raises(NotAllowed):                    # R1: the board of *this* competition only
        apply(session, case, "decide", other_board, outcome="neutralised", questions=["VER-020"], reason="x")
    apply(session, case, "decide", team.board, outcome="neutralised", questions=["VER-020"],
          reason="two answers are right")
    assert f.score_row(session, given_it, "verbal").score == Decimal("14.7368")     # 14 × 20/19
    assert f.score_row(session, other, "verbal").score == 15                          # not given it
    decided = session.query(AuditEvent).filter_by(entity="case", entity_id=case.id, action="decide").one()
    assert decided.changes["neutralisation"]["given"] == 1
    on_notice = session.query(AuditEvent).filter_by(entity="notice", action="neutralise").one()
    assert on_notice.changes["source"] == case.reference
    apply(session, case, "reply", team.legal, body="The question was neutralised.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "neutralised")


def test_p1_d6_late_request_is_recorded_then_the_board_decides_it_is_not_considered(session, frozen, sat):
    notice, given_it, _ = sat
    case = _file(session, frozen, given_it, datetime(2022, 6, 20, 9, tzinfo=UTC))
    assert case.late and case.state is CaseState.FILED           # recorded, not refused
    team = people.team(session, notice)
    with pytest.raises(InvalidTransition):                        # the legal team never refuses it (D6)
        apply(session, case, "declare_inadmissible", team.legal, ground="late", reason="x")
    apply(session, case, "refer", team.legal, recommendation="inadmissible", ground="late",
          reason="filed 4 days after the 3-day time limit of Annex II 4.2.1")
    with pytest.raises(MissingData, match="late"):
        apply(session, case, "decide", team.board, outcome="neutralised", questions=["VER-020"], reason="x")
    apply(session, case, "decide", team.board, outcome="inadmissible", ground="late",
          reason="filed 4 days after the 3-day time limit of Annex II 4.2.1")
    apply(session, case, "reply", team.legal, body="Your request came after the time limit: it is not considered.")
    assert (case.state, case.outcome, case.messages[-1].kind) == (CaseState.REPLIED, "inadmissible", "reply")
    assert f.score_row(session, given_it, "verbal").score == 15


def test_p1_a_translation_only_claim_is_recorded_flagged_and_not_accepted_by_the_board(session, frozen, sat):
    """003 4.2.1: claims that only point at a translation problem without explaining it are not
    accepted. Whether it is explained is the board's assessment: filing records and flags it (D6)."""
    notice, given_it, _ = sat
    case = _file(session, frozen, given_it, datetime(2022, 6, 14, 9, tzinfo=UTC),
                 {**QUESTION, "explanation": "bad translation", "error_type": "translation"})
    assert (case.state, case.flags) == (CaseState.FILED, ["translation-claim"])
    team = people.team(session, notice)
    apply(session, case, "refer", team.legal, recommendation="inadmissible", ground="translation-not-explained",
          reason="the request names a translation problem without saying what is wrong")
    apply(session, case, "decide", team.board, outcome="inadmissible", ground="translation-not-explained",
          reason="only points at a translation problem without explaining it (003 4.2.1)")
    apply(session, case, "reply", team.legal, body="Your request is not accepted: it does not explain the error.")
    assert (case.state, case.outcome, case.details["decision"]["ground"]) == (
        CaseState.REPLIED, "inadmissible", "translation-not-explained")
    plain = _file(session, frozen, given_it, datetime(2022, 6, 14, 10, tzinfo=UTC))
    assert plain.flags == []


def test_p1_question_and_error_are_required_before_anything_is_recorded(session, frozen, sat):
    _, given_it, _ = sat
    with pytest.raises(MissingData, match="question"):
        _file(session, frozen, given_it, datetime(2022, 6, 14, tzinfo=UTC), {"explanation": "wrong"})
    with pytest.raises(MissingData, match="explanation"):
        _file(session, frozen, given_it, datetime(2022, 6, 14, tzinfo=UTC), {"question": QUESTION["question"]})
    assert session.query(AuditEvent).filter_by(entity="case").count() == 0


def test_p1_a_board_member_in_conflict_with_the_candidate_may_not_decide(session, frozen, sat):
    notice, given_it, _ = sat
    case = _file(session, frozen, given_it, datetime(2022, 6, 14, tzinfo=UTC))
    team = people.team(session, notice)
    apply(session, case, "refer", team.legal)
    conflicted = people.declare_conflict(session, team.board, given_it)
    assert "decide" not in [s.trigger for s in available(session, case, conflicted)]
    with pytest.raises(NotAllowed):
        apply(session, case, "decide", conflicted, outcome="rejected", reason="no error")
    assert case.state is CaseState.REFERRED
