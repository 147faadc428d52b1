"""P1: neutralising MCQ questions — the board's before/after simulation, and the decision.

A neutralised question is cancelled and its points are redistributed over the other questions of
the test, **only for the candidates who were given it**; the marking rules stay the same
(:func:`casework.competitions.rules.score_mcq`). Before confirming, the board sees every
candidate's score, pass and rank before and after, side by side (:func:`simulate`, read-only).
Pass marks are *inclusive* (002 3.4.2): nobody who passed before fails because of it
(:func:`casework.competitions.rules.evaluate_inclusive`, which ``close_phase`` applies too).

:func:`neutralise` is one auditable decision in the caller's transaction: the questions are
marked neutralised, the sheets that contained them are rescored from the stored answers (never
from the stored rounded number), and where the phase has already been closed the candidates who
now pass are reinstated (R3). The exact score is kept in the sheet's detail
(``detail["neutralisation"]``); the ``score`` column gets it rounded to 4 places.

For 50,000 sheets: the database reads each sheet against the key (one character per question:
not given, given, answered right) and hands over plain rows; the exact arithmetic is done here on
integers (one ``Fraction`` per score, shared by the sheets with the same counts), checked against
``rules.score_mcq`` in the tests; pass verdicts are memoised; the rescored rows are written in one
statement over arrays on PostgreSQL, executemany on SQLite.
"""
from __future__ import annotations

import functools
import json
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy import String, and_, bindparam, case, cast, exists, func, null, select, text, type_coerce, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Session, aliased

from .. import audit
from . import rules
from .definition import PhaseSpec
from .errors import CompetitionError
from .models import Application, Decision, Field, Notice, PhaseClosure, Question, Score, ScoreState, Status
from .notices import definition
from .results import answer_key
from .selection import reinstate

_COUNTED = (ScoreState.RECORDED, ScoreState.UNPROCESSED)   # a CANCELLED sitting gives no result (C14)


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
            # R3: the candidate now passes on the rescored marks (inclusive, 002 3.4.2), so no pass
            # mark is waived: the marks decide again, and no old reason text is needed (R2)
            reinstate(session, application, author=author, actor=actor, published_at=published_at,
                      reason=f"question(s) {', '.join(plan.report.questions)} of {test} neutralised "
                             f"(P1): the pass mark is now reached — {reason}", source=source, waives=())
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


