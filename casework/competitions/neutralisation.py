"""P1: neutralising MCQ questions — the board's before/after simulation, and the decision.

A neutralised question is cancelled and its points are redistributed over the other questions of
the test, **only for the candidates who were given it**; the marking rules stay the same
(:func:`casework.competitions.rules.score_mcq`). Before confirming, the board sees every
candidate's score, pass and rank before and after, side by side (:func:`simulate`, read-only).
Pass marks are *inclusive* (002 3.4.2): nobody who passed before fails because of it
(:func:`casework.competitions.selection.evaluate_inclusive`, which ``close_phase`` applies too).

:func:`neutralise` is one auditable decision in the caller's transaction: the questions are
marked neutralised, the sheets that contained them are rescored from the stored answers (never
from the stored rounded number), and where the phase has already been closed the candidates who
now pass are reinstated (R3). The exact score is kept in the sheet's detail
(``detail["neutralisation"]``); the ``score`` column gets it rounded to 4 places.

Sheets are loaded as plain rows and rescored with integer arithmetic on the points of the correct
answers (one ``Fraction`` per score), checked against ``rules.score_mcq`` in the tests; the
rescored rows are written in one statement over arrays on PostgreSQL, executemany on SQLite.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, case, cast, exists, func, select, text, type_coerce, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Session

from .. import audit
from . import rules
from .definition import PhaseSpec
from .errors import CompetitionError
from .models import Application, Decision, Field, Notice, PhaseClosure, Question, Score, ScoreState, Status
from .notices import definition
from .results import answer_key
from .selection import NEUTRALISED_BEFORE, evaluate_inclusive, reinstate

_COUNTED = (ScoreState.RECORDED, ScoreState.UNPROCESSED)   # a CANCELLED sitting gives no result (C14)
_NEUTRALISED_AFTER = Score.detail[("neutralisation", "after")].as_string()


class CandidateRow(NamedTuple):
    """One candidate with a result in the test: before and after, side by side (P1).

    ``passed_*`` are the phase's pass marks that involve the test (C8–C10): ``None`` when a mark
    they need is missing (or no pass mark involves the test). ``passes`` is the inclusive verdict
    (002 3.4.2). ``processed`` is False for a mark left unprocessed by an eliminatory failure
    (C10): rescored, but not ranked (``rank_*`` None). ``before`` and ``after`` are exact.
    """
    application_id: int
    application: str
    field: str
    given: bool
    before: Fraction
    after: Fraction
    passed_before: bool | None
    passed_after: bool | None
    passes: bool | None
    rank_before: int | None
    rank_after: int | None
    processed: bool

    @property
    def newly_passing(self) -> bool:
        return self.passed_before is False and self.passes is True

    @property
    def protected(self) -> bool:
        """Passed before and would fail on the new marks alone: kept by the inclusive rule."""
        return self.passed_before is True and self.passed_after is False

    def as_dict(self) -> dict[str, Any]:
        return {"application_id": self.application_id, "application": self.application,
                "field": self.field, "given": self.given, "processed": self.processed,
                "before": str(self.before), "after": str(self.after),
                "before_decimal": str(_rounded(self.before)), "after_decimal": str(_rounded(self.after)),
                "passed_before": self.passed_before, "passed_after": self.passed_after,
                "passes": self.passes, "rank_before": self.rank_before, "rank_after": self.rank_after}


@dataclass(frozen=True)
class NeutralisationReport:
    """What the board sees before confirming a neutralisation (P1, 002 3.4.2), and what
    :func:`neutralise` did. ``reinstated``: application numbers reinstated (R3) — by
    :func:`simulate`, those who would be. ``still_failing``: pass the test's pass marks now but
    fail another pass mark of the phase, so their elimination stands."""
    notice: str
    test: str
    phase: str
    questions: tuple[str, ...]
    rows: tuple[CandidateRow, ...]
    reinstated: tuple[str, ...] = ()
    still_failing: tuple[str, ...] = ()

    @cached_property
    def counts(self) -> dict[str, int]:
        return {"candidates": len(self.rows),
                "given": sum(r.given for r in self.rows),
                "newly_passing": sum(r.newly_passing for r in self.rows),
                "protected": sum(r.protected for r in self.rows),
                "rank_changed": sum(r.rank_before != r.rank_after for r in self.rows),
                "reinstated": len(self.reinstated)}

    def row(self, application: str) -> CandidateRow:
        for r in self.rows:
            if r.application == application:
                return r
        raise KeyError(application)

    def as_dict(self) -> dict[str, Any]:
        return {"notice": self.notice, "test": self.test, "phase": self.phase,
                "questions": list(self.questions), "counts": self.counts,
                "reinstated": list(self.reinstated), "still_failing": list(self.still_failing),
                "rows": [r.as_dict() for r in self.rows]}


def simulate(session: Session, notice: Notice, test: str, question_refs: Iterable[str]) -> NeutralisationReport:
    """P1: the before/after simulation of neutralising ``question_refs`` of ``test``. Writes nothing."""
    return _plan(session, notice, test, question_refs).report


def neutralise(session: Session, notice: Notice, test: str, question_refs: Iterable[str], *, actor: str,
               published_at: datetime, reason: str, source: str, author: str = "board") -> NeutralisationReport:
    """P1: the board's decision to neutralise ``question_refs`` of ``test``.

    Marks the questions neutralised, rescores the sheets that contained them, reinstates (R3) the
    candidates who now pass where the phase is closed (``source``: the case behind it), and adds
    one audit row — all in the caller's transaction, never committed here. A refusal
    (:class:`CompetitionError`) writes nothing.
    """
    plan = _plan(session, notice, test, question_refs)
    with session.begin_nested():      # a failure half-way leaves nothing behind
        for ref in plan.report.questions:
            plan.key[ref].neutralised = True
        session.flush()
        _write_scores(session, plan.updates, source)
        reinstated = []
        for app_id in plan.to_reinstate:
            application = session.get(Application, app_id)
            reinstate(session, application, author=author, actor=actor, published_at=published_at,
                      reason=f"question(s) {', '.join(plan.report.questions)} of {test} neutralised "
                             f"(P1): the pass mark is now reached — {reason}", source=source)
            reinstated.append(application.number)
        report = NeutralisationReport(plan.report.notice, test, plan.report.phase, plan.report.questions,
                                      plan.report.rows, tuple(reinstated), plan.report.still_failing)
        audit.record(session, actor=actor, entity="notice", entity_id=notice.id, action="neutralise",
                     reason=reason, changes={"test": test, "questions": list(report.questions),
                                             "counts": report.counts, "rescored": len(plan.updates),
                                             "reinstated": list(report.reinstated),
                                             "still_failing": list(report.still_failing), "source": source})
    return report


# --- the plan: everything computed before anything is written ------------------------------

@dataclass
class _Plan:
    report: NeutralisationReport
    key: dict[str, Question]
    updates: list[_Update]
    to_reinstate: list[int]


def _rounded(value: Fraction) -> Decimal:
    """The ``score`` column's value: 4 places, half away from zero (as PostgreSQL's numeric)."""
    q = (abs(value.numerator) * 20000 // value.denominator + 1) // 2
    return Decimal(q if value >= 0 else -q).scaleb(-4)


class _Scorer:
    """``rules.score_mcq`` for many sheets at once, before and after, on integers.

    Points are scaled to integers (``unit``: the common denominator); a sheet's score with a set of
    neutralised questions is ``correct × maximum / (remaining × unit)``, the redistribution of
    ``score_mcq`` (each remaining question × maximum / remaining), as one Fraction.
    """

    def __init__(self, key: Mapping[str, Question], old: set[str], new: set[str]):
        points = {ref: rules.exact(q.points) for ref, q in key.items()}
        self.unit = math.lcm(*(Fraction(p).denominator for p in points.values())) if points else 1
        self.points = {ref: int(p * self.unit) for ref, p in points.items()}
        self.correct = {ref: q.correct for ref, q in key.items()}
        self.old, self.new = old, new   # neutralised before / after (new ⊇ old)

    def rescore(self, given: list[str], answers: Mapping[str, str], number: str, test: str
                ) -> tuple[Fraction, Fraction, list[str]]:
        """Before and after, and the neutralised questions this candidate was given."""
        points, correct, old, new = self.points, self.correct, self.old, self.new
        total = got_before = left_before = got_after = left_after = 0
        hit = []
        for q in given:
            p = points.get(q)
            if p is None:
                raise CompetitionError(f"application {number}: {test} sheet has question {q}, "
                                       "which is not in the answer key")
            total += p
            right = answers.get(q) == correct[q]
            if q in new:
                hit.append(q)
                if q not in old:
                    left_before += p
                    got_before += p if right else 0
                continue
            left_before += p
            left_after += p
            if right:
                got_before += p
                got_after += p
        if left_after == 0:
            raise CompetitionError(f"application {number} was given no other question of {test} with "
                                   "points: neutralising these would leave no score (P1)")
        return (Fraction(got_before * total, left_before * self.unit),
                Fraction(got_after * total, left_after * self.unit), hit)


def _check(session: Session, notice: Notice, test: str, question_refs: Iterable[str]
           ) -> tuple[PhaseSpec, tuple[str, ...], dict[str, Question]]:
    spec = definition(notice.current)
    try:
        phase, test_spec = spec.test(test)
    except KeyError:
        raise CompetitionError(f"{notice.reference} has no test {test!r}") from None
    if test_spec.kind != "mcq":
        raise CompetitionError(f"{test} is a marked test, not an MCQ: only an MCQ question can be "
                               "neutralised (P1)")
    refs = tuple(dict.fromkeys(question_refs))
    if not refs:
        raise CompetitionError("name the question(s) to neutralise")
    key = answer_key(session, notice.id, test)
    unknown = [r for r in refs if r not in key]
    if unknown:
        raise CompetitionError(f"{test} of {notice.reference} has no question {', '.join(unknown)}")
    already = [r for r in refs if key[r].neutralised]
    if already:
        raise CompetitionError(f"question(s) {', '.join(already)} of {test} are neutralised already")
    return phase, refs, key


def _given_any(session: Session, refs: tuple[str, ...]):
    """SQL: the sheet's ``given`` list contains one of ``refs`` (only those are rescored)."""
    if session.get_bind().dialect.name == "postgresql":
        return type_coerce(Score.detail, JSONB)["given"].has_any(cast(list(refs), ARRAY(String)))
    given = func.json_each(Score.detail, "$.given").table_valued("value")
    return exists(select(1).select_from(given).where(given.c.value.in_(refs)))


