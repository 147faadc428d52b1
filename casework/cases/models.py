"""Cases: what a candidate files, who decides it, its time limits, documents and correspondence.

A case is *about* a recorded decision of the competition core (R2) or a test the candidate sat
(P1, P2): author, stage and publication date come from that record, never from what the candidate
types. Its state is one column of :class:`CaseState`, changed only by
:func:`casework.workflows.apply` (which audits it); ``version`` makes two officers acting at once
a conflict instead of a lost update.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import BRUSSELS
from ..competitions.models import Application, Candidate, Decision, Sitting, _enum
from ..db import Base, Instant, JSONType


class CaseType(enum.Enum):
    """The procedures of RULES section P."""
    NEUTRALISATION = "neutralisation"        # P1
    TECHNICAL_ISSUE = "technical-issue"      # P2
    REVIEW = "review"                        # P3
    COMPLAINT = "complaint"                  # P4 Article 90(2)
    ACCESS_INFO = "access-info"              # P5 the candidate's specific rights
    ACCESS_DOCUMENTS = "access-documents"    # P5 Regulation 1049/2001
    REMEDY = "remedy"                        # P6 court action or Ombudsman, tracked

    @property
    def rule(self) -> str:
        return {"neutralisation": "P1", "technical-issue": "P2", "review": "P3", "complaint": "P4",
                "access-info": "P5", "access-documents": "P5", "remedy": "P6"}[self.value]

    @property
    def code(self) -> str:
        """Prefix of the case reference."""
        return {"neutralisation": "NEU", "technical-issue": "TEC", "review": "REV", "complaint": "CPL",
                "access-info": "INF", "access-documents": "DOC", "remedy": "REM"}[self.value]


class CaseState(enum.Enum):
    """Every state any case type uses; each machine uses its own subset (workflows.machines)."""
    FILED = "filed"
    ACKNOWLEDGED = "acknowledged"
    ANALYSIS = "analysis"
    REFERRED = "referred"
    DECIDED = "decided"
    REPLIED = "replied"
    CONFIRMATORY = "confirmatory"
    IMPLIED_REJECTION = "implied-rejection"
    INADMISSIBLE = "inadmissible"
    WITHDRAWN = "withdrawn"
    WINDOW_OPEN = "window-open"
    LODGED = "lodged"
    JUDGED = "judged"
    LAPSED = "lapsed"


class DecidingBody(enum.Enum):
    """R1: exactly one at a time. The court and the Ombudsman decide P6 cases outside casework."""
    BOARD = "board"
    EPSO = "epso"
    APPOINTING_AUTHORITY = "appointing-authority"
    GENERAL_COURT = "general-court"
    OMBUDSMAN = "ombudsman"


class DeadlineStatus(enum.Enum):
    OPEN = "open"             # running (or suspended): the scheduler watches it
    MET = "met"               # the act was done (``met_at``; late if after ``due_at``)
    EXPIRED = "expired"       # the period ran out (e.g. implied rejection, window closed)
    CANCELLED = "cancelled"   # no longer relevant (withdrawn, closed)


def case_reference(case_type: CaseType, filed_at: datetime, case_id: int) -> str:
    """A case's reference from its type, filing instant and number (lists build it from columns)."""
    return f"{case_type.code}-{filed_at.astimezone(BRUSSELS).year}-{case_id:06d}"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_candidate", "candidate_id"),
        Index("ix_cases_state", "type", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[CaseType] = mapped_column(_enum(CaseType))
    state: Mapped[CaseState] = mapped_column(_enum(CaseState))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))     # contested (R2)
    sitting_id: Mapped[int | None] = mapped_column(ForeignKey("sittings.id"))       # P1, P2
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))          # P6: the case it follows
    deciding_body: Mapped[DecidingBody] = mapped_column(_enum(DecidingBody))
    assigned_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    language: Mapped[str] = mapped_column(String(2))          # correspondence language (C4)
    filed_at: Mapped[datetime] = mapped_column(Instant())
    # D6: never refused for lateness; how late it was, and the legal team's finding
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    lateness_seconds: Mapped[int | None] = mapped_column(Integer)
    excuse: Mapped[str | None] = mapped_column(String(40))    # force-majeure, excusable-error
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # what the candidate filed: question, explanation, grounds, items requested, forum...
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    outcome: Mapped[str | None] = mapped_column(String(40))
    closed_at: Mapped[datetime | None] = mapped_column(Instant())
    updated_at: Mapped[datetime] = mapped_column(Instant())   # every step, even an internal one

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}   # optimistic locking

    candidate: Mapped[Candidate] = relationship()
    application: Mapped[Application | None] = relationship()
    decision: Mapped[Decision | None] = relationship()
    sitting: Mapped[Sitting | None] = relationship()
    parent: Mapped[Case | None] = relationship(remote_side=[id])
    deadlines: Mapped[list[CaseDeadline]] = relationship(back_populates="case", order_by="CaseDeadline.id")
    documents: Mapped[list[CaseDocument]] = relationship(back_populates="case", order_by="CaseDocument.id")
    messages: Mapped[list[CaseMessage]] = relationship(back_populates="case", order_by="CaseMessage.id")

    @property
    def reference(self) -> str:
        """E.g. ``REV-2022-000042``: type, year of filing (Brussels), number."""
        return case_reference(self.type, self.filed_at, self.id)

    def deadline(self, name: str) -> CaseDeadline | None:
        """The latest deadline of that name (a re-opened one replaces the earlier)."""
        found = [d for d in self.deadlines if d.name == name]
        return found[-1] if found else None


class CaseDeadline(Base):
    """A time limit of a case, stored with its input and computation trace (D6).

    ``spec`` is the deadline engine's serialisable input (event, rule snapshot, decisions), so the
    deadline can be recomputed after a calendar change; ``computation`` is the trace shown to
    people. The partial index is what the scheduler sweeps.
    """
    __tablename__ = "case_deadlines"
    __table_args__ = (
        Index("ix_case_deadlines_case", "case_id"),
        Index("ix_case_deadlines_due_open", "due_at", postgresql_where=text("status = 'open'"),
              sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    name: Mapped[str] = mapped_column(String(40))       # filing, acknowledgement, reply, court-action...
    rule: Mapped[str] = mapped_column(String(60))
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType)
    computation: Mapped[dict[str, Any]] = mapped_column(JSONType)
    last_day: Mapped[date | None] = mapped_column(Date)            # None while the clock is stopped
    due_at: Mapped[datetime | None] = mapped_column(Instant())
    status: Mapped[DeadlineStatus] = mapped_column(_enum(DeadlineStatus))
    met_at: Mapped[datetime | None] = mapped_column(Instant())
    created_at: Mapped[datetime] = mapped_column(Instant())

    case: Mapped[Case] = relationship(back_populates="deadlines")


class CaseDocument(Base):
    """A file attached to a case: evidence filed by the candidate, or what a reply gives."""
    __tablename__ = "case_documents"
    __table_args__ = (Index("ix_case_documents_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(20))       # evidence, reply
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(Instant())

    case: Mapped[Case] = relationship(back_populates="documents")


class CaseMessage(Base):
    """Correspondence: what the candidate filed and what the legal team sent (via the account)."""
    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    direction: Mapped[str] = mapped_column(String(3))    # in, out
    kind: Mapped[str] = mapped_column(String(40))        # filing, acknowledgement, reply, notice...
    language: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(Instant())

    case: Mapped[Case] = relationship(back_populates="messages")
