"""Every model, imported in one place so that metadata (and Alembic) sees them all."""
from .agenda.calendars import CalendarYearRecord  # noqa: F401
from .agenda.models import DueEvent  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .auth.models import *
from .cases.models import *
from .competitions.models import *
from .db import Base  # noqa: F401
from .notifications.models import OutboxMessage  # noqa: F401
from .scheduler.models import SchedulerWorker  # noqa: F401
