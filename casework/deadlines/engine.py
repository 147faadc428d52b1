"""Computing a deadline from a stored, serialisable input (D1-D8).

``DeadlineSpec`` is what a case stores: the event (a date, or an instant whose
Brussels date counts), a snapshot of the rule applied with the rule set's name
and version (so a later change of the notice does not rewrite history, C14),
and the decisions recorded since. ``compute(spec)`` turns it into a
``DeadlineResult`` carrying the last day, the UTC instant and the trace (D6).
It is a pure function of the spec and the calendars, which makes recomputation
after a calendar change a matter of calling it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .calendars import CONFIRMED, WEEKDAY_NAMES, Calendar, CalendarSet, default_calendars
from .decisions import Clock, Decision, apply_decision
from .errors import DeadlineError
from .instants import deadline_instant, local_date, parse_when
from .periods import Period
from .rules import CANDIDATE, DEFAULT_PLACE, DEFAULT_RULE_SET, Rule, RuleSet, ad_hoc_rule, get_rule_set
from .trace import Trace

Event = dt.date | dt.datetime


@dataclass(frozen=True)
class DeadlineSpec:
    """The stored input of a deadline: event, rule snapshot, rule-set version, decisions."""

    event: Event
    rule: Rule
    rule_set: str | None = None
    rule_set_version: str | None = None
    decisions: tuple[Decision, ...] = ()
    # D7: the event is the end of this earlier period (the court window runs from the implied
    # rejection, the last day of the reply period): computed with it, under the same calendars
    after: DeadlineSpec | None = None

    def __post_init__(self) -> None:
        local_date(self.event)  # reject naive instants early
        object.__setattr__(self, "decisions", tuple(self.decisions))

    @classmethod
    def for_rule(cls, name: str, event: Event, rule_set: RuleSet | str = DEFAULT_RULE_SET) -> DeadlineSpec:
        """The deadline of the named rule of ``rule_set`` (a RuleSet or a built-in name) for ``event``."""
        rs = get_rule_set(rule_set) if isinstance(rule_set, str) else rule_set
        return cls(event, rs.rule(name), rs.name, rs.version)

    @classmethod
    def for_period(cls, period: Period | str, event: Event, *, place: str = DEFAULT_PLACE,
                   roll_forward: bool = True, art_3_5: bool = True,
                   time_of_day: dt.time | None = None) -> DeadlineSpec:
        """A bare period (e.g. ``10cd``, ``-5wd``) from ``event``, counted under Reg 1182/71 Art 3."""
        rule = ad_hoc_rule(period, place=place, roll_forward=roll_forward, art_3_5=art_3_5,
                           time_of_day=time_of_day)
        return cls(event, rule)

    def with_decision(self, decision: Decision) -> DeadlineSpec:
        """The same deadline with one more recorded decision (extension, suspension, restart)."""
        return replace(self, decisions=(*self.decisions, decision))

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event.isoformat(),
            "rule": self.rule.to_dict(),
            "rule_set": self.rule_set,
            "rule_set_version": self.rule_set_version,
            "decisions": [d.to_dict() for d in self.decisions],
            "after": self.after and self.after.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineSpec:
        try:
            return cls(
                event=parse_when(data["event"]),
                rule=Rule.from_dict(data["rule"]),
                rule_set=data.get("rule_set"),
                rule_set_version=data.get("rule_set_version"),
                decisions=tuple(Decision.from_dict(d) for d in data.get("decisions", ())),
                after=data.get("after") and DeadlineSpec.from_dict(data["after"]),
            )
        except KeyError as exc:
            raise DeadlineError(f"deadline spec lacks {exc}") from None


@dataclass(frozen=True)
class DeadlineResult:
    """A computed deadline: last day, UTC instant (None while the clock is stopped) and trace."""

    spec: DeadlineSpec
    trace: Trace

    @property
    def last_day(self) -> dt.date | None:
        return self.trace.last_day

    @property
    def deadline(self) -> dt.datetime | None:
        return self.trace.deadline

    @property
    def act_by(self) -> dt.date | None:
        """The date shown to whoever must act (D2, D5): for a candidate never later than the real one."""
        return self.trace.act_by

    @property
    def act_by_deadline(self) -> dt.datetime | None:
        return self.trace.act_by_deadline

    @property
    def outer_limit(self) -> dt.date | None:
        """The latest day the law could give (D5, D6): what the deciding body weighs on a late filing."""
        return self.trace.outer_limit

    @property
    def outer_limit_deadline(self) -> dt.datetime | None:
        return self.trace.outer_limit_deadline

    @property
    def raw_last_day(self) -> dt.date:
        return self.trace.raw_last_day  # type: ignore[return-value]

    @property
    def first_day(self) -> dt.date:
        return self.trace.first_day  # type: ignore[return-value]

    @property
    def suspended(self) -> bool:
        return self.trace.last_day is None

    def depends_on(self, place: str, year: int) -> bool:
        """Whether a change to the holiday list of ``year`` at ``place`` could change this result."""
        return self.trace.depends_on(place, year)

    def lateness(self, filed_at: dt.datetime) -> dt.timedelta:
        """How late a filing is (<= 0: in time). Filings are never refused for lateness (D6)."""
        if self.deadline is None:
            raise DeadlineError("the clock is stopped: there is no deadline to be late for")
        if filed_at.tzinfo is None:
            raise DeadlineError("filing instant must be timezone-aware")
        return filed_at - self.deadline

    def outcome(self) -> tuple[dt.date | None, ...]:
        """What recomputation compares."""
        return self.last_day, self.deadline, self.act_by, self.outer_limit

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec.to_dict(), **self.trace.to_dict()}


def compute(spec: DeadlineSpec, calendars: CalendarSet | None = None) -> DeadlineResult:
    """Compute ``spec`` against ``calendars`` (default: shipped calendars).

    Besides the last day the rule gives, the result carries the date to act by for the rule's
    audience (D2: for a candidate, never resting on an unconfirmed holiday) and the outer limit
    (D5, D6: where Reg 1182/71 Art 3(4)-(5) would take a limit that does not roll forward).
    """
    calendars = calendars or default_calendars()
    earliest_event = None
    if spec.after is not None:         # D7: the event is the end of the earlier period, as computed now
        earlier = compute(spec.after, calendars)
        if earlier.last_day is None:
            raise DeadlineError(f"the {spec.after.rule.name} period this one runs from is suspended")
        spec = replace(spec, event=earlier.last_day)
        earliest_event = compute(spec.after, calendars.confirmed_only).last_day
    trace = _count(spec, spec.rule, calendars)
    if spec.after is not None:
        trace.steps.insert(0, f"the event is the last day of the {spec.after.rule.name} period: "
                              f"{_day(trace.event)} (D7)")
        for key, year in earlier.trace.calendars.items():     # a change there moves this period too
            trace.calendars.setdefault(key, year)
    _act_by(spec, calendars, trace, earliest_event)
    _outer_limit(spec, calendars, trace)
    return DeadlineResult(spec, trace)


def _count(spec: DeadlineSpec, rule: Rule, calendars: CalendarSet) -> Trace:
    """The last day ``rule`` gives from the spec's event after its decisions, with its trace."""
    calendar: Calendar = calendars[rule.place]
    event_day = local_date(spec.event)
    trace = Trace(
        event=event_day,
        event_instant=spec.event if isinstance(spec.event, dt.datetime) else None,
        rule=rule.to_dict(),
        rule_set={"name": spec.rule_set, "version": spec.rule_set_version},
    )
    if trace.event_instant is not None:
        trace.step(f"event {spec.event.isoformat()} falls on {event_day.isoformat()} in Brussels (D4)")
    trace.first_day, trace.raw_last_day, last = rule.apply(event_day, calendar, trace)
    clock = Clock(last)
    for decision in spec.decisions:
        apply_decision(clock, decision, rule, calendar, trace)
    trace.last_day = clock.last_day
    if clock.last_day is None:
        trace.step(f"clock stopped since {clock.suspended_on}; {clock.remaining} days remain: no deadline now")
    else:
        trace.deadline = deadline_instant(clock.last_day, rule.time_of_day)
        when = "at " + rule.time_of_day.strftime("%H:%M") if rule.time_of_day else "at 24:00"
        trace.step(f"the period ends on {clock.last_day.isoformat()} {when} Brussels time "
                   f"= {trace.deadline.isoformat()} (D4)")
    trace.audience = rule.audience
    trace.act_by, trace.act_by_deadline = trace.last_day, trace.deadline
    trace.outer_limit, trace.outer_limit_deadline = trace.last_day, trace.deadline
    return trace


