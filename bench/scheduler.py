"""Benchmark: draining 100,000 due rows with real work per row, by 1 and 2 scheduler processes.

Each row is the implied refusal of a Reg 1049/2001 confirmatory application (D8) whose reply period
has run out: the workflow step through ``workflows.apply`` (permission, machine, version check,
the deadline closed, a message in the account, the case's audit row), an outbox row telling the
candidate, the due row's own audit row and its done mark — one transaction per batch. Baseline in
the same run: a raw ``SELECT … FOR UPDATE SKIP LOCKED`` + ``UPDATE … SET status = 'done'`` drain of
the same number of rows by the same number of processes (claim and mark only).

    python bench/scheduler.py --postgres URL [--events 100000]

The rows, cases and deadlines are inserted in bulk (not timed). PostgreSQL only: SQLite has no
SKIP LOCKED and serialises its writers.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from workflows import fresh_database

from casework.agenda.models import DueEvent, EventStatus
from casework.cases.models import Case, CaseDeadline, CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions.models import Candidate
from casework.db import Database

RUN = "from casework.cli import main; main()"
RAW_DRAIN = """
import sys, sqlalchemy as sa
engine = sa.create_engine(sys.argv[1])
claim = sa.text("SELECT id FROM due_events WHERE status = 'pending' AND due_at < now() ORDER BY due_at, id "
                "LIMIT 200 FOR UPDATE SKIP LOCKED")
mark = sa.text("UPDATE due_events SET status = 'done', done_at = now(), worker = :w WHERE id = ANY(:ids)")
while True:
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(claim)]
        if ids:
            conn.execute(mark, {"w": sys.argv[2], "ids": ids})
    if len(ids) < 200:
        break
"""


def load(db: Database, n: int) -> None:
    """n 1049 cases at the confirmatory stage whose reply period ended yesterday, one due row each."""
    past = datetime.now(UTC) - timedelta(days=1)
    with db.session_scope() as s:
        candidate = Candidate(email="bench@example.eu", identity_key="BENCH", surname="Bench", given_names="Ann",
                              correspondence_language="FR")
        s.add(candidate)
        s.flush()
        for start in range(0, n, 10_000):
            size = min(10_000, n - start)
            case_ids = list(s.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), [
                {"type": CaseType.ACCESS_DOCUMENTS, "state": CaseState.CONFIRMATORY, "version": 1,
                 "candidate_id": candidate.id, "deciding_body": DecidingBody.EPSO, "language": "FR",
                 "filed_at": past, "updated_at": past, "late": False, "flags": [], "details": {}}
                for _ in range(size)]))
            deadline_ids = list(s.scalars(insert(CaseDeadline).returning(CaseDeadline.id, sort_by_parameter_order=True), [
                {"case_id": c, "name": "confirmatory-reply", "rule": "access-confirmatory-reply", "spec": {},
                 "computation": {}, "last_day": past.date(), "due_at": past, "status": DeadlineStatus.OPEN,
                 "created_at": past} for c in case_ids]))
            s.execute(insert(DueEvent), [
                {"key": f"bench-{c}", "kind": "implied-refusal", "due_at": past, "status": EventStatus.PENDING,
                 "case_id": c, "deadline_id": d, "attempts": 0,
                 "payload": {"deadline": "confirmatory-reply", "deadline_due_at": past.isoformat()}}
                for c, d in zip(case_ids, deadline_ids)])
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def drain(commands: list[list[str]], env: dict) -> float:
    started = time.perf_counter()
    processes = [subprocess.Popen(c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    for p in processes:
        _, err = p.communicate()
        if p.returncode:
            raise SystemExit(err[-3000:])
    return time.perf_counter() - started


def measure(url: str, n: int, processes: int) -> tuple[float, float]:
    with fresh_database(url) as db:
        load(db, n)
        env = {**os.environ, "DATABASE_URL": db.url}
        env.pop("SMTP_HOST", None)
        work = drain([[sys.executable, "-c", RUN, "scheduler", "--once", "--worker", f"w{i}"]
                      for i in range(processes)], env)
        with db.engine.connect() as conn:
            done = conn.execute(text("SELECT count(*) FROM due_events WHERE status = 'done'")).scalar()
            refused = conn.execute(text("SELECT count(*) FROM cases WHERE state = 'implied-rejection'")).scalar()
        assert done == refused == n, (done, refused)
    with fresh_database(url) as db:
        load(db, n)
        raw = drain([[sys.executable, "-c", RAW_DRAIN, db.url, f"raw{i}"] for i in range(processes)], dict(os.environ))
    return work, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_TEST_POSTGRES_URL"), required=False)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("--postgres URL is required (SKIP LOCKED is PostgreSQL's)")
    for processes in (1, 2):
        work, raw = measure(args.postgres, args.events, processes)
        print(f"{processes} process(es): {args.events:,} due rows with their work in {work:.1f} s = "
              f"{args.events / work:,.0f}/s; raw SKIP LOCKED drain {raw:.1f} s = {args.events / raw:,.0f}/s; "
              f"{100 * raw / work:.1f}% of the raw drain (target with 2 processes: ≥ 10,000/s or ≥ 25%)")


if __name__ == "__main__":
    main()
