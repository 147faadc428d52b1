"""D2, D5, D6: the Court's own holiday list; the date to act by and the outer limit.

Worked examples are written out by hand with their weekdays; the properties compare the engine
with oracles that share no code with it (dateutil's Easter, numpy's business days, the Court's
list typed in again below from the rule book).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.deadlines import (
    CONFIRMED,
    CalendarYear,
    DeadlineSpec,
    compute,
    compute_rule,
    default_calendars,
    get_rule_set,
    recompute,
)

from .oracle import d, nth_working_day

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def court_holidays_oracle(first: int = 2019, last: int = 2050) -> np.ndarray:
    """The Court's list as RULES D2 gives it, typed in again (not read from the engine)."""
    days = []
    for y in range(first, last + 1):
        e = easter(y)
        days += [dt.date(y, 1, 1), e + dt.timedelta(days=1), dt.date(y, 5, 1), dt.date(y, 5, 9),
                 e + dt.timedelta(days=39), e + dt.timedelta(days=50), dt.date(y, 6, 23), dt.date(y, 8, 15),
                 dt.date(y, 11, 1), dt.date(y, 12, 25), dt.date(y, 12, 26)]
    return np.array(days, dtype="datetime64[D]")


COURT = court_holidays_oracle()


def court_action(event: str) -> dt.date:
    return compute_rule("court-action", d(event)).act_by


# -- 1. the Court's own list (D2) --------------------------------------------------------------

@pytest.mark.parametrize("event,expected,weekday,why", [
    # the four dates of the issue: each period ends on a day that is a Brussels holiday but a
    # working day of the Court, so it does not roll forward
    ("2025-12-24", "2026-04-03", FRI, "Good Friday is a working day of the Court"),
    ("2026-02-05", "2026-05-15", FRI, "so is the Friday after Ascension"),
    ("2026-07-23", "2026-11-02", MON, "so is 2 November"),
    ("2026-09-18", "2026-12-28", MON, "no Christmas closure at the Court"),
    # 3 months to 2 April 2026 + 10 days -> Thursday 2 April... Maundy Thursday is a working day
    ("2025-12-23", "2026-04-02", THU, "Maundy Thursday is a working day of the Court"),
    ("2026-04-11", "2026-07-21", TUE, "21 July is a working day of the Court"),
    ("2026-09-14", "2026-12-24", THU, "24 December is a working day of the Court"),
    # and the days on the Court's list do roll forward
    ("2025-12-27", "2026-04-07", TUE, "27 Mar + 10 = Easter Monday 6 April -> Tuesday"),
    ("2026-02-04", "2026-05-15", FRI, "4 May + 10 = Ascension Day 14 May -> Friday"),
    ("2026-03-13", "2026-06-24", WED, "13 June + 10 = 23 June (Luxembourg National Day) -> Wednesday"),
    ("2026-09-15", "2026-12-28", MON, "15 Dec + 10 = Christmas Day, Friday 25 -> Saturday, Sunday -> Monday 28"),
    ("2025-01-29", "2025-05-12", MON, "29 Apr + 10 = Friday 9 May 2025 (on the list from 2019) -> Monday 12"),
    ("2026-05-22", "2026-09-01", TUE, "22 Aug + 10 = 1 Sept: a plain working day"),
])
def test_d2_court_action_on_the_courts_own_list(event, expected, weekday, why):
    result = compute_rule("court-action", d(event))
    assert result.act_by == result.last_day == result.outer_limit == d(expected), why
    assert result.last_day.weekday() == weekday
    assert result.trace.differences == []
    assert all(c["place"] == "court" and "OJ C 156, 7.5.2019" in c["source"]
               for c in result.to_dict()["calendars"])


def test_d2_court_list_2026_is_exactly_the_standing_decision():
    year = default_calendars()["court"].year(2026)
    assert year.status == CONFIRMED
    assert [(h.date.isoformat(), h.name) for h in year.holidays] == [   # weekdays only; 15 Aug is a Saturday
        ("2026-01-01", "New Year's Day"), ("2026-04-06", "Easter Monday"), ("2026-05-01", "Labour Day"),
        ("2026-05-14", "Ascension Day"), ("2026-05-25", "Whit Monday"),
        ("2026-06-23", "Luxembourg National Day"), ("2026-12-25", "Christmas Day")]


