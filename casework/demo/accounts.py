"""Demo accounts: one ready account per role, candidates linked to demo candidates at stages worth
seeing, so that a new user logs straight in (issue 11; ``casework demo accounts``, run by scripts/demo).

Each run creates the accounts or, when they exist, gives them a new password (which logs out every
browser that used the old one). The candidates are found by queries over the demo data, the same
ones on every run for the same data (the earliest decision of each kind):

- not invited after the talent screener (C6, C7);
- failed a test (pass marks, C8);
- on a published reserve list (C12);
- excluded at eligibility by the board, with a request for review filed three days after the
  decision (on time) and acknowledged by the legal team: a case under way (P3).

Staff accounts have fixed addresses (``<role>@demo.casework.example``); the board member sits on
the board of every demo notice; the legal officer's head of unit is the demo head of unit.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..auth import accounts, passwords
from ..auth.actors import actor_for
from ..auth.models import BoardMembership, Role, User
from ..cases.models import Case, CaseState, CaseType
from ..competitions.models import Application, Candidate, Decision, Notice, Status
from ..workflows import apply
from ..workflows.requests import FilingRequest, file_request

ACTOR = "demo"
DOMAIN = "demo.casework.example"
REVIEW_GROUNDS = ("My diploma and my experience meet the conditions of the notice: the board did not count the "
                  "years I worked part time pro rata (C5).")


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    look_at: str


def _password() -> str:
    return secrets.token_urlsafe(9)          # 12 characters


def _staff_email(role: Role) -> str:
    return f"{role.value}@{DOMAIN}"


def _account(session: Session, *, email: str, name: str, role: Role, candidate: Candidate | None = None,
             boards: tuple[str, ...] = (), password: str, using: PasswordHasher | None) -> User:
    """The account with ``email``, created if need be; its password set and its sessions ended."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None and candidate is not None:
        user = session.scalar(select(User).where(User.candidate_id == candidate.id))
    if user is None:
        user = accounts.create_user(session, email=email, name=name, role=role, boards=boards,
                                    candidate_email=candidate.email if candidate else None,
                                    language=candidate.correspondence_language if candidate else "EN", actor=ACTOR)
    else:
        user.active = True
        for reference in boards:
            notice = accounts.find_notice(session, reference)
            if session.scalar(select(BoardMembership.id).where(BoardMembership.user_id == user.id,
                                                               BoardMembership.notice_id == notice.id)) is None:
                accounts.add_board_membership(session, user, reference, actor=ACTOR)
    passwords.change_password(user, password, using)
    session.flush()
    return user


def _first(session: Session, kind: str, phase: str | None, taken: set[int], *, status: Status | None = None,
           author: str | None = None) -> Decision | None:
    """The earliest decision of ``kind`` (at ``phase``) of a candidate not picked yet whose application
    still stands where that decision left it."""
    query = (select(Decision, Application.candidate_id).join(Application, Decision.application_id == Application.id)
             .where(Decision.kind == kind, Application.phase == Decision.phase).order_by(Decision.id))
    if phase is not None:
        query = query.where(Decision.phase == phase)
    if status is not None:
        query = query.where(Application.status == status)
    if author is not None:
        query = query.where(Decision.author == author)
    for decision, candidate_id in session.execute(query.limit(200)):
        if candidate_id in taken:
            continue
        taken.add(candidate_id)
        return decision
    return None


def _where(decision: Decision) -> str:
    application = decision.application
    return f"{application.notice.reference} field {application.field.code}, application {application.number}"


def _review_under_way(session: Session, user: User, decision: Decision, legal: User) -> Case:
    """The candidate's request for review of ``decision``: filed three days after it (on time), then
    acknowledged by the legal team — or the one filed by an earlier run."""
    existing = session.scalar(select(Case).where(Case.decision_id == decision.id, Case.type == CaseType.REVIEW))
    if existing is not None:
        return existing
    with clock.use_clock(clock.FrozenClock(decision.published_at + timedelta(days=3, hours=2))):
        case = file_request(session, actor_for(session, user),
                            FilingRequest("review", decision=str(decision.id),
                                          details={"grounds": REVIEW_GROUNDS}))
    with clock.use_clock(clock.FrozenClock(decision.published_at + timedelta(days=6, hours=3))):
        if case.state is CaseState.FILED:
            apply(session, case, "acknowledge", actor_for(session, legal))
    return case


