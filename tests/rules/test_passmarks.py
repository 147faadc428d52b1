import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.competitions.rules import combined, evaluate, threshold

from .notice_data import AD_398_22, AD_402_23, pass_marks

REASONING = ("verbal", "numerical", "abstract")
AD_402_23_REASONING = pass_marks(AD_402_23, "tests", among=REASONING)
REASONING_2022 = pass_marks(AD_398_22, "assessment", among=REASONING)


def marks(verbal, numerical, abstract):
    return {"verbal": verbal, "numerical": numerical, "abstract": abstract}


def test_c8_ad_402_23_numerical_6_and_verbal_abstract_15_passes():
    assert evaluate(marks(10, 6, 5), AD_402_23_REASONING).passed


def test_c8_ad_402_23_numerical_5_fails_even_with_high_verbal_abstract():
    result = evaluate(marks(15, 5, 10), AD_402_23_REASONING)
    assert not result.passed
    assert len(result.failures) == 1
    f = result.failures[0]
    assert f.spec.tests == ("numerical",)
    assert f.achieved == 5
    assert f.reason == "numerical = 5 < 6/10 required"


def test_c8_ad_402_23_numerical_10_verbal_abstract_14_fails():
    result = evaluate(marks(9, 10, 5), AD_402_23_REASONING)
    assert not result.passed
    assert [f.spec.tests for f in result.failures] == [("verbal", "abstract")]
    assert result.failures[0].achieved == 14
    assert result.failures[0].reason == "verbal + abstract = 14 < 15/30 required"


def test_c8_ad_402_23_both_failures_reported():
    result = evaluate(marks(1, 1, 1), AD_402_23_REASONING)
    assert [f.achieved for f in result.failures] == [1, 2]


def test_c8_ad_398_22_total_20_of_40():
    assert evaluate(marks(10, 5, 5), REASONING_2022).passed
    result = evaluate(marks(10, 5, 4), REASONING_2022)
    assert not result.passed
    assert result.failures[0].achieved == 19


def test_c8_missing_mark_is_a_failure_with_reason_not_zero():
    result = evaluate({"verbal": 20, "abstract": 10}, REASONING_2022)
    assert not result.passed
    assert result.failures[0].achieved is None
    assert "no mark for numerical" in result.failures[0].reason


def test_c8_fractional_marks_after_neutralisation_compare_exactly():
    from fractions import Fraction

    assert evaluate({"written": Fraction(1, 10) * 3 + Fraction(47, 10)}, [threshold("written", 5)]).passed


def test_c9_pass_mark_rejects_duplicate_tests():
    with pytest.raises(ValueError):
        combined(["verbal", "verbal"], 10)


@given(
    st.integers(0, 20), st.integers(0, 10), st.integers(0, 10),
)
def test_c8_property_ad_402_23_matches_plain_rule(v, n, a):
    assert evaluate(marks(v, n, a), AD_402_23_REASONING).passed == (n >= 6 and v + a >= 15)
