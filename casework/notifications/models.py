"""The outbox: every e-mail casework means to send, written in the transaction that causes it.

A row is written by :func:`casework.notifications.enqueue` (rendered at that moment, so the message
says what was true when it was caused) and delivered later by
:func:`casework.notifications.deliver`. Rows are never deleted: a message that could not be
delivered ends ``failed`` and stays visible to administrators (``casework outbox list``).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..competitions.models import _enum
from ..db import Base, Instant


class OutboxStatus(enum.Enum):
    PENDING = "pending"    # waiting for its first or next attempt (``next_attempt_at``)
    SENT = "sent"          # accepted by the SMTP server (``sent_at``)
    FAILED = "failed"      # given up (permanent refusal, or ``max_attempts`` reached): needs a person


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending_due", "next_attempt_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        Index("ix_outbox_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)     # idempotency key, also the Message-ID
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(2))        # the recipient's, if an official one (C4)
    text_language: Mapped[str] = mapped_column(String(2))          # what the text is written in (fallback EN)
    template: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)      # delivery attempts made, the good one too
    next_attempt_at: Mapped[datetime] = mapped_column(Instant())   # also the end of a sender's claim (lease)
    claimed_by: Mapped[str | None] = mapped_column(String(120))    # the sender that last claimed it
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Instant())
    sent_at: Mapped[datetime | None] = mapped_column(Instant())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.key!r} {self.status.value} to {self.recipient}>"
