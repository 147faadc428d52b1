"""Bad input to the pure engine (issue 10 §6): an administrator's calendar year with a key the format
does not know or a value of the wrong type, and instants at the edge of what a date can hold — each a
DeadlineError in one line, never a Python error."""
from __future__ import annotations

import pytest

from casework.deadlines import CalendarYear, DeadlineError, default_calendars
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
