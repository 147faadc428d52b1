from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.competitions.rules import Rounding, invitation_cap, rank_scores, select_with_ties

from .notice_data import AD_398_22, AD_402_23, notice


def test_c7_competition_ranking_shares_rank_and_skips():
    ranking = rank_scores({"a": 10, "b": 8, "c": 8, "d": 5})
    assert [(e.candidate_id, e.rank) for e in ranking] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_c7_ranking_order_is_deterministic_regardless_of_input_order():
    one = rank_scores({"b": 8, "a": 8, "c": 9})
    two = rank_scores({"c": 9, "a": 8, "b": 8})
    assert one == two
    assert [e.candidate_id for e in one] == ["c", "a", "b"]


def test_c7_ties_at_last_place_all_invited():
    scores = {"a": 40, "b": 35, "c": 30, "d": 30, "e": 30, "f": 20}
    sel = select_with_ties(scores, cap=3)
    assert sel.selected == ("a", "b", "c", "d", "e")
    assert sel.cutoff_score == 30


def test_c7_no_tie_cap_is_exact():
    sel = select_with_ties({"a": 4, "b": 3, "c": 2}, cap=2)
    assert sel.selected == ("a", "b")


def test_c7_r3_reinstated_invited_beyond_cap_without_displacing_anyone():
    scores = {"a": 40, "b": 35, "c": 30, "x": 10}
    sel = select_with_ties(scores, cap=2, reinstated={"x"})
    assert sel.selected == ("a", "b", "x")
    assert sel.by_score == ("a", "b")
    assert sel.reinstated_beyond == ("x",)


def test_c7_r3_reinstated_high_scorer_does_not_use_up_a_place():
    sel = select_with_ties({"x": 50, "a": 40, "b": 35, "c": 30}, cap=2, reinstated={"x"})
    assert sel.selected == ("x", "a", "b")
    assert sel.reinstated_beyond == ()


def test_c7_reinstated_from_another_pool_is_ignored():
    sel = select_with_ties({"a": 1}, cap=1, reinstated={"zz"})
    assert sel.selected == ("a",)


def test_c7_cap_larger_than_pool_invites_everyone_and_zero_cap_nobody():
    assert select_with_ties({"a": 1, "b": 2}, cap=10).selected == ("b", "a")
    assert select_with_ties({"a": 1, "b": 2}, cap=0).selected == ()


def test_c7_invitation_cap_three_times_places_ad_398_22():
    spec = notice(AD_398_22)
    multiplier = spec.phase("assessment").invitation_cap.multiplier  # 003 4.3.4: "højst tre gange"
    assert invitation_cap(spec.field("1").places, multiplier) == 213  # 3 x 71


def test_c7_invitation_cap_one_and_a_half_rounds_down_at_most():
    # 004 4.3.3 a: "højst 1,5 gange": 1.5 x 71 = 106.5 -> at most 106. 71 places is an
    # illustration of an odd count, not AD/402/23's places.
    multiplier = notice(AD_402_23).phase("marking-eligibility").invitation_cap.multiplier
    assert invitation_cap(71, multiplier) == 106
    # The same multiplier as text, float and fraction: read exactly, whatever the type.
    assert invitation_cap(71, "1.5") == 106
    assert invitation_cap(71, 1.5, Rounding.CEIL) == 107
    assert invitation_cap(71, Fraction(3, 2), Rounding.HALF_UP) == 107
    assert invitation_cap(70, 1.5) == 105


def test_c7_invitation_cap_rejects_bad_data():
    with pytest.raises(ValueError, match="places"):
        invitation_cap(-1, 3)
    with pytest.raises(ValueError, match="multiplier"):
        invitation_cap(10, -2)


scores_st = st.dictionaries(
    st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=12), max_size=25
)


@given(scores_st, st.integers(min_value=0, max_value=30), st.data())
def test_c7_property_selection_matches_brute_force(scores, cap, data):
    ids = sorted(scores)
    reinstated = set(data.draw(st.lists(st.sampled_from(ids), unique=True))) if ids else set()
    sel = select_with_ties(scores, cap, reinstated)
    chosen = set(sel.selected)
    regular = {c: s for c, s in scores.items() if c not in reinstated}
    # Oracle: the cap-th best regular score by plain sorting.
    values = sorted(regular.values(), reverse=True)
    if cap == 0 or not values:
        expected = set()
    else:
        cutoff = values[min(cap, len(values)) - 1]
        expected = {c for c, s in regular.items() if s >= cutoff}
    assert chosen == expected | reinstated
    # Everyone selected on score beats or ties everyone left out.
    left_out = [scores[c] for c in scores if c not in chosen]
    for c in chosen - reinstated:
        assert all(scores[c] >= s for s in left_out)
    assert len(chosen - reinstated) >= min(cap, len(regular))
    assert len(set(sel.selected)) == len(sel.selected)


@given(scores_st)
def test_c7_property_rank_is_one_plus_number_strictly_better(scores):
    for e in rank_scores(scores):
        assert e.rank == 1 + sum(1 for s in scores.values() if s > e.score)
