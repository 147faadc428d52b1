"""Writing to the outbox, in the caller's transaction, and what administrators see of it.

:func:`enqueue` never commits: the message is committed or rolled back with the event that
causes it. It is idempotent on ``key``: a second call with the same key (in the same transaction,
a later one, or a concurrent one in another process) adds nothing and returns None, by
``INSERT … ON CONFLICT DO NOTHING`` on both backends, so two schedulers racing never fail.
"""
from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from .models import OutboxMessage, OutboxStatus
from .templates import official_language, render

# The key is the left part of the Message-ID (<key@casework>), so it must be RFC 5322 dot-atom
# text: letters, digits and !#$%&'*+-/=?^_`{|}~, with single dots between runs. No ":" or spaces.
_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+"
KEY = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
KEY_LENGTH = 200


def message_id(key: str) -> str:
    """The Message-ID header of the message with ``key``: a receiver can drop a duplicate by it."""
    return f"<{key}@casework>"


def check_key(key: str) -> str:
    if not KEY.fullmatch(key) or len(key) > KEY_LENGTH:
        raise ValueError(f"outbox key {key!r}: at most {KEY_LENGTH} characters, letters, digits and "
                         "!#$%&'*+-/=?^_`{|}~ with single dots between them (it becomes the Message-ID); "
                         "use '/' or '.' as a separator")
    return key


def check_address(to: str) -> str:
    try:
        address = Address(addr_spec=to.strip())
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise ValueError(f"not an e-mail address: {to!r} ({exc})") from None
    if not address.username or not address.domain:
        raise ValueError(f"not an e-mail address: {to!r}")
    return address.addr_spec


# built once per dialect (values are parameters): enqueue is on the path of every due row
_INSERT = {postgres: (postgresql if postgres else sqlite).insert(OutboxMessage)
           .on_conflict_do_nothing(index_elements=[OutboxMessage.key]).returning(OutboxMessage)
           for postgres in (True, False)}


def enqueue(session: Session, *, key: str, to: str, language: str | None, template: str,
            context: dict[str, Any], case_id: int | None = None) -> OutboxMessage | None:
    """Render ``template`` for ``to`` in ``language`` and add it to the outbox (not committed).

    ``language`` is the recipient's declared language (C4: the candidate's correspondence
    language); a language without templates, or none, gets the English text. Returns the new row,
    or None when a message with ``key`` already exists (nothing is added then).
    """
    check_key(key)
    recipient = check_address(to)
    text = render(template, language, context)
    now = clock.now()
    values = {"key": key, "recipient": recipient, "language": official_language(language),
              "text_language": text.language, "template": template, "subject": text.subject,
              "body": text.body, "case_id": case_id, "status": OutboxStatus.PENDING, "attempts": 0,
              "next_attempt_at": now, "created_at": now}
    return session.scalars(_INSERT[session.get_bind().dialect.name == "postgresql"], values).one_or_none()


def backlog(session: Session) -> dict[str, Any]:
    """What administrators watch: pending messages (how many, how many due now, the oldest) and
    failed ones (never deleted; ``retry_failed`` sends them again)."""
    now = clock.now()
    pending = OutboxMessage.status == OutboxStatus.PENDING
    count, due, oldest = session.execute(
        select(func.count(), func.count().filter(OutboxMessage.next_attempt_at <= now),
               func.min(OutboxMessage.created_at)).where(pending)).one()
    failed = session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED))
    return {"pending": count, "due": due, "oldest_pending": oldest, "failed": failed}


def retry_failed(session: Session, ids: list[int] | None = None) -> int:
    """Failed messages (all, or those of ``ids``) back to pending, due now, attempts reset.

    ``last_error`` is kept as the history of what went wrong. Returns how many. Not committed.
    """
    statement = (update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
                 .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=clock.now(),
                         claimed_by=None)
                 )
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(ids))
    return session.execute(statement).rowcount
