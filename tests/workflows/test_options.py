""""What can I do about this?": the procedures open against a decision (P1–P5, P6 as information),
each with its date to act by computed by the engine exactly as the filing computes it (D6, D9),
without the outer limit (D5), passed or not (a passed limit still files, as late: D6), and the P4
warning against a board decision."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.cases.models import CaseType
from casework.competitions import results
from casework.deadlines import compute_rule
from casework.workflows import filing, options
from casework.workflows.requests import FilingRequest, file_request

from ..competitions import factories as f
from . import people

DETAILS = {"review": {"grounds": "the board misread my diploma"},
           "complaint": {"grounds": "the exclusion breaches the notice"},
           "access-info": {"items": "results"},
           "neutralisation": {"question": "the question on the merger of two agencies", "explanation": "two answers"},
           "technical-issue": {"description": "the screen froze", "preparatory_steps_done": "yes"}}


def kinds(found):
    return [(o.kind, o.test) for o in found]


def test_a_board_exclusion_can_be_reviewed_by_the_board_complained_of_pointlessly_and_taken_to_court(
        session, frozen, excluded_by_board):
    _, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    found = options.options_for(session, decision)
    assert kinds(found) == [("review", None), ("complaint", None), ("court-action", None), ("ombudsman", None)]
    review, complaint, court, ombudsman = found
    published = decision.published_at
    assert (review.rule, review.deciding_body, review.fileable, review.passed) == ("P3", "board", True, False)
    # 10 calendar days from the publication (D1, D9); the date to act by is the last day itself (D5)
    assert review.act_by == compute_rule("review", published, "2022").act_by
    assert review.computation["act_by"] == review.act_by.isoformat()
    assert review.computation["event"] and review.computation["steps"]
    assert (complaint.rule, complaint.deciding_body, complaint.pointless) == ("P4", "appointing-authority", True)
    assert complaint.warnings[0][0] == filing.BOARD_WARNING_CODE
    # D7: the court window against the board decision, as the P4 warning counts it
    assert (court.rule, court.fileable, court.after_complaint) == ("P6", False, False)
    assert (court.act_by, court.passed) == filing.board_window_end(session, decision)
    assert (ombudsman.fileable, ombudsman.act_by) == (False, None)


def test_an_epso_exclusion_is_reviewed_by_epso_and_reaches_the_court_only_after_a_complaint(
        session, frozen, excluded_by_epso):
    _, out = excluded_by_epso
    decision = next(d for d in f.decisions(session, out) if d.author.value == "epso")
    review, complaint, court, _ = options.options_for(session, decision)
    assert review.deciding_body == "epso"
    assert not complaint.pointless and complaint.warnings == ()
    assert (court.after_complaint, court.act_by, court.computation) == (True, None, None)


def test_the_p4_warning_is_in_the_candidates_language(session, frozen, excluded_by_board):
    _, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    english = options.options_for(session, decision)[1].warnings[0][1]
    french = options.options_for(session, decision, language="FR")[1].warnings[0][1]
    assert english != french


@pytest.mark.parametrize("kind", ["review", "complaint"])
def test_each_date_is_the_one_the_filing_records(session, frozen, excluded_by_board, kind):
    """The same event, rule and rule set as file_case: the date shown is the one the case gets."""
    _, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    option = next(o for o in options.options_for(session, decision) if o.kind == kind)
    case = file_request(session, people.candidate(session, out), FilingRequest(
        kind, decision=str(decision.id), details=DETAILS[kind], confirmed=[c for c, _ in option.warnings]))
    row = case.deadline("filing")
    assert option.act_by.isoformat() == row.computation["act_by"]
    assert option.computation["steps"] == [s for s in row.computation["steps"]]


def test_a_passed_limit_is_said_and_the_filing_is_still_recorded_as_late(session, frozen, excluded_by_board):
    _, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    review = options.options_for(session, decision)[0]
    frozen.set(review.ends_at + timedelta(days=3))
    late = options.options_for(session, decision)[0]
    assert late.passed and late.fileable and late.act_by == review.act_by
    case = file_request(session, people.candidate(session, out),
                        FilingRequest("review", decision=str(decision.id), details=DETAILS["review"]))
    assert case.late


def test_p5_after_a_phase_with_results_and_p1_p2_about_each_test_sat(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 10})
    (a,) = f.scored_through_screener(session, notice, frozen, [40])
    screener = f.last_decision(session, a)
    assert "access-info" in [o.kind for o in options.options_for(session, screener)]
    frozen.set(datetime(2022, 6, 20, 10, tzinfo=UTC))
    results.record_sitting(session, a, "verbal", date(2022, 6, 13))
    results.record_sitting(session, a, "competency-1", date(2022, 6, 14))
    f.assessment(session, a)
    f.close(session, notice, "assessment")
    f.refresh(session, a)
    decision = f.last_decision(session, a)
    found = options.options_for(session, decision)
    assert kinds(found)[:6] == [("review", None), ("complaint", None), ("access-info", None),
                                ("neutralisation", "verbal"), ("technical-issue", "verbal"),
                                ("technical-issue", "competency-1")]   # P1 only about an MCQ test
    neutralisation = found[3]
    # 3 calendar days after the test of Monday 13 June → Thursday 16 June (2022 rules), passed on 20 June
    assert (neutralisation.act_by, neutralisation.passed, neutralisation.sat_on) == (date(2022, 6, 16), True,
                                                                                     date(2022, 6, 13))
    assert (neutralisation.deciding_body, neutralisation.notice) == ("board", notice.reference)
    case = file_request(session, people.candidate(session, a), FilingRequest(
        "neutralisation", notice=notice.reference, test="verbal", details=DETAILS["neutralisation"]))
    assert case.deadline("filing").computation["act_by"] == "2022-06-16" and case.late


def test_an_eligibility_decision_opens_no_p5_and_no_test_procedures(session, frozen, excluded_by_board):
    _, out, _ = excluded_by_board
    assert not {"access-info", "neutralisation", "technical-issue"} & {
        o.kind for o in options.options_for(session, f.last_decision(session, out))}


def test_the_candidate_is_never_told_the_outer_limit():
    """D5: a notice's limit ending on a Saturday is not rolled forward; the Monday the deciding body
    weighs on a late filing is not shown to the candidate, nor named in a step."""
    result = compute_rule("review", datetime(2022, 3, 23, 11, tzinfo=UTC), "2022")   # 10 days → Sat 2 April
    assert result.outer_limit == date(2022, 4, 4) and result.act_by == date(2022, 4, 2)
    shown = options.told(result.to_dict())
    assert "outer_limit" not in shown and "outer_limit_utc" not in shown
    assert "2022-04-04" not in str(shown)
    assert shown["act_by"] == "2022-04-02"


def test_no_limit_where_the_type_has_none():
    assert options.filing_limit(None, CaseType.ACCESS_DOCUMENTS) is None
    assert options.filing_limit(None, CaseType.REVIEW) is None        # no decision: nothing to count from


def test_p2_about_the_application_form_while_applications_are_open_with_the_d10_cutoff(session, frozen):
    """AD/398/22: applications close on Tuesday 22 March 2022 at noon; questions sent less than 5 working
    days before may not be answered in time (D10): after Tuesday 15 March."""
    notice = f.publish(session, only_fields=("1",))
    application = f.apply(session, notice)
    option = options.application_form(session, application)
    assert (option.kind, option.about, option.fileable) == ("technical-issue", "application-form", True)
    assert option.act_by == f.deadline(notice).date() and option.ends_at == f.deadline(notice)
    assert option.questions_by == date(2022, 3, 15)
    case = file_request(session, people.candidate(session, application), FilingRequest(
        "technical-issue", notice=notice.reference, details={"description": "the form loses my diploma",
                                                             "about": "application-form"}))
    assert not case.late and "application-form" in case.flags
    f.after_deadline(frozen, notice)
    assert options.application_form(session, application) is None
