"""Delivering the outbox by SMTP: claim, send, mark — at least once, never silently dropped.

How one :func:`deliver` call works:

1. **Claim** a batch of due pending messages in one short transaction:
   ``SELECT id … ORDER BY next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED``, then an ``UPDATE`` of
   those rows that writes this call's claim token into ``claimed_by`` and moves
   ``next_attempt_at`` to the end of a lease. On PostgreSQL, SKIP LOCKED lets any number of senders
   run side by side: each row goes to one of them. SQLite has no row locks and the clause is left
   out: a SQLite deployment runs one sender (a second one would at worst fail with "database is
   locked", never claim a row twice, since the UPDATE repeats the due conditions).
2. **Send** the batch over one SMTP connection, each message with ``Message-ID: <key@casework>``.
3. **Mark** each message in its own short transaction as soon as the server has answered: ``sent``
   (with ``sent_at``), or, on a temporary error (connection refused or lost, 4xx), ``attempts + 1``
   and ``next_attempt_at = now + backoff``; after ``max_attempts`` attempts, or at once on a
   permanent refusal (5xx), ``failed`` — kept, visible in :func:`backlog`, sent again by
   :func:`retry_failed`.

**The guarantee is at-least-once.** If the process dies between the server's "250 OK" and the
mark, the claim's lease runs out and another run sends the message again, with the same
Message-ID, which receiving systems can use to drop the duplicate. Marking one message at a time
keeps that window to one message. A claim older than its lease is fair game for another sender;
a sender that notices it is running out of lease stops and hands back what it has not sent.
The SMTP timeout (``timeout``) is per network operation, so keep ``batch × timeout`` well under
``lease``.
"""
from __future__ import annotations

import os
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select, update

from .. import clock
from ..db import Database
from .models import OutboxMessage, OutboxStatus
from .outbox import message_id

# Settings, not legal numbers: how long to wait before retrying, and how long a claim lasts.
BACKOFF_BASE = timedelta(seconds=30)    # after the 1st failed attempt; doubled after each next one
BACKOFF_CAP = timedelta(hours=1)
LEASE = timedelta(minutes=15)


def backoff(attempts: int, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 30 s, 1 min, 2 min, … at most 1 h."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0       # a temporary error: pending again, later
    failed: int = 0        # given up: ``failed``, for a person to look at

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"


@dataclass(frozen=True)
class _Claimed:
    id: int
    key: str
    recipient: str
    subject: str
    body: str
    attempts: int


class _Permanent(Exception):
    """The server refused this message for good (a 5xx reply)."""


def deliver(db: Database, *, host: str, port: int, sender: str, batch: int = 100, max_attempts: int = 8,
            timeout: float = 10, worker: str | None = None, lease: timedelta = LEASE) -> DeliveryReport:
    """Send every due pending message, ``batch`` at a time (one SMTP connection per batch).

    Stops when nothing is due any more or when the server cannot be reached (what was not tried
    stays due for the next call). Opens its own transactions; ``worker`` names this sender in
    ``claimed_by`` (default: host and process id).
    """
    report = DeliveryReport()
    worker = worker or default_worker()
    while True:
        token = f"{worker}:{uuid.uuid4().hex[:8]}"[-120:]
        claimed = _claim(db, token, batch, lease)
        if not claimed:
            return report
        outcome = _send_batch(db, claimed, token, report, host=host, port=port, sender=sender,
                              timeout=timeout, max_attempts=max_attempts, lease=lease)
        if outcome == "unreachable" or (outcome == "done" and len(claimed) < batch):
            return report


def _claim(db: Database, token: str, batch: int, lease: timedelta) -> list[_Claimed]:
    now = clock.now()
    due = (OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
    # Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED): PostgreSQL
    # may rescan such a subquery for every row, and each rescan skips the rows the UPDATE has just
    # changed and locks the next n — the whole table ends up claimed by one sender.
    pick = (select(OutboxMessage.id).where(*due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch).with_for_update(skip_locked=True))
    with db.session_scope() as session:
        ids = session.scalars(pick).all()
        if not ids:
            return []
        rows = session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), *due)
            .values(claimed_by=token, next_attempt_at=now + lease)
            .returning(OutboxMessage.id, OutboxMessage.key, OutboxMessage.recipient, OutboxMessage.subject,
                       OutboxMessage.body, OutboxMessage.attempts)
            .execution_options(synchronize_session=False)).all()
    return sorted((_Claimed(*row) for row in rows), key=lambda m: m.id)


