"""Persistent model of an open competition (RULES C1–C16, R2).

What a notice says (places, pass marks, caps, languages, time limits) lives in the JSON
``definition`` of a :class:`NoticeVersion`, never in code; every :class:`Decision` records the
version it was taken under (C14), its author and its publication date (R2).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, Instant, JSONType


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an Enum by value, with a CHECK constraint on every backend."""
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False,
                create_constraint=True, length=30, name=cls.__name__.lower())


class Body(enum.Enum):
    """Who takes a decision (People and bodies; R1)."""
    BOARD = "board"
    EPSO = "epso"
    APPOINTING_AUTHORITY = "appointing-authority"


class Status(enum.Enum):
    """A candidate's standing in the competition (C16)."""
    ACTIVE = "active"
    ELIMINATED = "eliminated"      # below a pass mark or a cut-off (can be reinstated, R3)
    EXCLUDED = "excluded"          # excluded on a C15 ground (can be reinstated, R3)
    WITHDRAWN = "withdrawn"
    RESERVE_LIST = "reserve-list"


class ApplicationState(enum.Enum):
    """The application form itself (C3, C14)."""
    DRAFT = "draft"
    VALIDATED = "validated"
    REVALIDATION_REQUIRED = "revalidation-required"   # C14: reopened by an amendment
    DROPPED = "dropped"                                # C14: not revalidated in time


class ScoreState(enum.Enum):
    RECORDED = "recorded"
    UNPROCESSED = "unprocessed"    # C10: taken after an eliminatory failure
    CANCELLED = "cancelled"        # C14: test event cancelled by an amendment


class Notice(Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))

    versions: Mapped[list[NoticeVersion]] = relationship(
        back_populates="notice", order_by="NoticeVersion.number")
    fields: Mapped[list[Field]] = relationship(back_populates="notice", order_by="Field.code")

    @property
    def current(self) -> NoticeVersion:
        return self.versions[-1]


class NoticeVersion(Base):
    """One published text of a notice: the original or an amendment (C14)."""
    __tablename__ = "notice_versions"
    __table_args__ = (UniqueConstraint("notice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    number: Mapped[int]
    published_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(Instant())

    notice: Mapped[Notice] = relationship(back_populates="versions")


class Field(Base):
    """A field of a notice (C2); its places live in the version's definition."""
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("notice_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))

    notice: Mapped[Notice] = relationship(back_populates="fields")


class Candidate(Base):
    """One account per person (C1): ``identity_key`` is unique."""
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    identity_key: Mapped[str] = mapped_column(String(100), unique=True)
    surname: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200))
    correspondence_language: Mapped[str] = mapped_column(String(2))
    # opted in: remind me when the time to contest a decision is about to run out (issue 5)
    filing_reminders: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    applications: Mapped[list[Application]] = relationship(back_populates="candidate")

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}"


class Application(Base):
    """A candidate's application to one field of one notice (C2, C3) and where they stand (C16)."""
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("candidate_id", "notice_id"),   # C2: one field per notice
        Index("ix_applications_notice_field", "notice_id", "field_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    state: Mapped[ApplicationState] = mapped_column(_enum(ApplicationState))
    validated_at: Mapped[datetime | None] = mapped_column(Instant())
    validated_version_id: Mapped[int | None] = mapped_column(ForeignKey("notice_versions.id"))
    language_1: Mapped[str] = mapped_column(String(2))
    language_2: Mapped[str] = mapped_column(String(2))
    # C4: {"EN": {"speaking": "C1", "writing": "B2", "reading": "C2", "listening": "C1"}, ...}
    language_levels: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # C5: {"diplomas": [...], "experience": [...]} as declared
    profile: Mapped[dict[str, Any]] = mapped_column(JSONType)
    publish_name: Mapped[bool] = mapped_column(Boolean, default=True)   # C12 opt-out
    # C11: what the board found when it checked the uploaded documents (None: not checked)
    documents_supported: Mapped[bool | None] = mapped_column(Boolean)
    reinstated: Mapped[bool] = mapped_column(Boolean, default=False)   # R3: beyond caps and places
    phase: Mapped[str] = mapped_column(String(40))
    status: Mapped[Status] = mapped_column(_enum(Status))

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    field: Mapped[Field] = relationship()
    notice: Mapped[Notice] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="application")