def _day(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def _act_by(spec: DeadlineSpec, calendars: CalendarSet, trace: Trace, earliest_event: dt.date | None) -> None:
    """D2: a candidate is never told a later date than the real one, so the date to act by is
    computed without the holidays of years nobody has confirmed yet."""
    if spec.rule.audience != CANDIDATE or trace.last_day is None:
        return
    unconfirmed = {key for key, year in trace.calendars.items() if year.status != CONFIRMED and year.holidays}
    earlier = earliest_event is not None and earliest_event < trace.event
    if not unconfirmed and not earlier:
        return
    safe = _count(replace(spec, event=earliest_event) if earlier else spec, spec.rule, calendars.confirmed_only)
    if safe.last_day is None or safe.last_day >= trace.last_day:
        return
    trace.act_by, trace.act_by_deadline = safe.last_day, safe.deadline
    reasons = []
    if earlier:
        reasons.append(f"the event of {_day(trace.event)} would be {_day(earliest_event)} without the "
                       "unconfirmed holidays of the period that ends on it")
    holidays = sorted({(s.date, s.reason) for s in trace.skipped
                       if (spec.rule.place, s.date.year) in unconfirmed and s.date.weekday() < 5})
    if holidays:
        years = ", ".join(f"{place} {year}" for place, year in sorted(unconfirmed))
        named = ", ".join(f"{_day(day)} ({name})" for day, name in holidays)
        reasons.append(f"the later date counts {named} as holiday(s) of a calendar year not yet confirmed "
                       f"({years}, provisional)")
    text = (f"the date to act by is {_day(safe.last_day)}, not {_day(trace.last_day)}: {'; '.join(reasons)}; "
            "until the year is confirmed the candidate is shown the date without them (D2)")
    trace.differences.append(text)
    trace.step(text)


def _outer_limit(spec: DeadlineSpec, calendars: CalendarSet, trace: Trace) -> None:
    """D5, D6: a limit that does not roll forward keeps, as its outer limit, the day to which Reg
    1182/71 Art 3(4)-(5) would take it; the deciding body weighs a filing made by then."""
    rule = spec.rule
    if rule.period.backward or (rule.roll_forward and rule.art_3_5) or trace.last_day is None:
        return
    outer = _count(spec, replace(rule, roll_forward=True, art_3_5=True), calendars)
    for key, year in outer.calendars.items():
        trace.calendars.setdefault(key, year)
    if outer.last_day is None or outer.last_day <= trace.last_day:
        return
    trace.outer_limit, trace.outer_limit_deadline = outer.last_day, outer.deadline
    passed = calendars[rule.place].non_working_days(trace.last_day, outer.last_day - dt.timedelta(days=1))
    named = ", ".join(f"{_day(day)} ({reason})" for day, reason in passed)
    text = (f"the {rule.name} limit does not roll forward (D5): the date to act by is {_day(trace.last_day)}; "
            f"Reg 1182/71 Art 3(4)-(5) would extend it past {named} to {_day(outer.last_day)}, the outer "
            "limit that the deciding body weighs when it decides on a filing made by then (D6)")
    trace.differences.append(text)
    trace.step(text)


def compute_rule(name: str, event: Event, rule_set: RuleSet | str = DEFAULT_RULE_SET,
                 decisions: Iterable[Decision] = (), calendars: CalendarSet | None = None) -> DeadlineResult:
    """Deadline of the named rule for ``event`` under ``rule_set``, after ``decisions``."""
    spec = DeadlineSpec.for_rule(name, event, rule_set)
    return compute(replace(spec, decisions=tuple(decisions)), calendars)


def add_period(period: Period | str, event: Event, *, place: str = DEFAULT_PLACE, roll_forward: bool = True,
               art_3_5: bool = True, time_of_day: dt.time | None = None,
               calendars: CalendarSet | None = None) -> DeadlineResult:
    """Deadline of a bare period from ``event`` (``deadline add``)."""
    spec = DeadlineSpec.for_period(period, event, place=place, roll_forward=roll_forward, art_3_5=art_3_5,
                                   time_of_day=time_of_day)
    return compute(spec, calendars)


def add_working_days(day: dt.date, n: int, place: str = DEFAULT_PLACE,
                     calendars: CalendarSet | None = None) -> dt.date:
    """Fast path without trace: the n-th working day after (n > 0) or before (n < 0) ``day``.

    Two list look-ups in the calendar's precomputed index; same result as
    ``add_period(f"{n}wd", day).last_day``.
    """
    return (calendars or default_calendars())[place].add_working_days(day, n)
