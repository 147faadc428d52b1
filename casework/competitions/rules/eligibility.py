"""C5 eligibility: general conditions (the identity document) and the specific conditions,
alternatives of (education, experience) per field.

Judged as at the application deadline (C3), which after an amendment that moves it is the new
deadline (C14, 004): only diplomas awarded and work done on or before ``as_at`` count.

Month counting (documented choice, see ``month_measure``): every calendar day
is worth ``1 / (days in its calendar month)`` of a month, multiplied by the
fraction of full time worked that day. So a full calendar month is exactly 1
month, a calendar year exactly 12 and six calendar years exactly 72, whatever
the leap days; partial months count pro rata to their own length. All sums are
``fractions.Fraction`` so a candidate exactly at the threshold is never failed
by rounding.

Rules (002 1.3 a-b, 003 section 3 and Annex II 1.1; every number and option is rule-set or
notice data in :class:`EligibilityRules` / :class:`Alternative`):
- the qualifying diploma of an alternative is the earliest diploma awarded by ``as_at`` at or
  above the required level, in the subject the alternative requires (003 3.3: "inden for IKT
  og/eller relaterede områder"; AST/151/22 (a): "med relevans for arbejdsopgaverne"), and
  recognised by a Member State where it has to be (002 1.3 a: a diploma from outside the EU;
  003 Annex II 1.1 a: every diploma, "hvad enten de er udstedt i et EU-land eller et
  tredjeland" -- ``EligibilityRules.recognition``);
- experience counts only from the award date (that day included) of that diploma, except
  compulsory military service, which counts before or after it (002 1.3 b, "medmindre andet
  fremgår af meddelelsen": ``EligibilityRules.military_service_before_diploma``) and only up to
  the statutory duration of the service in the candidate's Member State (``statutory_months``
  of the declared period, when known);
- the deadline day itself counts (day granularity; the time of day of the
  deadline is the caller's concern);
- part-time counts pro rata (6 months at 1/2 time = 3 months);
- a doctorate counts, paid or not, up to a cap (3 years in 002; data) and only
  if the degree was awarded by ``as_at``;
- maternity, paternity, adoption and parental leave count when taken under an employment
  contract (002 1.3 b: "inden for rammerne af en ansættelseskontrakt"), never when the event
  happened while the candidate was seeking work;
- volunteering counts only when paid and at the hours of a traditional job (002 1.3 b: "ud fra
  et timemæssigt synspunkt ... kunne sidestilles med en traditionel beskæftigelse"): at least
  ``EligibilityRules.volunteering_min_fraction`` of full time (1 by default: full working hours);
- unpaid work and unpaid traineeships do not count;
- overlapping periods are not double-counted: on any day the counted fraction
  is capped at full time (1); capped kinds (military service, doctorate) only fill what the
  uncapped ones leave of a day, so they do not use up their cap alongside a full-time job.

General conditions (002 1.3 a, 003 Annex II 1.2): the identity document proving nationality
must be valid at the application deadline (``check_general``). The other general conditions
(civil rights, military-service obligations, character) are sworn at validation (C3).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from fractions import Fraction
from typing import Any

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
    MILITARY_SERVICE = "military_service"  # compulsory military service (002 1.3 b)
    PARENTAL_LEAVE = "parental_leave"  # maternity / paternity / adoption / parental leave
    VOLUNTEERING = "volunteering"


class Recognition(str, Enum):
    """Which diplomas need a Member State's recognition to count (C5)."""

    OUTSIDE_EU = "outside-eu"  # 002 1.3 a: "Hvis ansøgeren har studeret i et land uden for EU"
    ALL = "all"  # 003 Annex II 1.1 a: "hvad enten de er udstedt i et EU-land eller et tredjeland"


@dataclass(frozen=True)
class Diploma:
    """A declared diploma. ``subjects``: the subject codes it is in (e.g. ``"ict"``), for an
    alternative that requires one; ``outside_eu``: issued outside the EU; ``recognised``: a
    Member State's official body recognised it (None: not stated)."""

    level: str
    awarded_on: date
    subjects: tuple[str, ...] = ()
    outside_eu: bool = False
    recognised: bool | None = None

    def __post_init__(self) -> None:
        if isinstance(self.subjects, str):
            object.__setattr__(self, "subjects", (self.subjects,))
        else:
            object.__setattr__(self, "subjects", tuple(self.subjects))


