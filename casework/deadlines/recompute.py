"""Recomputation after a calendar change (D2: an administrator edits or confirms a year).

Only deadlines whose trace consulted a changed (place, year) can move: the
engine reads holiday data only inside the spans it records in the trace, so
the others are skipped without recomputing them under the new calendars.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .calendars import CalendarSet
from .engine import DeadlineResult, DeadlineSpec, compute
from .errors import DeadlineError

Outcome = DeadlineResult | DeadlineError


@dataclass(frozen=True)
class Change:
    """A stored deadline whose result differs under the new calendars (either side may be an error)."""

    id: Hashable
    old: Outcome
    new: Outcome


def depends_on(result: DeadlineResult | Mapping[str, Any], place: str, year: int) -> bool:
    """Whether a result (or its stored ``to_dict()`` form) consulted ``year`` of ``place``."""
    if isinstance(result, DeadlineResult):
        return result.depends_on(place, year)
    return any(c["place"] == place and c["year"] == year for c in result["calendars"])


def recompute(records: Iterable[tuple[Hashable, DeadlineSpec | Mapping[str, Any]]],
              old: CalendarSet, new: CalendarSet) -> Iterator[Change]:
    """Yield a ``Change`` for each (id, spec) whose last day or instant differs between calendars."""
    changed = old.changed_years(new)
    if not changed:
        return
    for id_, spec in records:
        spec = spec if isinstance(spec, DeadlineSpec) else DeadlineSpec.from_dict(spec)
        before = _outcome(spec, old)
        if isinstance(before, DeadlineResult) and not any(before.depends_on(p, y) for p, y in changed):
            continue
        after = _outcome(spec, new)
        if _key(before) != _key(after):
            yield Change(id_, before, after)


def _outcome(spec: DeadlineSpec, calendars: CalendarSet) -> Outcome:
    try:
        return compute(spec, calendars)
    except DeadlineError as exc:
        return exc


def _key(outcome: Outcome) -> tuple[Any, ...]:
    return ("error", str(outcome)) if isinstance(outcome, DeadlineError) else outcome.outcome()
