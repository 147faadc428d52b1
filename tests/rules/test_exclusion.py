"""C15: who decides an exclusion."""

from casework.competitions.rules import Body, ExclusionGround, deciding_body, exclusion


def test_c15_general_eligibility_by_epso_specific_by_board():
    assert deciding_body(ExclusionGround.GENERAL_ELIGIBILITY) is Body.EPSO
    assert deciding_body(ExclusionGround.SPECIFIC_ELIGIBILITY) is Body.BOARD
    assert deciding_body(ExclusionGround.MULTIPLE_ACCOUNTS) is Body.EPSO


def test_c15_every_ground_has_a_deciding_body_and_notice_can_override():
    for g in ExclusionGround:
        assert deciding_body(g) in (Body.EPSO, Body.BOARD)
    overrides = {ExclusionGround.NO_SCREENER_ANSWER: Body.BOARD}
    e = exclusion("no_screener_answer", "screener", "blank", overrides)
    assert (e.ground, e.body, e.stage) == (ExclusionGround.NO_SCREENER_ANSWER, Body.BOARD, "screener")
