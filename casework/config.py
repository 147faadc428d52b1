"""Configuration read from the environment.

SQLite in the instance folder is the zero-setup default; ``DATABASE_URL`` selects another
database, PostgreSQL in production (``postgresql+psycopg://user@host/db``).
"""
from __future__ import annotations

import os


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` / ``postgresql://`` spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment() -> dict:
    """Settings read when the application is created (not at import: tests set the environment)."""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-change-me"),
        "DATABASE_URL": os.environ.get("DATABASE_URL"),  # None: SQLite file in the instance folder
        # the scheduler's mail: no SMTP_HOST, no sending (messages wait in the outbox)
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "casework@localhost"),
        "SCHEDULER_INTERVAL": float(os.environ.get("SCHEDULER_INTERVAL", "5")),
    }


class Config:
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
