from __future__ import annotations

import pytest

from casework.deadlines import default_calendars

from .oracle import holiday_array


@pytest.fixture(scope="session")
def calendars():
    return default_calendars()


@pytest.fixture(scope="session")
def brussels(calendars):
    return calendars["brussels"]


@pytest.fixture(scope="session")
def brussels_holidays(brussels):
    return holiday_array(brussels)
