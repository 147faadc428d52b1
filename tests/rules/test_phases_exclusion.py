import pytest

from casework.competitions.rules import (
    Body,
    Booking,
    ExclusionGround,
    Status,
    apply_eliminatory_failure,
    deciding_body,
    exclusion,
)
from casework.competitions.rules.presets import AD_398_22_PHASES, AD_402_23_PHASES


def test_c10_failing_reasoning_cancels_other_bookings_and_leaves_sat_tests_unprocessed():
    bookings = [
        Booking(1, "reasoning", "assessment_centre", sat=True),
        Booking(2, "case_study", "assessment_centre", sat=True),
        Booking(3, "interview", "assessment_centre", sat=False),
        Booking(4, "field_interview", "assessment_centre", sat=False),
        Booking(5, "other", "talent_screener", sat=False),
    ]
    out = apply_eliminatory_failure(bookings, "reasoning", "assessment_centre")
    assert [b.booking_id for b in out.cancelled] == [3, 4]
    assert [b.booking_id for b in out.unprocessed] == [2]


def test_c16_phase_sequence_navigation():
    ph = AD_398_22_PHASES
    assert ph.first == "application"
    assert ph.next_phase("talent_screener") == "assessment_centre"
    assert ph.next_phase("reserve_list") is None
    assert ph.has_run("eligibility", "assessment_centre")
    assert not ph.has_run("assessment_centre", "assessment_centre")
    assert ph.is_before("talent_screener", "document_check")
    assert AD_402_23_PHASES.remaining_from("written_test_and_eligibility") == (
        "written_test_and_eligibility", "reserve_list",
    )
    with pytest.raises(ValueError, match="unknown phase 'assessment_centre'"):
        AD_402_23_PHASES.index("assessment_centre")


def test_c16_status_values_are_stable_strings():
    assert [s.value for s in Status] == ["active", "excluded", "withdrawn", "reserve_list"]


def test_c15_general_eligibility_by_epso_specific_by_board():
    assert deciding_body(ExclusionGround.GENERAL_ELIGIBILITY) is Body.EPSO
    assert deciding_body(ExclusionGround.SPECIFIC_ELIGIBILITY) is Body.BOARD
    assert deciding_body(ExclusionGround.MULTIPLE_ACCOUNTS) is Body.EPSO


def test_c15_every_ground_has_a_deciding_body_and_notice_can_override():
    for g in ExclusionGround:
        assert deciding_body(g) in (Body.EPSO, Body.BOARD)
    overrides = {ExclusionGround.NO_SCREENER_ANSWER: Body.BOARD}
    e = exclusion("no_screener_answer", "talent_screener", "blank", overrides)
    assert (e.ground, e.body, e.stage) == (ExclusionGround.NO_SCREENER_ANSWER, Body.BOARD, "talent_screener")
