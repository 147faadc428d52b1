"""What the steps do besides changing the state, all inside the caller's transaction.

Guards return why a step cannot be taken now (or None); effects raise a
:class:`~casework.workflows.errors.WorkflowError` to refuse, which rolls the whole step back.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from .. import audit
from ..auth.models import Role
from ..cases.models import Case, CaseDeadline, CaseState, CaseType, DeadlineStatus, DecidingBody
from ..competitions import selection
from ..competitions.errors import CompetitionError
from ..competitions.models import Status
from ..deadlines import DeadlineSpec, compute, local_date
from ..deadlines import Decision as ClockDecision
from ..notifications import enqueue, letter
from . import disclosure, filing, routing, timelimits
from .errors import MissingData, WorkflowError
from .steps import Run

# D6: periods the administration cannot lengthen; only what the law itself provides is recorded
FIXED_BY_LAW = {"art90-reply": ("suspend", "resume"),     # e.g. at the complainant's documented request
                "court-action": ("restart",)}             # D7: an express rejection before expiry
EXCUSES = ("force-majeure", "excusable-error")          # D6: a late filing decided on the merits anyway
# D6: grounds on which the *deciding body* (never the legal team) declares a request inadmissible. A
# complaint is never inadmissible merely because it targets a board decision (P4, D7).
INADMISSIBILITY_GROUNDS = (
    "late",                          # D6: the competent body found no excuse
    "question-not-identified",       # P1: question or error not identified (003 4.2.1)
    "translation-not-explained",     # P1: only points at a translation problem without explaining it (003 4.2.1)
    "value-judgment",                # P3: the board's value judgments cannot be contested
    "unreported-technical-issue",    # P2: claims resting on issues not reported in time
    "no-adverse-act",                # P4: no act adversely affecting the candidate
    "other",
)
RECOMMENDATIONS = ("admissible", "inadmissible", "excuse-lateness")   # the legal team's analysis (D6)
# P2 (004 7.1(5)): a report by a candidate who skipped the mandatory preparatory steps is rejected
# unless they prove circumstances beyond their control or force majeure; EPSO decides on that claim
PREPARATORY_FINDINGS = ("proven", "not-proven")


# --- guards ------------------------------------------------------------------------------

def reply_period_over(run: Run) -> str | None:
    """P4/D7: implied rejection only once the 4-month reply period has run out."""
    row = run.case.deadline("reply")
    if row is None or row.status is not DeadlineStatus.OPEN:
        return "there is no running reply period"
    if row.last_day is None:
        return "the reply period is suspended by a recorded decision (D6)"
    if not timelimits.is_past(row, run.now):
        return f"the reply period runs until {row.last_day} (24:00 Brussels time)"
    return None


def period_over(name: str, not_yet: str) -> Callable[[Run], str | None]:
    """A guard: the step waits until the running deadline ``name`` has ended (24:00 Brussels, D4)."""
    def guard(run: Run) -> str | None:
        row = run.case.deadline(name)
        if row is None or row.status is not DeadlineStatus.OPEN or not timelimits.is_past(row, run.now):
            return not_yet
        return None
    return guard


# D8: no reply to a confirmatory application by the end of its period is a negative reply
confirmatory_period_over = period_over("confirmatory-reply", "the confirmatory reply period has not run out")
# D8: a (partly) negative reply with no confirmatory application in time closes the file
confirmatory_window_over = period_over("confirmatory-filing",
                                       "the period for a confirmatory application has not run out")
# P6, D7: a court window lapses only once it has ended
court_window_over = period_over("court-action", "the period for bringing an action has not run out")


def may_confirm(run: Run) -> str | None:
    """D8: a confirmatory application after a (partly) negative reply or a missed reply."""
    if run.case.state is CaseState.REPLIED:
        return None if run.case.outcome in ("partial", "refused") else "the request was granted in full"
    row = run.case.deadline("reply")
    if row is not None and timelimits.is_past(row, run.now):
        return None
    return "the institution's reply period has not run out yet"


def may_extend(run: Run) -> str | None:
    """D8: the reply period may be extended once, before it runs out (the applicant is told in advance,
    Reg 1049/2001 Art 7(3), 8(2))."""
    name = "confirmatory-reply" if run.case.state is CaseState.CONFIRMATORY else "reply"
    row = run.case.deadline(name)
    if row is None or row.status is not DeadlineStatus.OPEN:
        return "there is no running reply period"
    if timelimits.decisions_of(row, "extend_to"):
        return "the reply period has already been extended once"
    if timelimits.is_past(row, run.now):
        return f"the reply period ended on {row.last_day}: an extension must be decided before it runs out"
    return None


def answerable(run: Run) -> str | None:
    """D6: the legal team answers a P5 request filed in time; a late one only once EPSO has decided on it."""
    if run.case.state is CaseState.ANALYSIS and run.case.late:
        return "the request was filed late: EPSO decides on its lateness first (refer it, D6)"
    return None


# --- effects shared by several machines ----------------------------------------------------

def acknowledge(run: Run) -> None:
    """Acknowledgement of receipt (P3: due within 15 working days; P4: no period, sent all the same)."""
    timelimits.close(run.case, "acknowledgement", DeadlineStatus.MET)
    if run.data.get("body"):
        run.send("acknowledgement", run.data["body"])
    else:
        _write(run, "acknowledgement", "acknowledgement", reference=run.case.reference,
               filed_on=local_date(run.case.filed_at).isoformat())


def analyse(run: Run) -> None:
    """D6: the legal team analyses; it may recommend (never decide) admissibility or excusing lateness."""
    _recommend(run)


def _recommend(run: Run) -> None:
    recommendation = run.data.get("recommendation")
    if recommendation is None:
        return
    if recommendation not in RECOMMENDATIONS:
        raise MissingData(f"unknown recommendation {recommendation!r} (use one of {', '.join(RECOMMENDATIONS)})")
    ground = run.data.get("ground")
    if ground is not None and ground not in INADMISSIBILITY_GROUNDS:
        raise MissingData(f"unknown ground {ground!r} (use one of {', '.join(INADMISSIBILITY_GROUNDS)})")
    analysis = {"recommendation": recommendation, "reason": run.need("reason"), "by": run.actor.name,
                **({"ground": ground} if ground else {})}
    run.case.details = {**run.case.details, "analysis": analysis}


def refer(run: Run) -> None:
    """R1: the analysis goes to the deciding body (board, EPSO or appointing authority)."""
    _recommend(run)
    run.changes["referred_to"] = run.case.deciding_body.value


def decide(run: Run) -> None:
    """R1, D6: the deciding body decides the request — its admissibility and lateness included."""
    case = run.case
    run.need("reason")
    outcome = run.data["outcome"]
    decision: dict[str, object] = {"outcome": outcome, "on": local_date(run.now).isoformat(), "by": run.actor.name}
    if outcome == "inadmissible":
        ground = run.need("ground", "the ground of inadmissibility")
        if ground not in INADMISSIBILITY_GROUNDS:
            raise MissingData(f"unknown ground {ground!r} (use one of {', '.join(INADMISSIBILITY_GROUNDS)})")
        decision["ground"] = ground
    elif case.late:
        excuse = run.data.get("excuse")
        if excuse not in EXCUSES:
            raise MissingData("the filing was late: decide on its lateness — declare it inadmissible (ground "
                              f"late) or excuse it ({' or '.join(EXCUSES)}) — with a reason")
        case.excuse = excuse
    skipped = case.type is CaseType.TECHNICAL_ISSUE and "preparatory-steps-skipped" in case.flags
    if skipped and outcome != "inadmissible":
        finding = run.data.get("preparatory_steps")
        if finding not in PREPARATORY_FINDINGS:
            raise MissingData("the candidate skipped the mandatory preparatory steps: say whether circumstances "
                              "beyond their control or force majeure are proven (preparatory_steps: "
                              f"{' or '.join(PREPARATORY_FINDINGS)}, 004 7.1(5))")
        if finding == "not-proven" and outcome != "rejected":
            raise WorkflowError("skipped preparatory steps without proven circumstances beyond the candidate's "
                                "control or force majeure: the report is rejected (004 7.1(5))")
        decision["preparatory_steps"] = finding
    case.outcome = outcome
    case.details = {**case.details, "decision": decision}
    if outcome == "upheld":
        reinstate(run)
    elif outcome == "neutralised":
        neutralise(run)


def reply(run: Run) -> None:
    """The reasoned reply, sent via the account; what follows from it (court window, D7)."""
    case = run.case
    body = run.need("body", "the text of the reply")
    if case.type is CaseType.ACCESS_INFO and case.outcome != "inadmissible":
        body += "\n" + access_answer(run)
    if case.type is CaseType.ACCESS_DOCUMENTS:
        case.outcome = run.need("outcome")
    for upload in run.data.get("attachments", ()):
        filing.attach(run.session, case, upload, kind="reply", actor=run.actor)
    sent = run.send("reply", body)
    if case.type is CaseType.COMPLAINT:
        overdue = case.deadline("reply")
        if overdue is not None and overdue.status is DeadlineStatus.OPEN and timelimits.is_past(overdue, run.now):
            # D7: silence came first — implied rejection on the last day, with its court window
            timelimits.close(case, "reply", DeadlineStatus.EXPIRED)
            run.changes["implied_rejection"] = overdue.last_day.isoformat()
            court_window(run, overdue.last_day, tell=False, after=overdue)
    timelimits.close(case, "reply", DeadlineStatus.MET)
    if case.type is CaseType.ACCESS_DOCUMENTS:
        if case.outcome in ("partial", "refused"):
            # D8: the confirmatory application runs from *receipt* of the reply. The reply is sent via
            # the account, where it is available at once: the project's cautious reading counts receipt
            # as that moment (never a later day than the real one, D2), not as the day it is opened.
            timelimits.open_deadline(run.session, case, "confirmatory-filing", "access-confirmatory", sent.at)
            run.changes["confirmatory_from"] = {"received": sent.at.isoformat(),
                                                "reading": "receipt = reply made available in the account (D8)"}
        else:
            case.closed_at = run.now
        return
    case.closed_at = run.now
    adverse = case.outcome in ("rejected", "inadmissible")
    if not adverse:
        return
    if case.type is CaseType.COMPLAINT:
        court_window(run, local_date(run.now))       # D7: from notification of the reply
    elif case.type is CaseType.REVIEW and case.deciding_body is DecidingBody.BOARD:
        if case.outcome == "rejected":               # D7: from the board's decision on the review
            decided_on = (case.details.get("decision") or {}).get("on")
            court_window(run, date.fromisoformat(decided_on) if decided_on else local_date(run.now),
                         restart_reason="the board's decision on the request for review (D7)")
        elif case.decision is not None:              # an inadmissible review gives no new starting point
            court_window(run, local_date(case.decision.published_at), restart=False)


def withdraw(run: Run) -> None:
    if run.actor.role is not Role.CANDIDATE:       # recorded for the candidate: say on what basis
        run.need("reason", "the reason (e.g. the candidate's written withdrawal)")
    run.case.outcome = "withdrawn"
    _close(run)


def reopen(run: Run) -> None:
    """Reopened on a recorded reason (e.g. a court judgment, C-70/19 P on a refused late request)."""
    run.need("reason")
    run.case.closed_at, run.case.outcome = None, None
    run.case.flags = [*run.case.flags, "reopened"]
    for name in ("acknowledgement", "reply"):      # the time limits stopped by the closure run again
        row = run.case.deadline(name)
        if row is not None and row.status is DeadlineStatus.CANCELLED:
            row.status, row.met_at = DeadlineStatus.OPEN, None
            run.changes.setdefault("deadlines_running_again", []).append(name)


def reroute(run: Run) -> None:
    """R1: the legal team sends the case to another deciding body, with a reason."""
    run.need("reason")
    try:
        body = DecidingBody(run.need("body", "the new deciding body"))
    except ValueError:
        raise MissingData(f"unknown deciding body {run.data['body']!r}") from None
    if body not in (DecidingBody.BOARD, DecidingBody.EPSO):
        raise MissingData("a review goes to whoever took the contested decision: the board or EPSO (R1)")
    if body is run.case.deciding_body:
        raise WorkflowError(f"the case is already with {body.value}")
    run.changes["rerouted_from"] = run.case.deciding_body.value
    run.case.deciding_body = body


def assign(run: Run) -> None:
    """The officer responsible: a member of the legal team, never one in conflict with the candidate."""
    from ..auth.models import ConflictOfInterest, User
    wanted = str(run.need("officer", "the legal officer (e-mail or user id)"))
    officer = run.session.scalar(select(User).where(User.email == wanted) if "@" in wanted
                                 else select(User).where(User.id == int(wanted)) if wanted.isdigit()
                                 else select(User).where(User.id.is_(None)))
    if officer is None or not officer.active or officer.role not in (Role.LEGAL_OFFICER, Role.HEAD_OF_UNIT):
        raise MissingData(f"{wanted} is not an active member of the legal team")
    if run.session.scalar(select(ConflictOfInterest.id).where(ConflictOfInterest.user_id == officer.id,
                                                              ConflictOfInterest.candidate_id == run.case.candidate_id)):
        raise WorkflowError(f"{officer.email} declared a conflict of interest with this candidate")
    run.case.assigned_officer_id = officer.id


def clock(run: Run) -> None:
    """D6: a time limit is extended, suspended, resumed or restarted only by a recorded decision."""
    name = run.need("deadline", "the deadline to change")
    decision = timelimits.clock_decision(run.data)
    row = run.case.deadline(name)
    allowed = FIXED_BY_LAW.get(row.rule) if row is not None else None
    if allowed is not None and decision.kind not in allowed:
        raise WorkflowError(f"the {name} period ({row.rule}) is set by law: only {' or '.join(allowed)} "
                            "can be recorded on it")
    run.changes["clock"] = timelimits.apply_clock_decision(run.case, name, decision)


def _close(run: Run) -> None:
    run.case.closed_at = run.now
    timelimits.cancel_open(run.case)


# --- P3/P4 reinstatement (R3) and P1 neutralisation -----------------------------------------

def reinstate(run: Run) -> None:
    """R3: an upheld review or complaint puts the candidate back at the stage of exclusion."""
    case = run.case
    application = case.application
    if application is None or application.status not in (Status.ELIMINATED, Status.EXCLUDED):
        run.changes["reinstatement"] = "none: the candidate is not out of the competition"
        return
    contested = case.decision
    if case.type is CaseType.COMPLAINT and routing.is_board_decision(contested):
        raise WorkflowError("the appointing authority cannot annul or change a decision of the selection board "
                            "(P4, 002 3.4.4.1, 003 4.3.1): reject the complaint; the court window against the "
                            "board decision keeps running (D7)")
    latest = selection.last_exclusion(run.session, application)
    if contested is not None and latest is not None and latest.id != contested.id:
        raise WorkflowError(f"the contested decision is not what keeps {application.number} out "
                            f"(that is the {latest.kind} decision at {latest.phase}): record the "
                            "remedy by hand")
    author = {DecidingBody.BOARD: "board", DecidingBody.EPSO: "epso"}.get(case.deciding_body,
                                                                         "appointing-authority")
    try:
        decision = selection.reinstate(run.session, application, author=author, actor=run.actor.name,
                                       published_at=run.now, reason=run.data["reason"], source=case.reference)
    except CompetitionError as exc:
        raise WorkflowError(str(exc)) from None
    run.session.refresh(application)
    run.changes["reinstatement"] = {"decision": decision.id, "stage": decision.phase,
                                    "now_at": application.phase, "status": application.status.value}


def neutralise(run: Run) -> None:
    """P1: the board annuls the question(s); one auditable competition decision (R3 inside)."""
    from ..competitions import neutralisation
    case = run.case
    run.need("questions", "the question reference(s) to neutralise")
    questions = run.listed("questions")
    try:
        report = neutralisation.neutralise(run.session, case.application.notice, case.details["test"],
                                           questions, actor=run.actor.name, published_at=run.now,
                                           reason=run.data["reason"], source=case.reference)
    except CompetitionError as exc:
        raise WorkflowError(str(exc)) from None
    run.changes["neutralisation"] = {"test": case.details["test"], "questions": questions,
                                     **report.as_dict().get("counts", {})}


# --- P5 and P6 ---------------------------------------------------------------------------

def access_answer(run: Run) -> str:
    """P5: item by item, excluded categories with the rule that excludes them (the letter
    ``access-answer`` in the case's language; the rules' texts through the catalogue)."""
    answers = disclosure.answer(list(run.case.details.get("items", [])), set(run.listed("confirmed")))
    run.changes["access"] = [a.__dict__ for a in answers]
    given = [a for a in answers if a.given]
    run.case.outcome = "granted" if len(given) == len(answers) else "partial" if given else "refused"
    items = []
    for a in answers:
        category = disclosure.CATEGORIES.get(a.code)
        if category is None:
            items.append({"code": a.code, "status": "unknown", "text": None})
        elif category.excluded_by:
            items.append({"code": a.code, "status": "excluded", "text": category.excluded_by})
        elif not a.given:
            items.append({"code": a.code, "status": "unconfirmed", "text": category.condition})
        else:
            items.append({"code": a.code, "status": "given", "text": category.label})
    return letter("access-answer", run.case.language, {"items": items}).text


def extend(run: Run) -> None:
    """D8: the reply period extended once, by the rule set's extended period, with reasons."""
    confirmatory = run.case.state is CaseState.CONFIRMATORY
    name = "confirmatory-reply" if confirmatory else "reply"
    rule = "access-confirmatory-reply-extended" if confirmatory else "access-initial-extended"
    row = run.case.deadline(name)
    extended = timelimits.last_day_under(run.case, rule, row)
    decision = ClockDecision.extend_to(extended, run.need("reason"), ref=rule)
    run.changes["clock"] = timelimits.apply_clock_decision(run.case, name, decision)
    _write(run, "extension", "extension", until=extended.isoformat(), reason=run.data["reason"])


