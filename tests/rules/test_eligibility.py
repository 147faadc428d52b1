from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.competitions.rules import (
    Alternative,
    CandidateProfile,
    Diploma,
    Experience,
    ExperienceKind,
    check_eligibility,
    counted_months,
    month_measure,
)

from .notice_data import AD_398_22, AST_151_22, alternatives, eligibility_rules, notice

DEADLINE = notice(AD_398_22).application_deadline.date()
AD_398_22_FIELDS_1_4 = alternatives(AD_398_22, "1")
AST_151_22_FIELDS = alternatives(AST_151_22, "1")
RULES_2015 = eligibility_rules(AD_398_22)  # levels and the 002 1.3 b doctorate cap, from the notice
DOCTORATE_CAP = RULES_2015.doctorate_cap_months
ICT = ("ict",)            # C5: AD/398/22 3.3, "inden for IKT og/eller relaterede områder"
DUTIES = ("duties",)      # C5: AST/151/22 3.3 a, "med relevans for arbejdsopgaverne"


def job(start, end, **kw):
    kw.setdefault("in_field", True)
    return Experience(start, end, **kw)


def test_c5_month_measure_whole_months_and_years_are_exact():
    assert month_measure(date(2016, 1, 1), date(2021, 12, 31)) == 72  # 6 years incl. 2 leap days
    assert month_measure(date(2017, 1, 1), date(2022, 12, 31)) == 72
    assert month_measure(date(2024, 2, 1), date(2024, 2, 29)) == 1
    assert month_measure(date(2023, 2, 1), date(2023, 2, 14)) == Fraction(14, 28)
    assert month_measure(date(2023, 1, 17), date(2023, 2, 16)) == Fraction(15, 31) + Fraction(16, 28)


def test_c5_ad_398_22_alternative_a_met_with_exactly_six_years():
    profile = CandidateProfile(
        (Diploma("degree-4y", date(2016, 3, 1), ICT),),
        (job(date(2016, 3, 23), None),),  # 23.3.2016-22.3.2022 inclusive: exactly 6 years
    )
    result = check_eligibility(profile, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015)
    assert result.eligible and result.met == "a"
    assert result.per_alternative[0].experience_months == 72


def test_c5_one_day_short_fails_with_reason_in_months():
    profile = CandidateProfile(
        (Diploma("degree-4y", date(2016, 3, 1), ICT),),
        (job(date(2016, 3, 24), None),),
    )
    result = check_eligibility(profile, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015)
    assert not result.eligible and result.met is None
    a = result.per_alternative[0]
    assert a.experience_months == 72 - Fraction(1, 31)
    assert a.failures == (
        "experience 71.97 months < 72 required (counted from 2016-03-01 to 2022-03-22)",
    )
    b = result.per_alternative[1]
    assert any("< 84 required" in f for f in b.failures)


def test_c5_three_year_degree_uses_alternative_b():
    profile = CandidateProfile(
        (Diploma("degree-3y", date(2014, 6, 30), ICT),),
        (job(date(2014, 7, 1), date(2021, 6, 30)),),  # 7 years, all in field
    )
    result = check_eligibility(profile, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015)
    assert result.met == "b"
    assert result.per_alternative[0].failures == (
        "no diploma of level degree-4y or higher in subject ict awarded by 2022-03-22",
    )


def test_c5_experience_before_diploma_does_not_count():
    profile = CandidateProfile(
        (Diploma("degree-4y", date(2017, 1, 1), ICT),),
        (job(date(2012, 1, 1), date(2021, 12, 31)),),  # 10 years, of which 5 after the diploma
    )
    result = check_eligibility(profile, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015)
    assert not result.eligible
    assert result.per_alternative[0].experience_months == 60


def test_c5_experience_counts_from_earliest_qualifying_diploma_per_alternative():
    # AST/151/22: (b) counts from the school diploma, (a) only from the 2-year diploma.
    profile = CandidateProfile(
        (Diploma("secondary-access-higher", date(2010, 7, 1)), Diploma("post-secondary-2y", date(2016, 7, 1), DUTIES)),
        (job(date(2010, 7, 1), date(2021, 6, 30)),),
    )
    result = check_eligibility(profile, AST_151_22_FIELDS, DEADLINE, RULES_2015)
    a, b = result.per_alternative
    assert a.experience_months == 60 and not a.met
    assert b.experience_months == 132 and b.met
    assert result.met == "b"


def test_c5_part_time_pro_rata_six_months_half_time_is_three():
    months = counted_months(
        [job(date(2020, 1, 1), date(2020, 6, 30), fraction="0.5")],
        counts_from=date(2000, 1, 1), as_at=DEADLINE,
    )
    assert months == 3


def test_c5_overlapping_periods_not_double_counted_and_capped_at_full_time():
    months = counted_months(
        [
            job(date(2020, 1, 1), date(2020, 12, 31)),
            job(date(2020, 7, 1), date(2021, 6, 30)),  # 6 months overlap
            job(date(2021, 1, 1), date(2021, 12, 31), fraction=0.5),
            job(date(2021, 1, 1), date(2021, 12, 31), fraction=0.75),  # 0.5 + 0.75 capped at 1
        ],
        counts_from=date(2000, 1, 1), as_at=DEADLINE,
    )
    assert months == 24


