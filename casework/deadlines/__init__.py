"""Legal deadline engine (RULES D1-D10): periods, calendars, named rules, traces.

Pure Python (no Flask, no database): the case workflows store a
``DeadlineSpec`` and call ``compute``; the CLI lives in ``casework.deadlines_cli``.
"""

from .calendars import (
    CONFIRMED,
    PROVISIONAL,
    Calendar,
    CalendarSet,
    CalendarYear,
    Holiday,
    default_calendars,
    easter_sunday,
    generated_calendar,
)
from .decisions import Decision
from .engine import DeadlineResult, DeadlineSpec, add_period, add_working_days, compute, compute_rule
from .errors import (
    CalendarRangeError,
    DeadlineError,
    DecisionError,
    PeriodError,
    UnknownRuleError,
    UnknownRuleSetError,
)
from .instants import BRUSSELS, deadline_instant, local_date, parse_when
from .periods import Period, add_months
from .recompute import Change, depends_on, recompute
from .rules import Rule, RuleSet, get_rule_set
from .trace import SkippedDay, Trace

__all__ = [
    "BRUSSELS", "CONFIRMED", "PROVISIONAL", "Calendar", "CalendarRangeError", "CalendarSet", "CalendarYear",
    "Change", "DeadlineError", "DeadlineResult", "DeadlineSpec", "Decision", "DecisionError", "Holiday",
    "Period", "PeriodError", "Rule", "RuleSet", "SkippedDay", "Trace", "UnknownRuleError", "UnknownRuleSetError",
    "add_months", "add_period", "add_working_days", "add_working_days_bulk", "compute",
    "compute_rule", "deadline_instant", "default_calendars", "depends_on", "easter_sunday", "generated_calendar",
    "get_rule_set", "local_date", "parse_when", "recompute",
]


def __getattr__(name: str):
    """Import the numpy bulk path only when it is used, so the engine itself needs only the stdlib."""
    if name == "add_working_days_bulk":
        from .bulk import add_working_days_bulk

        return add_working_days_bulk
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
