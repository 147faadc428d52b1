"""C8/C9 pass marks as data, and what closing a phase of tests decides (C8-C10, C15).

A ``PassMark`` is a minimum on one test (numerical >= 6) or on the sum of
several (verbal + abstract >= 15). A notice can require several at once
(AD/402/23: both of those); all must be met. A missing mark is a failure with
its own reason, never silently 0 -- and a mark of 0 is a mark, never a missing one.

:func:`judge_tests` is the whole verdict of a phase of tests for one candidate: a real failure
(the board's), an absence (C15: EPSO's exclusion, which admits a force-majeure claim), marks
still awaited (not an absence: a test event cancelled by an amendment, C14; a sitting on record
without its mark; a reinstated candidate's new slot, R3), or through.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ._numbers import Exact, Number, exact, show


@dataclass(frozen=True)
class PassMark:
    tests: tuple[str, ...]
    minimum: Number
    out_of: Number | None = None  # for display ("15/30") only
    eliminatory: bool = False     # C10: checked first; failing it cancels the phase's other bookings

    def __post_init__(self) -> None:
        if isinstance(self.tests, str):
            object.__setattr__(self, "tests", (self.tests,))
        if not self.tests or len(set(self.tests)) != len(self.tests):
            raise ValueError(f"pass mark needs distinct tests, got {self.tests!r}")
        exact(self.minimum, what="pass mark")

    def limit_text(self) -> str:
        return show(self.minimum) + (f"/{show(self.out_of)}" if self.out_of is not None else "")

    def describe(self) -> str:
        return f"{' + '.join(self.tests)} >= {self.limit_text()}"

    def as_data(self) -> dict[str, Any]:
        """JSON-ready (what a decision rests on): the tests and the exact minimum as a string."""
        return {"tests": list(self.tests), "min": str(exact(self.minimum)), "eliminatory": self.eliminatory}


def threshold(test: str, minimum: Number, out_of: Number | None = None) -> PassMark:
    return PassMark((test,), minimum, out_of)


def combined(tests: Sequence[str], minimum: Number, out_of: Number | None = None) -> PassMark:
    return PassMark(tuple(tests), minimum, out_of)


@dataclass(frozen=True)
class PassFailure:
    spec: PassMark
    achieved: Exact | None  # None when marks are missing
    reason: str


    def as_data(self) -> dict[str, Any]:
        data = self.spec.as_data()
        data["achieved"] = None if self.achieved is None else str(self.achieved)
        return data


@dataclass(frozen=True)
class PassResult:
    passed: bool
    failures: tuple[PassFailure, ...]


def evaluate(marks: Mapping[str, Number], specs: Sequence[PassMark]) -> PassResult:
    """Check every pass mark; ``passed`` only if all are met."""
    failures = []
    for spec in specs:
        missing = [t for t in spec.tests if marks.get(t) is None]
        if missing:
            failures.append(PassFailure(spec, None, f"no mark for {', '.join(missing)} ({spec.describe()})"))
            continue
        achieved = sum((exact(marks[t], what=f"mark for {t}") for t in spec.tests), 0)
        if achieved < exact(spec.minimum):
            failures.append(
                PassFailure(spec, achieved, f"{' + '.join(spec.tests)} = {show(achieved)} < {spec.limit_text()} required")
            )
    return PassResult(not failures, tuple(failures))


def evaluate_inclusive(marks: Mapping[str, Number], before: Mapping[str, Number],
                       specs: Sequence[PassMark]) -> PassResult:
    """C8-C10 with P1's inclusive pass marks (002 3.4.2): nobody who passed before a
    neutralisation fails because of it. A pass mark met with the marks before it (``before``: the
    neutralised tests' earlier marks) stays met; the others are judged on the current marks."""
    if before:
        then = {**marks, **before}
        specs = [s for s in specs if not evaluate(then, [s]).passed]
    return evaluate(marks, specs)


class PhaseOutcome(str, Enum):
    THROUGH = "through"
    FAILED = "failed"      # a real failure: a mark below a pass mark (C8, C9)
    ABSENT = "absent"      # no mark for a test the candidate had to take (C15)
    AWAITED = "awaited"    # marks still to come, for a reason that is no absence


@dataclass(frozen=True)
class PhaseVerdict:
    """What closing a phase of tests decides for one candidate, as data.

    ``failed``: the real failures (``achieved`` not None). ``missed``: tests with no mark that
    count as not taken (C15) -- on a real failure of a non-eliminatory pass mark they are kept
    too, so that a reinstatement annulling the failure cannot forget them. ``awaited``: tests with
    no mark yet for a reason that is no absence. On an eliminatory failure (C10) the phase's
    other tests are ``unprocessed`` (a mark exists, it is not processed) or ``cancelled`` (no mark:
    the booking is cancelled), never missed."""
    outcome: PhaseOutcome
    failed: tuple[PassFailure, ...] = ()
    missed: tuple[str, ...] = ()
    awaited: tuple[str, ...] = ()
    unprocessed: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()

    def basis(self) -> dict[str, Any]:
        """What a decision on this verdict rests on (R2, R3), JSON-ready: ``pass_marks_failed``,
        ``tests_missed``, ``tests_unprocessed``, ``bookings_cancelled`` -- the keys that apply."""
        data: dict[str, Any] = {}
        if self.failed:
            data["pass_marks_failed"] = [f.as_data() for f in self.failed]
        if self.missed:
            data["tests_missed"] = list(self.missed)
        if self.unprocessed:
            data["tests_unprocessed"] = list(self.unprocessed)
        if self.cancelled:
            data["bookings_cancelled"] = list(self.cancelled)
        return data


def judge_tests(tests: Sequence[str], pass_marks: Sequence[PassMark], marks: Mapping[str, Number], *,
                before: Mapping[str, Number] | None = None, awaited: Collection[str] = ()) -> PhaseVerdict:
    """C8-C10, C15: one candidate at the close of a phase of ``tests`` (in the notice's order).

    - An eliminatory pass mark failed on real marks decides first, whatever else is missing: the
      board's failure; the phase's other marks are not processed and its other bookings are
      cancelled (C10, 003 4.3.4 d).
    - Otherwise a test with no mark is either ``awaited`` (the caller says which: a test event
      cancelled by an amendment, C14; a sitting on record whose mark is not in; a new slot after
      a reinstatement, R3) or missed: an absence (C15), the exclusion EPSO decides, which admits a
      force-majeure claim (004 4.4 (4)). A missed eliminatory test decides before the other pass
      marks are looked at (they come after it, C10); marks awaited for an eliminatory test wait
      before them.
    - Then the other pass marks: a real failure decides (the board), with the missed tests kept.
    - Then a test with no mark, eliminatory or later, with or without a pass mark of its own
      (every test of the phase is one the candidate had to take): missed is an absence, which
      decides over awaited marks; awaited waits.
    - Marks are looked up with ``is None``: 0 is a mark (a failure where a pass mark needs more),
      never an absence. Pass marks are inclusive after a neutralisation (``before``, P1).
    """
    before = before or {}
    missing = tuple(t for t in tests if marks.get(t) is None)
    missed = tuple(t for t in missing if t not in awaited)
    waiting = tuple(t for t in missing if t in awaited)
    eliminatory = [p for p in pass_marks if p.eliminatory]
    first = evaluate_inclusive(marks, before, eliminatory)
    failed = tuple(f for f in first.failures if f.achieved is not None)
    if failed:
        failed_tests = {t for f in failed for t in f.spec.tests}
        others = [t for t in tests if t not in failed_tests]
        return PhaseVerdict(PhaseOutcome.FAILED, failed,
                            unprocessed=tuple(t for t in others if marks.get(t) is not None),
                            cancelled=tuple(t for t in others if marks.get(t) is None))
    if not first.passed:       # only missing marks for an eliminatory pass mark
        gaps = {t for f in first.failures for t in f.spec.tests if marks.get(t) is None}
        if gaps - set(awaited):
            return PhaseVerdict(PhaseOutcome.ABSENT, missed=missed, awaited=waiting)
        return PhaseVerdict(PhaseOutcome.AWAITED, awaited=waiting)
    second = evaluate_inclusive(marks, before, [p for p in pass_marks if not p.eliminatory])
    failed = tuple(f for f in second.failures if f.achieved is not None)
    if failed:
        return PhaseVerdict(PhaseOutcome.FAILED, failed, missed=missed, awaited=waiting)
    if missed:
        return PhaseVerdict(PhaseOutcome.ABSENT, missed=missed, awaited=waiting)
    if waiting:
        return PhaseVerdict(PhaseOutcome.AWAITED, awaited=waiting)
    return PhaseVerdict(PhaseOutcome.THROUGH)
