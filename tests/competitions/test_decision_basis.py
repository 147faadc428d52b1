"""Decisions carry structure, not prose (R2, R3; issue 10 part 4): every decision stores what it
rests on in ``Decision.basis`` and the rules read that, never the reason text. And the paths where
a missing mark, a cancelled booking or an absence meets a pass mark (C8–C10, C14, C15)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casework.audit import AuditEvent
from casework.competitions import claims, results, selection, stages
from casework.competitions.errors import CompetitionError
from casework.competitions.models import Decision, ScoreState, Status
from casework.competitions.notices import amend_notice, publish_notice

from . import factories as f

REASONING = ["verbal", "numerical", "abstract"]
COMPETENCIES = [f"competency-{i}" for i in range(1, 9)]


def _review_upheld(session, frozen, application, **kw):
    return selection.reinstate(session, application, author="board", actor="legal-team",
                               published_at=frozen.now(), reason="request for review upheld",
                               source="P3/2022/0099", **kw)


def _close(session, notice, phase, *people):
    f.close(session, notice, phase)
    f.refresh(session, *people)


def _ad398(session, *, interview_pass_mark=True, places=10):
    """AD/398/22 field 1: an eliminatory MCQ (the reasoning tests), then the competencies and the
    field interview, non-eliminatory; without its pass mark the interview counts only in the
    final score (as ``competency-1`` in the example of docs/competitions.md)."""
    doc = f.document(f.AD398, only_fields=("1",), places={"1": places})
    if not interview_pass_mark:
        assessment = next(p for p in doc["phases"] if p["code"] == "assessment")
        assessment["pass_marks"] = [m for m in assessment["pass_marks"] if m["tests"] != ["interview"]]
    return publish_notice(session, doc, actor=f.ACTOR)


# --- B. absence, not failure: EPSO's exclusion (C15), routed to EPSO (R2) ---------------------

@pytest.mark.parametrize("interview_pass_mark", [True, False], ids=["with-pass-mark", "final-score-only"])
def test_c15_passed_the_eliminatory_mcq_no_mark_for_a_later_test_is_an_absence_by_epso(
        session, frozen, interview_pass_mark):
    notice = _ad398(session, interview_pass_mark=interview_pass_mark)
    absent, present = f.scored_through_screener(session, notice, frozen, [40, 40])
    f.marks(session, absent, verbal=14, numerical=7, abstract=7, competencies=60)      # no interview
    f.assessment(session, present)
    f.close(session, notice, "assessment")
    f.refresh(session, absent, present)
    d = f.last_decision(session, absent)
    assert (absent.phase, absent.status) == ("assessment", Status.EXCLUDED)       # not "eliminated"
    assert (d.kind, d.author.value, d.ground, d.admits) == ("excluded", "epso", "no_booking_or_absence",
                                                            "force-majeure")
    assert d.basis == {"tests_missed": ["interview"]}
    assert claims.open_force_majeure_claim(session, absent).id == d.id      # what the candidate is told
    assert (present.phase, present.status) == ("document-check", Status.ACTIVE)


def test_c15_no_mark_for_an_eliminatory_test_is_an_absence_with_the_tests_missed(session, frozen):
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, numerical=7, abstract=7, competencies=60, interview=70)      # verbal not taken
    f.close(session, notice, "assessment")
    d = f.last_decision(session, a)
    assert (d.kind, d.author.value, d.ground, d.basis) == (
        "excluded", "epso", "no_booking_or_absence", {"tests_missed": ["verbal"]})


@pytest.mark.parametrize("marks, failed", [
    ({"verbal": 0, "numerical": 10, "abstract": 9}, {"tests": REASONING, "min": "20", "eliminatory": True,
                                                      "achieved": "19"}),
    ({"verbal": 14, "numerical": 7, "abstract": 7, "interview": 0},
     {"tests": ["interview"], "min": "60", "eliminatory": False, "achieved": "0"}),
], ids=["zero-in-the-mcq", "zero-at-the-interview"])
def test_c8_a_mark_of_zero_is_a_mark_the_board_fails_never_an_absence(session, frozen, marks, failed):
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, competencies=60, **marks)
    f.close(session, notice, "assessment")
    d = f.last_decision(session, a)
    assert (d.kind, d.author.value, d.ground, d.admits) == ("failed", "board", None, None)
    assert d.basis["pass_marks_failed"] == [failed]
    assert "tests_missed" not in d.basis


def test_c10_bookings_cancelled_by_an_eliminatory_failure_are_awaited_after_a_reinstatement(session, frozen):
    """Failed the reasoning tests: the other bookings of the phase are cancelled (C10), so those
    marks never exist. Reinstated, the candidate waits for them at a new slot: not an absence."""
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=9, numerical=5, abstract=5, competency_1=6)
    _close(session, notice, "assessment", a)
    d = f.last_decision(session, a)
    assert d.basis["bookings_cancelled"] == COMPETENCIES[1:] + ["interview"]
    assert d.basis["tests_unprocessed"] == ["competency-1"]
    assert f.score_row(session, a, "competency-1").state is ScoreState.UNPROCESSED
    r = _review_upheld(session, frozen, a)
    session.refresh(a)
    assert (a.phase, a.status) == ("assessment", Status.ACTIVE)           # waiting, not excluded
    assert r.basis == {"annuls": d.id, "pass_marks_waived": [REASONING], "tests_missed_standing": []}
    assert f.score_row(session, a, "competency-1").state is ScoreState.RECORDED    # R3: counts again
    f.marks(session, a, interview=70, **{f"competency_{i}": 6 for i in range(2, 9)})   # the new slot
    selection.catch_up(session, a, actor="epso", published_at=frozen.now(), source=r.source)
    session.refresh(a)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)


def test_c14_a_test_event_cancelled_by_an_amendment_is_no_absence(session, frozen):
    """The interview event is cancelled (C14: everyone re-sits): closing the phase before the
    re-sit marks are in is refused, never an absence; the re-sit mark then counts."""
    notice = _ad398(session)
    a, no_show = f.scored_through_screener(session, notice, frozen, [40, 40])
    f.assessment(session, a)
    f.assessment(session, no_show)
    frozen.set(datetime(2022, 6, 1, 9, tzinfo=UTC))      # an amendment is recorded once published
    amend_notice(session, f.document(f.AD398, only_fields=("1",), places={"1": 10}), actor=f.ACTOR,
                 reason="interview event cancelled", published_on=date(2022, 6, 1), cancelled_tests=("interview",))
    with pytest.raises(CompetitionError, match=r"no mark yet for interview \(the test event was cancelled"):
        f.close(session, notice, "assessment")
    f.marks(session, a, interview=65)
    # who did not come to the re-sit is excluded by a decision of its own, never by a guess
    stages.exclude(session, no_show, ground="no_booking_or_absence", actor="epso-officer",
                   published_at=frozen.now(), reason="did not attend the interview re-sit",
                   basis={"tests_missed": ["interview"]})
    f.close(session, notice, "assessment")
    f.refresh(session, a, no_show)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)
    d = f.last_decision(session, no_show)
    assert (d.author.value, d.admits, d.basis) == ("epso", "force-majeure", {"tests_missed": ["interview"]})


def test_c15_a_sitting_on_record_without_its_mark_is_no_absence(session, frozen):
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=14, numerical=7, abstract=7, competencies=60)
    results.record_sitting(session, a, "interview", date(2022, 9, 20))
    with pytest.raises(CompetitionError, match="the test was sat, its mark is not recorded"):
        f.close(session, notice, "assessment")
    session.refresh(a)
    assert a.status is Status.ACTIVE


# --- A. reinstatement reads the basis, never the reason (R3) --------------------------------

def _failed_reasoning(session, frozen):
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.assessment(session, a, reasoning=(9, 5, 5))
    f.close(session, notice, "assessment")
    session.refresh(a)
    return a, f.last_decision(session, a)


def test_r3_a_reworded_or_translated_reason_still_waives_the_failed_pass_mark(session, frozen):
    a, failed = _failed_reasoning(session, frozen)
    assert failed.basis == {"pass_marks_failed": [{"tests": REASONING, "min": "20", "eliminatory": True,
                                                    "achieved": "19"}],
                            "tests_unprocessed": COMPETENCIES + ["interview"]}
    failed.reason = "verbal + numerisk + abstrakt = 19 < 20 krævet"      # translated (DA)
    session.flush()
    r = _review_upheld(session, frozen, a)
    session.refresh(a)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)     # before: failed again
    assert r.basis["pass_marks_waived"] == [REASONING]


def test_r3_a_failure_annulled_does_not_excuse_an_absence_beside_it(session, frozen):
    """Failed the competencies (30 < 40, the board) and no interview mark: the decision is the
    board's failure and keeps the interview missed. The review annuls the failure; the absence
    is then decided on its own: EPSO's exclusion, open to a force-majeure claim (C15, R2)."""
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=14, numerical=7, abstract=7, competencies=30)
    _close(session, notice, "assessment", a)
    failed = f.last_decision(session, a)
    assert (failed.kind, failed.author.value) == ("failed", "board")
    assert failed.basis["tests_missed"] == ["interview"]
    assert failed.reason.endswith("; no mark for interview (not taken)")
    r = _review_upheld(session, frozen, a)
    session.refresh(a)
    assert r.basis["tests_missed_standing"] == ["interview"]
    d = f.last_decision(session, a)
    assert (a.phase, a.status) == ("assessment", Status.EXCLUDED)        # before: waited forever
    assert (d.kind, d.author.value, d.ground, d.admits, d.basis) == (
        "excluded", "epso", "no_booking_or_absence", "force-majeure", {"tests_missed": ["interview"]})


