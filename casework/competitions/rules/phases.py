"""C10 eliminatory failures and C16 phases/statuses.

C10 (003 4.3.4): when a candidate fails an eliminatory test, their other
bookings of that phase are cancelled; tests of that phase already sat in the
meantime are not processed and their marks are not communicated.

C16: a competition is the notice's sequence of phases (data); each candidate
has a current phase and a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Hashable, Iterable, Optional


class Status(str, Enum):
    ACTIVE = "active"
    EXCLUDED = "excluded"
    WITHDRAWN = "withdrawn"
    RESERVE_LIST = "reserve_list"


@dataclass(frozen=True)
class Booking:
    """A candidate's booking of one test. ``sat``: the test has already been taken."""

    booking_id: Hashable
    test: str
    phase: str
    sat: bool = False


@dataclass(frozen=True)
class EliminatoryOutcome:
    cancelled: tuple[Booking, ...]  # not yet sat: cancelled, the candidate will not sit them
    unprocessed: tuple[Booking, ...]  # already sat: marks not processed nor communicated


def apply_eliminatory_failure(bookings: Iterable[Booking], failed_test: str, phase: str) -> EliminatoryOutcome:
    """C10: consequences of failing ``failed_test`` of ``phase`` for the other bookings.

    Bookings of other phases are untouched; the failed test's own booking is
    neither cancelled nor unprocessed (its result is the failure).
    """
    cancelled, unprocessed = [], []
    for b in bookings:
        if b.phase != phase or b.test == failed_test:
            continue
        (unprocessed if b.sat else cancelled).append(b)
    return EliminatoryOutcome(tuple(cancelled), tuple(unprocessed))


@dataclass(frozen=True)
class PhaseSequence:
    """The phases of one notice (version), in order, e.g. AD/398/22:
    application, eligibility, talent screener, assessment centre, document check, reserve list.
    """

    phases: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.phases:
            raise ValueError("a competition needs at least one phase")
        if len(set(self.phases)) != len(self.phases):
            raise ValueError("phase names must be unique")

    def index(self, phase: str) -> int:
        try:
            return self.phases.index(phase)
        except ValueError:
            raise ValueError(f"unknown phase {phase!r}; this notice has: {', '.join(self.phases)}") from None

    @property
    def first(self) -> str:
        return self.phases[0]

    def next_phase(self, phase: str) -> Optional[str]:
        """The phase after ``phase``; None after the last one."""
        i = self.index(phase)
        return self.phases[i + 1] if i + 1 < len(self.phases) else None

    def is_before(self, a: str, b: str) -> bool:
        return self.index(a) < self.index(b)

    def has_run(self, phase: str, competition_phase: str) -> bool:
        """True if ``phase`` is over for the competition, which is now at ``competition_phase``."""
        return self.index(phase) < self.index(competition_phase)

    def remaining_from(self, phase: str) -> tuple[str, ...]:
        """R3: a reinstated candidate goes through ``phase`` and every later one."""
        return self.phases[self.index(phase):]