def confirm(run: Run) -> None:
    """D8: the candidate's confirmatory application; a late one is recorded and flagged (D6)."""
    case = run.case
    timelimits.close(case, "reply", DeadlineStatus.EXPIRED)
    window = case.deadline("confirmatory-filing")
    if window is None:                  # after a missed reply: 15 working days from its expiry
        window = timelimits.open_deadline(run.session, case, "confirmatory-filing", "access-confirmatory",
                                          case.deadline("reply").last_day)
    timelimits.close(case, "confirmatory-filing", DeadlineStatus.MET)
    if timelimits.is_past(window, run.now):
        case.flags = [*case.flags, "confirmatory-late"]
    case.outcome = None
    timelimits.open_deadline(run.session, case, "confirmatory-reply", "access-confirmatory-reply", run.now)


def close_file(run: Run) -> None:
    timelimits.close(run.case, "confirmatory-filing", DeadlineStatus.EXPIRED)
    run.case.closed_at = run.now


def confirmatory_reply(run: Run) -> None:
    run.send("reply", run.need("body", "the text of the reply"))
    run.case.outcome = run.data["outcome"]
    run.case.closed_at = run.now
    timelimits.close(run.case, "confirmatory-reply", DeadlineStatus.MET)


def implied_refusal(run: Run) -> None:
    """D8: no reply to a confirmatory application counts as a negative reply."""
    timelimits.close(run.case, "confirmatory-reply", DeadlineStatus.EXPIRED)
    run.case.outcome = "refused"
    _write(run, "notice", "implied-refusal")


