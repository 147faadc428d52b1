"""Running a phase of a competition for each field, and carrying reinstated candidates through.

``close_phase`` takes every active candidate at a phase and decides, with the notice's data and
the pure rules of :mod:`casework.competitions.rules`, who goes through: eligibility (C5),
screener scores (C6), pass marks with eliminatory failures (C8–C10), the document check (C11),
the reserve list (C12), and the invitation cap of the next phase with its ties (C7).
``reinstate`` (R3) puts one candidate back where they were excluded and runs the same logic for
them alone through every phase the field has already closed, beyond caps and places.

Every decision records what it rests on as data (``Decision.basis``: the pass marks failed, the
tests missed, the conditions not met, the cap...); the rules that look back at a decision
(reinstatement, R3) read that, never the ``reason`` text, which is for people.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit, clock
from ..clock import BRUSSELS
from . import rules
from .definition import NoticeDefinition, PhaseSpec
from .errors import CompetitionError
from .models import (
    Application,
    ApplicationState,
    Decision,
    Field,
    Notice,
    NoticeVersion,
    PhaseClosure,
    Question,
    ReserveList,
    ReserveListEntry,
    Score,
    ScoreState,
    Sitting,
    Status,
)
from .notices import definition
from .stages import Outcome, last_exclusion, record_outcome, record_outcomes


@dataclass
class Candidate:
    """What a phase needs to know of one application."""
    id: int
    state: ApplicationState
    reinstated: bool
    documents_supported: bool | None
    profile: dict[str, Any] | None = None
    marks: dict[str, Decimal] = dc_field(default_factory=dict)
    before: dict[str, Fraction] = dc_field(default_factory=dict)   # P1: marks before a neutralisation
    cancelled: set[str] = dc_field(default_factory=set)   # C14: test events cancelled, a re-sit due
    sat: set[str] = dc_field(default_factory=set)         # tests with a sitting on record


@dataclass
class FieldReport:
    field: str
    considered: int = 0
    through: int = 0
    outcomes: dict[str, int] = dc_field(default_factory=lambda: defaultdict(int))
    cutoff: str | None = None
    pending: list[int] = dc_field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "considered": self.considered, "through": self.through,
                "outcomes": dict(self.outcomes), "cutoff": self.cutoff}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def profile_of(data: dict[str, Any]) -> rules.CandidateProfile:
    """The declared profile (C5) as the eligibility rules' plain data: diplomas (subjects, issued
    outside the EU, recognised), periods of experience (kind, share, flags) and the validity of
    the identity document."""
    return rules.CandidateProfile(
        diplomas=tuple(rules.Diploma(d["level"], date.fromisoformat(d["awarded_on"]),
                                     subjects=tuple(d.get("subjects", ())),
                                     outside_eu=d.get("outside_eu", False), recognised=d.get("recognised"))
                       for d in data.get("diplomas", [])),
        experiences=tuple(
            rules.Experience(
                start=date.fromisoformat(e["start"]), end=_day(e.get("end")),
                fraction=rules.exact(str(e.get("fraction", 1))),
                in_field=e.get("in_field", False), paid=e.get("paid", True),
                kind=e.get("kind", "job"), relevant=e.get("relevant", True),
                degree_awarded_on=_day(e.get("degree_awarded_on")),
                under_contract=e.get("under_contract", False),
                statutory_months=(None if e.get("statutory_months") is None
                                  else rules.exact(str(e["statutory_months"]))))
            for e in data.get("experience", [])),
        identity_document_valid_until=_day(data.get("identity_document_valid_until")))


def eligibility_rules(spec: NoticeDefinition) -> rules.EligibilityRules:
    """C5: the notice's eligibility data for the rules."""
    options = spec.eligibility_rules
    return rules.EligibilityRules(
        rules.EducationLevels(spec.education_levels), spec.doctorate_max_months,
        volunteering_min_fraction=options.volunteering_min_fraction,
        military_service_before_diploma=options.military_service_before_diploma,
        recognition=options.recognition)