def _exact(score: Decimal, after: str | None) -> rules.Exact:
    """A stored result as an exact number: the kept exact value after a neutralisation, else the
    column (exact without a neutralisation: points have at most 4 decimals)."""
    return Fraction(after) if after is not None else rules.exact(score)


def _marks(session: Session, notice: Notice, tests: list[str], app_ids: list[int] | None = None
           ) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Per application, its marks in ``tests`` (a tuple in that order, None: no mark) now, and
    before any neutralisation (P1) where one changed them."""
    now: dict[int, list] = {}
    then: dict[int, list] = {}
    if not tests:
        return {}, {}
    position = {t: i for i, t in enumerate(tests)}
    query = (select(Score.application_id, Score.test, Score.score, _NEUTRALISED_AFTER, NEUTRALISED_BEFORE)
             .join(Application, Application.id == Score.application_id)
             .where(Application.notice_id == notice.id, Score.test.in_(tests), Score.state.in_(_COUNTED)))
    chunks = [None] if app_ids is None else [app_ids[i:i + 5000] for i in range(0, len(app_ids), 5000)]
    for chunk in chunks:
        for app_id, t, score, after, before in session.connection().execute(
                query if chunk is None else query.where(Score.application_id.in_(chunk))):
            marks = now.get(app_id)
            if marks is None:
                marks = now[app_id] = [None] * len(tests)
            marks[position[t]] = _exact(score, after)
            if before is not None:
                then.setdefault(app_id, [None] * len(tests))[position[t]] = Fraction(before)
    return {k: tuple(v) for k, v in now.items()}, {k: tuple(v) for k, v in then.items()}


class _Verdicts:
    """Pass verdicts through ``selection.evaluate_inclusive`` — the rule ``close_phase`` applies
    (C8–C10, P1) —, memoised: thousands of candidates share the same marks. A verdict is ``None``
    when a mark is missing (and nothing fails), or when no pass mark is to be judged.

    ``others`` are the other tests of the pass marks, in a fixed order: a candidate's marks in
    them are given as a tuple (``None``: no mark), now and before any neutralisation."""

    def __init__(self, specs: list[rules.PassMark], test: str):
        self.specs, self.test = specs, test
        self.others = sorted({t for s in specs for t in s.tests} - {test})
        self.memo: dict[tuple, bool | None] = {}

    def __call__(self, value: rules.Exact, others: tuple, earlier: rules.Exact | None = None,
                 earlier_others: tuple = ()) -> bool | None:
        """Pass marks met with ``value`` in the test and ``others``, or (inclusive) with the marks
        before a neutralisation: ``earlier`` in the test, ``earlier_others`` (None: unchanged)."""
        if not self.specs:
            return None
        key = (value.numerator, value.denominator, others,
               None if earlier is None else (earlier.numerator, earlier.denominator), earlier_others)
        try:
            return self.memo[key]
        except KeyError:
            pass
        marks = {t: v for t, v in zip(self.others, others) if v is not None}
        marks[self.test] = value
        before = {t: v for t, v in zip(self.others, earlier_others) if v is not None}
        if earlier is not None:
            before[self.test] = earlier
        result = evaluate_inclusive(marks, before, self.specs)
        verdict = True if result.passed else (
            False if any(f.achieved is not None for f in result.failures) else None)
        self.memo[key] = verdict
        return verdict


def _ranks(values: dict[int, rules.Exact]) -> dict[int, int]:
    """Competition ranks (C7: ties share a rank) with ``rules.rank_scores``, on integers scaled by
    the common denominator (the same order, without comparing thousands of Fractions)."""
    unit = math.lcm(*{v.denominator for v in values.values()}) if values else 1
    scaled = {k: v.numerator * (unit // v.denominator) for k, v in values.items()}
    return {e.candidate_id: e.rank for e in rules.rank_scores(scaled)}


def _plan(session: Session, notice: Notice, test: str, question_refs: Iterable[str]) -> _Plan:
    phase, refs, key = _check(session, notice, test, question_refs)
    session.flush()
    old = {ref for ref, q in key.items() if q.neutralised}
    scorer = _Scorer(key, old, old | set(refs))
    hit = _given_any(session, refs)
    rows = session.connection().execute(
        select(Score.id, Score.application_id, Application.number, Field.code, Score.state, Score.score,
               _NEUTRALISED_AFTER, NEUTRALISED_BEFORE, Score.detail["given"].as_string().is_(None),
               case((hit, Score.detail), else_=None))
        .join(Application, Application.id == Score.application_id)
        .join(Field, Field.id == Application.field_id)
        .where(Application.notice_id == notice.id, Score.test == test, Score.state.in_(_COUNTED)))

    verdict = _Verdicts([rules.PassMark(s.tests, s.min) for s in phase.pass_marks if test in s.tests], test)
    others_now, others_then = _marks(session, notice, verdict.others)
    none = (None,) * len(verdict.others)
    out = []
    updates: list[_Update] = []
    for score_id, app_id, number, field, state, score, after_text, before_text, no_sheet, detail in rows:
        if no_sheet:
            raise CompetitionError(f"application {number} has a {test} result without its answer sheet: "
                                   "whether it was given the question cannot be told (P1)")
        original = Fraction(before_text) if before_text is not None else None
        others = others_now.get(app_id, none)
        earlier = others_then.get(app_id, ())
        if detail is None:
            before = after = Fraction(_exact(score, after_text))
            passed_before = passed_after = passes = verdict(before, others, original, earlier)
        else:
            before, after, given = scorer.rescore(detail["given"], detail["answers"], number, test)
            updates.append(_Update(score_id, before, after, given, detail.get("neutralisation")))
            passed_before = verdict(before, others, original, earlier)
            passed_after = verdict(after, others)
            passes = verdict(after, others, before if original is None else original, earlier)
        out.append((app_id, number, field, detail is not None, before, after, passed_before, passed_after,
                    passes, state is ScoreState.RECORDED))

    ranks = []
    for when in (4, 5):          # before, after: ranks within each field, processed results only
        by_field: dict[str, dict[int, rules.Exact]] = {}
        for r in out:
            if r[9]:
                by_field.setdefault(r[2], {})[r[0]] = r[when]
        ranks.append({app: rank for values in by_field.values() for app, rank in _ranks(values).items()})
    rank_before, rank_after = ranks
    out.sort(key=lambda r: (r[2], r[1]))
    table = tuple(CandidateRow(*r[:9], rank_before.get(r[0]), rank_after.get(r[0]), r[9]) for r in out)
    to_reinstate, still_failing = _reinstatements(session, notice, phase, test, table)
    numbers = {r.application_id: r.application for r in table}
    report = NeutralisationReport(notice.reference, test, phase.code, refs, table,
                                  tuple(numbers[a] for a in to_reinstate), tuple(still_failing))
    return _Plan(report, key, updates, to_reinstate)


class _Update(NamedTuple):
    """A rescored sheet: what ``detail["neutralisation"]`` will say, and the ``score`` column."""
    score_id: int
    before: Fraction
    after: Fraction
    questions: list[str]          # the neutralised questions this candidate was given
    earlier: dict[str, Any] | None   # the sheet's entry of an earlier neutralisation

    def entry(self, source: str) -> str:
        """``detail["neutralisation"]`` as JSON: the exact scores (``before``: before any
        neutralisation — the reference of the inclusive pass marks), the questions and the source;
        an earlier neutralisation of the sheet is kept in ``history``."""
        if self.earlier is None:     # the common case, written for 50,000 sheets at once
            return (f'{{"questions": {json.dumps(self.questions)}, "before": "{self.before}", '
                    f'"after": "{self.after}", "source": {json.dumps(source)}}}')
        earlier = self.earlier
        return json.dumps({"questions": self.questions, "before": earlier["before"], "after": str(self.after),
                           "source": source,
                           "history": [*earlier.get("history", []),
                                       {k: earlier[k] for k in ("questions", "after", "source") if k in earlier}]})


def _reinstatements(session: Session, notice: Notice, phase: PhaseSpec, test: str,
                    rows: tuple[CandidateRow, ...]) -> tuple[list[int], list[str]]:
    """R3: who now passes, at a phase already closed for their field, and was eliminated by the
    failure at that phase. One who still fails another pass mark of the phase stays out."""
    closed = set(session.scalars(select(Field.code).join(PhaseClosure, PhaseClosure.field_id == Field.id)
                                 .where(Field.notice_id == notice.id, PhaseClosure.phase == phase.code)))
    ids = [r.application_id for r in rows if r.newly_passing and r.field in closed]
    if not ids:
        return [], []
    latest = (select(func.max(Decision.id)).where(Decision.application_id.in_(ids),
                                                  Decision.outcome.in_((Status.ELIMINATED, Status.EXCLUDED)))
              .group_by(Decision.application_id))
    failed = set(session.scalars(
        select(Decision.application_id).join(Application, Application.id == Decision.application_id)
        .where(Decision.id.in_(latest), Decision.kind == "failed", Decision.phase == phase.code,
               Application.status == Status.ELIMINATED)))
    by_id = {r.application_id: r for r in rows}
    verdict = _Verdicts([rules.PassMark(s.tests, s.min) for s in phase.pass_marks], test)
    now, then = _marks(session, notice, [test, *verdict.others], sorted(failed))   # C10-unprocessed too
    none = (None,) * (1 + len(verdict.others))
    reinstate_ids, still_failing = [], []
    for app_id in sorted(failed, key=lambda a: by_id[a].application):
        row = by_id[app_id]
        earlier = then.get(app_id, none)
        if verdict(row.after, now.get(app_id, none)[1:], earlier[0] if earlier[0] is not None else row.before,
                   earlier[1:]) is False:
            still_failing.append(row.application)
        else:
            reinstate_ids.append(app_id)
    return reinstate_ids, still_failing


# --- writing --------------------------------------------------------------------------------

_POSTGRES_RESCORE = text("""
UPDATE scores AS s
SET score = u.score, detail = s.detail || jsonb_build_object('neutralisation', u.entry)
FROM unnest(CAST(:ids AS integer[]), CAST(:scores AS numeric[]), CAST(:entries AS jsonb[]))
     AS u(id, score, entry)
WHERE s.id = u.id
""")


def _write_scores(session: Session, updates: list[_Update], source: str) -> None:
    """The rescored sheets in bulk: one statement over arrays (PostgreSQL), executemany (SQLite)."""
    if not updates:
        return
    ids = [u.score_id for u in updates]
    scores = [str(_rounded(u.after)) for u in updates]
    entries = [u.entry(source) for u in updates]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_POSTGRES_RESCORE, {"ids": ids, "scores": scores, "entries": entries})
    else:
        table = Score.__table__
        statement = (update(table).where(table.c.id == bindparam("b_id"))
                     .values(score=bindparam("b_score"),
                             detail=func.json_set(table.c.detail, "$.neutralisation",
                                                  func.json(bindparam("b_entry", type_=String)))))
        session.connection().execute(statement, [{"b_id": i, "b_score": Decimal(sc), "b_entry": e}
                                                 for i, sc, e in zip(ids, scores, entries)])
    rescored = set(ids)
    for obj in list(session.identity_map.values()):    # ORM copies of the rows are stale now
        if isinstance(obj, Score) and obj.id in rescored:
            session.expire(obj)
