"""Recorded decisions that change a running deadline (D6, D7).

A deadline is extended or suspended only by a recorded decision with a reason.
Kinds:

- ``extend_by``: the period is prolonged by ``period`` counted from the current
  last day (not counted), then rolled forward if the rule rolls forward;
- ``extend_to``: the last day becomes ``on`` (must be later);
- ``suspend``: the clock stops; ``on`` is the first day not counted; the days
  still to run (working days for a working-day rule, else calendar days) are kept;
- ``resume``: the clock runs again; ``on`` is the first day counted again;
- ``restart``: the period starts afresh from the event ``on`` (D7: an express
  rejection notified before the court period expired), only if ``on`` is not
  after the current last day: an expired period is not reopened.

A decision that cannot apply any more (e.g. after a calendar change moved the
last day before it) is kept in the trace as not applied, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .calendars import Calendar
from .errors import DecisionError
from .periods import Period, count_period, roll_forward
from .rules import Rule
from .trace import Trace

KINDS = ("extend_by", "extend_to", "suspend", "resume", "restart")


@dataclass(frozen=True)
class Decision:
    """One recorded decision; ``ref`` is its identifier in the case file."""

    kind: str
    reason: str
    on: dt.date | None = None
    period: Period | None = None
    ref: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise DecisionError(f"unknown decision kind {self.kind!r} (use {', '.join(KINDS)})")
        if not self.reason or not self.reason.strip():
            raise DecisionError(f"a {self.kind} decision needs a reason (D6)")
        if isinstance(self.on, str):
            object.__setattr__(self, "on", _date(self.on))
        if self.period is not None:
            object.__setattr__(self, "period", Period.parse(self.period))
        if self.kind == "extend_by":
            if self.period is None or self.period.backward:
                raise DecisionError("extend_by needs a positive period, e.g. 15wd")
        elif self.on is None:
            raise DecisionError(f"a {self.kind} decision needs a date ('on')")

    @classmethod
    def extend_by(cls, period: Period | str, reason: str, ref: str | None = None) -> Decision:
        return cls("extend_by", reason, period=Period.parse(period), ref=ref)

    @classmethod
    def extend_to(cls, on: dt.date, reason: str, ref: str | None = None) -> Decision:
        return cls("extend_to", reason, on=on, ref=ref)

    @classmethod
    def suspend(cls, on: dt.date, reason: str, ref: str | None = None) -> Decision:
        return cls("suspend", reason, on=on, ref=ref)

    @classmethod
    def resume(cls, on: dt.date, reason: str, ref: str | None = None) -> Decision:
        return cls("resume", reason, on=on, ref=ref)

    @classmethod
    def restart(cls, on: dt.date, reason: str, ref: str | None = None) -> Decision:
        return cls("restart", reason, on=on, ref=ref)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reason": self.reason,
            "on": None if self.on is None else self.on.isoformat(),
            "period": None if self.period is None else str(self.period),
            "ref": self.ref,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        try:
            return cls(data["kind"], data["reason"], on=data.get("on"), period=data.get("period"),
                       ref=data.get("ref"))
        except KeyError as exc:
            raise DecisionError(f"decision data lacks {exc}") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DecisionError(f"malformed decision date {text!r}") from None


@dataclass
class Clock:
    """A deadline while decisions are applied: a last day, or days remaining while suspended."""

    last_day: dt.date | None
    suspended_on: dt.date | None = None
    remaining: int = 0


def apply_decision(clock: Clock, decision: Decision, rule: Rule, calendar: Calendar, trace: Trace) -> None:
    """Apply one decision to ``clock`` in place and record it with its effect in the trace."""
    before = clock.last_day
    effect = _APPLY[decision.kind](clock, decision, rule, calendar, trace)
    applied = effect is None
    if applied:
        effect = ("clock stopped" if clock.last_day is None
                  else f"last day {before.isoformat() if before else 'suspended'} -> {clock.last_day.isoformat()}")
    trace.decisions.append({**decision.to_dict(), "applied": applied, "effect": effect,
                            "last_day_after": clock.last_day and clock.last_day.isoformat()})
    trace.step(f"decision {decision.kind}{' ' + decision.ref if decision.ref else ''}: {effect}")


def _counting_unit(rule: Rule) -> str:
    return "wd" if rule.period.unit == "wd" else "cd"


def _extend_by(clock: Clock, d: Decision, rule: Rule, calendar: Calendar, trace: Trace) -> str | None:
    if clock.last_day is None:
        return "not applied: the clock is stopped"
    last = count_period(clock.last_day, d.period, calendar, trace)  # type: ignore[arg-type]
    clock.last_day = roll_forward(last, calendar, trace) if rule.roll_forward else last
    return None


def _extend_to(clock: Clock, d: Decision, rule: Rule, calendar: Calendar, trace: Trace) -> str | None:
    if clock.last_day is None:
        return "not applied: the clock is stopped"
    if d.on <= clock.last_day:  # type: ignore[operator]
        return f"not applied: {d.on} is not later than the last day {clock.last_day}"
    clock.last_day = d.on
    return None


def _suspend(clock: Clock, d: Decision, rule: Rule, calendar: Calendar, trace: Trace) -> str | None:
    if clock.last_day is None:
        return "not applied: the clock is already stopped"
    if d.on > clock.last_day:  # type: ignore[operator]
        return f"not applied: the period had already expired on {clock.last_day}"
    unit = _counting_unit(rule)
    if unit == "wd":
        remaining = calendar.working_days_between(d.on, clock.last_day)  # type: ignore[arg-type]
        trace.consult(calendar, d.on, clock.last_day)  # type: ignore[arg-type]
    else:
        remaining = (clock.last_day - d.on).days + 1  # type: ignore[operator]
    clock.last_day, clock.suspended_on, clock.remaining = None, d.on, remaining
    return f"clock stopped from {d.on}; {remaining}{unit} remain"


def _resume(clock: Clock, d: Decision, rule: Rule, calendar: Calendar, trace: Trace) -> str | None:
    if clock.suspended_on is None:
        return "not applied: the clock is not stopped"
    if d.on < clock.suspended_on:  # type: ignore[operator]
        return f"not applied: {d.on} is before the suspension of {clock.suspended_on}"
    if clock.remaining == 0:
        last = d.on - dt.timedelta(days=1)  # type: ignore[operator]
    else:
        last = count_period(d.on - dt.timedelta(days=1), Period(clock.remaining, _counting_unit(rule)),  # type: ignore[operator]
                            calendar, trace)
    clock.last_day = roll_forward(last, calendar, trace) if rule.roll_forward else last
    clock.suspended_on, clock.remaining = None, 0
    return None


def _restart(clock: Clock, d: Decision, rule: Rule, calendar: Calendar, trace: Trace) -> str | None:
    if clock.last_day is not None and d.on > clock.last_day:  # type: ignore[operator]
        return f"not applied: the period had already expired on {clock.last_day} (D7)"
    clock.last_day = rule.apply(d.on, calendar, trace)[2]  # type: ignore[arg-type]
    clock.suspended_on, clock.remaining = None, 0
    return None


_APPLY = {"extend_by": _extend_by, "extend_to": _extend_to, "suspend": _suspend,
          "resume": _resume, "restart": _restart}