@dataclass(frozen=True)
class Experience:
    """One declared period. ``end`` is inclusive; ``None`` = ongoing.

    ``relevant``: counts towards the total experience (e.g. "ICT experience");
    ``in_field``: counts towards the in-field requirement (implies relevant).
    ``fraction``: share of full time (1 = full time, 1/2 = half time).
    ``degree_awarded_on``: for doctorates, the date the degree was obtained.
    ``under_contract``: for leave, taken under an employment contract (002 1.3 b).
    ``statutory_months``: for compulsory military service, the statutory duration in the
    candidate's Member State (002 1.3 b); None = not capped.
    """

    start: date
    end: date | None
    fraction: Number = 1
    in_field: bool = False
    paid: bool = True
    kind: ExperienceKind = ExperienceKind.JOB
    relevant: bool = True
    degree_awarded_on: date | None = None
    under_contract: bool = False
    statutory_months: Number | None = None

    def __post_init__(self) -> None:
        f = exact(self.fraction, what="experience fraction")
        if not 0 < f <= 1:
            raise ValueError(f"experience fraction must be in (0, 1], got {self.fraction!r}")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"experience ends ({self.end}) before it starts ({self.start})")
        object.__setattr__(self, "kind", ExperienceKind(self.kind))
        if self.statutory_months is not None and exact(self.statutory_months, what="statutory months") < 0:
            raise ValueError(f"statutory months must be >= 0, got {self.statutory_months!r}")


@dataclass(frozen=True)
class CandidateProfile:
    diplomas: tuple[Diploma, ...] = ()
    experiences: tuple[Experience, ...] = ()
    identity_document_valid_until: date | None = None  # None: not yet provided


@dataclass(frozen=True)
class Alternative:
    """One way of meeting a field's specific conditions (C5), e.g. "(a)".

    ``doctorate_cap_months`` overrides the rule set's cap when not None; ``subject``: the
    subject code the qualifying diploma must be in (None: any subject).
    """

    label: str
    min_education: str
    min_experience_months: Number = 0
    min_field_experience_months: Number = 0
    doctorate_cap_months: Number | None = None
    subject: str | None = None


@dataclass(frozen=True)
class EligibilityRules:
    """Rule-set and notice data (002 1.3, 003 Annex II 1.1)."""

    levels: EducationLevels
    doctorate_cap_months: Number | None = None  # None = no cap
    volunteering_min_fraction: Number = 1
    military_service_before_diploma: bool = True
    recognition: Recognition = Recognition.OUTSIDE_EU

    def __post_init__(self) -> None:
        v = exact(self.volunteering_min_fraction, what="volunteering minimum share")
        if not 0 < v <= 1:
            raise ValueError(f"volunteering minimum share must be in (0, 1], got {self.volunteering_min_fraction!r}")
        object.__setattr__(self, "recognition", Recognition(self.recognition))


@dataclass(frozen=True)
class Unmet:
    """One eligibility condition not met (C5), as data: what a decision rests on (R2), whatever
    the words that explain it. ``condition``: ``identity-document``, ``education``,
    ``experience`` or ``field-experience``; ``required`` and ``counted``: the numbers compared
    (months, exact; a date for the identity document), ``detail``: the rest (the level and
    subject a diploma needed, how many diplomas lacked recognition)."""

    condition: str
    required: Exact | str | None = None
    counted: Exact | str | None = None
    detail: tuple[tuple[str, Any], ...] = ()

    def as_data(self) -> dict[str, Any]:
        """JSON-ready: exact numbers as strings ("72", "280/3")."""
        data: dict[str, Any] = {"condition": self.condition}
        if self.required is not None:
            data["required"] = str(self.required)
        if self.counted is not None:
            data["counted"] = str(self.counted)
        data.update(self.detail)
        return data


@dataclass(frozen=True)
class AlternativeOutcome:
    label: str
    met: bool
    failures: tuple[str, ...]
    qualifying_diploma: Diploma | None
    experience_months: Exact
    field_experience_months: Exact
    unmet: tuple[Unmet, ...] = ()    # the failures as data, in the same order


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


def recognised(diploma: Diploma, recognition: Recognition = Recognition.OUTSIDE_EU) -> bool:
    """C5: does the diploma count as far as recognition goes? One that needs a Member State's
    recognition counts only when it is recorded as recognised."""
    needs = diploma.outside_eu or Recognition(recognition) is Recognition.ALL
    return not needs or diploma.recognised is True


def qualifying_diploma(
    diplomas: Iterable[Diploma],
    min_education: str,
    levels: EducationLevels,
    as_at: date,
    *,
    subject: str | None = None,
    recognition: Recognition = Recognition.OUTSIDE_EU,
) -> Diploma | None:
    """Earliest diploma awarded by ``as_at`` at or above ``min_education``, in ``subject`` when
    one is required, and recognised where it has to be (C5)."""
    levels.rank(min_education)  # validate the requirement itself
    ok = [
        d for d in diplomas
        if d.awarded_on <= as_at and levels.at_least(d.level, min_education)
        and (subject is None or subject in d.subjects) and recognised(d, recognition)
    ]
    return min(ok, key=lambda d: (d.awarded_on, levels.rank(d.level)), default=None)


