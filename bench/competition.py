"""Benchmark: ranking, invitations, scoring and reserve lists for 50,000 candidates.

Builds a competition of N candidates over the 5 fields of EPSO/AD/398/22 (places from the notice)
with screener marks and assessment scores, then times the real operations:
screener close (ranking + invitations at 3 × places with ties), assessment close (pass marks,
C10), document check and reserve lists — against a baseline measured in the same run on the same
table: one raw SQL ``RANK() OVER (PARTITION BY field ORDER BY score DESC)``.

    python bench/competition.py [--candidates 50000] [--postgres URL] [--no-sqlite]

PostgreSQL comes from --postgres or CASEWORK_TEST_POSTGRES_URL (``source scripts/_postgres.sh &&
start_throwaway_postgres`` starts a throwaway server). A fresh database is created and dropped.
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
    PhaseClosure,
    Score,
    ScoreState,
    Status,
)
from casework.competitions.notices import definition, publish_notice
from casework.competitions.selection import close_phase
from casework.db import Database
from casework.migrate import upgrade

NOTICE = ROOT / "casework" / "demo" / "notices" / "EPSO-AD-398-22.json"


def build(db: Database, n: int, seed: int = 7) -> int:
    """Insert the notice and n candidates at the screener phase, with all their marks."""
    rnd = random.Random(seed)
    with db.session_scope() as s, clock.use_clock(clock.FrozenClock(datetime(2022, 2, 20, tzinfo=UTC))):
        notice = publish_notice(s, json.loads(NOTICE.read_text()), actor="bench")
        spec = definition(notice.current)
        version_id = notice.current.id
        fields = [(f.id, f.code) for f in notice.fields]
        notice_id = notice.id
    tests = [t for t in spec.phase("assessment").tests]
    with db.engine.begin() as conn:
        conn.execute(insert(Candidate), [
            {"id": i, "email": f"c{i}@example.org", "identity_key": f"K{i}", "surname": f"S{i:06d}",
             "given_names": "G", "correspondence_language": "EN"} for i in range(1, n + 1)])
        conn.execute(insert(Application), [
            {"id": i, "number": f"A{i:06d}", "candidate_id": i, "notice_id": notice_id,
             "field_id": fields[i % len(fields)][0], "state": ApplicationState.VALIDATED,
             "language_1": "DE", "language_2": "EN", "language_levels": {}, "profile": {},
             "publish_name": True, "documents_supported": rnd.random() > 0.03, "reinstated": False,
             "phase": "screener", "status": Status.ACTIVE} for i in range(1, n + 1)])
        rows = []
        for i in range(1, n + 1):
            rows.append({"application_id": i, "test": "screener", "score": Decimal(rnd.randint(0, 52)),
                         "state": ScoreState.RECORDED, "notice_version_id": version_id})
            for t in tests:
                lo, hi = int(t.min), int(t.max)
                rows.append({"application_id": i, "test": t.code,
                             "score": Decimal(rnd.randint(lo + (hi - lo) // 3, hi)),
                             "state": ScoreState.RECORDED, "notice_version_id": version_id})
        conn.execute(insert(PhaseClosure), [   # application and eligibility have run
            {"field_id": f, "phase": p, "notice_version_id": version_id, "actor": "bench",
             "closed_at": datetime(2022, 4, 20, tzinfo=UTC)}
            for f, _ in fields for p in ("application", "eligibility")])
        for start in range(0, len(rows), 50_000):
            conn.execute(insert(Score), rows[start:start + 50_000])
    for table in ("applications", "scores", "candidates"):
        if db.dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"ANALYZE {table}"))
    return notice_id


def baseline(db: Database) -> float:
    sql = text("""SELECT a.id, a.field_id, s.score,
                         RANK() OVER (PARTITION BY a.field_id ORDER BY s.score DESC) AS r
                  FROM scores s JOIN applications a ON a.id = s.application_id
                  WHERE s.test = 'screener'""")
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        with db.engine.connect() as conn:
            conn.execute(sql).fetchall()
        best = min(best, time.perf_counter() - t)
    return best


def run(db: Database, n: int) -> dict[str, float]:
    from casework.competitions.models import Notice
    notice_id = build(db, n)
    base = baseline(db)
    times = {}
    with clock.use_clock(clock.FrozenClock(datetime(2022, 12, 1, tzinfo=UTC))):
        for phase in ("screener", "assessment", "document-check", "reserve-list"):
            with db.session_scope() as s:
                notice = s.get(Notice, notice_id)
                t = time.perf_counter()
                reports = close_phase(s, notice, phase, actor="bench")
                s.flush()
                times[phase] = time.perf_counter() - t
                through = sum(r.through for r in reports)
            print(f"  {phase:15s} {times[phase]:7.3f} s   ({through} through)", flush=True)
    core = times["screener"] + times["document-check"] + times["reserve-list"]
    print(f"  baseline RANK() OVER: {base:.3f} s")
    print(f"  ranking + invitations + reserve lists (screener + document check + reserve list): "
          f"{core:.3f} s = {core / base:.1f} × baseline")
    print(f"  with scoring (assessment close): {core + times['assessment']:.3f} s")
    return {"baseline": base, "core": core, **times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_TEST_POSTGRES_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.sqlite")
            upgrade(db.engine)
            print(f"SQLite, {args.candidates} candidates")
            run(db, args.candidates)
            db.engine.dispose()
    if args.postgres:
        name = f"casework_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(Database(args.postgres).url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            db = Database(Database(args.postgres).url.rsplit("/", 1)[0] + "/" + name)
            upgrade(db.engine)
            print(f"PostgreSQL, {args.candidates} candidates")
            run(db, args.candidates)
            db.engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        print("PostgreSQL skipped: give --postgres URL or set CASEWORK_TEST_POSTGRES_URL")


if __name__ == "__main__":
    main()
