"""C5 conditions added from the seeds: military service, leave, volunteering, the subject of the
degree, recognition of diplomas, the identity document. Worked examples written out by hand from
002 1.3 and 003 sections 3 / Annex II 1.1-1.2; a day-by-day oracle for the arithmetic."""
import calendar
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from casework.competitions.rules import (
    CandidateProfile,
    Diploma,
    EducationLevels,
    EligibilityRules,
    Experience,
    Recognition,
    check_eligibility,
    check_general,
    counted_months,
    month_measure,
    qualifying_diploma,
)

from .notice_data import AD_398_22, AST_151_22, alternatives, eligibility_rules, notice

DEADLINE = notice(AD_398_22).application_deadline.date()      # 22 March 2022 (003 4.3.1)
AD_FIELDS_1_4 = alternatives(AD_398_22, "1")
AST_FIELDS = alternatives(AST_151_22, "1")
RULES = eligibility_rules(AD_398_22)
ICT = ("ict",)


def months(exps, counts_from=date(2012, 1, 1), **kw):
    return counted_months(exps, counts_from=counts_from, as_at=DEADLINE, **kw)


# --- compulsory military service (002 1.3 b) ------------------------------------------------

def test_c5_military_service_before_diploma_counts():
    service = Experience(date(2010, 1, 1), date(2010, 12, 31), kind="military_service", paid=False)
    assert months([service]) == 12                       # a year before the diploma of 2012
    job = Experience(date(2010, 1, 1), date(2010, 12, 31))
    assert months([job]) == 0                             # other work before it does not


def test_c5_military_service_before_diploma_not_counted_where_the_notice_says_otherwise():
    service = Experience(date(2010, 1, 1), date(2010, 12, 31), kind="military_service")
    assert months([service], military_service_before_diploma=False) == 0
    after = Experience(date(2012, 1, 1), date(2012, 12, 31), kind="military_service")
    assert months([after], military_service_before_diploma=False) == 12


def test_c5_military_service_counts_at_most_its_statutory_duration():
    # 18 months served where the Member State's compulsory service is 12 months: 12 count
    service = Experience(date(2009, 7, 1), date(2010, 12, 31), kind="military_service", statutory_months=12)
    assert months([service]) == 12
    assert months([Experience(date(2009, 7, 1), date(2010, 12, 31), kind="military_service")]) == 18


def test_c5_military_service_alongside_full_time_job_adds_nothing_and_keeps_its_cap():
    service = Experience(date(2012, 1, 1), date(2012, 12, 31), kind="military_service", statutory_months=6)
    job = Experience(date(2012, 1, 1), date(2012, 6, 30))
    # Jan-Jun: the job fills the days; Jul-Dec: the service, up to its 6 statutory months
    assert months([service, job]) == 12


def test_c5_ad_398_22_military_service_before_the_degree_makes_the_six_years():
    # Degree (ICT) 30.9.2016; 12 months of compulsory service 1.9.2015-31.8.2016 in ICT;
    # ICT job in the field from 1.10.2016: Oct 2016-Feb 2022 = 65 months + 22/31 of March 2022.
    service = Experience(date(2015, 9, 1), date(2016, 8, 31), kind="military_service", paid=False)
    job = Experience(date(2016, 10, 1), None, in_field=True)
    with_service = CandidateProfile((Diploma("degree-4y", date(2016, 9, 30), ICT),), (service, job))
    a = check_eligibility(with_service, AD_FIELDS_1_4, DEADLINE, RULES).per_alternative[0]
    assert a.met
    assert a.experience_months == 12 + 65 + Fraction(22, 31)
    assert a.field_experience_months == 65 + Fraction(22, 31)
    without = CandidateProfile(with_service.diplomas, (job,))
    a = check_eligibility(without, AD_FIELDS_1_4, DEADLINE, RULES).per_alternative[0]
    assert not a.met and a.failures == (
        "experience 65.71 months < 72 required (counted from 2016-09-30 to 2022-03-22)",)


# --- leave (002 1.3 b: "inden for rammerne af en ansættelseskontrakt") ------------------------

def test_c5_parental_leave_counts_under_an_employment_contract():
    leave = Experience(date(2020, 1, 1), date(2020, 6, 30), kind="parental_leave", under_contract=True,
                       paid=False)
    assert months([leave]) == 6


def test_c5_parental_leave_while_seeking_work_does_not_count():
    leave = Experience(date(2020, 1, 1), date(2020, 6, 30), kind="parental_leave", under_contract=False)
    assert months([leave]) == 0


# --- volunteering (002 1.3 b: paid, and at the hours of a traditional job) --------------------