def test_r3_force_majeure_accepted_the_missed_test_is_awaited_at_a_new_slot(session, frozen):
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=14, numerical=7, abstract=7, competencies=60)
    _close(session, notice, "assessment", a)
    exclusion = f.last_decision(session, a)
    r = claims.decide_force_majeure(session, a, accepted=True, actor="epso-officer",
                                    published_at=frozen.now(), reason="hospitalised")
    session.refresh(a)
    assert r.basis == {"annuls": exclusion.id, "pass_marks_waived": [], "tests_missed_standing": []}
    assert (a.phase, a.status) == ("assessment", Status.ACTIVE)


def test_c15_force_majeure_refused_rests_on_the_exclusion(session, frozen):
    notice = _ad398(session)
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=14, numerical=7, abstract=7, competencies=60)
    _close(session, notice, "assessment", a)
    exclusion = f.last_decision(session, a)
    d = claims.decide_force_majeure(session, a, accepted=False, actor="epso-officer",
                                    published_at=frozen.now(), reason="no evidence")
    assert d.basis == {"claim": "force-majeure", "accepted": False, "exclusion": exclusion.id,
                       "tests_missed": ["interview"]}


def test_r3_legacy_unparsed_failure_is_refused_never_guessed_then_stated(session, frozen):
    """A "failed" decision whose old reason migration 0007 could not read: reinstating against it
    waives nothing by guesswork (and does not fail the candidate again on the annulled pass
    mark): it is refused until the deciding body says which pass marks it annuls."""
    a, failed = _failed_reasoning(session, frozen)
    failed.basis = {"legacy_reason_unparsed": True, "migrated": "0007"}
    session.flush()
    with pytest.raises(CompetitionError, match="its reason could not be read: say which pass marks"):
        _review_upheld(session, frozen, a)
    session.refresh(a)
    assert a.status is Status.ELIMINATED and f.last_decision(session, a).id == failed.id   # nothing written
    with pytest.raises(CompetitionError, match=r"has no pass mark on interview \+ verbal"):
        _review_upheld(session, frozen, a, waives=[["interview", "verbal"]])
    r = _review_upheld(session, frozen, a, waives=[REASONING])
    session.refresh(a)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)
    assert r.basis["pass_marks_waived"] == [REASONING]