class Score(Base):
    """A candidate's result in one test (or the screener), with the detail behind it.

    ``detail`` keeps what is needed to rescore later: for an MCQ the questions given and the
    answers chosen (P1 neutralisation); for the screener the marks per question (C6).
    """
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("application_id", "test"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    test: Mapped[str] = mapped_column(String(40))
    score: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    state: Mapped[ScoreState] = mapped_column(_enum(ScoreState), default=ScoreState.RECORDED)
    notice_version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    taken_on: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    application: Mapped[Application] = relationship(back_populates="scores")


class Sitting(Base):
    """A test a candidate sat, and when: the event from which P1 and P2 time limits run."""
    __tablename__ = "sittings"
    __table_args__ = (UniqueConstraint("application_id", "test"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    test: Mapped[str] = mapped_column(String(40))
    sat_on: Mapped[date] = mapped_column(Date)

    application: Mapped[Application] = relationship()


class Question(Base):
    """An MCQ question of a test of a notice, with its key (for P1 rescoring)."""
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("notice_id", "test", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    test: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(40))
    correct: Mapped[str] = mapped_column(String(10))
    points: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1))
    neutralised: Mapped[bool] = mapped_column(Boolean, default=False)


class Decision(Base):
    """A candidate-facing decision (R2): author, stage, publication date, notice version."""
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_application", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    notice_version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    kind: Mapped[str] = mapped_column(String(40))
    author: Mapped[Body] = mapped_column(_enum(Body))
    phase: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[Status] = mapped_column(_enum(Status))
    ground: Mapped[str | None] = mapped_column(String(60))    # C15 exclusion ground
    # C15: the claim this exclusion admits ("force-majeure": not booking or not attending a test
    # stands unless circumstances beyond the candidate's control are proven, 004 4.4 (4))
    admits: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)   # the human explanation, never read by a rule
    published_at: Mapped[datetime] = mapped_column(Instant())
    source: Mapped[str | None] = mapped_column(String(100))   # e.g. the case behind a reinstatement
    # R2, R3: what the decision rests on, as data (docs/competitions.md, "What a decision rests
    # on"): the pass marks failed with their tests and minimum, the tests missed, the eligibility
    # conditions not met, the cap... Every rule that needs it reads this, never ``reason``.
    # Rows older than migration 0007 whose reason could not be read say {"legacy_reason_unparsed": true}.
    basis: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default=text("'{}'"))

    application: Mapped[Application] = relationship()
    notice_version: Mapped[NoticeVersion] = relationship()


class StageEvent(Base):
    """One step of a candidate's history (C16): phase and status, and the decision behind it."""
    __tablename__ = "stage_events"
    __table_args__ = (Index("ix_stage_events_application", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    phase: Mapped[str] = mapped_column(String(40))
    status: Mapped[Status] = mapped_column(_enum(Status))
    at: Mapped[datetime] = mapped_column(Instant())
    actor: Mapped[str] = mapped_column(String(200))

    decision: Mapped[Decision | None] = relationship()


class PhaseClosure(Base):
    """A phase the competition has run for a field: who went through was decided (C16, R3)."""
    __tablename__ = "phase_closures"
    __table_args__ = (UniqueConstraint("field_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    phase: Mapped[str] = mapped_column(String(40))
    notice_version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    closed_at: Mapped[datetime] = mapped_column(Instant())
    actor: Mapped[str] = mapped_column(String(200))


class ReserveList(Base):
    """A field's reserve list (C12)."""
    __tablename__ = "reserve_lists"
    __table_args__ = (UniqueConstraint("field_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    notice_version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    published_at: Mapped[datetime] = mapped_column(Instant())
    valid_until: Mapped[date] = mapped_column(Date)

    field: Mapped[Field] = relationship()
    entries: Mapped[list[ReserveListEntry]] = relationship(back_populates="reserve_list")


class ReserveListEntry(Base):
    __tablename__ = "reserve_list_entries"
    __table_args__ = (UniqueConstraint("application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reserve_list_id: Mapped[int] = mapped_column(ForeignKey("reserve_lists.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    final_score: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    reinstated: Mapped[bool] = mapped_column(Boolean, default=False)

    reserve_list: Mapped[ReserveList] = relationship(back_populates="entries")
    application: Mapped[Application] = relationship()