def test_c5_paid_volunteering_counts_only_at_full_working_hours():
    full = Experience(date(2020, 1, 1), date(2020, 6, 30), kind="volunteering", paid=True)
    half = Experience(date(2020, 1, 1), date(2020, 6, 30), kind="volunteering", paid=True, fraction="0.5")
    unpaid = Experience(date(2020, 1, 1), date(2020, 6, 30), kind="volunteering", paid=False)
    assert (months([full]), months([half]), months([unpaid])) == (6, 0, 0)
    # unlike a part-time job, which counts pro rata (6 months at half time = 3)
    assert months([Experience(date(2020, 1, 1), date(2020, 6, 30), fraction="0.5")]) == 3


def test_c5_volunteering_threshold_is_rule_set_data():
    four_fifths = Experience(date(2020, 1, 1), date(2020, 6, 30), kind="volunteering", fraction="0.8")
    assert months([four_fifths]) == 0
    assert months([four_fifths], volunteering_min_fraction="0.8") == Fraction(24, 5)


def test_c5_unpaid_work_and_unpaid_traineeships_never_count():
    assert months([Experience(date(2020, 1, 1), date(2020, 6, 30), paid=False),
                   Experience(date(2020, 7, 1), date(2020, 12, 31), kind="traineeship", paid=False)]) == 0


# --- the subject of the degree (003 3.3) -----------------------------------------------------

def test_c5_ad_398_22_requires_the_degree_in_ict_or_related_fields():
    job = Experience(date(2010, 1, 1), None, in_field=True)
    law = CandidateProfile((Diploma("degree-4y", date(2009, 6, 30), ("law",)),), (job,))
    result = check_eligibility(law, AD_FIELDS_1_4, DEADLINE, RULES)
    assert not result.eligible
    assert result.per_alternative[0].failures == (
        "no diploma of level degree-4y or higher in subject ict awarded by 2022-03-22",)
    ict = CandidateProfile((Diploma("degree-4y", date(2009, 6, 30), ICT),), (job,))
    assert check_eligibility(ict, AD_FIELDS_1_4, DEADLINE, RULES).met == "a"


def test_c5_ast_151_22_subject_only_for_the_post_secondary_alternative():
    # (a) a 2-year diploma relevant to the duties; (b) a school diploma, no subject named
    assert [a.subject for a in AST_FIELDS] == ["duties", None]
    job = Experience(date(2010, 7, 1), date(2021, 6, 30), in_field=True)
    profile = CandidateProfile((Diploma("secondary-access-higher", date(2010, 6, 30)),
                                Diploma("post-secondary-2y", date(2012, 6, 30), ("history",))), (job,))
    a, b = check_eligibility(profile, AST_FIELDS, DEADLINE, RULES).per_alternative
    assert not a.met and b.met
    assert b.experience_months == 132                     # 1.7.2010-30.6.2021: 11 years


# --- recognition of diplomas (002 1.3 a; 003 Annex II 1.1 a) ---------------------------------

def test_c5_diploma_from_outside_the_eu_counts_only_when_a_member_state_recognises_it():
    levels = EducationLevels(("degree-3y", "degree-4y"))
    abroad = Diploma("degree-4y", date(2015, 6, 30), ICT, outside_eu=True)
    recognised = Diploma("degree-4y", date(2016, 6, 30), ICT, outside_eu=True, recognised=True)
    assert qualifying_diploma([abroad], "degree-3y", levels, DEADLINE) is None
    assert qualifying_diploma([abroad, recognised], "degree-3y", levels, DEADLINE) == recognised
    eu = Diploma("degree-4y", date(2015, 6, 30), ICT)
    assert qualifying_diploma([eu], "degree-3y", levels, DEADLINE) == eu
    # 003 Annex II 1.1 a (every diploma, "hvad enten de er udstedt i et EU-land eller et
    # tredjeland") as rule-set data
    assert qualifying_diploma([eu], "degree-3y", levels, DEADLINE, recognition=Recognition.ALL) is None


def test_c5_unrecognised_diploma_failure_says_why():
    profile = CandidateProfile((Diploma("degree-4y", date(2009, 6, 30), ICT, outside_eu=True),),
                               (Experience(date(2010, 1, 1), None, in_field=True),))
    result = check_eligibility(profile, AD_FIELDS_1_4, DEADLINE, RULES)
    assert result.per_alternative[0].failures == (
        ("no diploma of level degree-4y or higher in subject ict awarded by 2022-03-22 and recognised "
         "by a Member State (1 diploma(s) from outside the EU without recorded recognition)"),)


# --- the identity document (002 1.3 a; 003 Annex II 1.2) -------------------------------------

