"""Named time-limit rules and versioned rule sets (D5, D7, D8, D9).

A ``Rule`` is data: its period (plus an optional flat extension such as the
10 days on account of distance), the calendar place whose working days count,
whether its last day rolls forward (Art 3(4)) and whether Art 3(5) applies,
an optional time of day, and the legal source in words a legal officer can
check. A ``RuleSet`` is a versioned collection of rules; a notice derives its
own set from a base set with overrides (D9: numbers belong to the notice's
rule set, never to code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from .calendars import Calendar
from .errors import DeadlineError, UnknownRuleError, UnknownRuleSetError
from .periods import Period, count_period, ensure_two_working_days, roll_forward
from .trace import Trace

DEFAULT_RULE_SET = "2022"
DEFAULT_PLACE = "brussels"
CANDIDATE = "candidate"            # the candidate must act: shown the date to act by (D2, D5)
ADMINISTRATION = "administration"  # EPSO or the appointing authority must act: computed as the law says
AUDIENCES = (CANDIDATE, ADMINISTRATION)


@dataclass(frozen=True)
class Rule:
    """One named time limit and how it is counted."""

    name: str
    period: Period
    source: str
    place: str = DEFAULT_PLACE
    roll_forward: bool = True  # D5 default for every named rule
    art_3_5: bool = True  # D5 default for every named rule
    time_of_day: dt.time | None = None  # None: the period ends at 24:00 Brussels (D4)
    plus: Period | None = None  # flat extension counted after the period (e.g. distance, D7)
    audience: str = CANDIDATE  # who must act by the end of the period

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", Period.parse(self.period))
        if self.audience not in AUDIENCES:
            raise DeadlineError(f"rule {self.name!r}: audience must be one of {', '.join(AUDIENCES)}, "
                                f"not {self.audience!r}")
        if self.plus is not None:
            object.__setattr__(self, "plus", Period.parse(self.plus))
            if self.plus.backward != self.period.backward:
                raise DeadlineError(f"rule {self.name!r}: 'plus' must run in the same direction as the period")
        if isinstance(self.time_of_day, str):
            object.__setattr__(self, "time_of_day", _parse_time(self.time_of_day))
        if self.period.backward:  # D5: never for periods counted backwards
            object.__setattr__(self, "roll_forward", False)
            object.__setattr__(self, "art_3_5", False)

    def apply(self, start: dt.date, calendar: Calendar, trace: Trace) -> tuple[dt.date, dt.date, dt.date]:
        """Count this rule from ``start`` (not counted, D1): ``(first day, raw last day, last day)``."""
        step = -1 if self.period.backward else 1
        first = start + dt.timedelta(days=step)
        trace.step(f"{start.isoformat()} is not counted; counting starts on {first.isoformat()} (Reg 1182/71 Art 3(1))")
        raw = count_period(start, self.period, calendar, trace)
        if self.plus is not None:
            raw = count_period(raw, self.plus, calendar, trace, note="then the rule's flat extension: ")
        if self.period.backward:
            trace.step("counted backwards from a date: no roll-forward and no Art 3(5) (D5)")
            return first, raw, raw
        last = raw
        if self.roll_forward:
            last = roll_forward(last, calendar, trace)
        else:
            trace.step("this rule does not roll forward to a working day (rule attribute, D5)")
        if self.art_3_5 and _two_days_or_more(self.period):
            last = ensure_two_working_days(first, last, calendar, trace)
        return first, raw, last

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "period": str(self.period),
            "plus": None if self.plus is None else str(self.plus),
            "place": self.place,
            "roll_forward": self.roll_forward,
            "art_3_5": self.art_3_5,
            "time_of_day": None if self.time_of_day is None else self.time_of_day.strftime("%H:%M"),
            "audience": self.audience,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise DeadlineError(f"unknown rule attribute(s): {', '.join(sorted(unknown))}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise DeadlineError(f"incomplete rule {data.get('name')!r}: {exc}") from None

    def with_overrides(self, overrides: Mapping[str, Any]) -> Rule:
        return Rule.from_dict({**self.to_dict(), **overrides, "name": self.name})


def _two_days_or_more(period: Period) -> bool:
    """Art 3(5) concerns periods of two days or more; a period of n >= 2 working days satisfies it by itself."""
    return period.unit in ("m", "y") or (period.unit == "cd" and abs(period.count) >= 2)


def _parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise DeadlineError(f"malformed time of day {text!r} (use HH:MM)") from None


def ad_hoc_rule(period: Period | str, *, place: str = DEFAULT_PLACE, roll_forward: bool = True,
                art_3_5: bool = True, time_of_day: dt.time | None = None) -> Rule:
    """A rule for a bare period (``deadline add``), counted under Reg 1182/71 Art 3."""
    period = Period.parse(period)
    return Rule(
        name=f"period {period}",
        period=period,
        source="Reg 1182/71 Art 3 (period given directly, no named rule)",
        place=place,
        roll_forward=roll_forward,
        art_3_5=art_3_5,
        time_of_day=time_of_day,
    )


@dataclass(frozen=True)
class RuleSet:
    """A versioned set of named rules, e.g. the 2022 general rules or one notice's rules (D9, C14)."""

    name: str
    version: str
    rules: Mapping[str, Rule]
    base: str | None = None
    source: str = ""
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def rule(self, name: str) -> Rule:
        try:
            return self.rules[name]
        except KeyError:
            known = ", ".join(sorted(self.rules))
            raise UnknownRuleError(f"rule set {self.name!r} has no rule {name!r} (known: {known})") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any],
                  resolve: Callable[[str], RuleSet] | None = None) -> RuleSet:
        """Build from full ``rules`` (as ``to_dict`` writes) or from a ``base`` set plus ``overrides``.

        ``{"base": "2022", "version": "...", "overrides": {"neutralisation": {"period": "5cd"}}}``.
        An override may also add a rule the base lacks, if it gives at least
        ``period`` and ``source``. ``resolve`` finds the base (default: built-in sets).
        """
        base_name = data.get("base")
        overrides = {k: dict(v) for k, v in (data.get("overrides") or {}).items()}
        if "rules" in data:  # self-contained: overrides are already folded in
            rules = {n: Rule.from_dict({**r, "name": n}) for n, r in data["rules"].items()}
        else:
            rules = dict((resolve or get_rule_set)(base_name).rules) if base_name else {}
            for name, changes in overrides.items():
                rules[name] = (rules[name].with_overrides(changes) if name in rules
                               else Rule.from_dict({**changes, "name": name}))
        version = str(data.get("version") or "")
        if not version:
            raise DeadlineError("a rule set needs a version")
        return cls(
            name=str(data.get("name") or version),
            version=version,
            rules=rules,
            base=base_name,
            source=str(data.get("source", "")),
            overrides=overrides,
        )

    def to_dict(self) -> dict[str, Any]:
        """Full, self-contained form (``from_dict`` reads it back without the base)."""
        return {
            "name": self.name,
            "version": self.version,
            "base": self.base,
            "source": self.source,
            "overrides": dict(self.overrides),
            "rules": {n: {k: v for k, v in r.to_dict().items() if k != "name"} for n, r in self.rules.items()},
        }


@cache
def _builtin() -> dict[str, RuleSet]:
    from .builtin_rules import BUILTIN_RULE_SETS

    return {d["name"]: RuleSet.from_dict(d) for d in BUILTIN_RULE_SETS}


def get_rule_set(name: str) -> RuleSet:
    """A built-in rule set by name (``2022``, ``2015``); notices' sets come from the database."""
    try:
        return _builtin()[name]
    except KeyError:
        known = ", ".join(sorted(_builtin()))
        raise UnknownRuleSetError(f"unknown rule set {name!r} (built in: {known})") from None
