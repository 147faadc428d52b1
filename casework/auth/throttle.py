"""Limits on failed logins, and on registrations and password resets (each mails a link), counted in
the database (``login_attempts``) so that they hold across web processes and machines.

An attempt is counted by the e-mail address it named, whether or not an account has it (so that the
answer never tells whether one exists), and by the client address it came from. While either count
within the window reaches its limit, the next attempt is refused before any password is checked or
any mail written. Instants come from :func:`casework.clock.now`. Rows older than the window are
pruned whenever one of their kind is added. A successful login forgets the failures of its account (not those of
its client address).

Nothing here commits: the request that counts an attempt commits it (a refused login is a page, not
an error, so its row is kept).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from .. import clock
from .models import AttemptKind, LoginAttempt

MAX_EMAIL = 254
MAX_ADDRESS = 64


@dataclass(frozen=True)
class Limits:
    """At most ``per_account`` attempts naming one e-mail address and ``per_address`` from one client
    address within ``window``."""
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config, prefix: str = "LOGIN") -> Limits:
        """``<prefix>_MAX_PER_ACCOUNT``, ``<prefix>_MAX_PER_ADDRESS``, ``<prefix>_WINDOW_SECONDS``."""
        default = cls()
        return cls(per_account=int(config.get(f"{prefix}_MAX_PER_ACCOUNT") or default.per_account),
                   per_address=int(config.get(f"{prefix}_MAX_PER_ADDRESS") or default.per_address),
                   window=timedelta(seconds=int(config.get(f"{prefix}_WINDOW_SECONDS")
                                                or default.window.total_seconds())))


def _key(email: str) -> str:
    return (email or "").strip().lower()[:MAX_EMAIL]


def _address(address: str | None) -> str:
    return (address or "unknown")[:MAX_ADDRESS]


def blocked(session: Session, kind: AttemptKind, email: str, address: str | None, limits: Limits) -> bool:
    """Whether an attempt naming ``email`` from ``address`` must be refused now."""
    since = clock.now() - limits.window
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.kind == kind,
                                                                  LoginAttempt.at > since)
    if session.scalar(recent.where(LoginAttempt.email == _key(email))) >= limits.per_account:
        return True
    return session.scalar(recent.where(LoginAttempt.address == _address(address))) >= limits.per_address


def count(session: Session, kind: AttemptKind, email: str, address: str | None, limits: Limits) -> None:
    """Count one attempt (a failed login, a registration or reset sent) and prune the expired ones."""
    now = clock.now()
    session.execute(delete(LoginAttempt).where(LoginAttempt.kind == kind, LoginAttempt.at <= now - limits.window))
    session.execute(insert(LoginAttempt).values(kind=kind, email=_key(email), address=_address(address), at=now))


def forget(session: Session, kind: AttemptKind, email: str) -> None:
    """Forget the attempts naming ``email`` (a successful login)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.kind == kind, LoginAttempt.email == _key(email)))
