"""A candidate registers, confirms their e-mail address, and becomes an account (C1: one per person);
a forgotten password is reset the same way.

- :func:`register` keeps what was given as a :class:`~.models.PendingRegistration` waiting for its
  confirmation: nothing is checked against the people who hold accounts before the address is
  proven, and the page says the same whether or not the address has an account (a registration
  naming an address that has one is answered by mail, with a link to reset the password).
- :func:`confirm` (the link followed, within :data:`CONFIRM_MAX_AGE`) creates the candidate record
  and the account, unless the registration looks like a person who holds an account already: the
  same identity document (``identity_key``), a candidate record with the address but another
  identity, or the same names and date of birth as a candidate with an account under another
  address. Such a registration is **held**, not created: an audit row flags it to EPSO (the web
  also mails the legal team) and the person is told that EPSO will check it and write to them. An
  imported candidate record (an application file) with the same identity document *and* address
  is the person's own: the account is linked to it.
- :func:`reset_password` (the link of :func:`reset_token`, within :data:`RESET_MAX_AGE`) sets a new
  password and bumps the account's session version: every browser logged in with the old one is
  logged out, and the link cannot be used twice.

Tokens are itsdangerous ``URLSafeTimedSerializer`` values signed with the application's secret key,
a salt per purpose, their age measured with :func:`casework.clock.now`. Nothing here commits or
sends mail: the web writes the messages to the outbox in the same transaction.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from argon2 import PasswordHasher
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..competitions.applications import register_candidate
from ..competitions.definition import LANGUAGES
from ..competitions.models import Candidate
from ..text import bad_character
from . import passwords
from .accounts import MAX_NAME, AccountError, normalise_email
from .models import PendingRegistration, RegistrationState, Role, User

CONFIRM_SALT = "casework.account-confirm"
RESET_SALT = "casework.password-reset"
CONFIRM_MAX_AGE = timedelta(hours=48)
RESET_MAX_AGE = timedelta(hours=2)
MAX_IDENTITY = 100
IDENTITY = re.compile(r"[^\W_][\w/.-]{2,98}[^\W_]")     # letters and digits, inner - / . _
EARLIEST_BIRTH = date(1900, 1, 1)
ACTOR = "registration"
MAX_REASON = 2000
AUDIT_ACTOR_LENGTH = audit.AuditEvent.__table__.c.actor.type.length


class RegistrationError(AccountError):
    """What was given cannot be registered (``field`` names the form field), nothing was changed."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class TokenError(Exception):
    """A link that is not (or no longer) valid: ``expired`` when it was only too old."""

    def __init__(self, expired: bool = False):
        super().__init__("the link has expired" if expired else "the link is not valid")
        self.expired = expired


# --- what a person gives ---------------------------------------------------------------------

def audit_actor(prefix: str, email: str) -> str:
    """``prefix:email`` as the audit trail's actor column holds it: an address (254 characters) with its
    prefix may be longer than the column."""
    return f"{prefix}:{email}"[:AUDIT_ACTOR_LENGTH]


def _text(value: str, field: str, what: str, limit: int) -> str:
    if not isinstance(value, str) or bad_character(value) is not None:
        raise RegistrationError(field, f"the {what} contains a control character")
    text = " ".join(value.split())
    if not text:
        raise RegistrationError(field, f"the {what} is empty")
    if len(text) > limit:
        raise RegistrationError(field, f"the {what} is longer than {limit} characters")
    return text


def identity_key(document_number: str) -> str:
    """The identity key of a candidate registering (C1): the number of their identity document,
    upper-case, without spaces. An imported candidate record's key is compared with it as it is."""
    if not isinstance(document_number, str) or bad_character(document_number) is not None:
        raise RegistrationError("identity_document", "the identity document number contains a control character")
    key = "".join(document_number.split()).upper()
    if not IDENTITY.fullmatch(key):
        raise RegistrationError("identity_document", "an identity document number has 4 to 100 letters and "
                                                     "digits (and - / . inside)")
    return key


