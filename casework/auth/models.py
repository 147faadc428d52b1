"""Accounts of the people who act on cases, their board memberships and declared conflicts.

A candidate's account points at their :class:`~casework.competitions.models.Candidate` (C1: one
account per person). A board member sits on the boards of given notices and must never handle
the file of a candidate with whom they declared a conflict of interest (People and bodies).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..competitions.models import _enum
from ..db import Base, Instant


class Role(enum.Enum):
    CANDIDATE = "candidate"
    LEGAL_OFFICER = "legal-officer"          # EPSO's legal team
    HEAD_OF_UNIT = "head-of-unit"            # the legal team's head: may do what an officer may
    EPSO_OFFICER = "epso-officer"            # decides for EPSO (R1: P2, P5, P3 on EPSO decisions)
    BOARD_MEMBER = "board-member"            # decides for the selection board of their notices
    APPOINTING_AUTHORITY = "appointing-authority"   # the Director of EPSO (P4)
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"), unique=True)
    head_of_unit_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    language: Mapped[str] = mapped_column(String(2), default="EN")
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)


class BoardMembership(Base):
    """A member of the selection board of one notice."""
    __tablename__ = "board_memberships"
    __table_args__ = (UniqueConstraint("user_id", "notice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))


class ConflictOfInterest(Base):
    """A declared family or hierarchical link between a board member and a candidate."""
    __tablename__ = "conflicts_of_interest"
    __table_args__ = (UniqueConstraint("user_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(Instant())