def demo_accounts(session: Session, *, using: PasswordHasher | None = None,
                  password: Callable[[], str] = _password) -> list[DemoAccount]:
    """Create (or reset) one account per role; what each should look at. Refuses an empty database."""
    if not session.scalar(select(func.count(Notice.id))):
        raise accounts.AccountError("no demo data: run `casework demo load` first")
    references = tuple(session.scalars(select(Notice.reference).order_by(Notice.reference)))
    made: list[DemoAccount] = []

    def staff(role: Role, name: str, look_at: str, **kw) -> User:
        secret = password()
        user = _account(session, email=_staff_email(role), name=name, role=role, password=secret, using=using, **kw)
        made.append(DemoAccount(role.value, user.email, secret, look_at))
        return user

    head = staff(Role.HEAD_OF_UNIT, "Demo Head of Unit",
                 "the legal team's cases, as its head: `casework case list --as head-of-unit@demo.casework.example`")
    legal = staff(Role.LEGAL_OFFICER, "Demo Legal Officer", "")
    legal.head_of_unit_id = head.id
    staff(Role.EPSO_OFFICER, "Demo EPSO Officer", "decides for EPSO: P2, P5, P3 on EPSO decisions (R1)")
    staff(Role.BOARD_MEMBER, "Demo Board Member", f"sits on the boards of {', '.join(references)}", boards=references)
    staff(Role.APPOINTING_AUTHORITY, "Demo Director", "decides complaints under Article 90(2) (P4)")
    staff(Role.ADMIN, "Demo Administrator", "users, calendars, the outbox: `casework user`, `casework outbox`")

    taken: set[int] = set()
    wanted = [
        (_first(session, "not-invited", "screener", taken, status=Status.ELIMINATED),
         "not invited after the talent screener (C6, C7): My decisions, then 'What can I do about this?'"),
        (_first(session, "failed", "tests", taken, status=Status.ELIMINATED)
         or _first(session, "failed", None, taken, status=Status.ELIMINATED),
         "failed a test (pass marks, C8): My competitions, results by question reference (C13)"),
        (_first(session, "listed", "reserve-list", taken),
         "on a published reserve list (C12): My competitions"),
    ]
    review = _first(session, "excluded", "eligibility", taken, status=Status.EXCLUDED, author="board")
    for decision, look_at in wanted:
        if decision is None:
            continue
        made.append(_candidate(session, decision, look_at, password(), using))
    if review is not None:
        secret = password()
        row = _candidate(session, review, "", secret, using)
        user = session.scalar(select(User).where(User.email == row.email))
        case = _review_under_way(session, user, review, legal)
        made.append(DemoAccount(row.role, row.email, secret,
                                f"{row.look_at}: excluded at eligibility by the board (C5); request for review "
                                f"{case.reference} filed and acknowledged, under way (P3): My cases"))
        legal_row = next(i for i, a in enumerate(made) if a.role == Role.LEGAL_OFFICER.value)
        made[legal_row] = DemoAccount(made[legal_row].role, made[legal_row].email, made[legal_row].password,
                                      f"the request for review {case.reference}: `casework case show "
                                      f"{case.reference} --as {legal.email}`")
    return made


def _candidate(session: Session, decision: Decision, look_at: str, secret: str,
               using: PasswordHasher | None) -> DemoAccount:
    candidate = decision.application.candidate
    user = _account(session, email=candidate.email, name=candidate.full_name, role=Role.CANDIDATE,
                    candidate=candidate, password=secret, using=using)
    return DemoAccount(Role.CANDIDATE.value, user.email, secret, f"{_where(decision)}: {look_at}" if look_at
                       else _where(decision))


def table(rows: list[DemoAccount]) -> str:
    """The accounts as a plain-text table: role, e-mail, password, what to look at."""
    header = ("role", "e-mail", "password", "what to look at")
    widths = [max(len(header[i]), *(len(r.__dict__[f]) for r in rows)) for i, f in
              enumerate(("role", "email", "password"))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header[:3], widths, strict=True)) + "  " + header[3]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(header[3]))
    for r in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip((r.role, r.email, r.password), widths, strict=True))
                     + "  " + r.look_at)
    return "\n".join(lines)