def _units(value: Fraction) -> int:
    """A score in 1/10,000: the ``score`` column's 4 places, half away from zero (as PostgreSQL)."""
    n, d = value.numerator, value.denominator
    return (n * 20000 // d + 1) // 2 if n >= 0 else -((-n * 20000 // d + 1) // 2)


def _rounded(value: Fraction) -> Decimal:
    return Decimal(_units(value)).scaleb(-4)


class _Scorer:
    """``rules.score_mcq`` for many answer sheets at once, before and after, on integers.

    The database reads each sheet against the key (:func:`_sheet_sql`) and hands over one
    character per question of the key, in ``refs`` order: ``0`` not given, ``1`` given and not
    answered right, ``2`` given and answered right. Points are scaled to integers (``unit``: their
    common denominator); a sheet's score with a set of neutralised questions is
    ``right × maximum / (remaining × unit)`` — ``score_mcq``'s redistribution (each remaining
    question × maximum / remaining) as one Fraction.
    """

    def __init__(self, key: Mapping[str, Question], old: set[str], new: set[str]):
        self.refs = sorted(key)
        self.correct = [key[ref].correct for ref in self.refs]
        points = [rules.exact(key[ref].points) for ref in self.refs]
        self.unit = math.lcm(*(Fraction(p).denominator for p in points)) if points else 1
        self.points = [int(p * self.unit) for p in points]
        self.uniform = self.points[0] if points and len(set(self.points)) == 1 else None
        self.old = [i for i, ref in enumerate(self.refs) if ref in old]            # neutralised already
        self.new = [i for i, ref in enumerate(self.refs) if ref in new - old]      # neutralised now
        self.neutralised = sorted(self.old + self.new)
        self.pick = operator.itemgetter(*self.neutralised) if self.neutralised else (lambda code: ())
        self.memo: dict[tuple, tuple[Fraction, Fraction, tuple[str, ...]]] = {}

    def rescore(self, code: str, length: int, number: str, test: str
                ) -> tuple[Fraction, Fraction, tuple[str, ...]]:
        """Before and after, and the neutralised questions this candidate was given."""
        if len(code) - code.count("0") != length:
            raise CompetitionError(f"application {number}: the {test} sheet lists a question that is not in "
                                   "the answer key (or lists one twice)")
        if self.uniform is None:
            return self._rescore(code, length, number, test)
        # every question weighs the same: the score depends only on these counts (many share them)
        key = (length, code.count("2"), self.pick(code))
        try:
            return self.memo[key]
        except KeyError:
            result = self.memo[key] = self._rescore(code, length, number, test)
            return result

    def _rescore(self, code: str, length: int, number: str, test: str) -> tuple[Fraction, Fraction, tuple[str, ...]]:
        p = self.uniform
        if p is not None:
            total, right = p * length, p * code.count("2")
            old_given = p * sum(code[i] != "0" for i in self.old)
            old_right = p * sum(code[i] == "2" for i in self.old)
            new_given = p * sum(code[i] != "0" for i in self.new)
            new_right = p * sum(code[i] == "2" for i in self.new)
        else:
            points = self.points
            total = right = old_given = old_right = new_given = new_right = 0
            for i, c in enumerate(code):
                if c != "0":
                    total += points[i]
                    right += points[i] if c == "2" else 0
            for i in self.old:
                old_given += points[i] if code[i] != "0" else 0
                old_right += points[i] if code[i] == "2" else 0
            for i in self.new:
                new_given += points[i] if code[i] != "0" else 0
                new_right += points[i] if code[i] == "2" else 0
        left_before, got_before = total - old_given, right - old_right
        left_after, got_after = left_before - new_given, got_before - new_right
        if left_after == 0:
            raise CompetitionError(f"application {number} was given no other question of {test} with "
                                   "points: neutralising these would leave no score (P1)")
        return (Fraction(got_before * total, left_before * self.unit),
                Fraction(got_after * total, left_after * self.unit),
                tuple(self.refs[i] for i in self.neutralised if code[i] != "0"))


def _sheet_sql(dialect: str, scorer: _Scorer, refs: tuple[str, ...]):
    """SQL over the stored answer sheets (``Score.detail``): whether the sheet was given one of
    ``refs``; the number of questions given (NULL: no sheet); and the sheet read against the key,
    one character per question (see :class:`_Scorer`). Only the sheets given ``refs`` are read."""
    if dialect == "postgresql":
        given_list = type_coerce(Score.detail, JSONB)["given"]
        hit = given_list.has_any(cast(list(refs), ARRAY(String)))
        length = func.jsonb_array_length(given_list)

        def given(ref):
            return given_list.has_key(ref)
    else:
        def given(ref):
            element = func.json_each(Score.detail, "$.given").table_valued("value")
            return exists(select(1).select_from(element).where(element.c.value == ref))

        element = func.json_each(Score.detail, "$.given").table_valued("value")
        hit = exists(select(1).select_from(element).where(element.c.value.in_(refs)))
        length = func.json_array_length(Score.detail, "$.given")
    code = functools.reduce(operator.add, [
        case((given(ref), case((Score.detail[("answers", ref)].as_string() == correct, "2"), else_="1")),
             else_="0")
        for ref, correct in zip(scorer.refs, scorer.correct)])
    return hit, length, case((hit, code), else_=None)


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


def _kept(model, neutralised_before: bool) -> tuple:
    """The exact scores after and before a neutralisation that a sheet's detail keeps (SQL; the
    same path as ``selection.NEUTRALISED_BEFORE``), or NULLs for a test none of whose questions
    was ever neutralised (nothing to read)."""
    if not neutralised_before:
        return null(), null()
    return (model.detail[("neutralisation", "after")].as_string(),
            model.detail[("neutralisation", "before")].as_string())


def _other_marks(columns: tuple) -> tuple[tuple, tuple]:
    """(score, exact after, before) per other test → the marks now, and before a neutralisation
    (empty when none changed them)."""
    if not columns:
        return (), ()
    now = tuple(None if columns[i] is None else _exact(columns[i], columns[i + 1])
                for i in range(0, len(columns), 3))
    if all(columns[i] is None for i in range(2, len(columns), 3)):
        return now, ()
    return now, tuple(None if columns[i] is None else Fraction(columns[i]) for i in range(2, len(columns), 3))


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
    query = (select(Score.application_id, Score.test, Score.score, *_kept(Score, True))
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
    """Pass verdicts through ``rules.evaluate_inclusive`` — the rule ``close_phase`` applies
    (C8–C10, P1) —, memoised: thousands of candidates share the same marks. A verdict is ``None``
    when a mark is missing (and nothing fails), or when no pass mark is to be judged.

    ``others`` are the other tests of the pass marks, in a fixed order: a candidate's marks in
    them are given as a tuple (``None``: no mark), now and before any neutralisation."""

    def __init__(self, specs: list[rules.PassMark], test: str):
        self.specs, self.test = specs, test
        self.others = sorted({t for s in specs for t in s.tests} - {test})
        self.memo: dict[tuple, tuple[bool | None, bool | None, bool | None]] = {}
        self.verdicts: dict[tuple, bool | None] = {}

    def __call__(self, value: rules.Exact, others: tuple, earlier: rules.Exact | None = None,
                 earlier_others: tuple = ()) -> bool | None:
        """Pass marks met with ``value`` in the test and ``others``, or (inclusive) with the marks
        before a neutralisation: ``earlier`` in the test, ``earlier_others`` (None: unchanged)."""
        if not self.specs:
            return None
        key = (value, others, earlier, earlier_others)
        try:
            return self.verdicts[key]
        except KeyError:
            pass
        marks = {t: v for t, v in zip(self.others, others) if v is not None}
        marks[self.test] = value
        before = {t: v for t, v in zip(self.others, earlier_others) if v is not None}
        if earlier is not None:
            before[self.test] = earlier
        result = rules.evaluate_inclusive(marks, before, self.specs)
        verdict = self.verdicts[key] = True if result.passed else (
            False if any(f.achieved is not None for f in result.failures) else None)
        return verdict

    def row(self, before: Fraction, after: Fraction, given: bool, original: str | None, columns: tuple
            ) -> tuple[bool | None, bool | None, bool | None]:
        """(passed before, passed after, passes) of a candidate: the test's score before and after,
        its exact score before any neutralisation (``original``), and the other marks as read
        (score, exact after, before — per other test)."""
        key = (before.numerator, before.denominator, after.numerator, after.denominator, given, original, columns)
        try:
            return self.memo[key]
        except KeyError:
            pass
        others, earlier = _other_marks(columns)
        first = None if original is None else Fraction(original)
        passed_before = self(before, others, first, earlier)
        if not given:
            verdicts = (passed_before,) * 3
        else:
            verdicts = (passed_before, self(after, others),
                        self(after, others, before if first is None else first, earlier))
        self.memo[key] = verdicts
        return verdicts


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
    verdict = _Verdicts([rules.PassMark(s.tests, s.min) for s in phase.pass_marks if test in s.tests], test)
    hit, length, code = _sheet_sql(session.get_bind().dialect.name, scorer, refs)
    touched = set(session.scalars(select(Question.test).distinct().where(   # tests neutralised before
        Question.notice_id == notice.id, Question.neutralised)))
    query = (select(Score.id, Score.application_id, Application.number, Field.code, Score.state, Score.score,
                    *_kept(Score, test in touched), length, code,
                    case((hit, Score.detail["neutralisation"]), else_=None))
             .join(Application, Application.id == Score.application_id)
             .join(Field, Field.id == Application.field_id)
             .where(Application.notice_id == notice.id, Score.test == test, Score.state.in_(_COUNTED)))
    for other in verdict.others:      # the other marks the pass marks need, on the same row
        mark = aliased(Score)
        query = query.outerjoin(mark, and_(mark.application_id == Score.application_id, mark.test == other,
                                           mark.state.in_(_COUNTED)))
        query = query.add_columns(mark.score, *_kept(mark, other in touched))
    out = []
    updates: list[_Update] = []
    for row in session.connection().execute(query).all():
        score_id, app_id, number, field, state, score, after_text, before_text, length, code, earlier_entry = row[:11]
        if length is None:
            raise CompetitionError(f"application {number} has a {test} result without its answer sheet: "
                                   "whether it was given the question cannot be told (P1)")
        if code is None:
            before = after = Fraction(_exact(score, after_text))
        else:
            before, after, given = scorer.rescore(code, length, number, test)
            updates.append(_Update(score_id, before, after, given, earlier_entry))
        passed_before, passed_after, passes = verdict.row(before, after, code is not None, before_text, row[11:])
        out.append((app_id, number, field, code is not None, before, after, passed_before, passed_after,
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
    """A rescored sheet: what ``detail["neutralisation"]`` will say, and the ``score`` column.

    ``detail["neutralisation"]``: the exact scores (``before``: before any neutralisation, the
    reference of the inclusive pass marks), the neutralised questions the candidate was given and
    the source; an earlier neutralisation of the same sheet is kept in ``history``."""
    score_id: int
    before: Fraction
    after: Fraction
    questions: tuple[str, ...]    # the neutralised questions this candidate was given
    earlier: dict[str, Any] | None   # the sheet's entry of an earlier neutralisation

    def entry(self, source: str) -> str:
        """``detail["neutralisation"]`` as JSON."""
        entry = {"questions": list(self.questions), "before": str(self.before), "after": str(self.after),
                 "source": source}
        if self.earlier is not None:
            earlier = self.earlier
            entry["before"] = earlier["before"]
            entry["history"] = [*earlier.get("history", []),
                                {k: earlier[k] for k in ("questions", "after", "source") if k in earlier}]
        return json.dumps(entry)


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
SET score = u.units * 0.0001,
    detail = s.detail || jsonb_build_object('neutralisation', jsonb_build_object(
        'questions', CAST((CAST(:lists AS text[]))[u.list] AS jsonb),
        'before', CASE WHEN u.bd = 1 THEN u.bn::text ELSE u.bn || '/' || u.bd END,
        'after', CASE WHEN u.ad = 1 THEN u.an::text ELSE u.an || '/' || u.ad END,
        'source', CAST(:source AS text)))
FROM unnest(CAST(:ids AS integer[]), CAST(:units AS bigint[]), CAST(:list AS integer[]),
            CAST(:bn AS numeric[]), CAST(:bd AS numeric[]), CAST(:an AS numeric[]), CAST(:ad AS numeric[]))
     AS u(id, units, list, bn, bd, an, ad)
WHERE s.id = u.id
""")
_POSTGRES_RESCORE_AGAIN = text("""
UPDATE scores AS s
SET score = u.units * 0.0001, detail = s.detail || jsonb_build_object('neutralisation', u.entry)
FROM unnest(CAST(:ids AS integer[]), CAST(:units AS bigint[]), CAST(:entries AS jsonb[])) AS u(id, units, entry)
WHERE s.id = u.id
""")


def _numbers(values: Iterable[int]) -> str:
    """An array of whole numbers as PostgreSQL's array text: for 50,000 numbers far cheaper for the
    driver than a list parameter."""
    return "{" + ",".join(map(str, values)) + "}"


def _write_scores(session: Session, updates: list[_Update], source: str) -> None:
    """The rescored sheets in bulk: one statement over arrays (PostgreSQL), executemany (SQLite).
    On PostgreSQL the exact scores go as whole numbers (numerators and denominators, the rounded
    score in 1/10,000) and the entry is built by the statement; a sheet neutralised before (its
    entry keeps the history) goes with its entry built here."""
    if not updates:
        return
    ids = [u.score_id for u in updates]
    if session.get_bind().dialect.name == "postgresql":
        first = [u for u in updates if u.earlier is None]
        lists: dict[tuple[str, ...], int] = {}        # most sheets share the same list of questions
        index = [lists.setdefault(u.questions, len(lists) + 1) for u in first]
        if first:
            session.execute(_POSTGRES_RESCORE, {
                "ids": _numbers(u.score_id for u in first), "units": _numbers(_units(u.after) for u in first),
                "list": _numbers(index), "lists": [json.dumps(list(q)) for q in lists], "source": source,
                "bn": _numbers(u.before.numerator for u in first), "bd": _numbers(u.before.denominator for u in first),
                "an": _numbers(u.after.numerator for u in first), "ad": _numbers(u.after.denominator for u in first)})
        again = [u for u in updates if u.earlier is not None]
        if again:
            session.execute(_POSTGRES_RESCORE_AGAIN, {"ids": [u.score_id for u in again],
                                                      "units": [_units(u.after) for u in again],
                                                      "entries": [u.entry(source) for u in again]})
    else:
        table = Score.__table__
        statement = (update(table).where(table.c.id == bindparam("b_id"))
                     .values(score=bindparam("b_score"),
                             detail=func.json_set(table.c.detail, "$.neutralisation",
                                                  func.json(bindparam("b_entry", type_=String)))))
        session.connection().execute(statement, [{"b_id": u.score_id, "b_score": _rounded(u.after),
                                                  "b_entry": u.entry(source)} for u in updates])
    rescored = set(ids)
    for obj in list(session.identity_map.values()):    # ORM copies of the rows are stale now
        if isinstance(obj, Score) and obj.id in rescored:
            session.expire(obj)
