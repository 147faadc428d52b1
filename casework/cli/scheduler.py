"""`casework scheduler` (the process) and `casework scheduler status`."""
from __future__ import annotations

import json
import os
import socket

import click
from flask import current_app
from flask.cli import with_appcontext

from ..config import database_url
from ..db import Database
from ..scheduler.status import scheduler_status
from .support import transaction


def scheduler_database() -> Database:
    """The scheduler's own engine: on SQLite its transactions take the write lock at BEGIN."""
    url = database_url(current_app.config, current_app.instance_path)
    if url.startswith("sqlite"):   # a second process waits for the lock (one batch at a time) instead of failing
        return Database(url, sqlite_begin="IMMEDIATE", connect_args={"timeout": 120})
    return Database(url)


def smtp_settings() -> dict | None:
    cfg = current_app.config
    if not cfg.get("SMTP_HOST"):
        return None
    return {"host": cfg["SMTP_HOST"], "port": cfg["SMTP_PORT"], "sender": cfg["MAIL_FROM"]}


@click.group("scheduler", invoke_without_command=True)
@click.option("--worker", default=lambda: f"{socket.gethostname()}-{os.getpid()}", show_default="host-pid",
              help="This process's name in the due rows and in `status`.")
@click.option("--interval", type=float, default=None, help="Seconds between sweeps (default SCHEDULER_INTERVAL, 5).")
@click.option("--once", is_flag=True, help="Sweep and send what is due now, then exit (cron, tests).")
@click.pass_context
@with_appcontext
def scheduler_group(ctx: click.Context, worker: str, interval: float | None, once: bool) -> None:
    """Run the scheduler process: act on due deadlines and send the outbox (SMTP_HOST)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..notifications import deliver
    from ..scheduler import process
    from ..scheduler.scans import scan_filing_windows
    from ..scheduler.sweeps import sweep
    process.configure_logging()
    db, smtp = scheduler_database(), smtp_settings()
    if smtp is None:
        click.echo("SMTP_HOST is not set: messages wait in the outbox", err=True)
    if once:
        report = sweep(db, worker=worker)
        reminders = scan_filing_windows(db)
        sent = deliver(db, worker=worker, **smtp) if smtp else None
        click.echo(json.dumps({"worker": worker, "events": dict(report.counts), "filing_reminders": reminders,
                               "mail": None if sent is None else vars(sent)}, default=str))
        return
    process.run(db, worker=worker, interval=interval or current_app.config["SCHEDULER_INTERVAL"], smtp=smtp)


@scheduler_group.command("status")
@click.option("--json", "as_json", is_flag=True)
def status(as_json: bool) -> None:
    """Scheduler processes and their next runs, the oldest undone due row (lag), the outbox backlog;
    rows for deadlines already met, moved or cancelled are counted apart (they will be skipped)."""
    with transaction() as session:
        data = scheduler_status(session)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    click.echo(f"now {data['now']}")
    for w in data["workers"] or [{"name": "(no scheduler process has reported)"}]:
        runs = ", ".join(f"{job} at {at}" for job, at in (w.get("next_runs") or {}).items())
        seen = f" — last seen {w['seconds_since']} s ago; next: {runs}" if "host" in w else ""
        click.echo(f"process {w['name']}{seen}")
    due = data["due"]
    click.echo(f"due rows: {due['overdue']} waiting (lag {due['lag_seconds']} s), {due['failed']} failed, "
               f"{len(due['retrying'])} being retried")
    for row in due["retrying"]:
        click.echo(f"  retrying {row['key']} (attempt {row['attempts']}): {row['last_error']}")
    for row in due["next"][:10]:
        click.echo(f"  next {row['kind']}: {row['at']} ({row['count']} pending)")
    skipping = due["will_be_skipped"]
    if skipping["count"]:
        why = ", ".join(f"{reason} {n}" for reason, n in skipping["why"].items())
        click.echo(f"will be skipped: {skipping['count']} row(s) whose deadline no longer applies "
                   f"({skipping['fallen_due']} fallen due; {why}): not pending work")
    click.echo("outbox: " + ", ".join(f"{k} {v}" for k, v in data["outbox"].items()))
