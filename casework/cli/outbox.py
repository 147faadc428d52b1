"""`casework outbox …`: what administrators see of the outbox, and sending failed messages again.

Messages are never deleted: a message the sender gave up on stays ``failed`` with its last error
until someone looks at it and retries it (``casework outbox retry ID…`` or ``--all-failed``).
"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..notifications import OutboxMessage, OutboxStatus, backlog, retry_failed
from .support import RECORD_ID, transaction


@click.group("outbox", cls=AppGroup)
def outbox_group() -> None:
    """E-mail notifications waiting, sent or failed (the outbox)."""


def _row(m: OutboxMessage) -> dict:
    return {"id": m.id, "key": m.key, "status": m.status.value, "to": m.recipient, "template": m.template,
            "language": m.text_language, "case_id": m.case_id, "attempts": m.attempts,
            "created_at": m.created_at.isoformat(),
            "next_attempt_at": m.next_attempt_at.isoformat() if m.status is OutboxStatus.PENDING else None,
            "sent_at": m.sent_at and m.sent_at.isoformat(), "last_error": m.last_error, "subject": m.subject}


@outbox_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in OutboxStatus]),
              help="Only messages with this status (default: pending and failed).")
@click.option("--limit", default=50, show_default=True, help="At most this many, oldest first.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable.")
def list_messages(status: str | None, limit: int, as_json: bool) -> None:
    """The backlog, then the messages themselves."""
    statuses = [OutboxStatus(status)] if status else [OutboxStatus.PENDING, OutboxStatus.FAILED]
    with transaction() as session:
        summary = backlog(session)
        rows = [_row(m) for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.status.in_(statuses))
            .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit))]
    oldest = summary["oldest_pending"]
    if as_json:
        click.echo(json.dumps({**summary, "oldest_pending": oldest and oldest.isoformat(), "messages": rows},
                              indent=2, ensure_ascii=False))
        return
    click.echo(f"{summary['pending']} pending ({summary['due']} due now, oldest "
               f"{oldest.isoformat() if oldest else '-'}), {summary['failed']} failed")
    for r in rows:
        when = r["sent_at"] or r["next_attempt_at"] or ""
        click.echo(f"{r['id']:>7} {r['status']:<8} {r['attempts']:>2} {when:<25} {r['to']:<30} {r['key']}")
        if r["last_error"] and r["status"] != "sent":
            click.echo(f"{'':>8}last error: {r['last_error'].splitlines()[0][:200]}")


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=RECORD_ID)
@click.option("--all-failed", is_flag=True, help="Every failed message.")
def retry(ids: tuple[int, ...], all_failed: bool) -> None:
    """Send failed messages again: back to pending, due now, attempts reset (the error is kept)."""
    if bool(ids) == all_failed:
        raise click.UsageError("give the ids of failed messages, or --all-failed")
    with transaction() as session:
        count = retry_failed(session, None if all_failed else list(ids))
    click.echo(f"{count} failed message(s) pending again")