def judge_eligibility(spec: NoticeDefinition, field_code: str, profile: dict[str, Any]
                      ) -> tuple[str | None, str, dict[str, Any]]:
    """C5 for one declared profile at the notice's application deadline (C3; after an amendment
    that moved it, the new one: C14). Returns ``(None, "", {})`` when eligible, else the exclusion
    ground (general conditions first), the reasons in words (every failed condition) and the
    same as data: ``{"as_at": ..., "eligibility_failed": [{"condition": ..., "alternative": ...,
    "required": ..., "counted": ...}, ...]}`` (the decision's basis)."""
    as_at = spec.application_deadline.astimezone(BRUSSELS).date()
    declared = profile_of(profile or {})
    general = rules.check_general(declared, as_at) if spec.eligibility_rules.identity_document else ()
    alternatives = [rules.Alternative(a.label, a.education, a.experience_months,
                                      a.field_experience_months, subject=a.subject)
                    for a in spec.field(field_code).eligibility]
    result = rules.check_eligibility(declared, alternatives, as_at, eligibility_rules(spec))
    reasons = list(general)
    unmet = ([u.as_data() for u in rules.general_unmet(declared, as_at)]
             if spec.eligibility_rules.identity_document else [])
    if not result.eligible:
        reasons += [f"({o.label}) " + ", ".join(o.failures) for o in result.per_alternative]
        unmet += [{"alternative": o.label, **u.as_data()} for o in result.per_alternative for u in o.unmet]
    basis = {"as_at": as_at.isoformat(), "eligibility_failed": unmet}
    if general:
        return rules.ExclusionGround.GENERAL_ELIGIBILITY.value, "; ".join(reasons), basis
    if not result.eligible:
        return rules.ExclusionGround.SPECIFIC_ELIGIBILITY.value, "; ".join(reasons), basis
    return None, "", {}


def _phase_tests(spec: NoticeDefinition, phase: PhaseSpec, nxt: PhaseSpec | None) -> set[str]:
    tests = {t.code for t in phase.tests}
    if phase.kind in ("document-check", "reserve-list"):
        tests |= set(spec.final_score)
    if phase.kind == "screener":
        tests.add("screener")
    if nxt and nxt.invitation_cap:
        tests.add(nxt.invitation_cap.ranking)
    return tests


# P1: where a neutralisation keeps the exact score before it (see competitions.neutralisation)
NEUTRALISED_BEFORE = Score.detail[("neutralisation", "before")].as_string()

# C8–C10 with P1's inclusive pass marks (002 3.4.2), a pure rule: see rules.evaluate_inclusive
evaluate_inclusive = rules.evaluate_inclusive


def _text(value: Any) -> str:
    """An exact number as decisions keep it in their basis ("19", "280/19")."""
    return str(rules.exact(value))


def _load(session: Session, field: Field, phase: PhaseSpec, tests: set[str],
          only: int | None = None) -> list[Candidate]:
    where = [Application.field_id == field.id, Application.phase == phase.code,
             Application.status == Status.ACTIVE]
    if only is not None:
        where.append(Application.id == only)
    columns = [Application.id, Application.state, Application.reinstated, Application.documents_supported]
    if phase.kind == "eligibility":
        columns.append(Application.profile)
    # in the order of the applications: decisions (their ids, the letters) come out the same on every run
    people = {row[0]: Candidate(*row) for row in session.execute(select(*columns).where(*where)
                                                                 .order_by(Application.id))}
    if tests and people:
        rows = session.execute(
            select(Score.application_id, Score.test, Score.score, Score.state)
            .join(Application, Application.id == Score.application_id)
            .where(*where, Score.test.in_(tests),
                   Score.state.in_((ScoreState.RECORDED, ScoreState.CANCELLED))))
        for app_id, test, score, state in rows:
            if state is ScoreState.CANCELLED:      # C14: the event was cancelled, a re-sit is due
                people[app_id].cancelled.add(test)
            else:
                people[app_id].marks[test] = score
        if phase.tests:     # a sitting on record without its mark: present, the mark is not in yet
            rows = session.execute(
                select(Sitting.application_id, Sitting.test)
                .join(Application, Application.id == Sitting.application_id)
                .where(*where, Sitting.test.in_([t.code for t in phase.tests])))
            for app_id, test in rows:
                people[app_id].sat.add(test)
        neutralised = list(session.scalars(select(Question.test).distinct().where(
            Question.notice_id == field.notice_id, Question.test.in_(tests), Question.neutralised)))
        if neutralised:   # P1: the marks before neutralisation, for the inclusive pass marks
            rows = session.execute(
                select(Score.application_id, Score.test, NEUTRALISED_BEFORE)
                .join(Application, Application.id == Score.application_id)
                .where(*where, Score.test.in_(neutralised), Score.state == ScoreState.RECORDED,
                       NEUTRALISED_BEFORE.is_not(None)))
            for app_id, test, before in rows:
                people[app_id].before[test] = Fraction(before)
    return list(people.values())


def _final(spec: NoticeDefinition, c: Candidate) -> Decimal | None:
    if any(t not in c.marks for t in spec.final_score):
        return None
    return sum((c.marks[t] for t in spec.final_score), Decimal(0))


