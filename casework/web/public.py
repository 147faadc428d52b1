"""Public pages: the competitions and their published reserve lists (C12: names alphabetical,
opt-outs withheld). Nothing here shows a candidate's personal results."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..competitions import queries
from ..competitions.models import Notice
from . import get_session, read_only

bp = Blueprint("public", __name__)


@bp.get("/")
@read_only
def index():
    notices = get_session().scalars(select(Notice).order_by(Notice.reference)).all()
    return render_template("public/index.html", overview=[queries.overview(get_session(), n) for n in notices])


@bp.get("/notices/<path:reference>/reserve-lists")
@read_only
def reserve_lists(reference: str):
    session = get_session()
    notice = session.scalar(select(Notice).where(Notice.reference == reference))
    if notice is None:
        abort(404)
    return render_template("public/reserve_lists.html", notice=notice,
                           lists=queries.published_reserve_lists(session, notice))