def implied_rejection(run: Run) -> None:
    """P4/D7: silence at the end of the 4 months is an implied rejection; the court window opens
    from that date (against a board decision its own window keeps running instead)."""
    row = run.case.deadline("reply")
    timelimits.close(run.case, "reply", DeadlineStatus.EXPIRED)
    run.case.outcome = "implied-rejection"
    remedy = court_window(run, row.last_day, tell=False, after=row)   # the notice below says until when
    limit = remedy.deadline("court-action") if remedy is not None else None
    running = limit is not None and remedy.state is CaseState.WINDOW_OPEN
    _write(run, "notice", "implied-rejection", reply_last_day=row.last_day.isoformat(),
           court_until=timelimits.act_by(limit).isoformat() if running else None,
           court_ended=running and timelimits.is_past(limit, run.now),
           against_board=against_board_decision(run.case))


def against_board_decision(case: Case) -> bool:
    """P4, D7: a complaint about a decision of the board, whose court window a complaint does not stop."""
    return case.type is CaseType.COMPLAINT and routing.is_board_decision(case.decision)


def board_window(session, decision) -> Case | None:
    """D7: the tracked court window against a board ``decision`` (whichever case opened it), if any."""
    return session.scalar(select(Case).where(
        Case.type == CaseType.REMEDY, Case.decision_id == decision.id,
        Case.deciding_body == DecidingBody.GENERAL_COURT).order_by(Case.id.desc()).limit(1))