def test_r3_legacy_basis_restated_once_with_an_audit_row(session, frozen):
    a, failed = _failed_reasoning(session, frozen)
    failed.basis = {"legacy_reason_unparsed": True, "migrated": "0007"}
    session.flush()
    with pytest.raises(CompetitionError, match="each pass mark is named by its list of tests"):
        selection.restate_basis(session, failed, {"pass_marks_failed": ["verbal"]}, actor="x", reason="r")
    selection.restate_basis(session, failed, {"pass_marks_failed": [{"tests": REASONING, "min": "20"}]},
                            actor="legal-team", reason="read from the board's minutes of 14 June 2022")
    event = session.scalar(select(AuditEvent).where(AuditEvent.entity == "decision",
                                                    AuditEvent.entity_id == failed.id))
    assert event.action == "restate-basis" and event.changes["before"]["legacy_reason_unparsed"] is True
    with pytest.raises(CompetitionError, match="has a structured basis already"):
        selection.restate_basis(session, failed, {"pass_marks_failed": []}, actor="x", reason="r")
    _review_upheld(session, frozen, a)
    session.refresh(a)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)


def test_r3_c5_reinstated_after_the_eligibility_exclusion_at_ad402_marking_is_not_excluded_again(session, frozen):
    """AD/402/23 checks eligibility and marks the written test at one stage (004 4.3.3): an upheld
    review of the eligibility exclusion passes that check at the stage; the test still counts."""
    frozen.set(datetime(2024, 6, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402_AMENDMENT, only_fields=("1",), places={"1": 2})
    a = f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                profile=f.profile("degree-3y", "2020-06-30", identity_document_valid_until="2024-07-01"))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    f.marks(session, a, numerical=8, verbal=10, abstract=10, field_mcq=25)
    f.close(session, notice, "tests")
    f.marks(session, a, written=7)
    _close(session, notice, "marking-eligibility", a)
    d = f.last_decision(session, a)
    assert d.basis == {"as_at": "2024-07-09", "eligibility_failed": [
        {"condition": "identity-document", "required": "2024-07-09", "counted": "2024-07-01"}]}
    _review_upheld(session, frozen, a)
    session.refresh(a)
    assert (a.phase, a.status) == ("reserve-list", Status.ACTIVE)        # before: excluded again


