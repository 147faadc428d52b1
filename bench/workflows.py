"""Benchmark: the workflows' bulk operations on a competition of 50,000 candidates.

Parts (``--part``, default all); each is a function ``bench_<part>(url, candidates, questions)``
of this module, on a fresh database created and dropped by :func:`fresh_database`:

- ``neutralisation``: P1. EPSO/AD/398/22 with a verbal MCQ of ``--questions`` questions, taken by
  ``--candidates`` candidates at the assessment phase (every one given every question: all are
  rescored, the worst case). Times :func:`casework.competitions.neutralisation.simulate` and
  :func:`~casework.competitions.neutralisation.neutralise` of one question, each in its own
  transaction, against a baseline measured in the same run on the same rows: one raw SQL
  ``UPDATE`` of the score and the detail of the sheets that contain the question (rolled back,
  best of 3, run after the timed operations so that its dead rows do not slow them down).
- ``apply``: see ``bench_apply``.

    python bench/workflows.py --postgres URL [--candidates 50000] [--questions 40] [--part all]

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

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casework import clock
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


# --- the parts -------------------------------------------------------------------------------

PARTS = ("neutralisation", "apply")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_TEST_POSTGRES_URL"),
                        help="PostgreSQL server URL (required for the real figures; "
                             "default $CASEWORK_TEST_POSTGRES_URL)")
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    args = parser.parse_args()
    if not args.postgres:
        print("no --postgres URL: running on SQLite, for a look only (the figures that count are PostgreSQL's)")
    for part in PARTS if args.part == "all" else (args.part,):
        bench = globals().get(f"bench_{part}")
        if bench is None:
            print(f"{part}(): see bench_{part}")
            continue
        bench(args.postgres, args.candidates, args.questions)


if __name__ == "__main__":
    main()
