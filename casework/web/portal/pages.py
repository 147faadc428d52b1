"""What each portal page shows, put together from the domain's own functions (no query and no rule
here: loading by key, and calls to the functions the command line uses too).

- who is asking: the candidate's account as a domain :class:`~casework.auth.actors.Actor`;
- their record (``cases.queries.candidate_view``: applications with their history, C16, decisions
  and cases, limited by ``permissions.can_view`` and ``case_filter``), results as the notice allows
  (``competitions.queries.candidate_results``, C13);
- each decision with its reasons in the page's language (``notifications.decision_reasons``, never
  the English ``reason``) and what can be done about it (``workflows.options.options_for``);
- a case as the candidate sees it (``permissions.case_view_for``), a document only if that view
  lists it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from ... import clock
from ...auth.actors import Actor, actor_for
from ...auth.models import Role, User
from ...auth.permissions import can_view, case_filter, case_rows_for, case_view_for
from ...cases import queries
from ...cases.models import Case, CaseDocument, CaseType
from ...cases.queries import candidate_view, find_case
from ...clock import BRUSSELS
from ...competitions.history import annulled_decisions, application_data, applications_of, decisions_on, find_decision
from ...competitions.models import Application, Candidate, Decision
from ...competitions.notices import definition
from ...competitions.queries import candidate_results
from ...notifications import catalogue, decision_reasons
from ...workflows import filing
from ...workflows.options import Option, application_form, options_for, test_options

MAX_ID = 2**63 - 1         # the largest row id (BIGINT): a larger number in an address is no row


@dataclass(frozen=True)
class Me:
    """The candidate behind the request: their account as the domain's actor and the language of the
    page (their own unless they chose another). Their record is read by the pages that show it
    (:func:`candidate`), not on every request."""
    actor: Actor
    language: str


def me(session: Session, user_id: object, language: str) -> Me | None:
    """The logged-in candidate, or None for an account that is not a candidate's (an account's
    ``candidate_id`` is a foreign key: the record exists)."""
    account = session.get(User, user_id) if isinstance(user_id, int) else None
    if account is None or account.role is not Role.CANDIDATE or account.candidate_id is None or not account.active:
        return None
    return Me(actor_for(session, account), language)


def candidate(session: Session, who: Me) -> Candidate:
    """The candidate's record (read once per request: the session keeps it)."""
    return session.get(Candidate, who.actor.candidate_id)


def _sees(session: Session, who: Me):
    return lambda obj: can_view(who.actor, obj, session=session)


def record(session: Session, who: Me) -> dict[str, Any]:
    """The candidate's applications (history, decisions) and cases, as far as they may see them."""
    return candidate_view(session, candidate(session, who), visible=_sees(session, who), visible_cases=case_filter(who.actor))


def _applications(session: Session, who: Me) -> dict[str, Application]:
    """The candidate's applications by number, oldest first, with their notices' versions (read with
    them: the pages read each notice's definition)."""
    return {a.number: a for a in applications_of(session, who.actor.candidate_id)
            if can_view(who.actor, a, session=session)}


def competitions(session: Session, who: Me, now: datetime | None = None) -> dict[str, Any]:
    """My competitions: each application with its stage, status, history and results (C13, C16), and
    the P1/P2 requests open about each test sat."""
    view = record(session, who)
    applications = _applications(session, who)
    for item in view["applications"]:
        application = applications[item["number"]]
        item["results"] = candidate_results(session, application)
        spec = definition(application.notice.current)
        item["stages"] = {p.code: p.kind for p in spec.phases}
        item["test_names"] = {t.code: t.name for p in spec.phases for t in p.tests}
        item["tests"] = test_options(session, application, now or clock.now())
        item["application_form"] = application_form(session, application, now)
    return view


def decision_item(session: Session, who: Me, decision: Decision, data: dict[str, Any] | None = None,
                  now: datetime | None = None) -> dict[str, Any]:
    """One decision as the portal shows it: what it is, its reasons in the page's language and what can
    be done about it (none once a reinstatement annulled it, R3)."""
    if data is None:
        data = next(d for d in application_data(session, decision.application, visible=_sees(session, who))["decisions"]
                    if d["id"] == decision.id)
    data = {key: value for key, value in data.items() if key != "reason"}      # the English reason: never shown
    return {**data, "notice": decision.application.notice.reference, "application": decision.application.number,
            "reasons": decision_reasons(decision, who.language).text,
            "options": [] if data.get("annulled") else options_for(session, decision, now or clock.now(),
                                                                     who.language)}


