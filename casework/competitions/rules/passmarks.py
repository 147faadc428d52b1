"""C8/C9 pass marks as data.

A ``PassMark`` is a minimum on one test (numerical >= 6) or on the sum of
several (verbal + abstract >= 15). A notice can require several at once
(AD/402/23: both of those); all must be met. A missing mark is a failure with
its own reason, never silently 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._numbers import Exact, Number, exact, show


@dataclass(frozen=True)
class PassMark:
    tests: tuple[str, ...]
    minimum: Number
    out_of: Number | None = None  # for display ("15/30") only

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


def threshold(test: str, minimum: Number, out_of: Number | None = None) -> PassMark:
    return PassMark((test,), minimum, out_of)


def combined(tests: Sequence[str], minimum: Number, out_of: Number | None = None) -> PassMark:
    return PassMark(tuple(tests), minimum, out_of)


@dataclass(frozen=True)
class PassFailure:
    spec: PassMark
    achieved: Exact | None  # None when marks are missing
    reason: str


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
