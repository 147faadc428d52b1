"""R1: every case has exactly one deciding body at a time, following from its type and the
contested decision's recorded author (R2). The legal team can re-route with a reason."""
from __future__ import annotations

from ..cases.models import CaseType, DecidingBody
from ..competitions.models import Body, Decision
from .errors import MissingData

_FIXED = {
    CaseType.NEUTRALISATION: DecidingBody.BOARD,               # P1
    CaseType.TECHNICAL_ISSUE: DecidingBody.EPSO,               # P2
    CaseType.COMPLAINT: DecidingBody.APPOINTING_AUTHORITY,     # P4
    CaseType.ACCESS_INFO: DecidingBody.EPSO,                   # P5
    CaseType.ACCESS_DOCUMENTS: DecidingBody.EPSO,              # P5 (Reg 1049/2001)
}


def deciding_body(case_type: CaseType, decision: Decision | None, forum: str | None = None) -> DecidingBody:
    """The body that must decide a new case of ``case_type`` about ``decision`` (R1)."""
    if case_type in _FIXED:
        return _FIXED[case_type]
    if case_type is CaseType.REVIEW:                           # P3: the author of the contested decision
        if decision is None:
            raise MissingData("a request for review must name the contested decision (P3)")
        return DecidingBody(decision.author.value)
    return DecidingBody.OMBUDSMAN if forum == "ombudsman" else DecidingBody.GENERAL_COURT   # P6


def is_board_decision(decision: Decision | None) -> bool:
    return decision is not None and decision.author is Body.BOARD