class _Run:
    """One phase for one field: collects outcomes, then writes them in bulk."""

    def __init__(self, session: Session, notice: Notice, version: NoticeVersion, field: Field,
                 phase: PhaseSpec, *, catching_up: bool, passed_stage: bool, published_at: datetime,
                 waived: frozenset[tuple[str, ...]] = frozenset(), standing: frozenset[str] = frozenset()):
        self.session, self.notice, self.version, self.field = session, notice, version, field
        self.spec = definition(version)
        self.phase = phase
        index = self.spec.phase_index(phase.code)
        self.next = self.spec.phases[index + 1] if index + 1 < len(self.spec.phases) else None
        self.catching_up, self.passed_stage = catching_up, passed_stage
        self.waived = waived          # R3: pass marks whose failure the upheld decision annulled
        self.standing = standing      # R3: tests missed that the annulled decision did not excuse
        self.published_at = published_at
        self.places = self.spec.field(field.code).places
        self.report = FieldReport(field.code)
        self.outcomes: list[Outcome] = []
        self.unprocessed: dict[tuple[str, ...], list[int]] = {}   # C10: tests -> applications

    def out(self, c: Candidate, status: Status, kind: str, reason: str, ground: str | None = None,
            author: str | None = None, *, basis: dict[str, Any]) -> None:
        admits = None
        if ground is not None:     # C15, R2: the notice says who decides on this ground
            author = author or self.spec.deciding_body(ground)
            claim = rules.admitted_claim(rules.ExclusionGround(ground))
            admits = None if claim is None else claim.value
        self.outcomes.append(Outcome(c.id, self.phase.code, status, kind, self.phase.code,
                                     author or self.phase.author, reason, ground, admits, basis))
        self.report.outcomes[kind] += 1

    def wait(self, c: Candidate, why: str) -> None:
        if not self.catching_up:
            raise CompetitionError(f"field {self.field.code}, phase {self.phase.code}: {why}")
        self.report.pending.append(c.id)

    # -- the phase kinds ------------------------------------------------------------------
    def application(self, people: list[Candidate]) -> list[Candidate]:
        """C3: only applications validated by the deadline go on; the rest drop out."""
        if clock.now() <= self.spec.application_deadline:
            raise CompetitionError(f"applications are open until {self.spec.application_deadline.isoformat()}")
        through = []
        for c in people:
            if c.state is ApplicationState.VALIDATED:
                through.append(c)
            else:
                self.out(c, Status.ELIMINATED, "not-validated", author="epso",
                         reason="application not validated (or not revalidated, C14) by the deadline",
                         basis={"application_state": c.state.value,
                                "deadline": self.spec.application_deadline.isoformat()})
        return through

    def eligibility(self, people: list[Candidate]) -> list[Candidate]:
        """C5: the general conditions the data can show (the identity document) and the field's
        alternatives, judged at the application deadline of the notice version in force (C3,
        C14). Who decides the exclusion is data of the notice (C5, R2): by default EPSO the
        general and the board the specific conditions (002 footnote 16); the board all of
        them in AD/402/23 (004 4.3.3 b)."""
        through = []
        for c in people:
            ground, reasons, basis = judge_eligibility(self.spec, self.field.code, c.profile or {})
            if ground is None:
                through.append(c)
            else:
                self.out(c, Status.EXCLUDED, "excluded", reasons, ground=ground, basis=basis)
        return through

    def screener(self, people: list[Candidate]) -> list[Candidate]:
        """C6: every candidate needs the board's screener score before the ranking."""
        through = []
        for c in people:
            if "screener" in c.marks:
                through.append(c)
            else:
                self.wait(c, f"no screener marks for application id {c.id}")
        return through

    def tests(self, people: list[Candidate]) -> list[Candidate]:
        """C8–C10, C15 through :func:`rules.judge_tests`: eliminatory pass marks first (failing
        one leaves the other marks unprocessed and cancels the other bookings); a test of the phase
        with no mark is an absence decided by EPSO (C15), eliminatory or later, unless its mark is
        awaited for a reason that is no absence (a cancelled event, C14; a sitting on record; a
        reinstated candidate's new slot, R3); then the other pass marks. Pass marks are inclusive
        after a neutralisation (P1); those a reinstatement annulled are waived (R3)."""
        specs = [rules.PassMark(s.tests, s.min, eliminatory=s.eliminatory)
                 for s in self.phase.pass_marks if tuple(s.tests) not in self.waived]
        phase_tests = [t.code for t in self.phase.tests]
        through = []
        for c in people:
            verdict = rules.judge_tests(phase_tests, specs, c.marks, before=c.before,
                                        awaited=self.awaited(c, phase_tests))
            outcome = verdict.outcome
            if outcome is rules.PhaseOutcome.THROUGH:
                through.append(c)
            elif outcome is rules.PhaseOutcome.FAILED:   # a real failure decides: the board's (R2)
                if verdict.unprocessed:
                    self.unprocessed.setdefault(verdict.unprocessed, []).append(c.id)
                reason = "; ".join(f.reason for f in verdict.failed)
                if verdict.missed:
                    reason += f"; no mark for {', '.join(verdict.missed)} (not taken)"
                self.out(c, Status.ELIMINATED, "failed", reason, basis=verdict.basis())
            elif outcome is rules.PhaseOutcome.ABSENT:
                self.absent(c, verdict)
            else:
                self.wait(c, f"application id {c.id}: no mark yet for {', '.join(verdict.awaited)} "
                             f"({self.why_awaited(c, verdict.awaited)}): not an absence (C15)")
        return through

    def awaited(self, c: Candidate, tests: list[str]) -> set[str]:
        """The tests whose missing mark is no absence (C15): a test event cancelled by an
        amendment (C14: everyone re-sits), a sitting on record (present, not marked yet), and, for
        a candidate carried through after a reinstatement (R3), every test they are still to take
        at a new slot -- except the tests the annulled decision found missed and did not excuse."""
        if self.catching_up:
            return {t for t in tests if t not in self.standing}
        return c.cancelled | c.sat

    @staticmethod
    def why_awaited(c: Candidate, tests: tuple[str, ...]) -> str:
        if any(t in c.cancelled for t in tests):
            return ("the test event was cancelled by an amendment, C14: record the re-sit mark, or "
                    "exclude the candidate who did not re-sit (stages.exclude, no_booking_or_absence)")
        if any(t in c.sat for t in tests):
            return "the test was sat, its mark is not recorded"
        return "test not taken yet"

    def absent(self, c: Candidate, verdict: rules.PhaseVerdict) -> None:
        """C15: not booking or not attending a test ends the candidate's participation, unless they
        prove circumstances beyond their control or force majeure (004 4.4 (4)): the exclusion
        records that the claim is open (``Decision.admits``), see :func:`decide_force_majeure`."""
        self.out(c, Status.EXCLUDED, "excluded",
                 f"no mark for {', '.join(verdict.missed)}: the test was not booked or not taken "
                 "(unless circumstances beyond the candidate's control or force majeure are proven)",
                 ground=rules.ExclusionGround.NO_BOOKING_OR_ABSENCE.value, basis=verdict.basis())

    def final_scores(self, people: list[Candidate]) -> dict[int, Decimal]:
        """Final scores (C9); a candidate without all the final-score marks cannot be placed."""
        scores = {}
        for c in people:
            final = _final(self.spec, c)
            if final is None:
                self.wait(c, f"application id {c.id} has no final score "
                             f"(needs {', '.join(self.spec.final_score)})")
            else:
                scores[c.id] = final
        return scores

    def document_check(self, people: list[Candidate]) -> list[Candidate]:
        """C11: in descending order of final score until the places are filled."""
        scores = self.final_scores(people)
        by_id = {c.id: c for c in people}
        result = rules.document_check(scores, self.places,
                                      {c.id: c.documents_supported for c in people},
                                      reinstated=[c.id for c in people if c.reinstated])
        for cid in result.pending:
            self.wait(by_id[cid], f"documents of application id {cid} not checked yet")
        for cid in result.excluded:
            self.out(by_id[cid], Status.EXCLUDED, "excluded",
                     "the uploaded documents do not support the application",
                     ground=rules.ExclusionGround.FALSE_OR_UNSUPPORTED_DECLARATION.value,
                     basis={"documents_supported": False, "final_score": _text(scores[cid])})
        for cid in result.not_checked:
            self.out(by_id[cid], Status.ELIMINATED, "not-retained",
                     "places filled before this file was reached (C11)",
                     basis={"documents_checked": False, "final_score": _text(scores[cid]),
                            "places": self.places})
        return [by_id[cid] for cid in result.listed]

    def reserve_list(self, people: list[Candidate]) -> None:
        """C12: the best up to the places, all tied at the last place, and the reinstated."""
        scores = self.final_scores(people)
        people = [c for c in people if c.id in scores]
        selection = rules.select_with_ties(scores, self.places,
                                           reinstated=[c.id for c in people if c.reinstated])
        chosen = set(selection.selected)
        self.report.cutoff = None if selection.cutoff_score is None else str(selection.cutoff_score)
        reserve = self.session.scalar(select(ReserveList).where(ReserveList.field_id == self.field.id))
        if reserve is None:
            reserve = ReserveList(
                field_id=self.field.id, notice_version_id=self.version.id,
                published_at=self.published_at,
                valid_until=self.published_at.astimezone(BRUSSELS).date()
                + relativedelta(months=self.spec.reserve_list_validity_months))
            self.session.add(reserve)
            self.session.flush()
        entries = []
        for c in people:
            if c.id in chosen:
                entries.append({"reserve_list_id": reserve.id, "application_id": c.id,
                                "final_score": scores[c.id], "reinstated": c.reinstated})
                self.outcomes.append(Outcome(c.id, self.phase.code, Status.RESERVE_LIST, "listed",
                                             self.phase.code, self.phase.author,
                                             basis={"final_score": _text(scores[c.id]),
                                                    "beyond_places": c.id in selection.reinstated_beyond}))
                self.report.outcomes["listed"] += 1
            else:
                self.out(c, Status.ELIMINATED, "not-retained", "below the last place on the reserve list",
                         basis={"final_score": _text(scores[c.id]), "places": self.places,
                                "cutoff": None if selection.cutoff_score is None
                                else _text(selection.cutoff_score)})
        if entries:
            self.session.execute(ReserveListEntry.__table__.insert(), entries)

    # -- the run ---------------------------------------------------------------------------
    def run(self, people: list[Candidate], actor: str, source: str | None = None) -> FieldReport:
        self.report.considered = len(people)
        kind = self.phase.kind
        if kind == "reserve-list":     # R3 too: listed, beyond the places
            self.reserve_list(people)
            through = []
        elif self.passed_stage and kind != "document-check" and not self.phase.tests:
            through = people            # R3: the contested decision at this stage is annulled
        # (at the document check a reinstated candidate's documents are still checked, C11; in a
        # phase of tests the other pass marks still apply, only the annulled failure is waived)
        else:
            through = people
            if kind == "application":
                through = self.application(through)
            if kind == "eligibility" and not self.passed_stage:
                # R3: at the stage of a reinstatement the eligibility found there stands or was
                # annulled (AD/402/23 checks it with the written test at one stage: 004 4.3.3 b)
                through = self.eligibility(through)
            if kind == "screener":
                through = self.screener(through)
            if self.phase.tests:
                through = self.tests(through)
            if kind == "document-check":
                through = self.document_check(through)
        if self.next is not None:
            self.advance(through)
        self.report.through = sum(self.report.outcomes.get(k, 0) for k in ("invited", "admitted", "listed"))
        for tests, ids in self.unprocessed.items():    # one UPDATE per set of tests, not per candidate
            for start in range(0, len(ids), 5000):
                self.session.execute(update(Score).where(Score.application_id.in_(ids[start:start + 5000]),
                                                         Score.test.in_(tests))
                                     .values(state=ScoreState.UNPROCESSED))
        record_outcomes(self.session, self.outcomes, notice_version_id=self.version.id,
                        published_at=self.published_at, actor=actor, source=source)
        return self.report

    def advance(self, through: list[Candidate]) -> None:
        """Into the next phase, within its invitation cap (C7): ties at the cut-off all go,
        reinstated candidates go beyond the cap."""
        cap_spec = self.next.invitation_cap
        chosen = {c.id for c in through}
        beyond = chosen if self.catching_up else set()      # R3: carried through beyond the cap
        cap_basis = None
        if cap_spec is not None and not self.catching_up:
            scores = {c.id: c.marks.get(cap_spec.ranking) for c in through}
            missing = [cid for cid, s in scores.items() if s is None]
            if missing:
                raise CompetitionError(f"field {self.field.code}: no {cap_spec.ranking} score for "
                                       f"{len(missing)} candidate(s), e.g. application id {missing[0]}")
            cap = rules.invitation_cap(self.places, cap_spec.multiplier)
            selection = rules.select_with_ties(scores, cap, reinstated=[c.id for c in through if c.reinstated],
                                               ties=cap_spec.ties)    # C7: the notice's tie rule
            chosen = set(selection.selected)
            beyond = set(selection.reinstated_beyond)
            self.report.cutoff = None if selection.cutoff_score is None else str(selection.cutoff_score)
            cap_basis = {"phase": self.next.code, "ranking": cap_spec.ranking, "cap": cap,
                         "ties": cap_spec.ties,
                         "cutoff": None if selection.cutoff_score is None else _text(selection.cutoff_score)}
            for c in through:
                if c.id not in chosen:
                    self.out(c, Status.ELIMINATED, "not-invited",
                             f"not among the {cap} best by {cap_spec.ranking} "
                             f"(cut-off {self.report.cutoff}, C7"
                             + ("" if cap_spec.ties else "; a strict cap: the notice lets no tie "
                                "at the cut-off go beyond it") + ")",
                             basis={"invitation_cap": cap_basis, "score": _text(scores[c.id])})
        for c in through:
            if c.id in chosen:
                kind = "invited" if cap_spec else "admitted"
                basis: dict[str, Any] = {}
                if cap_spec is not None:     # C7; R3: a reinstated candidate beyond the cap
                    basis.update(invitation_cap=cap_basis, beyond_cap=c.id in beyond)
                    if c.marks.get(cap_spec.ranking) is not None:
                        basis["score"] = _text(c.marks[cap_spec.ranking])
                self.outcomes.append(Outcome(c.id, self.next.code, Status.ACTIVE, kind,
                                             self.phase.code, self.phase.author, basis=basis))
                self.report.outcomes[kind] += 1


