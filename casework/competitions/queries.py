"""Read-only views of a competition for pages and exports."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import rules
from .errors import CompetitionError
from .models import (
    Application,
    Candidate,
    Decision,
    Field,
    Notice,
    ReserveList,
    ReserveListEntry,
    Score,
    ScoreState,
    StageEvent,
    Status,
)
from .notices import definition


def overview(session: Session, notice: Notice) -> dict[str, Any]:
    """Counts of applications per field and status, with places from the version in force."""
    spec = definition(notice.current)
    counts: dict[int, dict[str, int]] = {}
    for field_id, status, n in session.execute(
            select(Application.field_id, Application.status, func.count())
            .where(Application.notice_id == notice.id).group_by(Application.field_id, Application.status)):
        counts.setdefault(field_id, {})[status.value] = n
    return {
        "notice": notice, "version": notice.current, "statuses": [s.value for s in Status],
        "fields": [{"code": f.code, "name": f.name, "places": spec.field(f.code).places,
                    "total": sum(counts.get(f.id, {}).values()), "by_status": counts.get(f.id, {})}
                   for f in notice.fields],
    }


@dataclass
class PublishedList:
    field: Field
    published_at: Any
    valid_until: Any
    names: list[str]
    withheld: int


def reserve_list_rows(session: Session, field: Field) -> tuple[ReserveList | None, list[tuple]]:
    reserve = session.scalar(select(ReserveList).where(ReserveList.field_id == field.id))
    if reserve is None:
        return None, []
    rows = session.execute(
        select(Application.id, Application.number, Candidate.surname, Candidate.given_names,
               Application.publish_name, ReserveListEntry.final_score, ReserveListEntry.reinstated)
        .join(ReserveListEntry, ReserveListEntry.application_id == Application.id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(ReserveListEntry.reserve_list_id == reserve.id)).all()
    order = {line.candidate_id: i for i, line in enumerate(rules.publication_order(
        rules.ListedPerson(r[0], r[2], r[3], r[4]) for r in rows))}
    return reserve, sorted(rows, key=lambda r: order[r[0]])


def published_reserve_lists(session: Session, notice: Notice) -> list[PublishedList]:
    """C12: names in alphabetical order; those who opted out are counted, not named."""
    out = []
    for field in notice.fields:
        reserve, rows = reserve_list_rows(session, field)
        if reserve is None:
            continue
        out.append(PublishedList(field, reserve.published_at, reserve.valid_until,
                                 [f"{r[2]} {r[3]}" for r in rows if r[4]],
                                 sum(1 for r in rows if not r[4])))
    return out


def ranking(session: Session, field: Field, tests: tuple[str, ...]) -> list[tuple]:
    """Applications of a field ranked by the sum of ``tests`` (competition ranking, ties shared)."""
    phases = definition(field.notice.current).phases
    known = {t.code for phase in phases for t in phase.tests} | {p.kind for p in phases if p.kind == "screener"}
    unknown = sorted(set(tests) - known) if tests else ["(none given)"]
    if unknown:
        raise CompetitionError(f"{field.notice.reference} has no test {', '.join(unknown)} "
                               f"(tests: {', '.join(sorted(known)) or 'none'})")
    totals: dict[int, Decimal] = {}
    counts: dict[int, int] = {}
    for app_id, score in session.execute(
            select(Score.application_id, Score.score)
            .join(Application, Application.id == Score.application_id)
            .where(Application.field_id == field.id, Score.test.in_(tests),
                   Score.state == ScoreState.RECORDED)):
        totals[app_id] = totals.get(app_id, Decimal(0)) + score
        counts[app_id] = counts.get(app_id, 0) + 1
    complete = {k: v for k, v in totals.items() if counts[k] == len(tests)}
    ranked = rules.rank_scores(complete)
    info = {r[0]: r[1:] for r in session.execute(
        select(Application.id, Application.number, Application.phase, Application.status)
        .where(Application.id.in_(list(complete))))} if complete else {}
    return [(e.rank, info[e.candidate_id][0], e.score, info[e.candidate_id][1], info[e.candidate_id][2].value)
            for e in ranked]


def invitations(session: Session, field: Field, phase: str) -> list[dict[str, Any]]:
    """Everyone invited into ``phase`` (C7), by application number, the reinstated flagged (R3)."""
    phases = [p.code for p in definition(field.notice.current).phases]
    if phase not in phases:
        raise CompetitionError(f"{field.notice.reference} has no phase {phase!r} (phases: {', '.join(phases)})")
    rows = session.execute(
        select(Application.number, Candidate.surname, Candidate.given_names, Decision.kind,
               Decision.published_at, Decision.source)
        .join(StageEvent, StageEvent.application_id == Application.id)
        .join(Decision, Decision.id == StageEvent.decision_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.field_id == field.id, StageEvent.phase == phase,
               StageEvent.status == Status.ACTIVE, Decision.kind.in_(("invited", "admitted")))
        .order_by(Application.number, Decision.id)).all()
    seen: dict[str, dict[str, Any]] = {}
    for number, surname, given, kind, published_at, source in rows:
        seen.setdefault(number, {"application": number, "surname": surname, "given_names": given,
                                 "decision": kind, "published_at": published_at.isoformat(),
                                 "reinstatement": source or ""})
    return list(seen.values())


def candidate_results(session: Session, application: Application) -> dict[str, Any]:
    """C13: what a candidate sees of their own results.

    Per phase once the field's phase has been decided, or only once the reserve-list phase has
    run when the notice says "at-end" (004 4.3.2 a). Marks left unprocessed after an eliminatory failure or cancelled by an amendment are
    not communicated (C10, C14). MCQ: score and the chosen vs correct answer by question
    reference — never the question text. Screener: weights, marks per answer, total, and the
    language it was filled in (C4). Assessment: the competency passport (the marked tests of a
    phase the notice marks ``competency_passport``) only for a candidate who is not excluded
    (003 Annex II 3.2.1; 002 3.2: none after an exclusion, an absence included).
    """
    from .selection import closed_phases
    spec = definition(application.notice.current)
    closed = closed_phases(session, application.field)
    if spec.results == "at-end" and spec.phases[-1].code not in closed:
        return {"available": False,
                "reason": "the notice publishes results only at the end of the competition"}
    scores = {s.test: s for s in session.scalars(select(Score).where(
        Score.application_id == application.id, Score.state == ScoreState.RECORDED))}
    out: dict[str, Any] = {"available": True, "tests": []}
    screener_closed = any(p.kind == "screener" and p.code in closed for p in spec.phases)
    if "screener" in scores and screener_closed:
        weights = spec.field(application.field.code).screener_weights
        marks = scores["screener"].detail["marks"]
        out["screener"] = {"total": str(scores["screener"].score),
                           "language": screener_language(spec, application),
                           "questions": [{"question": q, "weight": w, "mark": marks.get(q)}
                                         for q, w in weights.items()]}
    excluded = application.status is Status.EXCLUDED
    for phase in spec.phases:
        if phase.code not in closed:      # nothing is shown before the phase is decided
            continue
        passport = []
        for test in phase.tests:
            score = scores.get(test.code)
            if score is None:
                continue
            if phase.competency_passport and test.kind == "marked":
                if excluded:              # C13: no competency passport for an excluded candidate
                    continue
                passport.append({"test": test.code, "name": test.name, "score": str(score.score),
                                 "max": str(test.max)})
            row: dict[str, Any] = {"phase": phase.code, "test": test.code, "score": str(score.score),
                                   "max": str(test.max)}
            if test.kind == "mcq" and score.detail:
                from .results import answer_key
                key = answer_key(session, application.notice_id, test.code)
                row["answers"] = [{"question": q, "chosen": score.detail["answers"].get(q),
                                   "correct": key[q].correct, "neutralised": key[q].neutralised}
                                  for q in score.detail["given"]]
            out["tests"].append(row)
        if passport:
            out.setdefault("competency_passport", []).extend(passport)
    return out


def screener_language(spec: Any, application: Application) -> str:
    """C4: the language the candidate fills the talent screener in: their language 1 or 2 as
    the notice says (AD/398/22, AST/151/22: language 2, 003 4.3.1)."""
    return application.language_1 if spec.screener_language == "1" else application.language_2
