"""R3: a reinstated candidate goes back where they were put out and through the phases the
competition has already closed, beyond caps (C7) and places (C12), with the audit trail."""
from __future__ import annotations

import pytest

from casework.audit import AuditEvent
from casework.competitions import queries, selection
from casework.competitions.errors import CompetitionError
from casework.competitions.models import ReserveList, ScoreState, Status

from . import factories as f

CASE = "P3/2022/0042"


def _reinstate(session, frozen, application, author="board"):
    return selection.reinstate(session, application, author=author, actor="legal-team",
                               published_at=frozen.now(), reason="request for review upheld", source=CASE)


def _assert_audit(session, application, stage, annulled):
    event = session.query(AuditEvent).filter_by(entity="application", entity_id=application.id,
                                                action="reinstate").one()
    assert event.changes == {"stage": stage, "source": CASE, "annulled_decision": annulled.id}
    assert (event.from_state, event.to_state, event.reason, event.actor) == (
        annulled.outcome.value, "active", "request for review upheld", "legal-team")


def test_r3_excluded_at_eligibility_goes_through_closed_phases_and_waits_for_marks(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    late_diploma = f.profile("degree-4y", "2018-06-30", f.job("2010-01-01"))
    others = [f.apply(session, notice) for _ in range(3)]
    excluded = f.apply(session, notice, profile=late_diploma)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    for a, total in zip(others, (40, 30, 20)):
        f.screener(session, a, total)
    f.close(session, notice, "screener")
    session.refresh(excluded)
    annulled = f.last_decision(session, excluded)
    assert (excluded.phase, excluded.status, annulled.ground) == (
        "eligibility", Status.EXCLUDED, "specific_eligibility")

    decision = _reinstate(session, frozen, excluded)
    session.refresh(excluded)
    # eligibility annulled → screener (closed) → no screener marks yet: waits there, active
    assert (excluded.phase, excluded.status, excluded.reinstated) == ("screener", Status.ACTIVE, True)
    assert (decision.kind, decision.author.value, decision.phase, decision.source) == (
        "reinstatement", "board", "eligibility", CASE)
    _assert_audit(session, excluded, "eligibility", annulled)

    # the board marks the screener: lowest score of all, still invited beyond the cap of 6
    f.screener(session, excluded, 0)
    selection.catch_up(session, excluded, actor="board", published_at=frozen.now(), source=CASE)
    session.refresh(excluded)
    assert (excluded.phase, excluded.status) == ("assessment", Status.ACTIVE)
    rows = {r["application"]: r for r in queries.invitations(session, notice.fields[0], "assessment")}
    assert rows[excluded.number]["reinstatement"] == CASE
    assert len(rows) == 4


def test_r3_not_invited_at_screener_cutoff_is_invited_beyond_the_cap(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 1})     # cap 3
    people = f.scored_through_screener(session, notice, frozen, [40, 30, 20, 10])
    last = people[3]
    annulled = f.last_decision(session, last)
    assert (last.status, annulled.kind) == (Status.ELIMINATED, "not-invited")
    _reinstate(session, frozen, last)
    session.refresh(last)
    assert (last.phase, last.status) == ("assessment", Status.ACTIVE)
    _assert_audit(session, last, "screener", annulled)
    invited = queries.invitations(session, notice.fields[0], "assessment")
    assert len(invited) == 4
    assert [r["reinstatement"] for r in invited if r["application"] == last.number] == [CASE]


def test_r3_failed_reasoning_marks_corrected_reaches_the_reserve_list(session, frozen):
    _notice, [a, b, failed] = f.reserve_list_published(session, frozen, [150, 140, 180], failing_reasoning=(2,))
    assert (failed.phase, failed.status) == ("assessment", Status.ELIMINATED)
    assert f.score_row(session, failed, "interview").state is ScoreState.UNPROCESSED
    annulled = f.last_decision(session, failed)
    # the board corrects the verbal mark (9 → 10: 20/40 reached) and the review is upheld
    f.score_row(session, failed, "verbal").score = 10
    session.flush()
    _reinstate(session, frozen, failed)
    session.refresh(failed)
    # earlier results kept and now processed; documents not checked yet: waits at the check
    assert {s.state for s in failed.scores} == {ScoreState.RECORDED}
    assert (failed.phase, failed.status) == ("document-check", Status.ACTIVE)
    failed.documents_supported = True
    session.flush()
    selection.catch_up(session, failed, actor="board", published_at=frozen.now(), source=CASE)
    session.refresh(failed)
    assert (failed.phase, failed.status) == ("reserve-list", Status.RESERVE_LIST)
    reserve = session.query(ReserveList).one()
    assert {(e.application_id, e.final_score, e.reinstated) for e in reserve.entries} == {
        (a.id, 150, False), (b.id, 140, False), (failed.id, 180, True)}
    _assert_audit(session, failed, "assessment", annulled)


