"""Exceptions of the deadline engine.

All derive from ``DeadlineError`` (a ``ValueError``) so callers can catch bad
input in one place; the specific classes say which input was wrong.
"""

from __future__ import annotations


class DeadlineError(ValueError):
    """Base class: the deadline cannot be computed from this input."""


class CalendarRangeError(DeadlineError):
    """A date falls outside the years a calendar covers (never guess a holiday list)."""


class PeriodError(DeadlineError):
    """A period such as ``10cd`` or ``-5wd`` is malformed or uses an unknown unit."""


class UnknownRuleError(DeadlineError):
    """A rule name is not defined in the rule set."""


class UnknownRuleSetError(DeadlineError):
    """No rule set is registered under this name or notice reference."""


class DecisionError(DeadlineError):
    """A recorded decision (extension, suspension, restart) is invalid (D6)."""
