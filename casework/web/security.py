"""Security headers on every response and error pages without stack traces."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Filled in by the web layer's security work (issue 11)."""
