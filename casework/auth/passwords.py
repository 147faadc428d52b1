"""Passwords: Argon2id (argon2-cffi) with the cost parameters of the configuration.

The web application builds its hasher once from its configuration (:func:`hasher_from`:
``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in KiB, ``ARGON2_PARALLELISM``); tests use the cheap
profile (:data:`TESTING`), production argon2-cffi's defaults (RFC 9106's low-memory profile,
:data:`PRODUCTION`). A hash records its own parameters, so changing them never locks anybody out: a
hash made with other parameters is verified with its own and replaced at the next login
(:func:`verify_and_update`).

Hashes written by the werkzeug helpers this module replaced (``scrypt:…``, ``pbkdf2:…``) are still
verified, and replaced by Argon2 at the next login. Nothing here commits.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PRODUCTION = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
TESTING = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}
CONFIG_KEYS = {"time_cost": "ARGON2_TIME_COST", "memory_cost": "ARGON2_MEMORY_COST",
               "parallelism": "ARGON2_PARALLELISM"}
MIN_LENGTH = 10          # characters; no other composition rule (NIST SP 800-63B)
MAX_LENGTH = 1024        # a longer one is refused before hashing (each costs as much as the cost allows)
_LEGACY = ("scrypt:", "pbkdf2:")


class PasswordError(ValueError):
    """A password that cannot be used, as one sentence for the person choosing it."""


@cache
def hasher(time_cost: int = PRODUCTION["time_cost"], memory_cost: int = PRODUCTION["memory_cost"],
           parallelism: int = PRODUCTION["parallelism"]) -> PasswordHasher:
    """An Argon2id hasher with these costs (one per set of parameters)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher_from(config: Mapping, *, testing: bool = False) -> PasswordHasher:
    """The hasher of a configuration: ``ARGON2_*`` where given, else the cheap profile in tests and
    the production profile elsewhere."""
    defaults = TESTING if testing else PRODUCTION
    return hasher(**{name: int(config.get(key) or defaults[name]) for name, key in CONFIG_KEYS.items()})


def check_new_password(password: str, *, email: str | None = None) -> str:
    """``password`` if it can be chosen: at least :data:`MIN_LENGTH` characters, not the e-mail address."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise PasswordError(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"a password has at most {MAX_LENGTH} characters")
    if email and password.strip().lower() == email.strip().lower():
        raise PasswordError("a password is not the e-mail address")
    return password


def hash_password(password: str, using: PasswordHasher | None = None) -> str:
    return (using or hasher()).hash(password)


def verify(password_hash: str | None, password: str, using: PasswordHasher | None = None) -> bool:
    """Whether ``password`` is the one of ``password_hash`` (False for no hash, or one not understood)."""
    if not password_hash or not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False
    if password_hash.startswith(_LEGACY):
        from werkzeug.security import check_password_hash
        return check_password_hash(password_hash, password)
    try:
        return (using or hasher()).verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, using: PasswordHasher | None = None) -> bool:
    if password_hash.startswith(_LEGACY):
        return True
    try:
        return (using or hasher()).check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def verify_and_update(user, password: str, using: PasswordHasher | None = None) -> bool:
    """Whether ``password`` is ``user``'s; when it is and their hash was made with other parameters
    (or by the old werkzeug helpers), it is replaced by one with the current parameters."""
    if not verify(user.password_hash, password, using):
        return False
    if needs_rehash(user.password_hash, using):
        user.password_hash = hash_password(password, using)
    return True


_DUMMY: dict[PasswordHasher, str] = {}


def waste_time(password: str, using: PasswordHasher | None = None) -> None:
    """Verify against a hash of nothing, so that a login naming no account (or one without a password)
    takes as long as one with a wrong password: timing does not tell whether an account exists."""
    using = using or hasher()
    if using not in _DUMMY:
        _DUMMY[using] = using.hash("casework: no such account")
    verify(_DUMMY[using], password, using)


def change_password(user, password: str, using: PasswordHasher | None = None) -> None:
    """Set ``user``'s password and log them out everywhere: the session version in every login cookie
    no longer matches (web.auth)."""
    check_new_password(password, email=user.email)
    user.password_hash = hash_password(password, using)
    user.session_version = (user.session_version or 1) + 1