def test_r3_not_checked_at_document_check_added_to_published_list_beyond_places(session, frozen):
    notice, people = f.reserve_list_published(session, frozen, [150, 140, 130, 120])
    third = people[2]
    assert (third.phase, third.status) == ("document-check", Status.ELIMINATED)   # C11: not checked
    annulled = f.last_decision(session, third)
    third.documents_supported = True
    session.flush()
    _reinstate(session, frozen, third)
    session.refresh(third)
    assert (third.phase, third.status) == ("reserve-list", Status.RESERVE_LIST)
    reserve = session.query(ReserveList).one()
    assert len(reserve.entries) == 3                      # 2 places + 1 reinstated
    [published] = queries.published_reserve_lists(session, notice)
    assert len(published.names) == 3
    _assert_audit(session, third, "document-check", annulled)
    assert f.last_decision(session, third).source == CASE


def test_r3_not_retained_at_the_published_reserve_list_is_added_beyond_places(session, frozen):
    # AD/402/23 has no document check: the reserve list itself leaves the third one out
    notice = f.publish(session, f.AD402, only_fields=("1",), places={"1": 2})   # cap 1.5 × 2 = 3
    people = [f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                      profile=f.profile("degree-3y", "2020-06-30")) for _ in range(3)]
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    for a, mcq in zip(people, (28, 25, 20)):
        f.marks(session, a, numerical=8, verbal=10, abstract=10, field_mcq=mcq)
    f.close(session, notice, "tests")
    for a in people:
        f.marks(session, a, case_study=7)
    f.close(session, notice, "marking-eligibility", "reserve-list")
    f.refresh(session, *people)
    out = people[2]
    assert [a.status for a in people] == [Status.RESERVE_LIST, Status.RESERVE_LIST, Status.ELIMINATED]
    annulled = f.last_decision(session, out)
    assert (annulled.kind, annulled.phase, annulled.reason) == (
        "not-retained", "reserve-list", "below the last place on the reserve list")
    _reinstate(session, frozen, out)
    session.refresh(out)
    assert (out.phase, out.status) == ("reserve-list", Status.RESERVE_LIST)
    entries = {e.application_id: (e.final_score, e.reinstated) for e in session.query(ReserveList).one().entries}
    assert entries == {people[0].id: (28, False), people[1].id: (25, False), out.id: (20, True)}
    assert f.last_decision(session, out).kind == "listed"
    _assert_audit(session, out, "reserve-list", annulled)


def test_r3_only_eliminated_or_excluded_can_be_reinstated(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    with pytest.raises(CompetitionError, match="is active: only an eliminated or excluded candidate"):
        _reinstate(session, frozen, a)


def test_r3_upheld_review_of_a_document_exclusion_is_not_undone_by_the_check(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    top, second, third = f.at_document_check(session, notice, frozen, [150, 140, 130])
    top.documents_supported, second.documents_supported, third.documents_supported = False, True, True
    session.flush()
    f.close(session, notice, "document-check", "reserve-list")
    f.refresh(session, top)
    assert (top.phase, top.status) == ("document-check", Status.EXCLUDED)
    _reinstate(session, frozen, top)          # the review found the documents sufficient
    session.refresh(top)
    assert (top.status, top.documents_supported) == (Status.RESERVE_LIST, True)
    assert len(session.query(ReserveList).one().entries) == 3     # 2 places + the reinstated one


def test_c12_withdrawn_candidate_leaves_the_published_list(session, frozen):
    from casework.competitions import applications as apps
    notice, people = f.reserve_list_published(session, frozen, [150, 140])
    listed = people[0]
    assert listed.status is Status.RESERVE_LIST
    apps.withdraw(session, listed, actor="candidate")
    [published] = queries.published_reserve_lists(session, notice)
    assert len(published.names) + published.withheld == 1
    with pytest.raises(CompetitionError, match="only a candidate still in the competition"):
        apps.withdraw(session, listed, actor="candidate")


def test_r3_c8_reinstated_after_a_failed_reasoning_test_still_needs_the_other_pass_marks(session, frozen):
    """The upheld decision annuls the reasoning failure only: the competencies (40) and interview
    (60) pass marks of the same phase still apply, and without their marks the candidate waits."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    ok, failed = f.scored_through_screener(session, notice, frozen, [40, 40])
    f.assessment(session, ok)
    f.marks(session, failed, verbal=9, numerical=5, abstract=5)     # 19 < 20: eliminated (C10)
    f.close(session, notice, "assessment")
    f.refresh(session, failed)
    assert (failed.phase, failed.status) == ("assessment", Status.ELIMINATED)
    _reinstate(session, frozen, failed)          # the review found the verbal marking wrong
    session.refresh(failed)
    assert (failed.phase, failed.status) == ("assessment", Status.ACTIVE)     # waits for its tests
    f.marks(session, failed, competencies=30, interview=70)                   # 30 < 40
    selection.catch_up(session, failed, actor="board", published_at=frozen.now(), source=CASE)
    session.refresh(failed)
    assert (failed.phase, failed.status) == ("assessment", Status.ELIMINATED)
    assert "competency-1 + " in f.last_decision(session, failed).reason