EXPRESS_REJECTION = "express rejection notified before the court period expired (D7)"


def court_window(run: Run, event: date, *, tell: bool = True, restart: bool = True,
                 restart_reason: str = EXPRESS_REJECTION, after: CaseDeadline | None = None) -> Case | None:
    """D7: open the court window from ``event``; a later express rejection (or the board's decision on a
    review) restarts a running one but never reopens one that has expired. ``tell``: say until when in a
    message to the candidate. ``restart=False``: keep a running window as it is (no new starting point).
    ``after``: ``event`` is the end of that period (the implied rejection), counted with it (D2, D7).
    The candidate is told the date to act by (D2).

    A complaint against a board decision neither opens nor restarts anything: the window against the
    board decision (opened when the complaint was filed) keeps running (D7)."""
    case = run.case
    board = routing.is_board_decision(case.decision) and case.type in (CaseType.COMPLAINT, CaseType.REVIEW)
    existing = run.session.scalar(select(Case).where(
        Case.parent_id == case.id, Case.type == CaseType.REMEDY, Case.deciding_body == DecidingBody.GENERAL_COURT)
        .order_by(Case.id.desc()).limit(1))
    if existing is None and board:
        existing = board_window(run.session, case.decision)
    if against_board_decision(case):
        if existing is None:      # filed before the window was opened at filing: open it from the decision
            existing = filing.open_remedy(run.session, case, run.actor, event=case.decision.published_at)
        until = timelimits.act_by(existing.deadline("court-action"))
        run.changes["court_window"] = {"case": existing.id, "not restarted": "a complaint against a board "
                                       f"decision does not stop its court window, which ends on {until} (D7)"}
        if tell and existing.state is CaseState.WINDOW_OPEN:
            _write(run, "notice", "board-window", until=until.isoformat(),
                   ended=timelimits.is_past(existing.deadline("court-action"), run.now))
        return existing
    if existing is not None and existing.state in (CaseState.LODGED, CaseState.JUDGED):
        run.changes["court_window"] = {"case": existing.id, "not reopened": "an action was already lodged"}
        return existing
    if existing is None:
        spec = DeadlineSpec.for_rule("court-action", event, timelimits.rule_set_for(case))
        if not restart and compute(spec, timelimits.calendars_of(case)).deadline <= run.now:
            run.changes["court_window"] = {"not opened": f"the period from {event} has already expired (D7)"}
            return None
        remedy = filing.open_remedy(run.session, case, run.actor, event=event, after=after)
        until = timelimits.act_by(remedy.deadline("court-action")).isoformat()
        run.changes["court_window"] = {"case": remedy.id, "until": until}
        if tell:
            _tell_court_window(run, until)
        return remedy
    if existing.state is CaseState.LAPSED:
        run.changes["court_window"] = {"case": existing.id, "not reopened": "the period for an action had "
                                       f"expired on {existing.deadline('court-action').last_day} (D7)"}
        return existing
    if not restart:
        until = timelimits.act_by(existing.deadline("court-action")).isoformat()
        run.changes["court_window"] = {"case": existing.id, "kept": until}
        if tell:
            _tell_court_window(run, until)
        return existing
    decision = ClockDecision.restart(event, restart_reason, ref=case.reference)
    moved = timelimits.apply_clock_decision(existing, "court-action", decision)
    existing.updated_at = run.now                     # the remedy's own version moves, and its trail shows it
    audit.record(run.session, actor=run.actor.name, entity="case", entity_id=existing.id, action="decide_clock",
                 from_state=existing.state.value, to_state=existing.state.value, reason=decision.reason,
                 changes={"clock": moved, "by": case.reference})
    run.changes["court_window"] = {"case": existing.id, "restarted": moved}
    until = moved["after"]["act_by"]                  # the date the candidate acts by (D2)
    if tell and until != moved["before"]["act_by"]:
        _write(run, "notice", "court-window-restarted", until=until)
    return existing