def closed_phases(session: Session, field: Field) -> set[str]:
    return set(session.scalars(select(PhaseClosure.phase).where(PhaseClosure.field_id == field.id)))


def close_phase(session: Session, notice: Notice, phase_code: str, *, actor: str,
                published_at: datetime | None = None,
                field_codes: list[str] | None = None) -> list[FieldReport]:
    """Decide who goes through ``phase_code`` in each field (or the given fields)."""
    version = notice.current
    spec = definition(version)
    try:
        phase = spec.phase(phase_code)
    except KeyError:
        raise CompetitionError(f"{notice.reference} has no phase {phase_code!r} "
                               f"(phases: {', '.join(p.code for p in spec.phases)})") from None
    published_at = published_at or clock.now()
    fields = [f for f in notice.fields if field_codes is None or f.code in field_codes]
    if field_codes and len(fields) != len(set(field_codes)):
        raise CompetitionError(f"unknown field among {field_codes}")
    index = spec.phase_index(phase_code)
    reports = []
    for field in fields:
        done = closed_phases(session, field)
        if phase_code in done:
            raise CompetitionError(f"field {field.code}: phase {phase_code} is closed already")
        earlier = [p.code for p in spec.phases[:index] if p.code not in done]
        if earlier:
            raise CompetitionError(f"field {field.code}: close phase {earlier[0]} first")
        run = _Run(session, notice, version, field, phase, catching_up=False, passed_stage=False,
                   published_at=published_at)
        people = _load(session, field, phase, _phase_tests(spec, phase, run.next))
        reports.append(run.run(people, actor))
        session.add(PhaseClosure(field_id=field.id, phase=phase_code, notice_version_id=version.id,
                                 closed_at=published_at, actor=actor))
    session.flush()
    audit.record(session, actor=actor, entity="notice", entity_id=notice.id, action="close-phase",
                 to_state=phase_code, changes={"fields": [r.as_dict() for r in reports],
                                               "notice_version": version.number})
    return reports


