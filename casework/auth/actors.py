"""Who is acting: a plain value built once per request or command, checked by the workflows.

Permission checks are plain functions over an :class:`Actor` (no database access), so that views,
templates and the workflow entry point ask the same question the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import BoardMembership, ConflictOfInterest, Role, User

LEGAL_TEAM = frozenset({Role.LEGAL_OFFICER, Role.HEAD_OF_UNIT})
# what the audit trail and the author columns hold of a name (``role:address``: an address alone may
# have 254 characters); tests/auth keeps every such column at least this long
NAME_LENGTH = 200


@dataclass(frozen=True)
class Actor:
    name: str                                  # what the audit trail records
    role: Role | None                          # None: the system (scheduler)
    user_id: int | None = None
    candidate_id: int | None = None
    boards: frozenset[int] = frozenset()       # notice ids whose board the actor sits on
    conflicts: frozenset[int] = frozenset()    # candidate ids the actor must not handle

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(name=f"system:{name}", role=None)

    @property
    def is_system(self) -> bool:
        return self.role is None

    @property
    def in_legal_team(self) -> bool:
        return self.role in LEGAL_TEAM

    def may_handle(self, candidate_id: int) -> bool:
        """Never a candidate with whom the actor declared a conflict of interest."""
        return candidate_id not in self.conflicts


def actor_for(session: Session, user: User) -> Actor:
    """``user`` as the domain's actor. A candidate sits on no board and declares no conflict (only
    staff and board members do), so their account costs no query here."""
    name = f"{user.role.value}:{user.email}"[:NAME_LENGTH]
    if user.role is Role.CANDIDATE:
        return Actor(name=name, role=user.role, user_id=user.id, candidate_id=user.candidate_id)
    boards = frozenset(session.scalars(select(BoardMembership.notice_id)
                                       .where(BoardMembership.user_id == user.id)))
    conflicts = frozenset(session.scalars(select(ConflictOfInterest.candidate_id)
                                          .where(ConflictOfInterest.user_id == user.id)))
    return Actor(name=name, role=user.role, user_id=user.id, candidate_id=user.candidate_id, boards=boards,
                 conflicts=conflicts)
