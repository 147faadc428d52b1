"""Due events (the agenda): one row for every action the scheduler must take at a given instant.

The truth lives here, not in APScheduler's job store: a row is pending until one scheduler process
has done what it says, and its ``done`` mark is written in the same transaction as the effect.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..cases.models import Case, CaseDeadline
from ..competitions.models import _enum
from ..db import Base, Instant, JSONType


class EventStatus(enum.Enum):
    PENDING = "pending"
    DONE = "done"          # acted on
    SKIPPED = "skipped"    # no longer relevant when it fell due (deadline met, moved, case closed)
    FAILED = "failed"      # gave up after repeated errors: visible to administrators


class DueEvent(Base):
    __tablename__ = "due_events"
    __table_args__ = (
        Index("ix_due_events_pending", "due_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        Index("ix_due_events_deadline", "deadline_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)     # what makes it the same event
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(Instant())
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("case_deadlines.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(Instant())
    outcome: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case | None] = relationship()
    deadline: Mapped[CaseDeadline | None] = relationship(
        backref=backref("due_events", cascade="save-update, merge", order_by="DueEvent.id"))