def _counts(e: Experience, as_at: date, volunteering_min: Fraction) -> bool:
    kind = e.kind
    if kind is ExperienceKind.DOCTORATE:
        # 002 1.3: paid or not, but only if the degree was actually obtained (by the deadline).
        return e.degree_awarded_on is not None and e.degree_awarded_on <= as_at
    if kind is ExperienceKind.MILITARY_SERVICE:
        return True  # compulsory service counts, paid or not (capped at its statutory duration)
    if kind is ExperienceKind.PARENTAL_LEAVE:
        return e.under_contract  # only within an employment contract, never while job-seeking
    if kind is ExperienceKind.VOLUNTEERING:
        return e.paid and Fraction(exact(e.fraction)) >= volunteering_min
    return e.paid  # unpaid work / unpaid traineeships do not count


def counted_months(
    experiences: Iterable[Experience],
    *,
    counts_from: date,
    as_at: date,
    doctorate_cap_months: Number | None = None,
    military_service_before_diploma: bool = True,
    volunteering_min_fraction: Number = 1,
) -> Fraction:
    """Experience in months between ``counts_from`` and ``as_at`` (both inclusive).

    Compulsory military service is not cut at ``counts_from`` when
    ``military_service_before_diploma`` (002 1.3 b). Per day: the uncapped kinds' fractions are
    summed and capped at 1; then each military service period (capped at its statutory
    duration), then doctorate time (capped together at the doctorate cap) fill the rest of the
    day up to 1 until their caps are used up (days taken chronologically, so a capped period
    overlapping a full-time job does not use up its cap).
    """
    doc_cap = None if doctorate_cap_months is None else Fraction(exact(doctorate_cap_months))
    volunteering_min = Fraction(exact(volunteering_min_fraction, what="volunteering minimum share"))
    periods = []   # (start, end, fraction, pool): pool None = uncapped
    caps: dict[object, Fraction | None] = {"doctorate": doc_cap}
    for i, e in enumerate(experiences):
        if not _counts(e, as_at, volunteering_min):
            continue
        military = e.kind is ExperienceKind.MILITARY_SERVICE
        s = e.start if military and military_service_before_diploma else max(e.start, counts_from)
        t = as_at if e.end is None else min(e.end, as_at)
        if s > t:
            continue
        pool: object = None
        if e.kind is ExperienceKind.DOCTORATE:
            pool = "doctorate"
        elif military:
            pool = ("military", i)
            caps[pool] = None if e.statutory_months is None else Fraction(exact(e.statutory_months))
        periods.append((s, t, Fraction(exact(e.fraction)), pool))
    if not periods:
        return Fraction(0)
    # Pools in a fixed order: military periods first (in declaration order), then the doctorate.
    pool_order = sorted({p[3] for p in periods if p[3] is not None},
                        key=lambda k: (k == "doctorate", k if k != "doctorate" else ()))
    used = dict.fromkeys(pool_order, Fraction(0))
    # Elementary segments between change points; within one the weights are constant.
    points = sorted({p[0] for p in periods} | {p[1] + timedelta(days=1) for p in periods})
    total = Fraction(0)
    for seg_start, seg_next in itertools.pairwise(points):
        seg_end = seg_next - timedelta(days=1)
        active = [p for p in periods if p[0] <= seg_start and seg_end <= p[1]]
        if not active:
            continue
        uncapped = min(Fraction(1), sum((p[2] for p in active if p[3] is None), Fraction(0)))
        shares = [(pool, sum((p[2] for p in active if p[3] == pool), Fraction(0))) for pool in pool_order]
        shares = [(pool, share) for pool, share in shares if share]
        seg_months = month_measure(seg_start, seg_end)
        exhausted = any(caps[pool] is not None and used[pool] + min(share, 1 - uncapped) * seg_months
                        > caps[pool] for pool, share in shares)
        # A cap running out inside the segment: day by day there, so that what the capped kind
        # leaves of each later day goes to the next pool exactly as it would day by day.
        pieces = ([month_measure(d, d) for d in _days(seg_start, seg_end)] if exhausted
                  else [seg_months])
        for months_of_piece in pieces:
            total += uncapped * months_of_piece
            filled = uncapped * months_of_piece
            for pool, share in shares:
                months = min(share * months_of_piece, months_of_piece - filled)
                cap = caps[pool]
                if cap is not None:
                    months = min(months, max(Fraction(0), cap - used[pool]))
                if months <= 0:
                    continue
                used[pool] += months
                total += months
                filled += months
    return total


