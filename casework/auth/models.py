"""Accounts of the people who act on cases, their board memberships and declared conflicts.

A candidate's account points at their :class:`~casework.competitions.models.Candidate` (C1: one
account per person). A board member sits on the boards of given notices and must never handle
the file of a candidate with whom they declared a conflict of interest (People and bodies).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..competitions.models import _enum
from ..db import Base, Instant

if TYPE_CHECKING:
    from argon2 import PasswordHasher


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
    # part of the login cookie (web.auth: "<id>:<version>"): bumped by a password change or reset,
    # which logs the account out of every browser
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # a candidate's date of birth as given at registration: with the names, what tells whether a new
    # registration is a person who holds an account already (C1; auth.registration)
    birth_date: Mapped[date | None] = mapped_column(Date)

    def set_password(self, password: str, hasher: PasswordHasher | None = None) -> None:
        """Argon2 (:mod:`casework.auth.passwords`); does not log other sessions out (see
        :func:`casework.auth.passwords.change_password`, which does)."""
        from . import passwords
        self.password_hash = passwords.hash_password(password, hasher)

    def check_password(self, password: str, hasher: PasswordHasher | None = None) -> bool:
        from . import passwords
        return passwords.verify(self.password_hash, password, hasher)


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


class AttemptKind(enum.Enum):
    """What is counted in ``login_attempts`` (auth.throttle)."""
    LOGIN = "login"              # a failed login
    REGISTER = "register"        # a registration sent (each one mails a link)
    RESET = "reset"              # a password reset asked for (each one mails a link)


class LoginAttempt(Base):
    """One counted attempt, by the e-mail address it named (whether or not an account has it) and the
    client address it came from: the throttle counts rows in the database, so it holds across web
    processes and machines (auth.throttle). Rows older than the window are pruned."""
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_kind_email", "kind", "email", "at"),
                      Index("ix_login_attempts_kind_address", "kind", "address", "at"),
                      Index("ix_login_attempts_kind_at", "kind", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttemptKind] = mapped_column(_enum(AttemptKind))
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(Instant())


class RegistrationState(enum.Enum):
    AWAITING = "awaiting-confirmation"    # the link mailed has not been followed yet
    HELD = "held"                         # confirmed, but looks like a person with an account (C1): EPSO checks


class PendingRegistration(Base):
    """A candidate's registration before it is an account (auth.registration): waiting for its e-mail
    confirmation, or held for EPSO because it looks like a person who holds an account already (C1).
    Confirmed registrations become a :class:`User` and a candidate record and are deleted (the audit
    trail keeps the event); unconfirmed ones are pruned after the link's lifetime."""
    __tablename__ = "pending_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[RegistrationState] = mapped_column(_enum(RegistrationState))
    email: Mapped[str] = mapped_column(String(254), index=True)
    surname: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    identity_key: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2))
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(Instant())
    confirmed_at: Mapped[datetime | None] = mapped_column(Instant())
    # why it is held: "identity-key", "e-mail" (a candidate record has the address), "name-and-birth-date"
    held_because: Mapped[str | None] = mapped_column(String(40))
    matched_candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"))