def test_c5_identity_document_must_be_valid_at_the_application_deadline():
    assert check_general(CandidateProfile(identity_document_valid_until=DEADLINE), DEADLINE) == ()
    assert check_general(CandidateProfile(identity_document_valid_until=date(2022, 3, 21)), DEADLINE) == (
        "the identity document expired on 2022-03-21, before the application deadline (2022-03-22)",)
    assert check_general(CandidateProfile(), DEADLINE) == ()   # not provided yet: asked later


def test_c14_identity_document_judged_at_the_new_deadline_after_an_amendment():
    # valid at AD/402/23's original deadline (11.7.2023), expired at the new one (9.7.2024, 004)
    profile = CandidateProfile(identity_document_valid_until=date(2024, 1, 31))
    assert check_general(profile, date(2023, 7, 11)) == ()
    assert check_general(profile, date(2024, 7, 9)) != ()


# --- property: counted months against a day-by-day oracle -------------------------------------

BASE = date(2018, 1, 1)
KINDS = ["job", "doctorate", "traineeship", "military_service", "parental_leave", "volunteering"]
period_st = st.tuples(st.integers(0, 1200), st.integers(0, 500), st.sampled_from(["1", "0.5", "0.25", "0.75"]),
                      st.sampled_from(KINDS), st.booleans(), st.sampled_from([None, 3, 7]))


def oracle(periods, counts_from, as_at, doc_cap, before_diploma, vol_min):
    """Day by day: uncapped kinds summed and capped at 1; then each military period (own cap),
    then the doctorates (one cap) fill what is left of the day."""
    def counts(kind, frac, flag):
        if kind == "doctorate" or kind == "military_service":
            return True
        if kind == "parental_leave":
            return flag
        if kind == "volunteering":
            return flag and Fraction(frac) >= vol_min
        return flag

    live = [(i, s, e, Fraction(f), k, cap) for i, (s, e, f, k, flag, cap) in enumerate(periods) if counts(k, f, flag)]
    used = {}
    total = Fraction(0)
    d = min([counts_from] + [s for _, s, _, _, k, _ in live if k == "military_service"])
    while d <= as_at:
        dim = calendar.monthrange(d.year, d.month)[1]
        on = [p for p in live if p[1] <= d <= p[2]
              and (d >= counts_from or (p[4] == "military_service" and before_diploma))]
        filled = min(Fraction(1), sum((p[3] for p in on if p[4] not in ("doctorate", "military_service")), Fraction(0))) / dim
        total += filled
        pools = [(("m", p[0]), [p], p[5]) for p in on if p[4] == "military_service"]
        pools.append((("d",), [p for p in on if p[4] == "doctorate"], doc_cap))
        for key, members, cap in pools:
            share = sum((p[3] for p in members), Fraction(0)) / dim
            m = min(share, Fraction(1, dim) - filled)
            if cap is not None:
                m = min(m, max(Fraction(0), cap - used.get(key, 0)))
            if m > 0:
                used[key] = used.get(key, 0) + m
                total += m
                filled += m
        d += timedelta(days=1)
    return total


@settings(max_examples=60, deadline=None)
@given(st.lists(period_st, max_size=5), st.integers(0, 700), st.sampled_from([None, 6, 12]), st.booleans(),
       st.sampled_from(["1", "0.75", "0.5"]))
def test_c5_property_counted_months_with_all_kinds_matches_day_by_day_oracle(raw, from_offset, doc_cap,
                                                                              before_diploma, vol_min):
    counts_from = BASE + timedelta(days=from_offset)
    as_at = BASE + timedelta(days=1300)
    exps, periods = [], []
    for start, length, frac, kind, flag, statutory in raw:
        s = BASE + timedelta(days=start)
        e = s + timedelta(days=length)
        exps.append(Experience(s, e, fraction=frac, kind=kind, paid=flag, under_contract=flag,
                               degree_awarded_on=BASE if kind == "doctorate" else None,
                               statutory_months=statutory if kind == "military_service" else None))
        periods.append((s, e, frac, kind, flag, statutory if kind == "military_service" else None))
    got = counted_months(exps, counts_from=counts_from, as_at=as_at, doctorate_cap_months=doc_cap,
                         military_service_before_diploma=before_diploma, volunteering_min_fraction=vol_min)
    assert got == oracle(periods, counts_from, as_at, doc_cap, before_diploma, Fraction(vol_min))
    earliest = min([counts_from] + [p[0] for p in periods if p[3] == "military_service"])
    assert got <= month_measure(earliest, as_at)


def test_c5_rule_set_rejects_a_volunteering_share_outside_full_time():
    import pytest
    with pytest.raises(ValueError, match="volunteering"):
        EligibilityRules(EducationLevels(("a",)), volunteering_min_fraction=0)
