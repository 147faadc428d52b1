"""Worked examples of D1-D10 and the seeds, each named after its rule."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.deadlines import (
    Period,
    PeriodError,
    add_months,
    add_period,
    compute_rule,
    get_rule_set,
)

from .oracle import d


# -- D1 calendar days ---------------------------------------------------------
def test_d1_ten_calendar_days_from_2_may_is_12_may():
    r = add_period("10cd", d("2025-05-02"))
    assert r.first_day == d("2025-05-03")  # event day not counted
    assert r.raw_last_day == r.last_day == d("2025-05-12")


def test_d1_three_calendar_days_from_day_after_test_2_october_is_5_october():
    # AD/402/23 7.1: "3 calendar days counted from, and including, the day after the test" = 3cd.
    r = compute_rule("technical-issue", d("2023-10-02"))
    assert r.first_day == d("2023-10-03")
    assert r.act_by == r.outer_limit == d("2023-10-05")
    # In 2024, 5 October is a Saturday: the candidate must act by Saturday 5 October (D5 as
    # corrected); Monday 7 October is only the outer limit the deciding body weighs (D6).
    r = compute_rule("technical-issue", d("2024-10-02"))
    assert (r.raw_last_day, r.act_by, r.outer_limit) == (d("2024-10-05"), d("2024-10-05"), d("2024-10-07"))
    assert r.act_by.weekday() == 5


def test_d1_calendar_days_include_weekends_and_holidays():
    # 10cd from Thu 10 Apr 2025 runs over the Easter block without skipping it.
    r = add_period("10cd", d("2025-04-10"))
    assert r.raw_last_day == d("2025-04-20")  # Easter Sunday
    assert r.last_day == d("2025-04-22")  # rolls over Sunday and Easter Monday
    assert [s.reason for s in r.trace.skipped] == ["Sunday", "Easter Monday"]


# -- D2 working days ----------------------------------------------------------
def test_d2_fifteen_working_days_review_ack_over_easter_2025():
    r = compute_rule("review-ack", d("2025-04-10"))
    # 11, 14, 15, 16, 22, 23, 24, 25, 28, 29, 30 Apr, 2, 5, 6, 7 May (17, 18, 21 Apr and 1 May are holidays)
    assert r.last_day == d("2025-05-07")
    reasons = {s.date: s.reason for s in r.trace.skipped}
    assert reasons[d("2025-04-17")] == "Maundy Thursday"
    assert reasons[d("2025-04-21")] == "Easter Monday"
    assert reasons[d("2025-05-01")] == "Labour Day"
    assert reasons[d("2025-04-12")] == "Saturday"


def test_d2_working_days_over_year_end_closure():
    # Event Tue 23 Dec 2025: 24 Dec .. 2 Jan closed, 3-4 Jan weekend: 1st working day Mon 5 Jan 2026.
    r = add_period("1wd", d("2025-12-23"))
    assert r.last_day == d("2026-01-05")
    assert {c["year"] for c in r.to_dict()["calendars"]} == {2025, 2026}


# -- D3 months -----------------------------------------------------------------
def test_d3_15_march_gives_15_june():
    r = compute_rule("art90-complaint", d("2025-03-15"))
    assert r.raw_last_day == d("2025-06-15")  # a Sunday
    assert r.last_day == d("2025-06-16")


def test_d3_30_november_gives_end_of_february():
    assert add_months(d("2024-11-30"), 3) == d("2025-02-28")
    assert add_months(d("2023-11-30"), 3) == d("2024-02-29")  # leap year


def test_d3_31st_of_month_starts():
    assert add_months(d("2025-01-31"), 1) == d("2025-02-28")
    assert add_months(d("2025-03-31"), 1) == d("2025-04-30")
    assert add_months(d("2025-08-31"), 3) == d("2025-11-30")
    assert add_months(d("2025-05-31"), -3) == d("2025-02-28")


def test_d3_29_february_years_and_months():
    assert add_period("1y", d("2024-02-29"), roll_forward=False).last_day == d("2025-02-28")
    assert add_period("4y", d("2024-02-29"), roll_forward=False).last_day == d("2028-02-29")
    assert add_months(d("2024-02-29"), 12) == d("2025-02-28")
    assert add_months(d("2024-01-29"), 1) == d("2024-02-29")


# -- D5 roll-forward and Art 3(5) -----------------------------------------------
def test_d5_acceptance_review_from_11_april_2025_acts_by_easter_monday_outer_limit_tuesday():
    # published Friday 11 April 2025; 10 calendar days end on Easter Monday 21 April
    r = compute_rule("review", d("2025-04-11"))
    assert r.raw_last_day == r.last_day == r.act_by == d("2025-04-21")
    assert r.act_by.weekday() == 0
    assert r.outer_limit == d("2025-04-22") and r.outer_limit.weekday() == 1
    assert not r.trace.roll_forward_applied and r.trace.skipped == []


def test_d5_no_roll_when_rule_says_so():
    r = add_period("10cd", d("2025-04-11"), roll_forward=False, art_3_5=False)
    assert r.last_day == d("2025-04-21")
    assert not r.trace.roll_forward_applied


def test_d5_art_3_5_alone_extends_a_two_day_period_with_one_working_day():
    # 2cd from Sat 3 May 2025: last day Mon 5 May is a working day (no roll-forward),
    # but Sun 4 + Mon 5 hold only one working day: extended to Tue 6 May.
    r = add_period("2cd", d("2025-05-03"))
    assert r.raw_last_day == d("2025-05-05")
    assert not r.trace.roll_forward_applied
    assert r.trace.art_3_5_applied
    assert r.last_day == d("2025-05-06")


def test_d5_art_3_5_without_roll_forward():
    # 2cd from Fri 2 May 2025 ends Sun 4 May; no roll, but Art 3(5) takes it to the
    # second working day of the period: Mon 5 (1st), Tue 6 (2nd).
    r = add_period("2cd", d("2025-05-02"), roll_forward=False)
    assert r.last_day == d("2025-05-06")
    assert r.trace.art_3_5_applied and not r.trace.roll_forward_applied


def test_d5_roll_forward_then_art_3_5_over_year_end():
    # 3cd from Tue 23 Dec 2025 ends Fri 26 Dec (holiday) -> rolls to Mon 5 Jan 2026, the only
    # working day of 24 Dec .. 5 Jan -> Art 3(5) extends to Tue 6 Jan.
    r = add_period("3cd", d("2025-12-23"))
    assert r.trace.roll_forward_applied and r.trace.art_3_5_applied
    assert r.last_day == d("2026-01-06")


def test_d5_one_day_period_is_not_extended_by_art_3_5():
    r = add_period("1cd", d("2025-05-02"), roll_forward=False)
    assert r.last_day == d("2025-05-03")
    assert not r.trace.art_3_5_applied


def test_d5_two_day_period_with_two_working_days_is_untouched():
    r = add_period("2cd", d("2025-05-05"))
    assert r.last_day == d("2025-05-07")
    assert not r.trace.art_3_5_applied and not r.trace.roll_forward_applied


# -- D7 Article 90/91 chain ----------------------------------------------------
def test_d7_implied_rejection_then_court_action_with_distance():
    reply = compute_rule("art90-reply", d("2025-01-10"))  # complaint lodged 10 Jan 2025
    assert reply.last_day == d("2025-05-12")  # 10 May is a Saturday -> Monday 12 May
    court = compute_rule("court-action", reply.last_day)
    # 12 May + 3 months = 12 Aug; + 10 days distance = 22 Aug 2025 (Friday, working day at the Court).
    assert court.raw_last_day == d("2025-08-22")
    assert court.last_day == d("2025-08-22")
    assert court.spec.rule.place == "court"


def test_d7_court_action_months_first_then_ten_days_then_roll_on_court_calendar():
    # Notified 13 Apr 2026: +3 months = 13 Jul; +10 days = 23 Jul 2026 (Thursday).
    assert compute_rule("court-action", d("2026-04-13")).last_day == d("2026-07-23")
    # Notified 31 Mar 2026: +3m = 30 Jun; +10d = 10 Jul 2026 (Friday).
    assert compute_rule("court-action", d("2026-03-31")).last_day == d("2026-07-10")
    # Notified 13 Mar 2026: +3m = 13 Jun; +10d = 23 Jun = Luxembourg National Day -> 24 Jun.
    r = compute_rule("court-action", d("2026-03-13"))
    assert (r.raw_last_day, r.last_day) == (d("2026-06-23"), d("2026-06-24"))
    assert r.trace.skipped[0].reason == "Luxembourg National Day"
    assert r.to_dict()["calendars"][0]["place"] == "court"


# -- D8 Regulation 1049/2001 ----------------------------------------------------
def test_d8_access_initial_and_extension():
    initial = compute_rule("access-initial", d("2025-04-10"))
    extended = compute_rule("access-initial-extended", d("2025-04-10"))
    assert initial.last_day == d("2025-05-07")
    assert extended.last_day == add_period("15wd", initial.last_day).last_day
    # 15 more working days after 7 May: 8, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 2 Jun
    # (9 May, 29 and 30 May are holidays).
    assert extended.last_day == d("2025-06-02")


def test_d8_confirmatory_rules_present_in_both_sets():
    for name in ("2022", "2015"):
        rules = get_rule_set(name)
        for rule in ("access-confirmatory", "access-confirmatory-reply", "access-confirmatory-reply-extended"):
            assert rules.rule(rule).period == Period(15, "wd")


# -- D9 per-rule-set limits -----------------------------------------------------
def test_d9_neutralisation_3_days_in_2022_10_days_in_2015():
    assert compute_rule("neutralisation", d("2025-06-02"), "2022").last_day == d("2025-06-05")
    assert compute_rule("neutralisation", d("2025-06-02"), "2015").last_day == d("2025-06-12")


def test_d9_info_request_and_review_10cd_in_2022():
    assert compute_rule("info-request", d("2025-05-02")).last_day == d("2025-05-12")
    assert compute_rule("review", d("2025-05-02")).last_day == d("2025-05-12")


# -- D10 backwards ----------------------------------------------------------------
def test_d10_five_working_days_before_application_deadline():
    # AD/398/22 deadline 22 March 2022 (Tue): questions should be sent by Tue 15 March.
    r = compute_rule("questions-cutoff", d("2022-03-22"))
    assert r.last_day == d("2022-03-15")
    assert not r.spec.rule.roll_forward and not r.spec.rule.art_3_5


def test_d10_backward_period_never_rolls_forward():
    # 5cd before Thu 10 Apr 2025 is Sat 5 Apr: kept, not moved.
    r = add_period("-5cd", d("2025-04-10"))
    assert r.last_day == d("2025-04-05")
    assert not r.trace.roll_forward_applied
    # Backwards over Easter 2025: 5 working days before Wed 23 Apr -> 22, 16, 15, 14, 11 Apr.
    assert add_period("-5wd", d("2025-04-23")).last_day == d("2025-04-11")


# -- periods -----------------------------------------------------------------------
@pytest.mark.parametrize("text,period", [("10cd", Period(10, "cd")), ("-5wd", Period(-5, "wd")),
                                         ("+3m", Period(3, "m")), ("1y", Period(1, "y")),
                                         (" 15WD ", Period(15, "wd"))])
def test_period_parse(text, period):
    assert Period.parse(text) == period
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize("text", ["10", "10xd", "cd", "0cd", "1.5m", "--3m", ""])
def test_period_parse_rejects(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_period_outside_python_dates_is_an_error_not_a_crash():
    with pytest.raises(PeriodError):
        add_period("99999y", dt.date(2025, 1, 1), roll_forward=False, art_3_5=False)
