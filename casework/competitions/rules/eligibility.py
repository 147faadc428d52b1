"""C5 specific eligibility: alternatives of (education, experience) per field.

Judged as at the application deadline (C3): only diplomas awarded and work
done on or before ``as_at`` count.

Month counting (documented choice, see ``month_measure``): every calendar day
is worth ``1 / (days in its calendar month)`` of a month, multiplied by the
fraction of full time worked that day. So a full calendar month is exactly 1
month, a calendar year exactly 12 and six calendar years exactly 72, whatever
the leap days; partial months count pro rata to their own length. All sums are
``fractions.Fraction`` so a candidate exactly at the threshold is never failed
by rounding.

Rules (002 1.3 b, 003 section 3):
- experience counts only from the award date (that day included) of the
  alternative's qualifying diploma: the earliest awarded diploma at or above
  the required level, so each alternative may count from a different date;
- the deadline day itself counts (day granularity; the time of day of the
  deadline is the caller's concern);
- part-time counts pro rata (6 months at 1/2 time = 3 months);
- a doctorate counts, paid or not, up to a cap (3 years in 002; data) and only
  if the degree was awarded by ``as_at``;
- unpaid work and unpaid traineeships do not count;
- overlapping periods are not double-counted: on any day the counted fraction
  is capped at full time (1).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from fractions import Fraction

from ._numbers import Exact, Number, exact, show


@dataclass(frozen=True)
class EducationLevels:
    """Ordered education levels, lowest first (data, per rule set / notice)."""

    order: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(set(self.order)) != len(self.order):
            raise ValueError("education levels must be unique")

    def rank(self, level: str) -> int:
        try:
            return self.order.index(level)
        except ValueError:
            raise ValueError(
                f"unknown education level {level!r}; known: {', '.join(self.order)}"
            ) from None

    def at_least(self, level: str, minimum: str) -> bool:
        return self.rank(level) >= self.rank(minimum)


class ExperienceKind(str, Enum):
    JOB = "job"
    DOCTORATE = "doctorate"
    TRAINEESHIP = "traineeship"


@dataclass(frozen=True)
class Diploma:
    level: str
    awarded_on: date


@dataclass(frozen=True)
class Experience:
    """One declared period. ``end`` is inclusive; ``None`` = ongoing.

    ``relevant``: counts towards the total experience (e.g. "ICT experience");
    ``in_field``: counts towards the in-field requirement (implies relevant).
    ``fraction``: share of full time (1 = full time, 1/2 = half time).
    ``degree_awarded_on``: for doctorates, the date the degree was obtained.
    """

    start: date
    end: date | None
    fraction: Number = 1
    in_field: bool = False
    paid: bool = True
    kind: ExperienceKind = ExperienceKind.JOB
    relevant: bool = True
    degree_awarded_on: date | None = None

    def __post_init__(self) -> None:
        f = exact(self.fraction, what="experience fraction")
        if not 0 < f <= 1:
            raise ValueError(f"experience fraction must be in (0, 1], got {self.fraction!r}")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"experience ends ({self.end}) before it starts ({self.start})")
        object.__setattr__(self, "kind", ExperienceKind(self.kind))


@dataclass(frozen=True)
class CandidateProfile:
    diplomas: tuple[Diploma, ...] = ()
    experiences: tuple[Experience, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """One way of meeting a field's specific conditions (C5), e.g. "(a)".

    ``doctorate_cap_months`` overrides the rule set's cap when not None.
    """

    label: str
    min_education: str
    min_experience_months: Number = 0
    min_field_experience_months: Number = 0
    doctorate_cap_months: Number | None = None


@dataclass(frozen=True)
class EligibilityRules:
    """Rule-set data: level order and the doctorate cap (002 1.3: 3 years)."""

    levels: EducationLevels
    doctorate_cap_months: Number | None = None  # None = no cap


@dataclass(frozen=True)
class AlternativeOutcome:
    label: str
    met: bool
    failures: tuple[str, ...]
    qualifying_diploma: Diploma | None
    experience_months: Exact
    field_experience_months: Exact


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    met: str | None
    per_alternative: tuple[AlternativeOutcome, ...]


def month_measure(start: date, end: date) -> Fraction:
    """Months covered by the inclusive day range [start, end] (see module doc)."""
    if end < start:
        return Fraction(0)
    total = Fraction(0)
    d = start
    while d <= end:
        days_in_month = calendar.monthrange(d.year, d.month)[1]
        month_end = date(d.year, d.month, days_in_month)
        last = min(end, month_end)
        total += Fraction((last - d).days + 1, days_in_month)
        d = last + timedelta(days=1)
    return total


def qualifying_diploma(
    diplomas: Iterable[Diploma], min_education: str, levels: EducationLevels, as_at: date
) -> Diploma | None:
    """Earliest diploma awarded by ``as_at`` at or above ``min_education``."""
    levels.rank(min_education)  # validate the requirement itself
    ok = [
        d for d in diplomas if d.awarded_on <= as_at and levels.at_least(d.level, min_education)
    ]
    return min(ok, key=lambda d: (d.awarded_on, levels.rank(d.level)), default=None)


def _counts(e: Experience, as_at: date) -> bool:
    if e.kind is ExperienceKind.DOCTORATE:
        # 002 1.3: paid or not, but only if the degree was actually obtained (by the deadline).
        return e.degree_awarded_on is not None and e.degree_awarded_on <= as_at
    return e.paid  # unpaid work / unpaid traineeships do not count


def counted_months(
    experiences: Iterable[Experience],
    *,
    counts_from: date,
    as_at: date,
    doctorate_cap_months: Number | None = None,
) -> Fraction:
    """Experience in months between ``counts_from`` and ``as_at`` (both inclusive).

    Per day: non-doctorate fractions are summed and capped at 1; doctorate time
    fills the rest of the day up to 1 until the doctorate cap is used up (days
    taken chronologically, so a doctorate overlapping a full-time job does not
    use up the cap).
    """
    cap = None if doctorate_cap_months is None else Fraction(exact(doctorate_cap_months))
    periods = []
    for e in experiences:
        if not _counts(e, as_at):
            continue
        s = max(e.start, counts_from)
        t = as_at if e.end is None else min(e.end, as_at)
        if s <= t:
            periods.append((s, t, Fraction(exact(e.fraction)), e.kind is ExperienceKind.DOCTORATE))
    if not periods:
        return Fraction(0)
    # Elementary segments between change points; within one the weights are constant.
    points = sorted({p[0] for p in periods} | {p[1] + timedelta(days=1) for p in periods})
    total = Fraction(0)
    doc_used = Fraction(0)
    for seg_start, seg_next in itertools.pairwise(points):
        seg_end = seg_next - timedelta(days=1)
        active = [p for p in periods if p[0] <= seg_start and seg_end <= p[1]]
        if not active:
            continue
        job = min(Fraction(1), sum((p[2] for p in active if not p[3]), Fraction(0)))
        doc = min(sum((p[2] for p in active if p[3]), Fraction(0)), 1 - job)
        seg_months = month_measure(seg_start, seg_end)
        total += job * seg_months
        if doc:
            doc_months = doc * seg_months
            if cap is not None:
                doc_months = min(doc_months, max(Fraction(0), cap - doc_used))
            doc_used += doc_months
            total += doc_months
    return total


def check_alternative(
    profile: CandidateProfile, alt: Alternative, rules: EligibilityRules, as_at: date
) -> AlternativeOutcome:
    dip = qualifying_diploma(profile.diplomas, alt.min_education, rules.levels, as_at)
    need_total = exact(alt.min_experience_months, what=f"{alt.label} experience months")
    need_field = exact(alt.min_field_experience_months, what=f"{alt.label} field months")
    if dip is None:
        return AlternativeOutcome(
            alt.label,
            False,
            (f"no diploma of level {alt.min_education} or higher awarded by {as_at.isoformat()}",),
            None,
            0,
            0,
        )
    cap = alt.doctorate_cap_months if alt.doctorate_cap_months is not None else rules.doctorate_cap_months
    total = counted_months(
        (e for e in profile.experiences if e.relevant or e.in_field),
        counts_from=dip.awarded_on, as_at=as_at, doctorate_cap_months=cap,
    )
    in_field = counted_months(
        (e for e in profile.experiences if e.in_field),
        counts_from=dip.awarded_on, as_at=as_at, doctorate_cap_months=cap,
    )
    failures = []
    if total < need_total:
        failures.append(
            f"experience {show(total)} months < {show(need_total)} required "
            f"(counted from {dip.awarded_on.isoformat()} to {as_at.isoformat()})"
        )
    if in_field < need_field:
        failures.append(
            f"experience in the field {show(in_field)} months < {show(need_field)} required"
        )
    t = exact(total)
    f = exact(in_field)
    return AlternativeOutcome(alt.label, not failures, tuple(failures), dip, t, f)


def check_eligibility(
    profile: CandidateProfile,
    alternatives: Sequence[Alternative],
    as_at: date,
    rules: EligibilityRules,
) -> EligibilityResult:
    """C5: eligible if any alternative is met; ``met`` is the first one met."""
    if not alternatives:
        raise ValueError("a field needs at least one eligibility alternative")
    outcomes = tuple(check_alternative(profile, a, rules, as_at) for a in alternatives)
    met = next((o.label for o in outcomes if o.met), None)
    return EligibilityResult(met is not None, met, outcomes)