def catch_up(session: Session, application: Application, *, actor: str, published_at: datetime,
             source: str | None = None) -> None:
    """R3: run the phases the field has closed for one candidate, until they stop or wait.

    At the stage of a reinstatement (the candidate's latest decision, also when they waited there
    for marks) the annulled decision stays annulled, as the reinstatement's basis records it: that
    stage is passed, or in a phase of tests the pass marks it failed are waived and the tests it
    found missed (when the absence was not what was annulled) are still an absence (C15); the
    other tests are awaited at a new slot."""
    notice, field = application.notice, application.field
    latest = session.scalar(select(Decision).where(Decision.application_id == application.id)
                            .order_by(Decision.id.desc()).limit(1))
    passed_stage, waived, standing = None, frozenset(), frozenset()
    if latest is not None and latest.kind == "reinstatement" and latest.phase == application.phase:
        passed_stage = latest.phase
        waived, standing = _annulled(latest)
    spec = definition(notice.current)
    done = closed_phases(session, field)
    first = True
    while application.status is Status.ACTIVE and application.phase in done:
        phase = spec.phase(application.phase)
        at_stage = first and phase.code == passed_stage
        run = _Run(session, notice, notice.current, field, phase, catching_up=True, passed_stage=at_stage,
                   published_at=published_at, waived=waived if at_stage else frozenset(),
                   standing=standing if at_stage else frozenset())
        people = _load(session, field, phase, _phase_tests(spec, phase, run.next), only=application.id)
        report = run.run(people, actor, source=source)
        session.refresh(application)
        first = False
        if report.pending or application.phase == phase.code:
            break


