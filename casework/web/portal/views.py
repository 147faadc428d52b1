"""The portal's views (filled in by the portal work)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__)
