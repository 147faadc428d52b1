"""Real scheduler processes (`casework scheduler --once`) over one database: every due row acted on
exactly once — with two processes side by side, and after one is killed with SIGKILL mid-batch."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework import clock
from casework.agenda.models import DueEvent, EventStatus
from casework.audit import AuditEvent
from casework.notifications.models import OutboxMessage

from . import scenes

RUN = "from casework.cli import main; main()"


def scheduler(db, worker: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db.url}
    env.pop("SMTP_HOST", None)
    return subprocess.Popen([sys.executable, "-c", RUN, "scheduler", "--once", "--worker", worker], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def load(db, n: int) -> None:
    now = clock.now()
    _, deadline_id = scenes.documents_request(db, now)
    scenes.bulk_reminders(db, deadline_id, n, now - timedelta(minutes=1))


def tally(db) -> dict[str, int]:
    """How the load rows stand, and how often each was acted on (audit rows, outbox rows)."""
    with db.session_scope() as s:
        status = dict(s.execute(select(DueEvent.status, func.count()).where(DueEvent.key.like("load-%"))
                                .group_by(DueEvent.status)).all())
        acted = s.execute(select(AuditEvent.entity_id, func.count()).where(AuditEvent.entity == "due_event")
                          .group_by(AuditEvent.entity_id).having(func.count() > 1)).all()
        done_without_trace = s.scalar(select(func.count()).select_from(DueEvent).where(
            DueEvent.key.like("load-%"), DueEvent.status == EventStatus.DONE,
            DueEvent.id.not_in(select(AuditEvent.entity_id).where(AuditEvent.entity == "due_event"))))
        mails = s.scalar(select(func.count()).select_from(OutboxMessage))
    return {"done": status.get(EventStatus.DONE, 0), "pending": status.get(EventStatus.PENDING, 0),
            "twice": len(acted), "done_without_trace": done_without_trace, "mails": mails}


def finish(process: subprocess.Popen, timeout: float = 600) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-2000:]
    return out


@pytest.mark.parametrize("scratch_database", ["postgresql"], indirect=True)
def test_two_scheduler_processes_over_100000_due_rows_act_on_each_exactly_once(scratch_database):
    db = scratch_database
    load(db, 100_000)
    first, second = scheduler(db, "one"), scheduler(db, "two")
    finish(first), finish(second)
    assert tally(db) == {"done": 100_000, "pending": 0, "twice": 0, "done_without_trace": 0, "mails": 100_000}
    with db.session_scope() as s:       # both really worked (SKIP LOCKED shares the rows out)
        workers = dict(s.execute(select(DueEvent.worker, func.count()).where(DueEvent.key.like("load-%"))
                                 .group_by(DueEvent.worker)).all())
    assert set(workers) == {"one", "two"} and min(workers.values()) > 10_000


@pytest.mark.parametrize("scratch_database", ["sqlite"], indirect=True)
def test_sqlite_two_processes_wait_for_each_other_and_act_once(scratch_database):
    db = scratch_database
    load(db, 3_000)
    first, second = scheduler(db, "one"), scheduler(db, "two")
    finish(first), finish(second)
    assert tally(db) == {"done": 3_000, "pending": 0, "twice": 0, "done_without_trace": 0, "mails": 3_000}


@pytest.mark.parametrize("scratch_database", ["postgresql"], indirect=True)
def test_a_scheduler_killed_mid_batch_loses_and_doubles_nothing(scratch_database):
    db = scratch_database
    load(db, 30_000)
    victim = scheduler(db, "victim")
    deadline = time.monotonic() + 120
    while tally(db)["done"] == 0:                      # let it commit some batches, then kill it
        assert time.monotonic() < deadline and victim.poll() is None, "the scheduler finished too soon"
        time.sleep(0.05)
    time.sleep(0.15)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    half = tally(db)
    assert 0 < half["done"] < 30_000 and half["twice"] == 0 and half["done_without_trace"] == 0
    assert half["mails"] == half["done"]               # an effect only with its done mark, never without
    finish(scheduler(db, "restarted"))
    assert tally(db) == {"done": 30_000, "pending": 0, "twice": 0, "done_without_trace": 0, "mails": 30_000}
