"""R3 through the case workflows: an upheld request for review (P3) puts the candidate back at the
stage where they were put out, on the demo competitions, however far the competition has moved on
— invited beyond the cap (C7), listed beyond the places (C12) — with the trail leading to the case."""
from __future__ import annotations

from casework.audit import AuditEvent
from casework.cases.models import CaseType, DecidingBody
from casework.competitions import queries
from casework.competitions.models import ReserveList, Status
from casework.workflows import apply, file_case

from ..competitions import factories as f
from . import people


def _uphold(session, notice, application, grounds="material irregularity"):
    """The candidate asks for a review of the decision that put them out; the board upholds it."""
    contested = f.last_decision(session, application)
    case = file_case(session, people.candidate(session, application), CaseType.REVIEW, application=application,
                     decision=contested, details={"grounds": grounds})
    assert case.deciding_body is DecidingBody.BOARD          # R1: the board took the decision (R2)
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    apply(session, case, "decide", team.board, outcome="upheld", reason=grounds)
    apply(session, case, "reply", team.legal, body="Your request for review is upheld.")
    session.refresh(application)
    return case, contested


def _trail_leads_to(session, case, application, contested):
    event = session.query(AuditEvent).filter_by(entity="application", entity_id=application.id,
                                                action="reinstate").one()
    assert (event.changes["source"], event.changes["annulled_decision"]) == (case.reference, contested.id)
    decide = session.query(AuditEvent).filter_by(entity="case", entity_id=case.id, action="decide").one()
    assert decide.changes["reinstatement"]["stage"] == contested.phase


def test_r3_p3_not_invited_after_the_screener_is_invited_beyond_the_cap(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 1})          # cap 3 × 1 = 3 (C7)
    ranked = f.scored_through_screener(session, notice, frozen, [40, 30, 20, 10])
    fourth = ranked[3]
    assert fourth.status is Status.ELIMINATED
    case, contested = _uphold(session, notice, fourth, "my screener answers were marked on the wrong field")
    assert (fourth.phase, fourth.status, fourth.reinstated) == ("assessment", Status.ACTIVE, True)
    invited = queries.invitations(session, notice.fields[0], "assessment")
    assert len(invited) == 4                                                 # beyond the cap of 3
    assert [r["reinstatement"] for r in invited if r["application"] == fourth.number] == [case.reference]
    _trail_leads_to(session, case, fourth, contested)


def test_r3_p3_failed_reasoning_tests_after_the_list_was_published_ends_on_it_beyond_places(session, frozen):
    notice, [a, b, failed] = f.reserve_list_published(session, frozen, [150, 140, 180], failing_reasoning=(2,))
    assert (failed.phase, failed.status) == ("assessment", Status.ELIMINATED)
    f.score_row(session, failed, "verbal").score = 10          # the board corrects the marking error
    session.flush()
    case, contested = _uphold(session, notice, failed, "a verbal reasoning answer was wrongly marked")
    assert (failed.phase, failed.status) == ("document-check", Status.ACTIVE)   # waits for its check
    failed.documents_supported = True
    session.flush()
    from casework.competitions import selection
    selection.catch_up(session, failed, actor="board", published_at=frozen.now(), source=case.reference)
    session.refresh(failed)
    assert (failed.phase, failed.status) == ("reserve-list", Status.RESERVE_LIST)
    entries = {e.application_id: e.reinstated for e in session.query(ReserveList).one().entries}
    assert entries == {a.id: False, b.id: False, failed.id: True}             # 2 places + 1 (C12)
    _trail_leads_to(session, case, failed, contested)


def test_r3_p3_left_off_a_published_reserve_list_is_added_beyond_places(session, frozen):
    notice, listed = f.reserve_list_published(session, frozen, [150, 140, 130])
    third = listed[2]
    assert (third.phase, third.status) == ("document-check", Status.ELIMINATED)   # beyond the 2 places
    third.documents_supported = True
    session.flush()
    case, contested = _uphold(session, notice, third)
    assert (third.phase, third.status) == ("reserve-list", Status.RESERVE_LIST)
    [published] = queries.published_reserve_lists(session, notice)
    assert len(published.names) == 3
    _trail_leads_to(session, case, third, contested)


def test_r3_rejected_review_changes_nothing_in_the_competition(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 1})
    fourth = f.scored_through_screener(session, notice, frozen, [40, 30, 20, 10])[3]
    contested = f.last_decision(session, fourth)
    case = file_case(session, people.candidate(session, fourth), CaseType.REVIEW, application=fourth,
                     decision=contested, details={"grounds": "I deserve more points"})
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    apply(session, case, "decide", team.board, outcome="rejected", reason="a value judgment of the board")
    session.refresh(fourth)
    assert (fourth.status, fourth.reinstated, f.last_decision(session, fourth).id) == (
        Status.ELIMINATED, False, contested.id)
