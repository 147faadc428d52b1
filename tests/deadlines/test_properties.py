"""Property tests against independent oracles (numpy business days, dateutil months)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.deadlines import add_months, add_period, add_working_days, add_working_days_bulk

from .oracle import is_working_day, nth_working_day, working_days_in

DATES = st.dates(dt.date(2000, 6, 1), dt.date(2049, 10, 31))  # room for 60wd or 12m either way
WD = st.integers(1, 60)
FAST = settings(max_examples=300, deadline=None)


@FAST
@given(day=DATES, n=WD)
def test_d2_working_days_forward_match_numpy(brussels_holidays, day, n):
    assert add_period(f"{n}wd", day).last_day == nth_working_day(day, n, brussels_holidays)


@FAST
@given(day=DATES, n=WD)
def test_d10_working_days_backward_match_numpy(brussels_holidays, day, n):
    assert add_period(f"-{n}wd", day).last_day == nth_working_day(day, -n, brussels_holidays)


@FAST
@given(day=DATES, n=WD)
def test_d2_adding_then_counting_gives_back_n(brussels_holidays, day, n):
    last = add_working_days(day, n)
    assert working_days_in(day + dt.timedelta(days=1), last, brussels_holidays) == n
    assert is_working_day(last, brussels_holidays)


@FAST
@given(day=DATES, n=st.integers(1, 400))
def test_d5_result_is_a_working_day_when_rule_rolls_forward(brussels_holidays, day, n):
    r = add_period(f"{n}cd", day, art_3_5=False)
    raw = day + dt.timedelta(days=n)
    assert r.raw_last_day == raw
    assert is_working_day(r.last_day, brussels_holidays)
    # the first working day on or after the raw last day
    expected = np.busday_offset(np.datetime64(raw, "D"), 0, roll="forward", holidays=brussels_holidays)
    assert r.last_day == expected.astype(dt.date)


@FAST
@given(day=DATES, n=st.integers(2, 12))
def test_d5_art_3_5_period_always_holds_two_working_days(brussels_holidays, day, n):
    r = add_period(f"{n}cd", day, roll_forward=False)
    first, raw = day + dt.timedelta(days=1), day + dt.timedelta(days=n)
    if working_days_in(first, raw, brussels_holidays) >= 2:
        assert r.last_day == raw and not r.trace.art_3_5_applied
    else:
        second = np.busday_offset(np.datetime64(first, "D"), 1, roll="forward", holidays=brussels_holidays)
        assert r.last_day == second.astype(dt.date) and r.trace.art_3_5_applied
    assert working_days_in(first, r.last_day, brussels_holidays) >= 2


@FAST
@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), n=st.integers(-1200, 1200))
def test_d3_months_match_relativedelta_and_never_overshoot_the_month(day, n):
    result = add_months(day, n)
    assert result == day + relativedelta(months=n)
    months = (day.year * 12 + day.month - 1) + n
    year, month0 = divmod(months, 12)
    assert (result.year, result.month) == (year, month0 + 1)
    assert result.day <= day.day


@FAST
@given(day=DATES, n=st.integers(1, 12))
def test_d3_month_rule_rolls_only_off_non_working_days(brussels_holidays, day, n):
    r = add_period(f"{n}m", day)
    raw = day + relativedelta(months=n)
    assert r.raw_last_day == raw
    assert r.last_day >= raw and is_working_day(r.last_day, brussels_holidays)
    assert (r.last_day == raw) == is_working_day(raw, brussels_holidays)


@FAST
@given(days=st.lists(DATES, min_size=1, max_size=50), data=st.data())
def test_bulk_equals_single_calls(days, data):
    counts = data.draw(st.lists(st.integers(-30, 30).filter(bool), min_size=len(days), max_size=len(days)))
    out = add_working_days_bulk(np.array(days, dtype="datetime64[D]"), np.array(counts))
    assert [x.astype(dt.date) for x in out] == [add_working_days(day, n) for day, n in zip(days, counts)]


@FAST
@given(instant=st.datetimes(dt.datetime(2001, 1, 1), dt.datetime(2049, 1, 1), timezones=st.just(dt.UTC)))
def test_d4_event_instant_counts_from_its_brussels_day(instant):
    from zoneinfo import ZoneInfo

    local_day = instant.astimezone(ZoneInfo("Europe/Brussels")).date()
    r = add_period("10cd", instant, roll_forward=False, art_3_5=False)
    assert r.last_day == local_day + dt.timedelta(days=10)
    assert r.deadline.astimezone(ZoneInfo("Europe/Brussels")).time() == dt.time(0)
