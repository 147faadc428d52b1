from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.competitions.rules import GivenTest, Question, inclusive_pass, score_mcq, simulate_neutralisation


def given_test(ids, test="verbal", points=1):
    return GivenTest(test, tuple(Question(q, points) for q in ids))


KEY = {f"q{i}": "A" for i in range(1, 31)}


def test_c8_score_counts_points_of_correct_answers_only():
    given_ = given_test(["q1", "q2", "q3"])
    s = score_mcq(given_, {"q1": "A", "q2": "B"}, KEY)
    assert s.score == 1 and s.maximum == 3
    assert [(r.question_id, r.chosen, r.correct_answer, r.points_awarded) for r in s.per_question] == [
        ("q1", "A", "A", 1), ("q2", "B", "A", 0), ("q3", None, "A", 0),
    ]


def test_p1_neutralisation_redistributes_points_exactly():
    given_ = given_test([f"q{i}" for i in range(1, 21)])  # verbal: 20 questions, 0-20
    answers = {f"q{i}": "A" for i in range(1, 20)}  # all right except q20 unanswered
    after = score_mcq(given_, answers, KEY, neutralised={"q20"})
    assert after.score == 20  # exactly 20, not 19.999...
    assert isinstance(after.score, int) or after.score.denominator == 1
    assert after.maximum == 20
    assert after.neutralised_given == ("q20",)
    partial = score_mcq(given_, {"q1": "A"}, KEY, neutralised={"q20"})
    assert partial.score == Fraction(20, 19)


def test_p1_candidate_not_given_the_neutralised_question_keeps_the_same_score():
    key = {"q1": "A", "q2": "A", "q3": "A", "q4": "A", "q5": "A"}
    given_x = given_test(["q1", "q2", "q3", "q4"])  # was given q4
    given_y = given_test(["q1", "q2", "q3", "q5"])  # was not
    answers = {"q1": "A", "q2": "A", "q3": "B", "q4": "B", "q5": "A"}
    x = score_mcq(given_x, answers, key, neutralised={"q4"})
    y_before = score_mcq(given_y, answers, key)
    y_after = score_mcq(given_y, answers, key, neutralised={"q4"})
    assert x.score == Fraction(8, 3)  # 2 correct of 3 remaining, each worth 4/3
    assert y_after.score == y_before.score == 3
    assert y_after.neutralised_given == ()


def test_p1_unequal_points_are_redistributed_proportionally():
    given_ = GivenTest("field", (Question("a", 2), Question("b", 1), Question("c", 1)))
    s = score_mcq(given_, {"b": "A"}, {"a": "A", "b": "A", "c": "A"}, neutralised={"c"})
    assert s.score == Fraction(4, 3)  # b's 1 point x 4/3
    assert s.maximum == 4


def test_p1_all_questions_neutralised_is_an_error():
    with pytest.raises(ValueError, match="every question"):
        score_mcq(given_test(["q1"]), {}, KEY, neutralised={"q1"})


def test_p1_inclusive_pass_nobody_who_passed_fails():
    assert inclusive_pass(True, False)
    assert inclusive_pass(False, True)
    assert not inclusive_pass(False, False)


def test_p1_r3_simulation_side_by_side_flags_newly_passing():
    key = {f"q{i}": "A" for i in range(1, 5)}
    sittings = {
        # lost a point on the erroneous q4: fails before, passes after -> reinstated (R3)
        "x": (given_test(["q1", "q2", "q3", "q4"]), {"q1": "A", "q2": "A", "q3": "A", "q4": "B"}),
        # got q4 right: 4 before, after q4 is cancelled 3 x 4/3 = 4
        "y": (given_test(["q1", "q2", "q3", "q4"]), {"q1": "A", "q2": "A", "q3": "B", "q4": "A"}),
        "z": (given_test(["q1", "q2", "q3"]), {"q1": "A"}),
    }
    out = {o.candidate_id: o for o in simulate_neutralisation(sittings, key, {"q4"}, lambda s: s >= 3.5)}
    assert (out["x"].before, out["x"].after) == (3, 4)
    assert out["x"].newly_passing and out["x"].passes
    assert (out["y"].before, out["y"].after) == (3, Fraction(8, 3))
    assert (out["z"].before, out["z"].after) == (1, 1)
    assert not out["z"].passes


@given(
    st.lists(st.integers(1, 3), min_size=2, max_size=15),
    st.data(),
)
def test_p1_property_neutralised_score_within_max_and_exact(points, data):
    n = len(points)
    given_ = GivenTest("t", tuple(Question(f"q{i}", p) for i, p in enumerate(points)))
    key = {f"q{i}": "A" for i in range(n)}
    answers = {f"q{i}": data.draw(st.sampled_from(["A", "B", None])) for i in range(n)}
    neutral = set(data.draw(st.lists(st.sampled_from(sorted(key)), max_size=n - 1, unique=True)))
    if sum(p for i, p in enumerate(points) if f"q{i}" not in neutral) == 0:
        return
    s = score_mcq(given_, answers, key, neutral)
    assert 0 <= s.score <= s.maximum == sum(points)
    # Oracle: correct points among the remaining, rescaled to the unchanged maximum.
    remaining = sum(p for i, p in enumerate(points) if f"q{i}" not in neutral)
    correct = sum(p for i, p in enumerate(points) if f"q{i}" not in neutral and answers[f"q{i}"] == "A")
    assert s.score == Fraction(correct * sum(points), remaining)
    if all(answers[q] == "A" for q in key if q not in neutral):
        assert s.score == s.maximum