def _send_batch(db: Database, claimed: list[_Claimed], token: str, report: DeliveryReport, *, host: str,
                port: int, sender: str, timeout: float, max_attempts: int, lease: timedelta) -> str:
    """Send ``claimed`` over one connection (reopened if the server drops it). Returns "done";
    "unreachable" when the server could not be reached (the unsent rest then counts as one failed
    attempt each); "released" when half the lease has gone by (the unsent rest is handed back)."""
    started = time.monotonic()
    smtp: smtplib.SMTP | None = None
    try:
        for index, message in enumerate(claimed):
            if time.monotonic() - started > lease.total_seconds() / 2:
                _release(db, token, [m.id for m in claimed[index:]])
                return "released"
            try:
                if smtp is None:
                    smtp = _connect(host, port, timeout)
            except (OSError, smtplib.SMTPException) as exc:
                for rest in claimed[index:]:
                    _failed_attempt(db, rest, token, _describe(exc), report, max_attempts, permanent=False)
                return "unreachable"
            try:
                _send(smtp, message, sender)
            except _Permanent as exc:
                _failed_attempt(db, message, token, str(exc), report, max_attempts, permanent=True)
                continue
            except Exception as exc:     # noqa: BLE001 — SMTP or not, an attempt that failed: never a
                # message that blocks the others; it ends ``failed`` after max_attempts with its error
                _failed_attempt(db, message, token, _describe(exc), report, max_attempts, permanent=False)
                _close(smtp)             # the connection may be unusable: the next message reconnects
                smtp = None
                continue
            _sent(db, message, token)
            report.sent += 1
        return "done"
    finally:
        _close(smtp)


def _connect(host: str, port: int, timeout: float) -> smtplib.SMTP:
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo_or_helo_if_needed()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _send(smtp: smtplib.SMTP, message: _Claimed, sender: str) -> None:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = message_id(message.key)
    mail.set_content(message.body, cte="quoted-printable")
    try:
        refused = smtp.send_message(mail, from_addr=sender, to_addrs=[message.recipient])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        error = f"recipient refused: {code} {_text(reply)}"
        if 500 <= code < 600:
            raise _Permanent(error) from None
        raise smtplib.SMTPException(error) from None
    except smtplib.SMTPDataError as exc:      # the message itself refused (550 spam, 552 too big…)
        error = f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}"
        if 500 <= exc.smtp_code < 600:
            raise _Permanent(error) from None
        raise smtplib.SMTPException(error) from None
    # SMTPSenderRefused (our From: a setting, not this message's fault) and the rest: retried
    if refused:    # one recipient only: cannot be partly refused, but never pretend it was sent
        raise smtplib.SMTPException(f"recipient refused: {refused}")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _mine(message_id_: int, token: str):
    return (OutboxMessage.id == message_id_, OutboxMessage.claimed_by == token,
            OutboxMessage.status == OutboxStatus.PENDING)


def _sent(db: Database, message: _Claimed, token: str) -> None:
    # not conditioned on the claim: if another sender took it over meanwhile, it went out anyway
    with db.session_scope() as session:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.PENDING)
                        .values(status=OutboxStatus.SENT, sent_at=clock.now(), attempts=message.attempts + 1,
                                claimed_by=token)
                        .execution_options(synchronize_session=False))


def _failed_attempt(db: Database, message: _Claimed, token: str, error: str, report: DeliveryReport,
                    max_attempts: int, *, permanent: bool) -> None:
    attempts = message.attempts + 1
    give_up = permanent or attempts >= max_attempts
    values = {"attempts": attempts, "last_error": error[:2000],
              "status": OutboxStatus.FAILED if give_up else OutboxStatus.PENDING}
    if not give_up:
        values["next_attempt_at"] = clock.now() + backoff(attempts)
    with db.session_scope() as session:
        done = session.execute(update(OutboxMessage).where(*_mine(message.id, token)).values(**values)
                               .execution_options(synchronize_session=False)).rowcount
    if done:
        if give_up:
            report.failed += 1
        else:
            report.retried += 1


def _release(db: Database, token: str, ids: list[int]) -> None:
    """Hand back claimed messages that were not tried (due again at once, no attempt counted)."""
    with db.session_scope() as session:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == token,
                               OutboxMessage.status == OutboxStatus.PENDING)
                        .values(next_attempt_at=clock.now(), claimed_by=None)
                        .execution_options(synchronize_session=False))
