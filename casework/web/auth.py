"""One login for every role (issue 11): filled in by the accounts work."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Flask-Login and the session settings."""
