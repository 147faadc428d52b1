"""D2: calendars per place and year, provisional vs confirmed, Easter, range errors."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.easter import easter as dateutil_easter

from casework.deadlines import (
    CONFIRMED,
    PROVISIONAL,
    CalendarRangeError,
    CalendarYear,
    DeadlineError,
    default_calendars,
    easter_sunday,
    generated_calendar,
)

from .oracle import d


def test_d2_easter_algorithm_matches_dateutil_1583_to_4099():
    for year in range(1583, 4100):
        assert easter_sunday(year) == dateutil_easter(year), year


def test_d2_brussels_2025_confirmed_list_as_published(brussels):
    year = brussels.year(2025)
    assert year.status == CONFIRMED
    weekdays = [h.date for h in year.holidays if h.date.weekday() < 5]
    expected = ["2025-01-01", "2025-01-02", "2025-04-17", "2025-04-18", "2025-04-21", "2025-05-01",
                "2025-05-09", "2025-05-29", "2025-05-30", "2025-06-09", "2025-07-21", "2025-08-15",
                "2025-12-24", "2025-12-25", "2025-12-26", "2025-12-29", "2025-12-30", "2025-12-31"]
    assert weekdays == [d(x) for x in expected]


def test_d2_generated_2025_equals_confirmed_2025_on_weekdays():
    generated = generated_calendar("brussels").year(2025)
    assert generated.status == PROVISIONAL
    confirmed = default_calendars()["brussels"].year(2025)
    assert [h.date for h in generated.holidays] == [h.date for h in confirmed.holidays if h.date.weekday() < 5]


def test_d2_other_brussels_years_are_provisional_the_courts_standing_list_is_confirmed(calendars):
    assert calendars["brussels"].year(2026).status == PROVISIONAL
    assert calendars["court"].year(2025).status == CONFIRMED
    assert "OJ C 156, 7.5.2019" in calendars["court"].year(2025).source
    assert calendars["court"].year(2018).status == PROVISIONAL     # before the 2019 decision


def test_d2_easter_block_maundy_thursday_to_easter_monday(brussels):
    # Easter 2026 is 5 April: Thu 2, Fri 3, Sat 4, Sun 5, Mon 6 are all non-working.
    reasons = [brussels.non_working_reason(d(f"2026-04-0{i}")) for i in range(2, 7)]
    assert reasons == ["Maundy Thursday", "Good Friday", "Saturday", "Sunday", "Easter Monday"]
    assert brussels.next_working_day(d("2026-04-02")) == d("2026-04-07")


def test_d2_place_specific_days(calendars):
    assert calendars["brussels"].non_working_reason(d("2026-07-21")) == "Belgian National Day"
    assert calendars["court"].is_working_day(d("2026-07-21"))
    assert calendars["court"].non_working_reason(d("2026-06-23")) == "Luxembourg National Day"
    assert calendars["brussels"].is_working_day(d("2026-06-23"))


def test_d2_year_end_closure_runs_into_2_january(brussels):
    # 24 Dec 2026 (Thu) .. 3 Jan 2027 (Sun): first working day is Mon 4 Jan 2027.
    assert brussels.next_working_day(d("2026-12-24")) == d("2027-01-04")
    assert brussels.non_working_reason(d("2027-01-01")) == "New Year's Day"


def test_d2_out_of_range_year_is_an_error_not_a_guess(brussels):
    with pytest.raises(CalendarRangeError, match="2051"):
        brussels.year(2051)
    with pytest.raises(CalendarRangeError):
        brussels.is_working_day(d("1999-12-31"))
    with pytest.raises(CalendarRangeError):
        brussels.add_working_days(d("2050-12-30"), 5)
    with pytest.raises(CalendarRangeError):
        brussels.add_working_days(d("2000-01-05"), -5)


def test_d2_load_official_year_marks_it_confirmed(calendars):
    data = {"place": "brussels", "year": 2026, "source": "Commission decision 2026 (test)",
            "holidays": [{"date": "2026-01-01", "name": "New Year's Day"},
                         {"date": "2026-03-16", "name": "Extra day (test)"}]}
    updated = calendars.with_year(CalendarYear.from_dict(data))
    year = updated["brussels"].year(2026)
    assert year.status == CONFIRMED and year.source == "Commission decision 2026 (test)"
    assert updated["brussels"].non_working_reason(d("2026-03-16")) == "Extra day (test)"
    assert calendars["brussels"].is_working_day(d("2026-03-16"))  # the original is unchanged
    assert calendars.changed_years(updated) == {("brussels", 2026)}


def test_d2_calendar_can_be_extended_by_a_loaded_year(calendars):
    data = {"place": "court", "year": 2051, "holidays": []}
    extended = calendars.with_year(CalendarYear.from_dict(data))
    assert extended["court"].last_year == 2051
    assert extended["court"].year(2051).status == CONFIRMED


@pytest.mark.parametrize("data", [
    {"place": "brussels", "year": 2026, "holidays": [{"date": "2027-01-01", "name": "wrong year"}]},
    {"place": "brussels", "year": 2026, "holidays": [{"date": "2026-13-01", "name": "bad"}]},
    {"place": "brussels", "holidays": []},
    {"place": "brussels", "year": 2026, "status": "maybe", "holidays": []},
])
def test_d2_malformed_official_list_is_rejected(data):
    with pytest.raises(DeadlineError):
        CalendarYear.from_dict(data)


def test_d2_gap_in_years_is_rejected(calendars):
    with pytest.raises(DeadlineError, match="gaps"):
        calendars.with_year(CalendarYear("brussels", 2053, ()))


def test_d2_unknown_place(calendars):
    with pytest.raises(DeadlineError, match="unknown calendar place"):
        calendars["strasbourg"]


def test_d2_weekend_reason_takes_precedence_over_holiday_name(brussels):
    assert brussels.non_working_reason(d("2025-12-27")) == "Saturday"
    assert brussels.non_working_reason(d("2025-12-29")) == "End-of-year closure"
    assert brussels.non_working_reason(d("2025-12-22")) is None


def test_d2_every_generated_holiday_is_a_weekday_and_has_a_name():
    for year in generated_calendar("court").years.values():
        assert all(h.date.weekday() < 5 and h.name for h in year.holidays)


def test_d2_calendar_year_round_trips(brussels):
    year = brussels.year(2025)
    assert CalendarYear.from_dict(year.to_dict()) == year
    assert isinstance(year.holidays[0].date, dt.date)