def reinstate(session: Session, application: Application, *, author: str, actor: str,
              published_at: datetime, reason: str, source: str,
              waives: Collection[Sequence[str]] | None = None) -> Decision:
    """R3: put the candidate back at the stage of exclusion and carry them through the stages
    the competition has already run (beyond caps and places).

    ``source`` links the reinstatement to what caused it (a case, a neutralisation). What is
    annulled is read from the contested decision's basis, never from its reason: the pass marks
    it failed are waived at that stage. ``waives`` says it instead (pass marks of the stage, by
    their tests): for a decision older than structured decisions whose reason migration 0007
    could not read, the reinstatement is refused until the deciding body says which pass marks
    it annuls -- nothing is ever waived by guesswork, and nothing annulled is silently re-failed.
    The reinstatement's own basis records what it annulled (``annuls``, ``pass_marks_waived``,
    ``tests_missed_standing``), which :func:`catch_up` reads.
    """
    if application.status not in (Status.ELIMINATED, Status.EXCLUDED):
        raise CompetitionError(f"application {application.number} is {application.status.value}: "
                               "only an eliminated or excluded candidate can be reinstated")
    contested = last_exclusion(session, application)
    if contested is None:
        raise CompetitionError(f"application {application.number} has no exclusion on record")
    basis = annulment(application, contested, waives)
    application.reinstated = True
    if contested.ground == rules.ExclusionGround.FALSE_OR_UNSUPPORTED_DECLARATION.value:
        application.documents_supported = True   # the upheld request found the documents sufficient (C11)
    # R3: earlier results are kept; marks left unprocessed by the annulled failure (C10) count again
    session.execute(update(Score).where(Score.application_id == application.id,
                                        Score.state == ScoreState.UNPROCESSED)
                    .values(state=ScoreState.RECORDED))
    decision = record_outcome(
        session, application, phase=contested.phase, status=Status.ACTIVE, kind="reinstatement",
        author=author, actor=actor, published_at=published_at, reason=reason,
        decided_at_phase=contested.phase, source=source, basis=basis)
    audit.record(session, actor=actor, entity="application", entity_id=application.id,
                 action="reinstate", from_state=contested.outcome.value, to_state="active",
                 reason=reason, changes={"stage": contested.phase, "source": source,
                                         "annulled_decision": contested.id})
    catch_up(session, application, actor=actor, published_at=published_at, source=source)
    return decision