def test_d2_before_2019_the_court_had_no_9_may_and_those_years_are_not_confirmed():
    court = default_calendars()["court"]
    assert court.is_working_day(d("2018-05-09")) and d("2018-05-09").weekday() == WED
    assert not court.is_working_day(d("2019-05-09")) and d("2019-05-09").weekday() == THU
    assert court.year(2018).status != CONFIRMED and court.year(2019).status == CONFIRMED


def test_d2_court_action_resting_on_an_unconfirmed_court_year_shows_the_earlier_date():
    # 31 Jan 2018 + 3 months = 30 April; + 10 days = Thursday 10 May 2018, Ascension Day on the
    # Court's list; that year is not confirmed, so the candidate is shown Thursday 10 May and the
    # rolled date Friday 11 May stays the last day the law gives if the list is right.
    result = compute_rule("court-action", d("2018-01-31"))
    assert (result.act_by, result.last_day) == (d("2018-05-10"), d("2018-05-11"))
    assert result.act_by.weekday() == THU
    assert "Thursday 2018-05-10 (Ascension Day)" in result.trace.differences[0]


DAYS_2019_ON = st.dates(dt.date(2019, 1, 1), dt.date(2050, 8, 31))


@settings(max_examples=400, deadline=None)
@given(event=DAYS_2019_ON)
def test_d2_d7_court_action_matches_an_oracle_built_from_the_courts_list(event):
    # months first (Misset), then the flat 10 days, then the next working day of the Court
    raw = event + relativedelta(months=3) + dt.timedelta(days=10)
    expected = np.busday_offset(np.datetime64(raw, "D"), 0, roll="forward", holidays=COURT).astype(dt.date)
    result = compute_rule("court-action", event)
    assert result.act_by == result.last_day == expected


# -- 2. the date to act by and the outer limit of each notice-set limit (D5, D6) ----------------

@pytest.mark.parametrize("rule,rules,event,act_by,act_day,outer,outer_day", [
    # published Friday 11 April 2025: 10 days end on Easter Monday; the candidate is told 21 April
    ("review", "2022", "2025-04-11", "2025-04-21", MON, "2025-04-22", TUE),
    # a plain Monday: nothing to weigh
    ("review", "2022", "2025-05-02", "2025-05-12", MON, "2025-05-12", MON),
    # Friday 19 Dec 2025 + 10 = Monday 29 Dec, in the Commission's closure; the outer limit passes
    # the closure, New Year and the weekend to Monday 5 January 2026
    ("review", "2015", "2025-12-19", "2025-12-29", MON, "2026-01-05", MON),
    # a test on Good Friday 2025: 3 days end on Easter Monday; Art 3(4) would take it to Tuesday,
    # and Art 3(5) (Sat 19 to Tue 22 hold one working day) on to Wednesday 23 April
    ("neutralisation", "2022", "2025-04-18", "2025-04-21", MON, "2025-04-23", WED),
    # a test on Wednesday 1 October 2025: 3 days end on Saturday 4 October
    ("neutralisation", "2022", "2025-10-01", "2025-10-04", SAT, "2025-10-06", MON),
    # 2015 rules, 10 days from Tuesday 20 May 2025 end on Friday 30 May, the day after Ascension
    ("neutralisation", "2015", "2025-05-20", "2025-05-30", FRI, "2025-06-02", MON),
    # a test on Friday 2 May 2025: Sat 3, Sun 4, Mon 5 hold one working day; Art 3(5) alone
    # would take the outer limit to Tuesday 6 May; the candidate acts by Monday 5 May
    ("technical-issue", "2022", "2025-05-02", "2025-05-05", MON, "2025-05-06", TUE),
    # results published Friday 11 July 2025: 10 days end on Belgian National Day
    ("info-request", "2022", "2025-07-11", "2025-07-21", MON, "2025-07-22", TUE),
])
def test_d5_notice_limits_act_by_the_raw_last_day_with_the_rolled_day_as_outer_limit(
        rule, rules, event, act_by, act_day, outer, outer_day):
    result = compute_rule(rule, d(event), rules)
    assert result.act_by == result.raw_last_day == result.last_day == d(act_by)
    assert result.act_by.weekday() == act_day
    assert result.outer_limit == d(outer) and result.outer_limit.weekday() == outer_day
    assert bool(result.trace.differences) == (act_by != outer)
    assert result.act_by_deadline < result.outer_limit_deadline or act_by == outer