def test_c5_doctorate_capped_at_three_years_if_degree_obtained():
    assert DOCTORATE_CAP == 36  # 002 1.3 b: "op til maksimalt 3 års varighed"

    def months(exp, cap=DOCTORATE_CAP):
        return counted_months([exp], counts_from=date(2014, 1, 1), as_at=DEADLINE, doctorate_cap_months=cap)

    phd = Experience(date(2015, 1, 1), date(2019, 12, 31), kind=ExperienceKind.DOCTORATE,
                     paid=False, in_field=True, degree_awarded_on=date(2020, 3, 1))
    assert months(phd) == 36
    assert months(phd, cap=None) == 60  # no cap given
    not_obtained = Experience(date(2015, 1, 1), date(2019, 12, 31), kind="doctorate", in_field=True)
    assert months(not_obtained) == 0
    after_deadline = Experience(date(2015, 1, 1), date(2019, 12, 31), kind="doctorate",
                                degree_awarded_on=date(2022, 4, 1))
    assert months(after_deadline) == 0


def test_c5_doctorate_alongside_full_time_job_does_not_add_or_use_cap():
    phd = Experience(date(2015, 1, 1), date(2019, 12, 31), kind="doctorate", degree_awarded_on=date(2020, 1, 1))
    months = counted_months(
        [phd, job(date(2015, 1, 1), date(2016, 12, 31)), job(date(2020, 1, 1), date(2020, 12, 31))],
        counts_from=date(2014, 1, 1), as_at=DEADLINE, doctorate_cap_months=DOCTORATE_CAP,
    )
    assert months == 24 + 36 + 12


def test_c5_unpaid_work_and_unpaid_traineeship_do_not_count_paid_traineeship_does():
    exps = [
        Experience(date(2019, 1, 1), date(2019, 6, 30), kind="traineeship", paid=False),
        Experience(date(2019, 7, 1), date(2019, 12, 31), kind="job", paid=False),
        Experience(date(2020, 1, 1), date(2020, 6, 30), kind="traineeship", paid=True),
    ]
    assert counted_months(exps, counts_from=date(2000, 1, 1), as_at=DEADLINE) == 6


def test_c5_judged_at_deadline_later_work_and_diplomas_ignored():
    profile = CandidateProfile(
        (Diploma("degree-4y", date(2015, 1, 1), ICT), Diploma("degree-4y", date(2022, 3, 23), ICT)),
        (job(date(2016, 4, 1), None),),
    )
    result = check_eligibility(profile, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015)
    assert not result.eligible
    assert result.per_alternative[0].experience_months == 71 + Fraction(22, 31)
    later = check_eligibility(profile, AD_398_22_FIELDS_1_4, date(2022, 4, 1), RULES_2015)
    assert later.eligible


def test_c5_field_experience_requirement_separate_from_total():
    profile = CandidateProfile(
        (Diploma("degree-4y", date(2010, 1, 1), ICT),),
        (job(date(2010, 1, 1), date(2017, 12, 31), in_field=False), job(date(2018, 1, 1), date(2020, 12, 31))),
    )
    a = check_eligibility(profile, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015).per_alternative[0]
    assert a.met and a.field_experience_months == 36
    short = CandidateProfile(profile.diplomas, (profile.experiences[0], job(date(2018, 1, 1), date(2020, 11, 30))))
    a = check_eligibility(short, AD_398_22_FIELDS_1_4, DEADLINE, RULES_2015).per_alternative[0]
    assert a.failures == ("experience in the field 35 months < 36 required",)


def test_c5_invalid_data_rejected():
    with pytest.raises(ValueError, match="fraction"):
        Experience(date(2020, 1, 1), None, fraction=0)
    with pytest.raises(ValueError, match="before it starts"):
        Experience(date(2020, 1, 1), date(2019, 1, 1))
    with pytest.raises(ValueError, match="unknown education level"):
        check_eligibility(CandidateProfile(), [Alternative("a", "phd", 1, 0)], DEADLINE, RULES_2015)


# Property test: independent day-by-day oracle.
BASE = date(2018, 1, 1)
period_st = st.tuples(
    st.integers(0, 1500), st.integers(0, 400), st.sampled_from(["1", "0.5", "0.25", "0.75"]),
    st.sampled_from(["job", "doctorate", "traineeship"]), st.booleans(),
)


def oracle(periods, counts_from, as_at, cap):
    import calendar

    total = Fraction(0)
    doc_used = Fraction(0)
    d = counts_from
    while d <= as_at:
        dim = calendar.monthrange(d.year, d.month)[1]
        job_w = min(Fraction(1), sum((Fraction(f) for s, e, f, k, p in periods if s <= d <= e and k != "doctorate" and p), Fraction(0)))
        doc_w = min(1 - job_w, sum((Fraction(f) for s, e, f, k, p in periods if s <= d <= e and k == "doctorate"), Fraction(0)))
        total += job_w / dim
        doc_m = doc_w / dim
        if cap is not None:
            doc_m = min(doc_m, cap - doc_used)
        doc_used += doc_m
        total += doc_m
        d += timedelta(days=1)
    return total


@settings(max_examples=60, deadline=None)
@given(st.lists(period_st, max_size=5), st.integers(0, 600), st.sampled_from([None, 6, 12]))
def test_c5_property_counted_months_matches_day_by_day_oracle(raw, from_offset, cap):
    counts_from = BASE + timedelta(days=from_offset)
    as_at = BASE + timedelta(days=1400)
    exps, periods = [], []
    for start, length, frac, kind, paid in raw:
        s = BASE + timedelta(days=start)
        e = s + timedelta(days=length)
        exps.append(Experience(s, e, fraction=frac, kind=kind, paid=paid,
                               degree_awarded_on=BASE if kind == "doctorate" else None))
        periods.append((s, e, frac, kind, paid))
    got = counted_months(exps, counts_from=counts_from, as_at=as_at, doctorate_cap_months=cap)
    assert got == oracle(periods, counts_from, as_at, cap)
    assert got <= month_measure(counts_from, as_at)
