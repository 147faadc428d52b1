"""Bad input to the pure engine (issue 10 §6): an administrator's calendar year with a key the format
does not know or a value of the wrong type, and instants at the edge of what a date can hold — each a
DeadlineError in one line, never a Python error."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from casework.deadlines import (
    CalendarRangeError,
    CalendarYear,
    DeadlineError,
    add_period,
    compute_rule,
    deadline_instant,
    default_calendars,
    local_date,
    parse_when,
)
from casework.deadlines.official_calendars import OFFICIAL_YEARS

YEAR = {"place": "brussels", "year": 2027, "source": "Commission decision (test)",
        "holidays": [{"date": "2027-01-01", "name": "New Year"}]}


@pytest.mark.parametrize("change, message", [
    ({"extra": 1}, (r"^malformed calendar year data: 'extra': unknown key \(known here: holidays, place, source, "
                   r"status, year\)$")),
    ({"holiday": []}, r"'holiday': unknown key"),
    ({"holidays": [{"date": "2027-01-01", "name": "New Year", "closed": True}]},
     r"^malformed calendar year data: holidays\[0\]\.'closed': unknown key \(known here: date, name, weekday\)$"),
    ({"holidays": [{"date": "2027-01-01", "name": "New Year", "weekday": "Monday"}]},
     r"holidays\[0\]\.weekday: 2027-01-01 is a Friday, not 'Monday'$"),
    ({"holidays": [{"date": "2027-01-01", "name": 7}]}, r"holidays\[0\]\.name must be a string, not 7$"),
    ({"holidays": [{"date": "20270101", "name": "x"}]}, r"holidays\[0\]\.date: '20270101' is not a date YYYY-MM-DD$"),
    ({"holidays": [{"date": ["2027-01-01"], "name": "x"}]}, r"holidays\[0\]\.date must be a string"),
    ({"holidays": ["2027-01-01"]}, r"holidays\[0\] must be an object"),
    ({"holidays": "2027-01-01"}, r"holidays must be a list"),
    ({"year": "2027"}, r"year must be a whole number, not '2027'$"),
    ({"year": 2027.0}, r"year must be a whole number"),
    ({"year": True}, r"year must be a whole number"),
    ({"place": None}, r"place must be a string, not None$"),
    ({"source": {"a": 1}}, r"source must be a string"),
    ({"status": 1}, r"status must be a string"),
])
def test_a_calendar_year_with_an_unknown_key_or_a_wrong_type_is_refused(change, message):
    with pytest.raises(DeadlineError, match=message):
        CalendarYear.from_dict({**YEAR, **change})


@pytest.mark.parametrize("data", [[YEAR], "brussels", None, 2027])
def test_a_calendar_year_that_is_not_an_object_is_refused(data):
    with pytest.raises(DeadlineError, match=r"^malformed calendar year data: an object is expected"):
        CalendarYear.from_dict(data)


def test_what_to_dict_writes_and_the_shipped_lists_are_read_back():
    for data in OFFICIAL_YEARS:
        assert CalendarYear.from_dict(data).to_dict()["holidays"][0]["date"] == data["holidays"][0]["date"]
    year = default_calendars()["court"].year(2026)
    assert CalendarYear.from_dict(year.to_dict()) == year                       # weekday included
    assert CalendarYear.from_dict(YEAR).status == "confirmed"


# --- instants at the edge of what a date can hold ---------------------------------------------

EDGE = r"is outside the dates a deadline can be counted from: the calendars cover 2000-2050"


@pytest.mark.parametrize("when", ["9999-12-31T23:59:00-12:00", "9999-12-31T23:00:00+00:00", "9999-12-31",
                                  "0001-01-01", "0001-01-01T00:30:00+14:00"])
def test_an_instant_or_a_day_at_the_edge_of_the_dates_is_a_deadline_error(when):
    with pytest.raises(CalendarRangeError, match=rf"^{re.escape(when)} {EDGE}"):
        parse_when(when)
    with pytest.raises(CalendarRangeError, match=EDGE):
        local_date(dt.date.fromisoformat(when[:10]) if len(when) == 10 else dt.datetime.fromisoformat(when))


@pytest.mark.parametrize("period", ["1d", "1cd", "-1cd", "10wd", "3m", "1y"])
def test_counting_from_the_edge_is_a_deadline_error(period):
    for event in (dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
                  dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        with pytest.raises(DeadlineError):
            add_period(period, event)
    with pytest.raises(DeadlineError):
        compute_rule("review", dt.date(9999, 12, 31))


def test_a_last_day_at_the_edge_is_a_deadline_error():
    with pytest.raises(CalendarRangeError, match=r"^the last day 9999-12-31 " + EDGE):
        deadline_instant(dt.date(9999, 12, 31))
    assert deadline_instant(dt.date(9999, 12, 30), dt.time(12)) == dt.datetime(9999, 12, 30, 11, tzinfo=dt.UTC)


@pytest.mark.parametrize("args", [("add", "1d", "--from", "9999-12-31T23:59:00-12:00"),
                                  ("add", "-1cd", "--from", "0001-01-01"),
                                  ("rule", "review", "--from", "9999-12-31T23:59:00-12:00")])
def test_the_deadline_command_says_so_in_one_line(args):
    from click.testing import CliRunner

    from casework.cli.deadlines import deadline_group
    result = CliRunner().invoke(deadline_group, list(args))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert "outside the dates a deadline can be counted from" in result.output