LEGACY_UNPARSED = "legacy_reason_unparsed"   # migration 0007: the old reason text could not be read


def annulment(application: Application, contested: Decision,
              waives: Collection[Sequence[str]] | None = None) -> dict[str, Any]:
    """R3: what reinstating against ``contested`` annuls, as the reinstatement's basis.

    - ``pass_marks_waived``: the pass marks the contested decision failed (C8–C10), from its
      basis (or ``waives``, checked against the stage's pass marks).
    - ``tests_missed_standing``: the tests it found missed (C15) that stay an absence, unless the
      absence is what was annulled (an exclusion on ``no_booking_or_absence``: force majeure
      accepted, or a review upheld; or a decision that failed no pass mark): a failure annulled
      does not excuse an absence beside it.
    A "failed" decision whose basis is ``{"legacy_reason_unparsed": true}`` and no ``waives``:
    refused (CompetitionError), never guessed."""
    basis = contested.basis or {}
    # the absence is what was annulled: an exclusion on that ground, or a decision older than
    # 0007 that was written as a failure but rests on missing marks only (no pass mark failed)
    absence = (contested.ground == rules.ExclusionGround.NO_BOOKING_OR_ABSENCE.value
               or not basis.get("pass_marks_failed"))
    if waives is not None:
        try:
            phase = definition(application.notice.current).phase(contested.phase)
        except KeyError:
            raise CompetitionError(f"decision {contested.id}: the notice has no phase {contested.phase!r} "
                                   "any more, no pass mark of it can be waived") from None
        known = {tuple(p.tests) for p in phase.pass_marks}
        named = {tuple(w) for w in waives}
        unknown = sorted(" + ".join(w) for w in named - known)
        if unknown:
            raise CompetitionError(f"phase {phase.code} has no pass mark on {', '.join(unknown)} "
                                   f"(pass marks: {'; '.join(' + '.join(k) for k in sorted(known)) or 'none'})")
        waived = sorted(named)
    elif basis.get(LEGACY_UNPARSED) and contested.kind == "failed":
        raise CompetitionError(
            f"decision {contested.id} ({contested.kind} at {contested.phase}) predates structured "
            "decisions and its reason could not be read: say which pass marks the upheld decision "
            "annuls (reinstate(..., waives=[[test, ...], ...])); nothing is waived by guesswork (R3)")
    else:
        waived = sorted({tuple(p["tests"]) for p in basis.get("pass_marks_failed", ())})
    standing = [] if absence else list(basis.get("tests_missed", ()))
    return {"annuls": contested.id, "pass_marks_waived": [list(w) for w in waived],
            "tests_missed_standing": standing}