def _days(first: date, last: date) -> Iterable[date]:
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def check_general(profile: CandidateProfile, as_at: date) -> tuple[str, ...]:
    """C5 general conditions that the data can show: the identity document proving nationality
    must be valid at the application deadline (002 1.3 a; 003 Annex II 1.2). A document not yet
    provided is no failure here (it is asked for at a later stage)."""
    return tuple(_GENERAL_TEXT[u.condition](u) for u in general_unmet(profile, as_at))


def general_unmet(profile: CandidateProfile, as_at: date) -> tuple[Unmet, ...]:
    """:func:`check_general` as data (``required``: the deadline, ``counted``: the date the
    document is valid until)."""
    valid_until = profile.identity_document_valid_until
    if valid_until is not None and valid_until < as_at:
        return (Unmet("identity-document", as_at.isoformat(), valid_until.isoformat()),)
    return ()


_GENERAL_TEXT = {
    "identity-document": lambda u: (f"the identity document expired on {u.counted}, before the "
                                    f"application deadline ({u.required})"),
}


def _no_diploma_reason(profile: CandidateProfile, alt: Alternative, rules: EligibilityRules,
                       as_at: date) -> str:
    text = f"no diploma of level {alt.min_education} or higher"
    if alt.subject is not None:
        text += f" in subject {alt.subject}"
    text += f" awarded by {as_at.isoformat()}"
    unrecognised = _unrecognised(profile, alt, rules, as_at)
    if unrecognised:
        where = "from outside the EU " if rules.recognition is Recognition.OUTSIDE_EU else ""
        text += (f" and recognised by a Member State ({unrecognised} diploma(s) {where}"
                 "without recorded recognition)")
    return text


def _unrecognised(profile: CandidateProfile, alt: Alternative, rules: EligibilityRules, as_at: date) -> int:
    """How many diplomas would have qualified for ``alt`` but for a missing recognition (C5)."""
    return sum(1 for d in profile.diplomas
               if d.awarded_on <= as_at and rules.levels.at_least(d.level, alt.min_education)
               and (alt.subject is None or alt.subject in d.subjects)
               and not recognised(d, rules.recognition))


def check_alternative(
    profile: CandidateProfile, alt: Alternative, rules: EligibilityRules, as_at: date
) -> AlternativeOutcome:
    dip = qualifying_diploma(profile.diplomas, alt.min_education, rules.levels, as_at,
                             subject=alt.subject, recognition=rules.recognition)
    need_total = exact(alt.min_experience_months, what=f"{alt.label} experience months")
    need_field = exact(alt.min_field_experience_months, what=f"{alt.label} field months")
    if dip is None:
        unrecognised = _unrecognised(profile, alt, rules, as_at)
        unmet = Unmet("education", detail=(("min_education", alt.min_education), ("subject", alt.subject),
                                           ("unrecognised_diplomas", unrecognised)))
        return AlternativeOutcome(alt.label, False, (_no_diploma_reason(profile, alt, rules, as_at),),
                                  None, 0, 0, (unmet,))
    cap = alt.doctorate_cap_months if alt.doctorate_cap_months is not None else rules.doctorate_cap_months
    options = {"counts_from": dip.awarded_on, "as_at": as_at, "doctorate_cap_months": cap,
               "military_service_before_diploma": rules.military_service_before_diploma,
               "volunteering_min_fraction": rules.volunteering_min_fraction}
    total = counted_months((e for e in profile.experiences if e.relevant or e.in_field), **options)
    in_field = counted_months((e for e in profile.experiences if e.in_field), **options)
    failures, unmet = [], []
    if total < need_total:
        unmet.append(Unmet("experience", need_total, exact(total),
                           (("counted_from", dip.awarded_on.isoformat()), ("as_at", as_at.isoformat()))))
        failures.append(
            f"experience {show(total)} months < {show(need_total)} required "
            f"(counted from {dip.awarded_on.isoformat()} to {as_at.isoformat()})"
        )
    if in_field < need_field:
        unmet.append(Unmet("field-experience", need_field, exact(in_field)))
        failures.append(
            f"experience in the field {show(in_field)} months < {show(need_field)} required"
        )
    return AlternativeOutcome(alt.label, not failures, tuple(failures), dip, exact(total), exact(in_field),
                              tuple(unmet))


def check_eligibility(
    profile: CandidateProfile,
    alternatives: Sequence[Alternative],
    as_at: date,
    rules: EligibilityRules,
) -> EligibilityResult:
    """C5 specific conditions: eligible if any alternative is met; ``met`` is the first one met."""
    if not alternatives:
        raise ValueError("a field needs at least one eligibility alternative")
    outcomes = tuple(check_alternative(profile, a, rules, as_at) for a in alternatives)
    met = next((o.label for o in outcomes if o.met), None)
    return EligibilityResult(met is not None, met, outcomes)
