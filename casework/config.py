"""Configuration read from the environment.

SQLite in the instance folder is the zero-setup default; ``DATABASE_URL`` selects another
database, PostgreSQL in production (``postgresql+psycopg://user@host/db``).
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

DEVELOPMENT_SECRET = "dev-only-change-me"


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` / ``postgresql://`` spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class ConfigurationError(ValueError):
    """A setting in the environment that cannot be used as it is."""


def _number(name: str, default: str, kind: type[int | float]) -> int | float:
    text = os.environ.get(name, default)
    try:
        value = kind(text)
    except ValueError:
        raise ConfigurationError(f"{name}={text!r} is not a {'whole ' if kind is int else ''}number") from None
    if value <= 0:
        raise ConfigurationError(f"{name}={text!r} must be greater than 0")
    return value


def _count(name: str) -> int:
    """A whole number of 0 or more (0 when unset)."""
    text = os.environ.get(name, "0")
    if not (text.isascii() and text.strip().isdigit()):
        raise ConfigurationError(f"{name}={text!r} is not a whole number of 0 or more")
    return int(text)


def from_environment() -> dict:
    """Settings read when the application is created (not at import: tests set the environment)."""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET),
        "DATABASE_URL": os.environ.get("DATABASE_URL"),  # None: SQLite file in the instance folder
        # the scheduler's mail: no SMTP_HOST, no sending (messages wait in the outbox)
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": _number("SMTP_PORT", "25", int),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "casework@localhost"),
        "SCHEDULER_INTERVAL": _number("SCHEDULER_INTERVAL", "5", float),
        # the site's address as people reach it: the links in mail start with it (required in production)
        "PUBLIC_URL": os.environ.get("PUBLIC_URL"),
        # reverse proxies in front of the web processes, whose X-Forwarded-For and -Proto are believed
        "TRUSTED_PROXIES": _count("TRUSTED_PROXIES"),
    }


def database_url(config: dict, instance_path: str) -> str:
    """``DATABASE_URL`` if set, else a SQLite file in the instance folder."""
    url = config.get("DATABASE_URL")
    if url:
        return url
    os.makedirs(instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(instance_path, "casework.sqlite")


class InsecureConfiguration(RuntimeError):
    """A setting that would be unsafe outside development."""


def _development(config: dict) -> bool:
    """Debug, tests, or the command line (``CHECK_SECRET_KEY=False``: it signs nothing and sends no
    link; its ``casework run`` is the local development server)."""
    return bool(config.get("DEBUG") or config.get("TESTING")) or config.get("CHECK_SECRET_KEY") is False


def check_secret_key(config: dict) -> None:
    """Refuse the development ``SECRET_KEY`` (or none) outside development: with it anyone can forge a
    session cookie and log in as anybody."""
    if _development(config):
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET or len(str(key)) < 16:
        raise InsecureConfiguration(
            "SECRET_KEY is not set (or is the development value, or shorter than 16 characters): "
            "set it in the environment, e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'); "
            "for local development run with FLASK_DEBUG=1")


def check_public_url(config: dict) -> None:
    """Refuse to serve without ``PUBLIC_URL`` outside development: the confirmation and password-reset
    links mailed to people would otherwise take their host from the request, which anybody can forge
    (a reset link pointing at another site)."""
    if _development(config):
        return
    url = config.get("PUBLIC_URL") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InsecureConfiguration(
            f"PUBLIC_URL is {'not set' if not url else repr(url) + ', not an http(s) address'}: set it to the "
            "address of the site as people reach it, e.g. PUBLIC_URL=https://casework.example.eu "
            "(the links mailed for confirmation and password reset start with it)")


class Config:
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