# --- what the other decisions rest on (both backends: the bulk path writes it) --------------

def test_r2_every_decision_of_a_competition_run_rests_on_data(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 1})
    people = f.apply_many(session, notice, 4)
    law = f.apply(session, notice, profile=f.profile(subjects=["law"]))
    draft = f.apply(session, notice, validate=False)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    for a, total in zip(people, (40, 36, 32, 20)):
        f.screener(session, a, total)
    f.close(session, notice, "screener")              # cap 3 × 1 place (C7)
    f.refresh(session, *people, law, draft)
    assert f.last_decision(session, draft).basis["application_state"] == "draft"
    ineligible = f.last_decision(session, law).basis
    assert ineligible["as_at"] == "2022-03-22"
    assert {(u["alternative"], u["condition"], u["subject"]) for u in ineligible["eligibility_failed"]} == {
        ("a", "education", "ict"), ("b", "education", "ict")}
    out = f.last_decision(session, people[3])
    assert out.kind == "not-invited" and out.basis == {
        "invitation_cap": {"phase": "assessment", "ranking": "screener", "cap": 3, "ties": True, "cutoff": "32"},
        "score": "20"}
    invited = f.last_decision(session, people[0])
    assert invited.kind == "invited" and invited.basis["beyond_cap"] is False and invited.basis["score"] == "40"
    for a, final in zip(people[:3], (150, 140, 130)):
        interview = min(100, final - 40)
        f.assessment(session, a, competencies=final - interview, interview=interview)
    f.close(session, notice, "assessment")
    f.refresh(session, *people)
    people[0].documents_supported, people[1].documents_supported = False, True
    session.flush()
    f.close(session, notice, "document-check", "reserve-list")
    f.refresh(session, *people)
    assert f.last_decision(session, people[0]).basis == {"documents_supported": False, "final_score": "150"}
    assert f.last_decision(session, people[2]).basis == {"documents_checked": False, "final_score": "130",
                                                         "places": 1}
    listed = f.last_decision(session, people[1])
    assert (listed.kind, listed.basis) == ("listed", {"final_score": "140", "beyond_places": False})
    assert all(isinstance(d.basis, dict) for d in session.scalars(select(Decision)))
