"""The people who act on cases in the scenarios: real users with roles, turned into actors."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import clock
from casework.auth.actors import Actor, actor_for
from casework.auth.models import BoardMembership, ConflictOfInterest, Role, User
from casework.competitions.models import Application, Notice

_serial = itertools.count(1)


def user(session: Session, role: Role, *, boards: tuple[Notice, ...] = (), candidate_id: int | None = None) -> User:
    n = next(_serial)
    u = User(email=f"{role.value}{n}@example.eu", name=f"{role.value} {n}", role=role, candidate_id=candidate_id,
             language="EN", active=True)
    session.add(u)
    session.flush()
    for notice in boards:
        session.add(BoardMembership(user_id=u.id, notice_id=notice.id))
    session.flush()
    return u


def actor(session: Session, role: Role, **kw) -> Actor:
    return actor_for(session, user(session, role, **kw))


def candidate(session: Session, application: Application) -> Actor:
    """The account of the candidate behind ``application`` (C1: one account per person)."""
    existing = session.scalar(select(User).where(User.candidate_id == application.candidate_id))
    return actor_for(session, existing) if existing else actor(session, Role.CANDIDATE,
                                                               candidate_id=application.candidate_id)


def declare_conflict(session: Session, member: Actor, application: Application) -> Actor:
    session.add(ConflictOfInterest(user_id=member.user_id, candidate_id=application.candidate_id,
                                   reason="family link", declared_at=clock.now()))
    session.flush()
    return actor_for(session, session.get(User, member.user_id))


@dataclass
class Team:
    """EPSO's legal team, an EPSO officer, the Director, the board of one notice, the scheduler."""
    legal: Actor
    head: Actor
    epso: Actor
    director: Actor
    board: Actor
    system: Actor


def team(session: Session, notice: Notice) -> Team:
    return Team(legal=actor(session, Role.LEGAL_OFFICER), head=actor(session, Role.HEAD_OF_UNIT),
                epso=actor(session, Role.EPSO_OFFICER), director=actor(session, Role.APPOINTING_AUTHORITY),
                board=actor(session, Role.BOARD_MEMBER, boards=(notice,)), system=Actor.system("scheduler"))