def _annulled(reinstatement: Decision) -> tuple[frozenset[tuple[str, ...]], frozenset[str]]:
    """The pass marks a reinstatement waives and the tests still missed at its stage, from its
    basis (R3). A legacy reinstatement whose annulled decision could not be read is refused."""
    basis = reinstatement.basis or {}
    if basis.get(LEGACY_UNPARSED):
        raise CompetitionError(
            f"reinstatement {reinstatement.id} predates structured decisions and what it annulled "
            "could not be read: record its basis (selection.restate_basis) first (R3)")
    return (frozenset(tuple(t) for t in basis.get("pass_marks_waived", ())),
            frozenset(basis.get("tests_missed_standing", ())))


def named_basis(decision: Decision, failed: Sequence[Sequence[str]], missed: Sequence[str]) -> dict[str, Any]:
    """The basis a person states for a decision whose old reason could not be read (R3): the pass
    marks it failed and the tests it found missed, named by their tests and checked against the
    phase of the notice version the decision was taken under (never a pass mark it did not have)."""
    try:
        phase = definition(decision.notice_version).phase(decision.phase)
    except KeyError:
        raise CompetitionError(f"decision {decision.id}: its notice version has no phase {decision.phase!r}") from None
    marks = {tuple(p.tests): p for p in phase.pass_marks}
    unknown = sorted(" + ".join(f) for f in failed if tuple(f) not in marks)
    if unknown:
        raise CompetitionError(f"phase {phase.code} has no pass mark on {', '.join(unknown)} (pass marks: "
                               f"{'; '.join(' + '.join(k) for k in sorted(marks)) or 'none'})")
    tests = {t.code for t in phase.tests}
    strangers = sorted(set(missed) - tests)
    if strangers:
        raise CompetitionError(f"phase {phase.code} has no test {', '.join(strangers)} "
                               f"(tests: {', '.join(sorted(tests)) or 'none'})")
    basis: dict[str, Any] = {}
    if failed:
        basis["pass_marks_failed"] = [rules.PassMark(tuple(f), marks[tuple(f)].min,
                                                     eliminatory=marks[tuple(f)].eliminatory).as_data()
                                      for f in failed]
    if missed:
        basis["tests_missed"] = list(missed)
    return basis


def restate_basis(session: Session, decision: Decision, basis: dict[str, Any], *, actor: str,
                  reason: str) -> Decision:
    """Record what a decision older than structured decisions rests on, where migration 0007 could
    not read it from the old reason text (``{"legacy_reason_unparsed": true}``): once, by a person,
    with a reason and an audit row. A decision with a structured basis is never rewritten."""
    if not (decision.basis or {}).get(LEGACY_UNPARSED):
        raise CompetitionError(f"decision {decision.id} has a structured basis already: it is not restated")
    if not reason.strip():
        raise CompetitionError("restating a decision's basis needs a reason")
    if not isinstance(basis, dict) or not basis or basis.get(LEGACY_UNPARSED):
        raise CompetitionError("the basis must say what the decision rests on")
    for key in ("pass_marks_failed", "pass_marks_waived"):
        for item in basis.get(key, ()):
            tests = (item.get("tests") if isinstance(item, dict)
                     else item if key == "pass_marks_waived" else None)
            if not (isinstance(tests, list) and tests and all(isinstance(t, str) for t in tests)):
                raise CompetitionError(f"{key}: each pass mark is named by its list of tests, got {item!r}")
    before = decision.basis
    decision.basis = {**basis, "restated": True}
    session.flush()
    audit.record(session, actor=actor, entity="decision", entity_id=decision.id, action="restate-basis",
                 reason=reason, changes={"before": before, "after": decision.basis})
    return decision


def extend_reserve_list(session: Session, field: Field, *, until: date, actor: str, reason: str) -> ReserveList:
    """C12: a reserve list's validity may be extended (never shortened), with a recorded reason."""
    reserve = session.scalar(select(ReserveList).where(ReserveList.field_id == field.id))
    if reserve is None:
        raise CompetitionError(f"field {field.code} has no reserve list")
    if until <= reserve.valid_until:
        raise CompetitionError(f"the list is valid until {reserve.valid_until} already: "
                               "an extension must end later")
    before = reserve.valid_until
    reserve.valid_until = until
    audit.record(session, actor=actor, entity="reserve_list", entity_id=reserve.id, action="extend",
                 from_state=before.isoformat(), to_state=until.isoformat(), reason=reason)
    return reserve