def _tell_court_window(run: Run, until: str) -> None:
    """D2, D7: the candidate is told the date to act by of the court window."""
    _write(run, "notice", "court-window", until=until)


# --- what the candidate is told ------------------------------------------------------------
# Texts come from templates in the candidate's language (C4): letters (templates/letters, sent via
# the account) and mail (templates/mail, through the outbox); Python passes codes and dates only.

def _write(run: Run, kind: str, template: str, **context: object) -> None:
    """A letter to the candidate via their account, in the case's language (English when that
    language has no such letter; the message records the language it is written in)."""
    text = letter(template, run.case.language, context)
    run.send(kind, text.text).language = text.language


ADVERSE = ("rejected", "inadmissible", "implied-rejection")


def tell_candidate(run: Run, trigger: str, version: int) -> None:
    """Mail the candidate that step ``trigger`` was taken (issue 10 §5; machines.MAILED says which
    steps): one outbox message, in the step's transaction, in the candidate's language (C4; EN
    fallback), with the date to act by where a time limit of theirs runs. The key is the case, the
    step and the ``version`` the case had when the step began, so a step is never mailed twice.

    Steps the scheduler takes are mailed by the scheduler itself, keyed by its due row (D7)."""
    if run.actor.is_system:
        return
    case, candidate = run.case, run.case.candidate
    template, context = _mail(run, trigger)
    enqueue(run.session, key=f"case-{case.id}/{trigger}/v{version}", to=candidate.email,
            language=candidate.correspondence_language, template=template, case_id=case.id,
            context={"reference": case.reference, **context})


