"""The scheduler process: APScheduler 3 sweep jobs over our own due rows (never in a web worker).

A few jobs with fixed ids, coalescing and an explicit misfire grace time; each job drains what has
fallen due and returns. Any number of these processes may run against one PostgreSQL database.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import UTC

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.dialects import postgresql, sqlite

from .. import clock
from ..db import Database
from ..notifications import deliver
from .models import SchedulerWorker
from .scans import scan_filing_windows
from .sweeps import sweep

log = logging.getLogger("casework.scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}


class JsonLines(logging.Formatter):
    """One JSON object per log line: time, level, logger, message and the record's extras."""
    _plain = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        line = {"at": clock.now().isoformat(), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        line.update({k: v for k, v in vars(record).items() if k not in self._plain and k != "message"})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    root = logging.getLogger("casework")
    root.handlers[:] = [handler]
    root.setLevel(level)


def heartbeat(db: Database, worker: str, scheduler: BaseScheduler, started_at) -> None:
    """Tell ``casework scheduler status`` this process is alive and when its jobs run next."""
    jobs = {job.id: job.next_run_time.isoformat() if job.next_run_time else None
            for job in scheduler.get_jobs()}
    row = {"name": worker, "host": socket.gethostname(), "pid": os.getpid(), "started_at": started_at,
           "last_seen": clock.now(), "jobs": jobs}
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    insert = dialect.insert(SchedulerWorker).values(**row)
    with db.session_scope() as session:
        session.execute(insert.on_conflict_do_update(index_elements=["name"], set_={
            k: insert.excluded[k] for k in ("host", "pid", "started_at", "last_seen", "jobs")}))


def _job(name: str, fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception:                 # logged; the next run tries again
            log.exception("job failed", extra={"job": name})
    return run


def build(db: Database, *, worker: str, interval: float, smtp: dict | None,
          kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """The jobs, with fixed ids (``replace_existing``): the scheduler's own store holds no truth."""
    scheduler = kind(timezone=UTC, job_defaults=JOB_DEFAULTS)
    started_at = clock.now()
    scheduler.add_job(_job("sweep-due-events", lambda: sweep(db, worker=worker)), "interval", seconds=interval,
                      id="sweep-due-events", replace_existing=True)
    if smtp:
        scheduler.add_job(_job("send-outbox", lambda: deliver(db, worker=worker, **smtp)), "interval",
                          seconds=interval, id="send-outbox", replace_existing=True)
    scheduler.add_job(_job("scan-filing-windows", lambda: scan_filing_windows(db)), "interval", minutes=15,
                      id="scan-filing-windows", replace_existing=True)
    scheduler.add_job(_job("heartbeat", lambda: heartbeat(db, worker, scheduler, started_at)), "interval",
                      seconds=max(interval, 10), id="heartbeat", replace_existing=True)
    return scheduler


def run(db: Database, *, worker: str, interval: float = 5.0, smtp: dict | None = None) -> None:
    """Run until SIGTERM or SIGINT; a job in progress finishes its transaction first."""
    scheduler = build(db, worker=worker, interval=interval, smtp=smtp)

    def stop(signum, _frame) -> None:
        log.info("stopping", extra={"worker": worker, "signal": signum})
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("started", extra={"worker": worker, "interval": interval, "smtp": bool(smtp)})
    scheduler.start()
