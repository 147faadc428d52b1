"""Creating accounts, board memberships and declared conflicts of interest (People and bodies; C1, R1).

The command line and the administration pages call these functions, so both check the same things
the same way, before the database is asked: an e-mail address is an address (stored lower-case) and
names no other account; a board member sits on at least one board (a notice); a candidate's account
points at their candidate record (C1), which no other account holds; a conflict of interest is
declared once per pair. Every change writes an audit row in the caller's transaction. Nothing here
commits, and nothing sets a password (that is done from the web, never on a command line).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..competitions.definition import LANGUAGES
from ..competitions.models import Candidate, Notice
from ..text import bad_character
from .models import BoardMembership, ConflictOfInterest, Role, User

_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]+"          # RFC 5322 atoms (letters of any script allowed)
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"     # a DNS label: letters, digits, inner hyphens
EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*\.[^\W\d_]{{2,63}}")
MAX_EMAIL = 254        # RFC 5321; the column's length
MAX_NAME = 200


class AccountError(Exception):
    """An account change that cannot be made, as one sentence for the person making it; nothing was changed."""


def normalise_email(value: str, what: str = "e-mail address") -> str:
    """``value`` as stored: stripped and lower-case, refused unless it is an address."""
    _plain(value, what)
    email = value.strip().lower()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email) or len(email.split("@")[0]) > 64:
        raise AccountError(f"{value!r} is not an e-mail address")
    return email


def _plain(value: str, what: str, *, multiline: bool = False, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise AccountError(f"the {what} must be text")
    bad = bad_character(value, multiline=multiline)
    if bad is not None:
        raise AccountError(f"the {what} contains a control character ({bad})")
    text = value.strip()
    if not text:
        raise AccountError(f"the {what} is empty")
    if limit is not None and len(text) > limit:
        raise AccountError(f"the {what} is longer than {limit} characters")
    return text


def find_user(session: Session, email: str, *, active: bool = True) -> User:
    """The account with this e-mail address (in any case); ``active``: refuse a deactivated one."""
    wanted = normalise_email(email)
    user = session.scalar(select(User).where(func.lower(User.email) == wanted))
    if user is None or (active and not user.active):
        raise AccountError(f"no {'active ' if active else ''}user {wanted!r}")
    return user


def find_candidate(session: Session, email: str) -> Candidate:
    """The candidate record with this e-mail address (in any case)."""
    wanted = normalise_email(email, "candidate's e-mail address")
    found = list(session.scalars(select(Candidate).where(func.lower(Candidate.email) == wanted).limit(2)))
    if not found:
        raise AccountError(f"no candidate {wanted!r}")
    if len(found) > 1:
        raise AccountError(f"two candidate records have the address {wanted!r} (in different case): "
                           "name the exact one")
    return found[0]


def find_notice(session: Session, reference: str) -> Notice:
    wanted = _plain(reference, "notice reference", limit=40)
    notice = session.scalar(select(Notice).where(Notice.reference == wanted))
    if notice is None:
        raise AccountError(f"no notice {wanted!r}")
    return notice


def create_user(session: Session, *, email: str, name: str, role: Role | str, boards: Iterable[str] = (),
                candidate_email: str | None = None, language: str = "EN", actor: str) -> User:
    """A new, active account without a password. ``boards``: the references of the notices whose
    selection board a board member sits on (one at least, and only for a board member);
    ``candidate_email``: the candidate record of a candidate's account (required for one, refused for
    any other role; C1: one account per person)."""
    address = normalise_email(email)
    name = _plain(name, "name", limit=MAX_NAME)
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r} (use one of {', '.join(r.value for r in Role)})") from None
    language = _plain(language, "language").upper()
    if language not in LANGUAGES:
        raise AccountError(f"unknown language {language!r} (use one of {', '.join(LANGUAGES)})")
    references = list(dict.fromkeys(boards))
    if role is Role.BOARD_MEMBER and not references:
        raise AccountError("a board member sits on at least one selection board: give the notice "
                           "reference of each (--board)")
    if role is not Role.BOARD_MEMBER and references:
        raise AccountError(f"only a board member sits on a selection board, not a {role.value}")
    if role is Role.CANDIDATE and not candidate_email:
        raise AccountError("a candidate's account belongs to their candidate record: give its e-mail "
                           "address (--candidate)")
    if role is not Role.CANDIDATE and candidate_email:
        raise AccountError(f"only a candidate's account is linked to a candidate record, not a {role.value}'s")
    notices = [find_notice(session, reference) for reference in references]
    candidate = find_candidate(session, candidate_email) if candidate_email else None
    if session.scalar(select(User.id).where(func.lower(User.email) == address)) is not None:
        raise AccountError(f"an account with the e-mail address {address!r} exists already")
    if candidate is not None and session.scalar(select(User.id).where(User.candidate_id == candidate.id)):
        raise AccountError(f"the candidate record {candidate.email!r} already has an account "
                           "(C1: one account per person)")
    user = User(email=address, name=name, role=role, candidate_id=candidate and candidate.id, language=language,
                active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, entity="user", entity_id=user.id, action="create",
                 changes={"role": role.value, "language": language,
                          **({"candidate_id": candidate.id} if candidate else {})})
    for notice in notices:
        _join(session, user, notice, actor)
    return user


def add_board_membership(session: Session, user: User, reference: str, *, actor: str) -> BoardMembership:
    """``user`` (a board member) sits on the selection board of notice ``reference`` from now on."""
    if user.role is not Role.BOARD_MEMBER:
        raise AccountError(f"only a board member sits on a selection board, not a {user.role.value}")
    notice = find_notice(session, reference)
    if session.scalar(select(BoardMembership.id).where(BoardMembership.user_id == user.id,
                                                       BoardMembership.notice_id == notice.id)):
        raise AccountError(f"{user.email} already sits on the board of {notice.reference}")
    return _join(session, user, notice, actor)


def _join(session: Session, user: User, notice: Notice, actor: str) -> BoardMembership:
    membership = BoardMembership(user_id=user.id, notice_id=notice.id)
    session.add(membership)
    session.flush()
    audit.record(session, actor=actor, entity="user", entity_id=user.id, action="join_board",
                 changes={"notice": notice.reference})
    return membership


def remove_board_membership(session: Session, user: User, reference: str, *, actor: str,
                            reason: str | None = None) -> None:
    """``user`` leaves the board of notice ``reference``; a board member keeps at least one board
    (deactivate the account instead)."""
    notice = find_notice(session, reference)
    memberships = list(session.scalars(select(BoardMembership).where(BoardMembership.user_id == user.id)))
    leaving = next((m for m in memberships if m.notice_id == notice.id), None)
    if leaving is None:
        raise AccountError(f"{user.email} does not sit on the board of {notice.reference}")
    if user.role is Role.BOARD_MEMBER and user.active and len(memberships) == 1:
        raise AccountError(f"{notice.reference} is the only board of {user.email}: a board member sits on "
                           "at least one (deactivate the account instead)")
    session.delete(leaving)
    session.flush()
    audit.record(session, actor=actor, entity="user", entity_id=user.id, action="leave_board",
                 reason=reason and _plain(reason, "reason", multiline=True), changes={"notice": notice.reference})


def declare_conflict(session: Session, user: User, candidate: Candidate, reason: str, *,
                     actor: str) -> ConflictOfInterest:
    """A declared family or hierarchical link: ``user`` never handles ``candidate``'s cases (R1),
    recorded once per pair, with an audit row."""
    reason = _plain(reason, "reason", multiline=True)
    if user.role is Role.CANDIDATE:
        raise AccountError("a candidate's account declares no conflict of interest (only those who "
                           "handle cases do)")
    existing = session.scalar(select(ConflictOfInterest).where(ConflictOfInterest.user_id == user.id,
                                                               ConflictOfInterest.candidate_id == candidate.id))
    if existing is not None:
        raise AccountError(f"{user.email} already declared a conflict of interest with this candidate "
                           f"(on {existing.declared_at:%Y-%m-%d})")
    conflict = ConflictOfInterest(user_id=user.id, candidate_id=candidate.id, reason=reason,
                                  declared_at=clock.now())
    session.add(conflict)
    session.flush()
    audit.record(session, actor=actor, entity="user", entity_id=user.id, action="declare_conflict",
                 reason=reason, changes={"conflict_id": conflict.id, "candidate_id": candidate.id})
    return conflict
