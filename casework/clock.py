"""The one place that knows what time it is.

Everything that needs "now" calls :func:`now` (an aware UTC datetime) or :func:`today_brussels`.
Tests and time-travel scenarios install a :class:`FrozenClock` with :func:`use_clock`; nothing
else in the code base may call ``datetime.now()``.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (``advance``/``set``)."""

    def __init__(self, at: datetime):
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def now(self) -> datetime:
        return self._now


_clock: SystemClock | FrozenClock = SystemClock()


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return _clock.now()


def today_brussels() -> date:
    """Today's date in Brussels: day boundaries are Brussels days (RULES D4), never UTC days."""
    return _clock.now().astimezone(BRUSSELS).date()


@contextmanager
def use_clock(clock: SystemClock | FrozenClock):
    """Install ``clock`` for the duration of the block."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous
