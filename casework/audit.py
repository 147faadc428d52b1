"""The audit trail: one row for every change, written in the same transaction as the change."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock
from .db import Base, Instant, JSONType


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Instant())
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str | None] = mapped_column(String(80))
    to_state: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


BUFFER = "casework.audit.buffer"     # session.info key: rows kept for record_all by a batch
_INSERT = insert(AuditEvent)     # built once: parameters per call, the compiled statement is cached


def record(
    session: Session,
    *,
    actor: str,
    entity: str,
    entity_id: int,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Write an audit row in the caller's transaction (never commits).

    A plain INSERT rather than an ORM object: audit rows are only ever read back by queries, and
    this is on the path of every state change (one round trip, no unit-of-work bookkeeping)."""
    row = {"at": clock.now(), "actor": actor, "entity": entity, "entity_id": entity_id, "action": action,
           "from_state": from_state, "to_state": to_state, "reason": reason, "changes": changes}
    buffer = session.info.get(BUFFER)
    if buffer is not None:       # a batch writes its audit rows together, in the same transaction
        buffer.append(row)
    else:
        session.execute(_INSERT, row)


def record_all(session: Session, rows: list[dict[str, Any]]) -> None:
    """Many audit rows at once (``record``'s keywords, one dict per row), stamped now."""
    if rows:
        now = clock.now()
        session.execute(_INSERT, [{"from_state": None, "to_state": None, "reason": None, "changes": None,
                                   "at": now, **row} for row in rows])
