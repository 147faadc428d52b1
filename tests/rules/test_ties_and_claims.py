"""C7 ties at an invitation cut-off as notice data; C5/C15 deciding bodies and the force-majeure
claim as rule data."""
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.competitions.rules import (
    Body,
    Claim,
    ExclusionGround,
    admitted_claim,
    exclusion,
    invitation_cap,
    select_with_ties,
)

from .notice_data import AD_398_22, AD_402_23, AST_151_22, notice


def _cap(name, phase):
    return notice(name).phase(phase).invitation_cap


def test_c7_tie_rule_is_notice_data():
    assert _cap(AD_398_22, "assessment").ties is True           # 003 Annex II: all tied go on
    assert _cap(AST_151_22, "assessment").ties is True
    assert _cap(AD_402_23, "marking-eligibility").ties is False  # 004 4.3.3 a: "højst 1,5 gange"


def test_c7_ad_402_23_strict_cap_worked_example():
    # 2 places × 1.5 = 3; scores 30, 29, 28, 28, 20: the two at 28 would make 4, so they stay out
    scores = {"A": 30, "B": 29, "C": 28, "D": 28, "E": 20}
    cap = invitation_cap(2, _cap(AD_402_23, "marking-eligibility").multiplier)
    assert cap == 3
    strict = select_with_ties(scores, cap, ties=False)
    assert (strict.selected, strict.cutoff_score) == (("A", "B"), 29)
    with_ties = select_with_ties(scores, cap, ties=True)
    assert (with_ties.selected, with_ties.cutoff_score) == (("A", "B", "C", "D"), 28)


def test_c7_strict_cap_with_everyone_tied_lets_nobody_through_on_score_but_reinstated_go():
    strict = select_with_ties({"A": 5, "B": 5, "C": 5, "R": 1}, 2, reinstated=["R"], ties=False)
    assert strict.by_score == () and strict.selected == ("R",) and strict.reinstated_beyond == ("R",)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 60), st.integers(0, 8), max_size=25), st.integers(0, 30))
def test_c7_property_strict_cap_never_exceeds_never_splits_a_tie_and_is_maximal(scores, cap):
    strict = select_with_ties(scores, cap, ties=False)
    chosen = set(strict.by_score)
    assert len(chosen) <= cap
    for cid in chosen:                       # never splits a tie, never skips a better score
        assert all(o in chosen for o, s in scores.items() if s >= scores[cid])
    rest = sorted({s for c, s in scores.items() if c not in chosen}, reverse=True)
    if rest:                                 # the next group would not fit
        assert sum(1 for s in scores.values() if s >= rest[0]) > cap
    assert chosen <= set(select_with_ties(scores, cap, ties=True).by_score)


def test_c15_absence_admits_a_force_majeure_claim_other_grounds_none():
    assert admitted_claim(ExclusionGround.NO_BOOKING_OR_ABSENCE) is Claim.FORCE_MAJEURE
    assert admitted_claim(ExclusionGround.CHEATING) is None
    e = exclusion(ExclusionGround.NO_BOOKING_OR_ABSENCE, "assessment")
    assert (e.body, e.admits) == (Body.EPSO, Claim.FORCE_MAJEURE)


def test_c5_r2_who_decides_eligibility_is_notice_data():
    # 002 footnote 16: general conditions EPSO, specific the board (AD/398/22, AST/151/22 keep it)
    for name in (AD_398_22, AST_151_22):
        spec = notice(name)
        assert spec.deciding_body("general_eligibility") == "epso"
        assert spec.deciding_body("specific_eligibility") == "board"
    # 004 4.3.3 b: "Udvælgelseskomitéen træffer afgørelse om, hvorvidt en ansøger opfylder
    # adgangsbetingelserne" -- the board decides all of section 3
    spec = notice(AD_402_23)
    assert spec.deciding_body("general_eligibility") == "board"
    assert spec.deciding_body("specific_eligibility") == "board"
    assert spec.deciding_body("no_booking_or_absence") == "epso"