def decisions(session: Session, who: Me, now: datetime | None = None) -> list[dict[str, Any]]:
    """My decisions, newest first, each as :func:`decision_item`."""
    now = now or clock.now()
    items = []
    for application in record(session, who)["applications"]:
        for data in application["decisions"]:
            decision = find_decision(session, data["id"])
            items.append(decision_item(session, who, decision, data, now))
    return sorted(items, key=lambda item: (item["published_at"], item["id"]), reverse=True)


def brussels_day(value: str | datetime) -> date:
    """The Brussels day of an instant (ISO text or aware datetime); a date stays as it is (D4)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value.astimezone(BRUSSELS).date() if isinstance(value, datetime) else value


def row_id(value: object) -> int | None:
    """``value`` (an address's number, or text) as a row id, or None when it cannot be one."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def visible_decision(session: Session, who: Me, decision_id: object) -> Decision | None:
    """The decision with that id if the candidate may see it (their own, published: R2), else None."""
    number = row_id(decision_id)
    decision = find_decision(session, number) if number is not None else None
    return decision if decision is not None and can_view(who.actor, decision, session=session) else None


def visible_case(session: Session, who: Me, reference: str) -> tuple[Case, dict[str, Any]] | None:
    """The case with that reference and the candidate's view of it (``case_view_for``), or None."""
    case = find_case(session, reference)
    view = case_view_for(session, who.actor, case) if case is not None else None
    return (case, view) if view is not None else None


def cases(session: Session, who: Me) -> list[dict[str, Any]]:
    """My cases, newest first, as lines the candidate may see (``case_rows_for``): state, body, the next date."""
    return case_rows_for(who.actor, queries.cases_with_next_date(session, case_filter(who.actor)))


def next_deadline(view: dict[str, Any]) -> dict[str, Any] | None:
    """The earliest running time limit of a case as the candidate sees it."""
    return queries.next_date(view.get("deadlines", []))


def visible_document(session: Session, who: Me, document_id: int) -> CaseDocument | None:
    """A document the candidate may download: of a case they may see (``can_view``) and among the
    documents their view of it lists (what they filed and what a reply gave them)."""
    number = row_id(document_id)
    document = session.get(CaseDocument, number) if number is not None else None
    if document is None or not can_view(who.actor, document, session=session):
        return None
    view = case_view_for(session, who.actor, document.case)
    listed = view is not None and any(d["id"] == document.id for d in view["documents"])
    return document if listed else None


def application_form_option(session: Session, who: Me, notice: str | None) -> Option | None:
    """P2 about the application form of the candidate's application to ``notice``, while it is open (D10)."""
    found = [a for a in _applications(session, who).values() if a.notice.reference == notice]
    return application_form(session, found[0]) if found else None


def filing_choices(session: Session, who: Me, case_type: CaseType) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """What a filing form offers: the candidate's published decisions, not annulled (id, and what it is:
    its kind in the page's language, its day, its competition), and the tests of their competitions
    (notice, test code, label; an empty test code: the application form, P2). A filing's GET and POST
    both build this: it reads their applications and decisions only, in four queries."""
    applications = _applications(session, who)
    ids = [a.id for a in applications.values()]
    annulled = annulled_decisions(session, ids)
    decisions = decisions_on(session, ids)
    found = [(str(d.id), " — ".join((catalogue.term(who.language, "decision", d.kind),
                                     catalogue.day(brussels_day(d.published_at), who.language),
                                     d.application.notice.reference)))
             for d in decisions if d.id not in annulled and can_view(who.actor, d, session=session)]
    tests = []
    for application in applications.values():
        spec = definition(application.notice.current)
        if case_type is CaseType.TECHNICAL_ISSUE:
            tests.append((application.notice.reference, "",
                          gettext("%(notice)s — the application form", notice=application.notice.reference)))
        tests.extend((application.notice.reference, t.code, f"{application.notice.reference} — {t.name}")
                     for p in spec.phases for t in p.tests)
    return found, tests


def warnings(session: Session, who: Me, case_type, decision: Decision | None) -> list[tuple[str, str]]:
    """What must be shown, and confirmed, before filing ``case_type`` against ``decision`` (P4)."""
    return filing.warnings_for(session, case_type, decision, who.language)
