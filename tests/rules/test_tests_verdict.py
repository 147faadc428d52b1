"""C8–C10, C15: what closing a phase of tests decides for one candidate (rules.judge_tests), and
what the decision rests on as data (its basis, R2/R3). Every path where a missing mark, a
cancelled booking or an absence meets a pass mark."""
from fractions import Fraction

import pytest

from casework.competitions.rules import PassMark, PhaseOutcome, judge_tests

# AD/398/22's assessment centre, shortened: an eliminatory MCQ, then a marked test with a pass
# mark of its own, then one without (counted only in the final score)
TESTS = ("verbal", "interview", "essay")
PASS_MARKS = (PassMark(("verbal",), 10, eliminatory=True), PassMark(("interview",), 60))


def judge(awaited=(), before=None, **marks):
    return judge_tests(TESTS, PASS_MARKS, marks, before=before, awaited=awaited)


def test_c15_passed_the_eliminatory_mcq_no_mark_for_a_later_non_eliminatory_test_is_an_absence():
    v = judge(verbal=14, essay=7)
    assert v.outcome is PhaseOutcome.ABSENT
    assert (v.failed, v.missed) == ((), ("interview",))
    assert v.basis() == {"tests_missed": ["interview"]}


def test_c15_no_mark_for_a_later_test_without_a_pass_mark_is_an_absence_too():
    # every test of the phase is one the candidate had to take; before: went through unmarked
    v = judge(verbal=14, interview=70)
    assert (v.outcome, v.missed) == (PhaseOutcome.ABSENT, ("essay",))


def test_c15_missing_mark_on_the_eliminatory_test_is_an_absence_decided_before_the_others():
    v = judge(interview=10, essay=7)       # a real failure of a later pass mark does not decide
    assert (v.outcome, v.missed, v.failed) == (PhaseOutcome.ABSENT, ("verbal",), ())


def test_c10_a_real_eliminatory_failure_decides_and_cancels_the_other_bookings():
    v = judge(verbal=9, essay=7)
    assert v.outcome is PhaseOutcome.FAILED
    assert v.basis() == {
        "pass_marks_failed": [{"tests": ["verbal"], "min": "10", "eliminatory": True, "achieved": "9"}],
        "tests_unprocessed": ["essay"], "bookings_cancelled": ["interview"]}
    assert v.missed == ()                  # a cancelled booking is no absence (C10)


def test_c9_a_real_later_failure_decides_and_keeps_the_tests_missed():
    v = judge(verbal=14, interview=59)
    assert v.outcome is PhaseOutcome.FAILED
    assert v.basis() == {
        "pass_marks_failed": [{"tests": ["interview"], "min": "60", "eliminatory": False, "achieved": "59"}],
        "tests_missed": ["essay"]}


@pytest.mark.parametrize("marks, outcome", [
    ({"verbal": 0, "interview": 70, "essay": 5}, PhaseOutcome.FAILED),    # 0 < 10: failed, not absent
    ({"verbal": 14, "interview": 0, "essay": 5}, PhaseOutcome.FAILED),
    ({"verbal": 14, "interview": 70, "essay": 0}, PhaseOutcome.THROUGH),  # 0 is a mark
])
def test_c8_a_mark_of_zero_is_a_mark_never_an_absence(marks, outcome):
    v = judge(**marks)
    assert v.outcome is outcome and v.missed == ()
    if outcome is PhaseOutcome.FAILED:
        assert v.failed[0].achieved == 0 and v.basis()["pass_marks_failed"][0]["achieved"] == "0"


def test_c14_a_cancelled_test_event_is_awaited_not_an_absence():
    v = judge(awaited={"interview"}, verbal=14, essay=7)
    assert (v.outcome, v.awaited, v.missed) == (PhaseOutcome.AWAITED, ("interview",), ())


def test_c14_awaited_eliminatory_marks_wait_before_the_later_pass_marks():
    v = judge(awaited={"verbal"}, interview=10, essay=7)
    assert v.outcome is PhaseOutcome.AWAITED


def test_c15_an_absence_decides_over_awaited_marks():
    v = judge(awaited={"interview"}, verbal=14)
    assert (v.outcome, v.missed, v.awaited) == (PhaseOutcome.ABSENT, ("essay",), ("interview",))


def test_c8_through_with_every_mark():
    assert judge(verbal=10, interview=60, essay=1).outcome is PhaseOutcome.THROUGH


def test_p1_inclusive_pass_marks_before_a_neutralisation():
    v = judge(before={"verbal": Fraction(10)}, verbal=Fraction(19, 2), interview=60, essay=1)
    assert v.outcome is PhaseOutcome.THROUGH


def test_r3_waived_pass_marks_are_left_out_by_the_caller():
    v = judge_tests(TESTS, PASS_MARKS[1:], {"verbal": 9, "interview": 70, "essay": 3})
    assert v.outcome is PhaseOutcome.THROUGH


def test_pass_mark_as_data_keeps_the_exact_minimum():
    assert PassMark(("verbal", "abstract"), "7.5", eliminatory=True).as_data() == {
        "tests": ["verbal", "abstract"], "min": "15/2", "eliminatory": True}


# --- C5: the conditions not met, as data (an eligibility exclusion's basis) -------------------

def test_c5_unmet_conditions_as_data_beside_the_words():
    from datetime import date

    from casework.competitions.rules import (
        Alternative,
        CandidateProfile,
        Diploma,
        EducationLevels,
        EligibilityRules,
        Experience,
        check_alternative,
        check_general,
        general_unmet,
    )
    rules = EligibilityRules(EducationLevels(("degree-3y", "degree-4y")))
    as_at = date(2022, 3, 22)
    profile = CandidateProfile(
        diplomas=(Diploma("degree-4y", date(2016, 6, 30), subjects=("ict",)),),
        experiences=(Experience(start=date(2016, 9, 1), end=date(2020, 8, 31), in_field=False),),
        identity_document_valid_until=date(2022, 1, 31))
    outcome = check_alternative(profile, Alternative("a", "degree-4y", 72, 36, subject="ict"), rules, as_at)
    assert [u.as_data() for u in outcome.unmet] == [
        {"condition": "experience", "required": "72", "counted": "48", "counted_from": "2016-06-30",
         "as_at": "2022-03-22"},
        {"condition": "field-experience", "required": "36", "counted": "0"}]
    assert len(outcome.failures) == len(outcome.unmet)
    no_diploma = check_alternative(profile, Alternative("b", "degree-4y", 0, subject="law"), rules, as_at)
    assert [u.as_data() for u in no_diploma.unmet] == [
        {"condition": "education", "min_education": "degree-4y", "subject": "law", "unrecognised_diplomas": 0}]
    assert [u.as_data() for u in general_unmet(profile, as_at)] == [
        {"condition": "identity-document", "required": "2022-03-22", "counted": "2022-01-31"}]
    assert check_general(profile, as_at) == (
        "the identity document expired on 2022-01-31, before the application deadline (2022-03-22)",)