def same_name(name: str) -> str:
    """A name as compared between registrations: case, accents, hyphens, apostrophes and spacing
    ignored ("Müller-Lüdenscheidt" = "MULLER LUDENSCHEIDT")."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-‐‑'’.,]", " ", plain).split())


def check_birth_date(value: date) -> date:
    if not isinstance(value, date) or not EARLIEST_BIRTH <= value <= clock.today_brussels():
        raise RegistrationError("birth_date", f"a date of birth is between {EARLIEST_BIRTH:%Y-%m-%d} and today")
    return value


# --- tokens ------------------------------------------------------------------------------------

class _ClockSigner(TimestampSigner):
    """Ages measured with casework's clock (a frozen clock in tests and the demo)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    if not secret:
        raise ValueError("no secret key to sign links with")
    return URLSafeTimedSerializer(secret, salt=salt, signer=_ClockSigner)


def _read(secret: str, salt: str, token: str, max_age: timedelta) -> dict:
    try:
        data = _serializer(secret, salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except (BadSignature, UnicodeError, ValueError, TypeError):
        raise TokenError() from None
    if not isinstance(data, dict):
        raise TokenError()
    return data


def confirm_token(secret: str, registration: PendingRegistration) -> str:
    return _serializer(secret, CONFIRM_SALT).dumps({"r": registration.id, "e": registration.email})


def reset_token(secret: str, user: User) -> str:
    """Valid until the account's session version changes (a reset, a password change) or it expires."""
    return _serializer(secret, RESET_SALT).dumps({"u": user.id, "v": user.session_version})


# --- registering ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Registered:
    """What :func:`register` did: ``registration`` waits for its confirmation; or ``existing``, the
    active account that has the address already (mail it a reset link, say nothing on the page)."""
    registration: PendingRegistration | None = None
    existing: User | None = None


def register(session: Session, *, email: str, surname: str, given_names: str, birth_date: date,
             identity_document: str, language: str, password: str,
             using: PasswordHasher | None = None) -> Registered:
    """Keep a candidate's registration until they follow the link mailed to them (``confirm_token``)."""
    try:
        address = normalise_email(email)
    except AccountError as exc:
        raise RegistrationError("email", str(exc)) from None
    surname = _text(surname, "surname", "surname", MAX_NAME)
    given_names = _text(given_names, "given_names", "given names", MAX_NAME)
    birth_date = check_birth_date(birth_date)
    key = identity_key(identity_document)
    language = (language or "").strip().upper()
    if language not in LANGUAGES:
        raise RegistrationError("language", f"unknown language {language!r}")
    try:
        passwords.check_new_password(password, email=address)
    except passwords.PasswordError as exc:
        raise RegistrationError("password", str(exc)) from None
    password_hash = passwords.hash_password(password, using)   # always: the time taken tells nothing
    now = clock.now()
    session.execute(delete(PendingRegistration).where(PendingRegistration.state == RegistrationState.AWAITING,
                                                      PendingRegistration.created_at < now - CONFIRM_MAX_AGE))
    existing = session.scalar(select(User).where(func.lower(User.email) == address))
    if existing is not None:
        return Registered(existing=existing if existing.active else None)
    registration = PendingRegistration(
        state=RegistrationState.AWAITING, email=address, surname=surname, given_names=given_names,
        birth_date=birth_date, identity_key=key, language=language,
        password_hash=password_hash, created_at=now)
    session.add(registration)
    session.flush()
    return Registered(registration=registration)


@dataclass(frozen=True)
class Confirmed:
    """What following a confirmation link did: ``created`` (``user`` may log in), ``held`` (EPSO checks
    ``registration`` first, C1) or ``done`` (the address has an account already: log in)."""
    outcome: str
    user: User | None = None
    registration: PendingRegistration | None = None
    flagged_now: bool = False            # held by this confirmation (not an earlier one): tell EPSO


def read_confirm_token(secret: str, token: str, max_age: timedelta = CONFIRM_MAX_AGE) -> tuple[int, str]:
    data = _read(secret, CONFIRM_SALT, token, max_age)
    if not isinstance(data.get("r"), int) or not isinstance(data.get("e"), str):
        raise TokenError()
    return data["r"], data["e"]


def confirm(session: Session, secret: str, token: str, *, max_age: timedelta = CONFIRM_MAX_AGE) -> Confirmed:
    """Follow a confirmation link: the account, or the registration held (C1). :class:`TokenError` for
    a link forged, expired, or of a registration pruned."""
    registration_id, email = read_confirm_token(secret, token, max_age)
    registration = session.get(PendingRegistration, registration_id, with_for_update=True)
    account = session.scalar(select(User).where(func.lower(User.email) == email))
    if registration is None or registration.email != email:
        if account is not None:
            return Confirmed("done", user=account)
        raise TokenError()
    if registration.state is RegistrationState.HELD:
        return Confirmed("held", registration=registration)
    if account is not None:                       # registered twice, the other link followed first
        session.delete(registration)
        session.flush()
        return Confirmed("done", user=account)
    reason, candidate = same_person(session, registration)
    registration.confirmed_at = clock.now()
    if reason is not None:
        registration.state = RegistrationState.HELD
        registration.held_because = reason
        registration.matched_candidate_id = candidate.id if candidate is not None else None
        session.flush()
        audit.record(session, actor=audit_actor(ACTOR, email), entity="registration", entity_id=registration.id,
                     action="hold", reason=f"looks like a person who holds an account already (C1): same {reason}",
                     changes={"held_because": reason, "matched_candidate_id": registration.matched_candidate_id})
        return Confirmed("held", registration=registration, flagged_now=True)
    return Confirmed("created", user=_account(session, registration, candidate, audit_actor(ACTOR, email)))


def _account(session: Session, registration: PendingRegistration, candidate: Candidate | None, actor: str,
             **changes: object) -> User:
    """The account a registration becomes, with a new candidate record or linked to ``candidate`` (an
    imported record that is the person's own); the registration is deleted, the audit trail keeps it."""
    claimed = candidate is not None
    if candidate is None:
        candidate = register_candidate(session, email=registration.email, identity_key=registration.identity_key,
                                       surname=registration.surname, given_names=registration.given_names,
                                       correspondence_language=registration.language)
    user = User(email=registration.email, name=f"{registration.given_names} {registration.surname}"[:MAX_NAME],
                role=Role.CANDIDATE, candidate_id=candidate.id, language=registration.language,
                password_hash=registration.password_hash, active=True, birth_date=registration.birth_date,
                session_version=1)
    session.add(user)
    session.delete(registration)
    session.flush()
    audit.record(session, actor=actor, entity="user", entity_id=user.id, action="create",
                 changes={"role": Role.CANDIDATE.value, "language": user.language, "candidate_id": candidate.id,
                          "registered": True, **({"claimed_candidate_record": True} if claimed else {}), **changes})
    return user


def same_person(session: Session, registration: PendingRegistration) -> tuple[str | None, Candidate | None]:
    """Why ``registration`` looks like a person with an account or a candidate record (C1), and which:
    ``(reason, candidate)``; ``(None, candidate)`` for an imported record that is the person's own
    (same identity document and address, no account yet); ``(None, None)`` for a new person."""
    by_identity = session.scalar(select(Candidate).where(Candidate.identity_key == registration.identity_key))
    if by_identity is not None:
        has_account = session.scalar(select(User.id).where(User.candidate_id == by_identity.id)) is not None
        if not has_account and by_identity.email.lower() == registration.email:
            return None, by_identity
        return "identity-key", by_identity
    by_email = session.scalar(select(Candidate).where(func.lower(Candidate.email) == registration.email))
    if by_email is not None:
        return "e-mail", by_email
    wanted = (same_name(registration.surname), same_name(registration.given_names))
    rows = session.execute(select(Candidate, User.email).join(User, User.candidate_id == Candidate.id)
                           .where(User.birth_date == registration.birth_date))
    for candidate, address in rows:
        if (same_name(candidate.surname), same_name(candidate.given_names)) == wanted and \
                address.lower() != registration.email:
            return "name-and-birth-date", candidate
    return None, None


# --- EPSO checks a held registration (C1) ------------------------------------------------------------

def reference(registration: PendingRegistration) -> str:
    """How the person, the legal team and the commands name a registration: ``REG-000012``."""
    return f"REG-{registration.id:06d}"


def held_registrations(session: Session) -> list[PendingRegistration]:
    """The registrations held for EPSO (C1), oldest first."""
    return list(session.scalars(select(PendingRegistration).where(PendingRegistration.state == RegistrationState.HELD)
                                .order_by(PendingRegistration.id)))


def find_held(session: Session, key: str) -> PendingRegistration:
    """The held registration ``REG-000012`` (or ``12``); :class:`AccountError` if there is none."""
    text = key.strip().upper().removeprefix("REG-")
    found = session.get(PendingRegistration, int(text), with_for_update=True) \
        if text.isascii() and text.isdigit() and len(text) <= 18 else None
    if found is None or found.state is not RegistrationState.HELD:
        raise AccountError(f"no held registration {key!r} (casework user held lists them)")
    return found


def release(session: Session, registration: PendingRegistration, *, actor: str, reason: str,
            link: bool = False) -> User:
    """EPSO checked a held registration and creates its account (C1: one account per person):

    - ``link=False``: another person than the one it looked like; a new candidate record. Not possible
      with the identity document of an existing record (a record per identity document);
    - ``link=True``: the person of the record it matched, which has no account yet (e.g. a new address);
      the account is linked to that record.

    Refused, nothing changed, when the address has an account by now or the record matched has one."""
    reason = _plain_reason(reason)
    if session.scalar(select(User.id).where(func.lower(User.email) == registration.email)) is not None:
        raise AccountError(f"{registration.email} holds an account by now: refuse {reference(registration)}")
    matched = session.get(Candidate, registration.matched_candidate_id) if registration.matched_candidate_id else None
    if link:
        if matched is None:
            raise AccountError(f"{reference(registration)} matched no candidate record to link the account to")
        if session.scalar(select(User.id).where(User.candidate_id == matched.id)) is not None:
            raise AccountError(f"the candidate record {reference(registration)} matched holds an account: one "
                               "person, one account (C1); refuse the registration")
    elif session.scalar(select(Candidate.id).where(Candidate.identity_key == registration.identity_key)):
        raise AccountError(f"a candidate record has the identity document of {reference(registration)}: it is "
                           "that person's (release it with --link if it has no account, else refuse it)")
    return _account(session, registration, matched if link else None, actor, released=reference(registration),
                    release_reason=reason)


def refuse(session: Session, registration: PendingRegistration, *, actor: str, reason: str) -> None:
    """EPSO checked a held registration and creates no account (the person holds one already, C1): the
    registration is deleted, the audit trail keeps why."""
    reason = _plain_reason(reason)
    session.delete(registration)
    session.flush()
    audit.record(session, actor=actor, entity="registration", entity_id=registration.id, action="refuse",
                 reason=reason, changes={"held_because": registration.held_because,
                                         "matched_candidate_id": registration.matched_candidate_id})


def _plain_reason(reason: str) -> str:
    """Why EPSO decided as it did: told to the person, kept in the audit trail (one paragraph or more, no
    control character, bounded)."""
    reason = (reason or "").strip()
    if not reason:
        raise AccountError("say why (the person is told, the audit trail keeps it)")
    bad = bad_character(reason, multiline=True)
    if bad is not None or len(reason) > MAX_REASON:
        raise AccountError(f"the reason holds a control character ({bad})" if bad is not None else
                           f"the reason is longer than {MAX_REASON} characters")
    return reason


# --- resetting a password ---------------------------------------------------------------------------

def account_for_reset(session: Session, email: str) -> User | None:
    """The active account with this address, or None (the page says the same either way)."""
    try:
        address = normalise_email(email)
    except AccountError:
        return None
    user = session.scalar(select(User).where(func.lower(User.email) == address))
    return user if user is not None and user.active else None


def user_of_reset_token(session: Session, secret: str, token: str, *,
                        max_age: timedelta = RESET_MAX_AGE) -> User:
    data = _read(secret, RESET_SALT, token, max_age)
    user_id, version = data.get("u"), data.get("v")
    if not isinstance(user_id, int) or not isinstance(version, int):
        raise TokenError()
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        raise TokenError()
    return user


def reset_password(session: Session, secret: str, token: str, password: str, *,
                   max_age: timedelta = RESET_MAX_AGE, using: PasswordHasher | None = None) -> User:
    """Set a new password through a reset link: every session of the account ends, the link is used up."""
    user = user_of_reset_token(session, secret, token, max_age=max_age)
    try:
        passwords.change_password(user, password, using)
    except passwords.PasswordError as exc:
        raise RegistrationError("password", str(exc)) from None
    session.flush()
    audit.record(session, actor=audit_actor(user.role.value, user.email), entity="user", entity_id=user.id,
                 action="reset_password", changes={"session_version": user.session_version})
    return user
