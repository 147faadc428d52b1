"""Benchmark: the workflows' bulk operations on a competition of 50,000 candidates.

Parts (``--part``, default all), each a function ``bench_<part>`` of this module on a fresh
database created and dropped by :func:`fresh_database`:

- ``neutralisation``: P1. EPSO/AD/398/22 with a verbal MCQ of ``--questions`` questions, taken by
  ``--candidates`` candidates at the assessment phase (every one given every question: all are
  rescored, the worst case). Times :func:`casework.competitions.neutralisation.simulate` and
  :func:`~casework.competitions.neutralisation.neutralise` of one question, each in its own
  transaction, against a baseline measured in the same run on the same rows: one raw SQL
  ``UPDATE`` of the score and the detail of the sheets that contain the question (rolled back,
  best of 3, run after the timed operations so that its dead rows do not slow them down).
- ``apply``: :func:`casework.workflows.apply` for a simple step (P3 ``analyse``), one transaction
  per case with the case loaded first, against raw ``UPDATE …; INSERT audit`` transactions on the
  same kind of rows, alternating in blocks so that both see the same load (``--cases``).

    python bench/workflows.py --postgres URL [--candidates 50000] [--questions 40] [--cases 5000] [--part all]

The figures that count are PostgreSQL's (``source scripts/_postgres.sh && start_throwaway_postgres``
starts a throwaway server and exports CASEWORK_TEST_POSTGRES_URL); without --postgres the parts
run on a temporary SQLite file, for a look only.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casework import clock
from casework.audit import AuditEvent
from casework.auth.actors import Actor
from casework.auth.models import Role
from casework.cases.models import Case, CaseState, CaseType, DecidingBody
from casework.competitions.models import (
    Application,
    ApplicationState,
    Candidate,
    Notice,
    PhaseClosure,
    Question,
    Score,
    ScoreState,
    Status,
)
from casework.competitions.neutralisation import neutralise, simulate
from casework.competitions.notices import publish_notice
from casework.db import Database
from casework.migrate import upgrade
from casework.workflows import apply

NOTICE = ROOT / "casework" / "demo" / "notices" / "EPSO-AD-398-22.json"
AT = datetime(2022, 12, 1, tzinfo=UTC)


@contextmanager
def fresh_database(url: str | None) -> Iterator[Database]:
    """A new database at head on the PostgreSQL server of ``url`` (dropped afterwards), or a
    temporary SQLite file when ``url`` is None."""
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.sqlite")
            upgrade(db.engine)
            try:
                yield db
            finally:
                db.engine.dispose()
        return
    name = f"casework_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(Database(url).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        db = Database(Database(url).url.rsplit("/", 1)[0] + "/" + name)
        upgrade(db.engine)
        try:
            yield db
        finally:
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def analyse(db: Database, *tables: str) -> None:
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.execute(text(f"ANALYZE {table}"))


def _timed(label: str, fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    print(f"  {label:34s} {elapsed:7.3f} s", flush=True)
    return elapsed, out


# --- P1 neutralisation -----------------------------------------------------------------------

def build_mcq(db: Database, candidates: int, questions: int, seed: int = 7) -> tuple[int, list[str]]:
    """AD/398/22 with a verbal MCQ of ``questions`` questions; ``candidates`` at the assessment
    phase, each with a verbal answer sheet (every question given) and numerical/abstract marks."""
    rnd = random.Random(seed)
    document = json.loads(NOTICE.read_text())
    assessment = next(p for p in document["phases"] if p["code"] == "assessment")
    verbal = next(t for t in assessment["tests"] if t["code"] == "verbal")
    verbal["max"] = questions
    assessment["pass_marks"][0]["min"] = (questions + 20) // 2      # half of verbal + numerical + abstract
    with db.session_scope() as s, clock.use_clock(clock.FrozenClock(datetime(2022, 2, 20, tzinfo=UTC))):
        notice = publish_notice(s, document, actor="bench")
        version_id, notice_id = notice.current.id, notice.id
        fields = [f.id for f in notice.fields]
    refs = [f"VER-{i:03d}" for i in range(1, questions + 1)]
    key = {ref: rnd.choice("ABCD") for ref in refs}
    with db.engine.begin() as conn:
        conn.execute(insert(Question), [{"notice_id": notice_id, "test": "verbal", "ref": ref, "correct": c,
                                         "points": Decimal(1), "neutralised": False} for ref, c in key.items()])
        conn.execute(insert(Candidate), [
            {"id": i, "email": f"c{i}@example.org", "identity_key": f"K{i}", "surname": f"S{i:06d}",
             "given_names": "G", "correspondence_language": "EN"} for i in range(1, candidates + 1)])
        conn.execute(insert(Application), [
            {"id": i, "number": f"A{i:06d}", "candidate_id": i, "notice_id": notice_id,
             "field_id": fields[i % len(fields)], "state": ApplicationState.VALIDATED,
             "language_1": "DE", "language_2": "EN", "language_levels": {}, "profile": {},
             "publish_name": True, "documents_supported": True, "reinstated": False,
             "phase": "assessment", "status": Status.ACTIVE} for i in range(1, candidates + 1)])
        conn.execute(insert(PhaseClosure), [
            {"field_id": f, "phase": p, "notice_version_id": version_id, "actor": "bench", "closed_at": AT}
            for f in fields for p in ("application", "eligibility", "screener")])
        rows = []
        for i in range(1, candidates + 1):
            ability = rnd.uniform(0.3, 0.95)
            given = rnd.sample(refs, questions)
            answers = {q: key[q] if rnd.random() < ability else rnd.choice("ABCD") for q in given}
            right = sum(answers[q] == key[q] for q in given)
            rows.append({"application_id": i, "test": "verbal", "score": Decimal(right),
                         "state": ScoreState.RECORDED, "notice_version_id": version_id,
                         "detail": {"given": given, "answers": answers}})
            for test in ("numerical", "abstract"):
                rows.append({"application_id": i, "test": test, "score": Decimal(rnd.randint(3, 10)),
                             "state": ScoreState.RECORDED, "notice_version_id": version_id, "detail": None})
        for start in range(0, len(rows), 30_000):
            conn.execute(insert(Score), rows[start:start + 30_000])
    analyse(db, "applications", "scores", "questions")
    return notice_id, refs


def baseline_update(db: Database, ref: str) -> float:
    """The same rows rewritten by one raw SQL UPDATE (score and detail), rolled back; best of 3."""
    if db.dialect == "postgresql":
        sql = text("""UPDATE scores SET score = round(score * 1.0256, 4),
                             detail = detail || jsonb_build_object('neutralisation', jsonb_build_object('after', 'x'))
                      WHERE test = 'verbal' AND detail -> 'given' ? :ref""")
    else:
        sql = text("""UPDATE scores SET score = round(score * 1.0256, 4),
                             detail = json_set(detail, '$.neutralisation', json_object('after', 'x'))
                      WHERE test = 'verbal' AND EXISTS (SELECT 1 FROM json_each(detail, '$.given')
                                                       WHERE value = :ref)""")
    best = float("inf")
    for _ in range(3):
        with db.engine.connect() as conn:
            t = time.perf_counter()
            with conn.begin() as tx:
                conn.execute(sql, {"ref": ref})
                best = min(best, time.perf_counter() - t)
                tx.rollback()
    return best


def bench_neutralisation(url: str | None, candidates: int, questions: int) -> dict[str, float]:
    """P1: simulate + neutralise one question of a ``questions``-question MCQ taken by ``candidates``."""
    with fresh_database(url) as db:
        print(f"neutralisation: {db.dialect}, {candidates} candidates, {questions} questions", flush=True)
        notice_id, refs = build_mcq(db, candidates, questions)
        with clock.use_clock(clock.FrozenClock(AT)):
            with db.session_scope() as s:
                notice = s.get(Notice, notice_id)
                t_sim, report = _timed("simulate (read-only)", lambda: simulate(s, notice, "verbal", [refs[-1]]))
                s.rollback()
            with db.session_scope() as s:
                notice = s.get(Notice, notice_id)
                t_neu, decided = _timed("neutralise (rescore + write + audit)", lambda: neutralise(
                    s, notice, "verbal", [refs[-1]], actor="bench", published_at=AT,
                    reason="benchmark", source="P1/bench"))
                t = time.perf_counter()
                s.commit()
                t_commit = time.perf_counter() - t
        base = baseline_update(db, refs[-1])      # after: its rolled-back updates would bloat the table
        total = t_sim + t_neu
        counts = decided.counts
        print(f"  commit                             {t_commit:7.3f} s")
        print(f"  rescored {counts['given']} of {counts['candidates']}; newly passing {counts['newly_passing']}, "
              f"protected {counts['protected']}, rank changed {counts['rank_changed']}")
        print(f"  baseline raw UPDATE of the same rows: {base:.3f} s")
        print(f"  simulate + neutralise: {total:.3f} s = {total / base:.1f} × baseline "
              f"(target < 3 s on PostgreSQL)")
        assert report.counts == counts
        return {"simulate": t_sim, "neutralise": t_neu, "commit": t_commit, "baseline": base, "total": total}


# --- apply() --------------------------------------------------------------------------------
def _open_reviews(db: Database, n: int, run: str) -> list[int]:
    """n P3 cases of one candidate, acknowledged, inserted directly (the set-up is not timed)."""
    with db.session_scope() as s:
        candidate = Candidate(email=f"bench-{run}@example.eu", identity_key=f"BENCH-{run}", surname="Bench",
                              given_names="Case", correspondence_language="EN")
        s.add(candidate)
        s.flush()
        rows = [{"type": CaseType.REVIEW, "state": CaseState.ACKNOWLEDGED, "version": 1,
                 "candidate_id": candidate.id, "deciding_body": DecidingBody.BOARD, "language": "EN",
                 "filed_at": AT, "updated_at": AT, "late": False, "flags": [], "details": {}}
                for _ in range(n)]
        return list(s.scalars(insert(Case).returning(Case.id), rows))


_RAW_UPDATE = text("UPDATE cases SET state = 'analysis', version = version + 1, updated_at = :at "
                   "WHERE id = :id AND state = 'acknowledged'")
_RAW_AUDIT = text("INSERT INTO audit_events (at, actor, entity, entity_id, action, from_state, to_state) "
                  "VALUES (:at, :actor, 'case', :id, 'analyse', 'acknowledged', 'analysis')")


def bench_apply(url: str | None, cases: int, block: int = 250) -> dict[str, float]:
    """apply() for a simple step — P3 ``analyse``: acknowledged → analysis, permission check, machine,
    version check, audit row — one transaction per case with the case loaded first, against the
    raw baseline of one ``UPDATE …; INSERT audit`` transaction per case. The two alternate in
    blocks of ``block`` cases so that both see the same machine load."""
    officer = Actor(name="legal-officer:bench@epso.eu", role=Role.LEGAL_OFFICER)
    with fresh_database(url) as db:
        raw_ids, apply_ids = _open_reviews(db, cases, "raw"), _open_reviews(db, cases, "apply")
        raw = applied = 0.0
        with db.engine.connect() as conn, clock.use_clock(clock.FrozenClock(AT)):
            for start in range(0, cases, block):
                began = time.perf_counter()
                for case_id in raw_ids[start:start + block]:
                    with conn.begin():
                        conn.execute(_RAW_UPDATE, {"at": AT, "id": case_id})
                        conn.execute(_RAW_AUDIT, {"at": AT, "actor": officer.name, "id": case_id})
                raw += time.perf_counter() - began
                began = time.perf_counter()
                for case_id in apply_ids[start:start + block]:
                    with db.session_scope() as s:
                        apply(s, s.get(Case, case_id), "analyse", officer)
                applied += time.perf_counter() - began
        with db.session_scope() as s:       # every step really happened, with its audit row
            done = s.scalar(select(func.count()).select_from(Case).where(Case.state == CaseState.ANALYSIS))
            audited = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "analyse"))
        assert (done, audited) == (2 * cases, 2 * cases), (done, audited)
    result = {"cases": cases, "raw_per_s": cases / raw, "apply_per_s": cases / applied,
              "ratio_of_baseline": raw / applied}
    print(f"apply(): {cases:,} steps, {result['apply_per_s']:,.0f}/s ({1000 * applied / cases:.2f} ms each) "
          f"against raw UPDATE + INSERT audit {result['raw_per_s']:,.0f}/s ({1000 * raw / cases:.2f} ms): "
          f"{100 * result['ratio_of_baseline']:.0f}% of the baseline (target ≥ 30%)")
    return result


# --- the parts -------------------------------------------------------------------------------

PARTS = ("neutralisation", "apply")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_TEST_POSTGRES_URL"),
                        help="PostgreSQL server URL (required for the real figures; "
                             "default $CASEWORK_TEST_POSTGRES_URL)")
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--cases", type=int, default=5_000, help="cases for the apply() part")
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    args = parser.parse_args()
    if not args.postgres:
        print("no --postgres URL: running on SQLite, for a look only (the figures that count are PostgreSQL's)")
    if args.part in ("neutralisation", "all"):
        bench_neutralisation(args.postgres, args.candidates, args.questions)
    if args.part in ("apply", "all"):
        bench_apply(args.postgres, args.cases)

if __name__ == "__main__":
    main()