def test_d6_outer_limit_explained_in_words():
    [why] = compute_rule("neutralisation", d("2025-10-01")).trace.differences
    assert why.startswith("the neutralisation limit does not roll forward (D5): the date to act by is "
                          "Saturday 2025-10-04")
    assert "Saturday 2025-10-04 (Saturday), Sunday 2025-10-05 (Sunday)" in why
    assert "Monday 2025-10-06" in why and "(D6)" in why


# -- 3. unconfirmed holidays (D2) -----------------------------------------------------------------

def test_d2_working_day_limit_of_a_candidate_leaves_out_the_unconfirmed_easter_holidays():
    # confirmatory application (Reg 1049/2001) within 15 working days of Wednesday 25 March 2026:
    # with the provisional Brussels 2026 list (Maundy Thursday, Good Friday, Easter Monday) the
    # 15th working day is Monday 20 April; without them, Wednesday 15 April.
    result = compute_rule("access-confirmatory", d("2026-03-25"))
    assert (result.act_by, result.last_day) == (d("2026-04-15"), d("2026-04-20"))
    assert (result.act_by.weekday(), result.last_day.weekday()) == (WED, MON)
    [why] = result.trace.differences
    assert "Thursday 2026-04-02 (Maundy Thursday)" in why and "brussels 2026, provisional" in why


def test_d2_once_the_year_is_confirmed_the_candidate_gets_the_full_period():
    calendars = default_calendars()
    year = calendars["brussels"].year(2026)
    confirmed = calendars.with_year(CalendarYear.from_dict({**year.to_dict(), "status": "confirmed",
                                                            "source": "Commission decision (test)"}))
    result = compute_rule("access-confirmatory", d("2026-03-25"), calendars=confirmed)
    assert result.act_by == result.last_day == d("2026-04-20")
    assert result.trace.differences == []


def test_d2_the_administrations_limits_are_computed_as_before():
    # EPSO's acknowledgement: 15 working days with the provisional holidays, as the law says
    result = compute_rule("review-ack", d("2026-03-25"))
    assert result.act_by == result.last_day == d("2026-04-20")
    result = compute_rule("art90-reply", d("2025-12-06"))      # 6 April 2026 is Easter Monday
    assert result.act_by == result.last_day == d("2026-04-07")


# -- properties ----------------------------------------------------------------------------------

CANDIDATE_RULES = [(rs, name) for rs in ("2022", "2015") for name, rule in get_rule_set(rs).rules.items()
                   if rule.audience == "candidate"]


def _confirmed_holidays(calendar) -> np.ndarray:
    return np.array([h.date for y in calendar.years.values() if y.status == CONFIRMED for h in y.holidays],
                    dtype="datetime64[D]")


def _oracle_act_by(rule, event: dt.date, holidays: np.ndarray) -> dt.date:
    """Independent count with the confirmed holidays only (D1-D3, D5)."""
    n, unit = rule.period.count, rule.period.unit
    if unit == "wd":
        day = nth_working_day(event, n, holidays)
    elif unit == "m":
        day = event + relativedelta(months=n)
    else:
        day = event + dt.timedelta(days=n)
    if rule.plus is not None:
        day += dt.timedelta(days=rule.plus.count)
    if rule.roll_forward:
        day = np.busday_offset(np.datetime64(day, "D"), 0, roll="forward", holidays=holidays).astype(dt.date)
    return day


CONFIRMED_HOLIDAYS = {place: _confirmed_holidays(cal) for place, cal in default_calendars().calendars.items()}


