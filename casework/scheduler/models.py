"""The scheduler process as it reports itself (``casework scheduler status``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Instant, JSONType


class SchedulerWorker(Base):
    """A running scheduler process, as it last reported itself (``casework scheduler status``)."""
    __tablename__ = "scheduler_workers"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(Instant())
    last_seen: Mapped[datetime] = mapped_column(Instant())
    jobs: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)     # job id -> next run (ISO)
