"""A candidate's claims that the competition core decides itself (C12, C15, R3).

- **Force majeure after an absence (C15).** Not booking or not attending a test ends the
  candidate's participation "medmindre ansøgerne kan bevise, at den manglende reservering af tid,
  aflæggelse af eller gennemførelse af en prøve skyldes omstændigheder, som ansøgerne ikke har
  nogen indflydelse på, eller force majeure" (004 4.4 (4)). Such an exclusion records that the
  claim is open (``Decision.admits == "force-majeure"``); :func:`decide_force_majeure` records the
  decision of the body that took the exclusion (EPSO by default, the notice's deciding body for
  the ground: R2). Accepted: the candidate is reinstated at that stage (R3, with the audit row of
  :func:`selection.reinstate`) and waits there for a new test slot. Refused: the exclusion stands,
  and the refusal is itself a decision the candidate may contest (P3, R2). Not following the test
  instructions is never force majeure (004 4.4 (5)): that is for the deciding body to weigh.
- **Name not published (C12).** A candidate on a reserve list may ask EPSO not to publish the
  name; the request "skal være modtaget af EPSO senest 2 uger efter, at resultaterne er uploadet
  til ansøgerens EPSO-konto" (002 footnote 18). The time limit is the notice's rule
  ``name-withholding`` (D9), counted by the deadline engine from the publication of the
  candidate's reserve-list decision (R2: from the decision itself). A late request is recorded
  with its lateness, never silently dropped (D6): EPSO decides whether to accept it anyway.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..deadlines import DeadlineError, compute_rule
from . import rules
from .errors import CompetitionError
from .models import Application, Decision, Status
from .notices import time_limits
from .selection import reinstate
from .stages import last_exclusion, record_outcome

FORCE_MAJEURE = rules.Claim.FORCE_MAJEURE.value
NAME_WITHHOLDING_RULE = "name-withholding"     # the rule's name in a notice's rule set (D9)


def force_majeure_source(exclusion: Decision) -> str:
    """What links a decision on the claim to the exclusion it is about."""
    return f"{FORCE_MAJEURE}:{exclusion.id}"


def open_force_majeure_claim(session: Session, application: Application) -> Decision | None:
    """C15: the exclusion on which the candidate may still claim force majeure, if any."""
    if application.status is not Status.EXCLUDED:
        return None
    exclusion = last_exclusion(session, application)
    if exclusion is None or exclusion.admits != FORCE_MAJEURE:
        return None
    decided = session.scalar(select(Decision.id).where(
        Decision.application_id == application.id, Decision.source == force_majeure_source(exclusion)))
    return None if decided else exclusion


def decide_force_majeure(session: Session, application: Application, *, accepted: bool, actor: str,
                         published_at: datetime, reason: str, author: str | None = None) -> Decision:
    """C15, R3: the competent body's decision on a claim of force majeure after an absence.

    ``author`` must be the body that took the exclusion (by default it is taken from it); the
    reason is required either way, as it is published to the candidate (R2)."""
    if not reason.strip():
        raise CompetitionError("a decision on a force-majeure claim needs its reasons")
    exclusion = open_force_majeure_claim(session, application)
    if exclusion is None:
        raise CompetitionError(f"application {application.number} has no exclusion open to a "
                               "force-majeure claim (C15: only not booking or not attending a test, "
                               "and only once)")
    body = exclusion.author.value
    if author is not None and author != body:
        raise CompetitionError(f"the exclusion was decided by {body}: {body} decides on the "
                               f"force-majeure claim, not {author} (C15, R1)")
    source = force_majeure_source(exclusion)
    if accepted:
        return reinstate(session, application, author=body, actor=actor, published_at=published_at,
                         reason=f"force majeure accepted (C15): {reason}", source=source)
    decision = record_outcome(
        session, application, phase=application.phase, status=Status.EXCLUDED,
        kind="force-majeure-refused", author=body, actor=actor, published_at=published_at,
        reason=f"force majeure not proven, the exclusion stands (C15): {reason}",
        ground=exclusion.ground, decided_at_phase=exclusion.phase, source=source,
        basis={"claim": FORCE_MAJEURE, "accepted": False, "exclusion": exclusion.id,
               **{k: v for k, v in (exclusion.basis or {}).items() if k == "tests_missed"}})
    audit.record(session, actor=actor, entity="application", entity_id=application.id,
                 action="force-majeure-refused", from_state="excluded", to_state="excluded",
                 reason=reason, changes={"stage": exclusion.phase, "exclusion": exclusion.id,
                                         "decision": decision.id})
    return decision


@dataclass(frozen=True)
class NameRequest:
    """C12: a request not to have the name published, as recorded."""
    received_at: datetime
    results_published_at: datetime | None   # the reserve-list decision (None: not yet published)
    deadline: datetime | None               # None: no time limit runs (yet)
    late: bool
    applied: bool                           # the name is withheld from now on


def _listed(session: Session, application: Application) -> Decision | None:
    return session.scalar(select(Decision).where(Decision.application_id == application.id,
                                                 Decision.kind == "listed")
                          .order_by(Decision.id.desc()).limit(1))


def name_withholding_deadline(session: Session, application: Application) -> datetime | None:
    """C12: until when a request not to publish the name is in time: the notice's
    ``name-withholding`` rule from the publication of the reserve-list decision. None while the
    results are not published, or when the notice's rule set has no such rule."""
    listed = _listed(session, application)
    if listed is None:
        return None
    try:
        result = compute_rule(NAME_WITHHOLDING_RULE, listed.published_at,
                              time_limits(listed.notice_version))
    except DeadlineError:     # the rule set sets no time limit for it
        return None
    return result.deadline