@settings(max_examples=600, deadline=None)
@given(rule=st.sampled_from(CANDIDATE_RULES), event=st.dates(dt.date(2001, 1, 1), dt.date(2049, 8, 31)))
def test_d2_no_date_shown_to_a_candidate_is_later_than_the_count_without_unconfirmed_holidays(rule, event):
    rule_set, name = rule
    result = compute_rule(name, event, rule_set)
    r = result.spec.rule
    expected = _oracle_act_by(r, event, CONFIRMED_HOLIDAYS[r.place])
    if r.period.backward:      # D10: "send questions by": every holiday counted gives the earlier date
        assert result.act_by == result.last_day <= expected
    else:
        assert result.act_by == expected
    assert result.act_by <= result.last_day <= result.outer_limit
    if not r.roll_forward and not r.period.backward:          # D5: the raw last day itself
        assert result.act_by == result.raw_last_day


@settings(max_examples=60, deadline=None)
@given(event=st.dates(dt.date(2024, 1, 1), dt.date(2027, 9, 30)),
       confirm=st.sets(st.sampled_from([2024, 2026, 2027])))
def test_d2_confirming_a_year_only_ever_moves_the_date_to_act_by_towards_the_last_day(event, confirm):
    calendars = default_calendars()
    before = compute_rule("access-confirmatory", event, calendars=calendars)
    for y in confirm:
        data = {**calendars["brussels"].year(y).to_dict(), "status": "confirmed"}
        calendars = calendars.with_year(CalendarYear.from_dict(data))
    after = compute_rule("access-confirmatory", event, calendars=calendars)
    assert before.act_by <= after.act_by <= after.last_day == before.last_day
    assert after.act_by == _oracle_act_by(after.spec.rule, event, _confirmed_holidays(calendars["brussels"]))


# -- 4. a period that runs from the end of another (D7 chain) -----------------------------------

def _court_window_after_implied_rejection(lodged: str):
    reply = DeadlineSpec.for_rule("art90-reply", d(lodged))
    implied = compute(reply).last_day
    return replace(DeadlineSpec.for_rule("court-action", implied), after=reply)


def test_d2_d7_court_window_from_an_implied_rejection_resting_on_an_unconfirmed_holiday():
    # complaint lodged Thursday 15 January 2026: 4 months end on Friday 15 May 2026, the day after
    # Ascension on the provisional Brussels 2026 list, so the implied rejection rolls to Monday
    # 18 May; the court window then ends on Friday 28 August (18 Aug + 10 days). Without the
    # unconfirmed holiday the rejection is on Friday 15 May and the window ends on Tuesday 25 August.
    result = compute(_court_window_after_implied_rejection("2026-01-15"))
    assert (result.last_day, result.last_day.weekday()) == (d("2026-08-28"), FRI)
    assert (result.act_by, result.act_by.weekday()) == (d("2026-08-25"), TUE)
    assert "Friday 2026-05-15" in result.trace.differences[0]
    assert result.depends_on("brussels", 2026) and result.depends_on("court", 2026)


def test_d2_d7_once_brussels_2026_is_confirmed_the_court_window_is_recomputed_to_the_full_date(calendars):
    stored = ("window", _court_window_after_implied_rejection("2026-01-15").to_dict())
    year = {**calendars["brussels"].year(2026).to_dict(), "status": "confirmed"}
    [change] = recompute([stored], calendars, calendars.with_year(CalendarYear.from_dict(year)))
    assert (change.old.act_by, change.new.act_by) == (d("2026-08-25"), d("2026-08-28"))
    assert change.new.last_day == change.old.last_day


def test_d7_the_chained_period_follows_its_earlier_period_when_the_calendar_moves_it(calendars):
    # the Commission adds Monday 18 May 2026 as a holiday: the implied rejection moves to
    # Tuesday 19 May and the court window to Monday 31 August (29 Aug is a Saturday)
    year = calendars["brussels"].year(2026).to_dict()
    year = {**year, "status": "confirmed",
            "holidays": [*year["holidays"], {"date": "2026-05-18", "name": "Extra closure (test)"}]}
    moved = compute(_court_window_after_implied_rejection("2026-01-15"),
                    calendars.with_year(CalendarYear.from_dict(year)))
    assert moved.trace.event == d("2026-05-19")
    assert (moved.last_day, moved.last_day.weekday()) == (d("2026-08-31"), MON)