def _mail(run: Run, trigger: str) -> tuple[str, dict[str, object]]:
    """The template of the mail for ``trigger`` and what it needs: codes and ISO dates."""
    case = run.case
    if trigger in ("reply", "reply_confirmatory"):
        decision = case.details.get("decision") or {}
        confirmatory = case.deadline("confirmatory-filing") if trigger == "reply" else None
        return "case-reply", {
            "outcome": case.outcome,
            "ground": decision.get("ground") if case.outcome == "inadmissible" else None,
            "court_until": _court_until(run) if case.outcome in ADVERSE else None,
            "confirmatory_until": (timelimits.act_by(confirmatory).isoformat()
                                   if confirmatory is not None and confirmatory.status is DeadlineStatus.OPEN
                                   else None)}
    if trigger == "decide":
        return "case-decided", {"body": case.deciding_body.value}
    if trigger == "implied_rejection":
        until = _court_until(run, own=True)
        if until is not None:
            return "implied-rejection", {"reply_last_day": case.deadline("reply").last_day.isoformat(),
                                         "court_until": until}
    return "case-step", {"step": trigger, "state": case.state.value}


def _court_until(run: Run, *, own: bool = False) -> str | None:
    """D2, D7: the date to act by of the court window the candidate may still use after this case —
    its own, or (``own=False``) the one against the board decision it is about — if one is running."""
    case = run.case
    window = run.session.scalar(select(Case).where(
        Case.parent_id == case.id, Case.type == CaseType.REMEDY, Case.deciding_body == DecidingBody.GENERAL_COURT)
        .order_by(Case.id.desc()).limit(1))
    if window is None and not own and routing.is_board_decision(case.decision):
        window = board_window(run.session, case.decision)
    row = window.deadline("court-action") if window is not None else None
    if window is None or window.state is not CaseState.WINDOW_OPEN or row is None or row.last_day is None \
            or timelimits.is_past(row, run.now):
        return None
    return timelimits.act_by(row).isoformat()


def lodge(run: Run) -> None:
    run.case.details = {**run.case.details, "reference": run.need("reference", "the court's reference"),
                        "lodged_on": str(run.need("lodged_on", "the date of lodging"))}
    timelimits.close(run.case, "court-action", DeadlineStatus.MET)


def judge(run: Run) -> None:
    run.case.outcome = run.data["outcome"]
    run.case.closed_at = run.now


def lapse(run: Run) -> None:
    timelimits.close(run.case, "court-action", DeadlineStatus.EXPIRED)
    run.case.outcome, run.case.closed_at = "lapsed", run.now
