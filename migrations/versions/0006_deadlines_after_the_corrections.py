"""Open deadlines stored before the rule book's corrections (D2, D5): recomputed by the scheduler

The stored rule snapshots of open deadlines gain the rule's audience (the administration's own
limits: acknowledgement, replies, Reg 1049/2001 replies). A ``recompute`` due row per Court year
that an open deadline consulted makes the scheduler compute those deadlines again under the
Court's own holiday list (a court window that ended on a day the Court works ends earlier now)
and tell the legal team and the candidate what moved, with an audit row on the case.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 03:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from casework import clock

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ADMINISTRATION = {"review-ack", "art90-reply", "access-initial", "access-initial-extended",
                  "access-confirmatory-reply", "access-confirmatory-reply-extended"}
REASON = ("the Court's own list of official holidays (RULES D2: standing decision, OJ C 156, 7.5.2019) "
          "replaces the Brussels pattern the Court's calendar was generated from")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

deadlines = sa.table("case_deadlines", sa.column("id", sa.Integer), sa.column("status", sa.String),
                     sa.column("spec", JSON), sa.column("computation", JSON))
due_events = sa.table("due_events", sa.column("key", sa.String), sa.column("kind", sa.String),
                      sa.column("due_at", sa.DateTime(timezone=True)), sa.column("status", sa.String),
                      sa.column("payload", JSON), sa.column("attempts", sa.Integer))


def upgrade() -> None:
    bind = op.get_bind()
    court_years: set[int] = set()
    for id_, spec, computation in bind.execute(
            sa.select(deadlines.c.id, deadlines.c.spec, deadlines.c.computation).where(deadlines.c.status == "open")):
        rule = spec["rule"]
        if "audience" not in rule:
            rule["audience"] = "administration" if rule["name"] in ADMINISTRATION else "candidate"
            bind.execute(sa.update(deadlines).where(deadlines.c.id == id_).values(spec=spec))
        court_years |= {c["year"] for c in computation.get("calendars", []) if c["place"] == "court"}
    now = clock.now()
    for year in sorted(court_years):
        bind.execute(sa.insert(due_events).values(
            key=f"recompute/court/{year}/rule-book-2026", kind="recompute", due_at=now, status="pending",
            attempts=0, payload={"place": "court", "year": year, "version": 0, "reason": REASON}))


def downgrade() -> None:
    """Nothing to undo: the audiences are what the rules say, and a recomputation cannot be unsent."""
