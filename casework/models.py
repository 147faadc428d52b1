"""Every model, imported in one place so that metadata (and Alembic) sees them all."""
from .audit import AuditEvent  # noqa: F401
from .competitions.models import *  # noqa: F401,F403
from .db import Base  # noqa: F401
