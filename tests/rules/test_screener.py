import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.competitions.rules import answered_none, rank_screener, reading_order, screener_score

from .notice_data import AD_398_22, screener_scale

SCALE = screener_scale(AD_398_22)

WEIGHTS = {"q1": 3, "q2": 1, "q3": 2}


def test_c6_score_is_sum_of_weight_times_mark():
    assert screener_score(WEIGHTS, {"q1": 4, "q2": 2, "q3": 1}, SCALE) == 3 * 4 + 1 * 2 + 2 * 1


def test_c6_weight_out_of_range_names_the_question():
    with pytest.raises(ValueError, match="weight of question q2 must be 1-3, got 4"):
        screener_score({"q1": 1, "q2": 4}, {"q1": 0, "q2": 0}, SCALE)
    with pytest.raises(ValueError, match="weight of question q1 must be 1-3, got 0"):
        screener_score({"q1": 0}, {"q1": 0}, SCALE)


def test_c6_mark_out_of_range_or_not_whole_names_the_question():
    with pytest.raises(ValueError, match="mark for question q3 must be 0-4, got 5"):
        screener_score(WEIGHTS, {"q1": 4, "q2": 2, "q3": 5}, SCALE)
    with pytest.raises(ValueError, match="mark for question q1 must be a whole number"):
        screener_score(WEIGHTS, {"q1": 2.5, "q2": 2, "q3": 1}, SCALE)


def test_c6_missing_and_unknown_marks_rejected():
    with pytest.raises(ValueError, match="no mark for question"):
        screener_score(WEIGHTS, {"q1": 4, "q2": 2}, SCALE)
    with pytest.raises(ValueError, match="unknown question"):
        screener_score(WEIGHTS, {"q1": 4, "q2": 2, "q3": 1, "q9": 1}, SCALE)


def test_c6_rank_per_field_by_weighted_marks_only():
    # b has more marks in total (2+4+4 = 10 vs a's 4+0+1 = 5) but a has the higher weighted score.
    ranking = rank_screener(
        {"a": {"q1": 4, "q2": 0, "q3": 1}, "b": {"q1": 2, "q2": 4, "q3": 0}, "c": {"q1": 0, "q2": 0, "q3": 0}},
        WEIGHTS, SCALE,
    )
    assert [(e.candidate_id, e.score, e.rank) for e in ranking] == [("a", 14, 1), ("b", 10, 2), ("c", 0, 3)]


def test_c6_reading_order_uses_days_times_task_weight():
    order = reading_order({"a": {"t1": 100, "t2": 10}, "b": {"t2": 60}}, {"t1": 1, "t2": 3}, SCALE)
    assert order == (("b", 180), ("a", 130))


def test_c15_no_screener_answer_detected():
    assert answered_none({"q1": None, "q2": "  "})
    assert not answered_none({"q1": None, "q2": "I led a team"})


@given(st.dictionaries(st.sampled_from(list(WEIGHTS)), st.integers(0, 4), min_size=3, max_size=3))
def test_c6_property_score_bounds(m):
    s = screener_score(WEIGHTS, m, SCALE)
    assert 0 <= s <= 4 * sum(WEIGHTS.values())
    assert s == sum(WEIGHTS[q] * m[q] for q in WEIGHTS)