def withhold_name(session: Session, application: Application, *, received_at: datetime, actor: str,
                  accept_late: bool = False, reason: str | None = None) -> NameRequest:
    """C12: record a request not to publish the name. In time (or before the results are
    published): the name is withheld. Late: recorded with its lateness (D6); only applied when
    EPSO accepts it anyway (``accept_late`` with a ``reason``). A receipt instant in the future, or
    before the notice was published (its Brussels day), is refused: it is a fact, not a guess."""
    if received_at.tzinfo is None:
        raise CompetitionError("the instant the request was received must be timezone-aware")
    if received_at > clock.now():
        raise CompetitionError(f"the request's receipt {received_at.isoformat()} is in the future: record it "
                               "once it has reached EPSO")
    published_on = application.notice.versions[0].published_on
    if received_at.astimezone(clock.BRUSSELS).date() < published_on:
        raise CompetitionError(f"the request's receipt {received_at.isoformat()} is before the notice was "
                               f"published ({published_on.isoformat()})")
    if application.status is Status.WITHDRAWN:
        raise CompetitionError(f"application {application.number} is withdrawn")
    if accept_late and not (reason or "").strip():
        raise CompetitionError("accepting a late request needs a reason")
    listed = _listed(session, application)
    deadline = name_withholding_deadline(session, application)
    late = deadline is not None and received_at > deadline
    applied = not late or accept_late
    before = application.publish_name
    if applied:
        application.publish_name = False
    audit.record(session, actor=actor, entity="application", entity_id=application.id,
                 action="name-withholding-request", from_state="published" if before else "withheld",
                 to_state="withheld" if applied else ("published" if before else "withheld"),
                 reason=reason, changes={
                     "received_at": received_at.isoformat(),
                     "results_published_at": None if listed is None else listed.published_at.isoformat(),
                     "deadline": None if deadline is None else deadline.isoformat(),
                     "late": late, "accepted_late": late and accept_late, "applied": applied})
    return NameRequest(received_at, None if listed is None else listed.published_at, deadline, late, applied)
