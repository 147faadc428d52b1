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
from ..cases.models import Case, CaseState, CaseType, DeadlineStatus, DecidingBody
from ..competitions import selection
from ..competitions.errors import CompetitionError
from ..competitions.models import Status
from ..deadlines import Decision as ClockDecision
from ..deadlines import local_date
from . import access, filing, routing, timelimits
from .errors import MissingData, WorkflowError
from .steps import Run

# D6: periods the administration cannot lengthen; only what the law itself provides is recorded
FIXED_BY_LAW = {"art90-reply": ("suspend", "resume"),     # e.g. at the complainant's documented request
                "court-action": ("restart",)}             # D7: an express rejection before expiry
EXCUSES = ("force-majeure", "excusable-error")          # D6: a late filing admitted anyway
INADMISSIBILITY_GROUNDS = (
    "late",                          # D6, with no excuse
    "question-not-identified",       # P1
    "value-judgment",                # P3: the board's value judgments cannot be contested
    "board-decision",                # P4: the Director cannot overturn the board
    "unreported-technical-issue",    # P2: claims resting on issues not reported in time
    "preparatory-steps-skipped",     # P2: without proven force majeure
    "no-adverse-act",                # P4: no act adversely affecting the candidate
    "other",
)


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


# --- effects shared by several machines ----------------------------------------------------

def acknowledge(run: Run) -> None:
    """Acknowledgement of receipt (P3: due within 15 working days; P4: no period, sent all the same)."""
    timelimits.close(run.case, "acknowledgement", DeadlineStatus.MET)
    run.send("acknowledgement", run.data.get("body") or
             f"Your request {run.case.reference} of {local_date(run.case.filed_at)} was received "
             "and is being examined.")


def admit(run: Run) -> None:
    """D6: a late filing goes on only with a recorded excuse (force majeure, excusable error)."""
    if run.case.late:
        excuse = run.data.get("excuse")
        if excuse not in EXCUSES:
            raise MissingData(f"the filing was late: admitting it needs an excuse ({' or '.join(EXCUSES)}) "
                              "and a reason")
        run.need("reason")
        run.case.excuse = excuse


def inadmissible(run: Run) -> None:
    ground = run.need("ground")
    if ground not in INADMISSIBILITY_GROUNDS:
        raise MissingData(f"unknown ground {ground!r} (use one of {', '.join(INADMISSIBILITY_GROUNDS)})")
    run.case.outcome = "inadmissible"
    _close(run)
    run.send("reply", run.data.get("body") or f"Your request is inadmissible: {run.need('reason')}")
    if run.case.type is CaseType.COMPLAINT:          # an express rejection of the complaint (D7)
        court_window(run, local_date(run.now))


def refer(run: Run) -> None:
    """R1: the analysis goes to the deciding body (board, EPSO or appointing authority)."""
    run.changes["referred_to"] = run.case.deciding_body.value


def decide(run: Run) -> None:
    run.need("reason")
    run.case.outcome = run.data["outcome"]
    if run.case.outcome == "upheld":
        reinstate(run)
    elif run.case.outcome == "neutralised":
        neutralise(run)


def reply(run: Run) -> None:
    """The reasoned reply, sent via the account; what follows from it (court window, D7)."""
    case = run.case
    body = run.need("body", "the text of the reply")
    if case.type is CaseType.ACCESS_INFO:
        body += "\n" + access_answer(run)
    if case.type is CaseType.ACCESS_DOCUMENTS:
        case.outcome = run.need("outcome")
    for upload in run.data.get("attachments", ()):
        filing.attach(run.session, case, upload, kind="reply", actor=run.actor)
    run.send("reply", body)
    if case.type is CaseType.COMPLAINT:
        overdue = case.deadline("reply")
        if overdue is not None and overdue.status is DeadlineStatus.OPEN and timelimits.is_past(overdue, run.now):
            # D7: silence came first — implied rejection on the last day, with its court window
            timelimits.close(case, "reply", DeadlineStatus.EXPIRED)
            run.changes["implied_rejection"] = overdue.last_day.isoformat()
            court_window(run, overdue.last_day, tell=False)
    timelimits.close(case, "reply", DeadlineStatus.MET)
    if case.type is CaseType.ACCESS_DOCUMENTS:
        if case.outcome in ("partial", "refused"):
            timelimits.open_deadline(run.session, case, "confirmatory-filing", "access-confirmatory", run.now)
        else:
            case.closed_at = run.now
        return
    case.closed_at = run.now
    rejected = case.outcome == "rejected"
    if rejected and (case.type is CaseType.COMPLAINT or
                     (case.type is CaseType.REVIEW and case.deciding_body is DecidingBody.BOARD)):
        court_window(run, local_date(run.now))       # D7: from notification of the reply


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
                            "(P4): reject the complaint or declare it inadmissible")
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
    """P5: item by item, excluded categories with the rule that excludes them."""
    answers = access.answer(list(run.case.details.get("items", [])), set(run.listed("confirmed")))
    run.changes["access"] = [a.__dict__ for a in answers]
    given = [a for a in answers if a.given]
    run.case.outcome = "granted" if len(given) == len(answers) else "partial" if given else "refused"
    return "\n".join(f"- {a.code}: {a.why}" for a in answers)


def extend(run: Run) -> None:
    """D8: the reply period extended once, by the rule set's extended period, with reasons."""
    confirmatory = run.case.state is CaseState.CONFIRMATORY
    name = "confirmatory-reply" if confirmatory else "reply"
    rule = "access-confirmatory-reply-extended" if confirmatory else "access-initial-extended"
    row = run.case.deadline(name)
    extended = timelimits.last_day_under(run.case, rule, row)
    decision = ClockDecision.extend_to(extended, run.need("reason"), ref=rule)
    run.changes["clock"] = timelimits.apply_clock_decision(run.case, name, decision)
    run.send("extension", f"The reply period is extended to {extended.isoformat()}: {run.data['reason']}")


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
    run.send("notice", "No reply was given to your confirmatory application within the time limit: "
                       "this counts as a negative reply (Reg 1049/2001 Art 8(3)).")


def implied_rejection(run: Run) -> None:
    """P4/D7: silence at the end of the 4 months is an implied rejection; the court window opens
    from that date."""
    row = run.case.deadline("reply")
    timelimits.close(run.case, "reply", DeadlineStatus.EXPIRED)
    run.case.outcome = "implied-rejection"
    remedy = court_window(run, row.last_day, tell=False)          # the notice below says until when
    limit = remedy.deadline("court-action")
    run.send("notice", f"No reply was given to your complaint by {row.last_day.isoformat()}: this is an "
                       "implied rejection (Staff Regulations Art 90(2)). You may bring an action before the "
                       f"General Court until {limit.last_day.isoformat()} (Art 91).")


def court_window(run: Run, event: date, *, tell: bool = True) -> Case:
    """D7: open the court window from ``event``; a later express rejection restarts a running one but
    never reopens one that has expired. ``tell``: say until when in a message to the candidate."""
    case = run.case
    existing = run.session.scalar(select(Case).where(
        Case.parent_id == case.id, Case.type == CaseType.REMEDY, Case.deciding_body == DecidingBody.GENERAL_COURT)
        .order_by(Case.id.desc()).limit(1))
    if existing is not None and existing.state in (CaseState.LODGED, CaseState.JUDGED):
        run.changes["court_window"] = {"case": existing.id, "not reopened": "an action was already lodged"}
        return existing
    if existing is None:
        remedy = filing.open_remedy(run.session, case, run.actor, event=event)
        until = remedy.deadline("court-action").last_day.isoformat()
        run.changes["court_window"] = {"case": remedy.id, "until": until}
        if tell:
            run.send("notice", f"You may bring an action before the General Court until {until} "
                               "(Staff Regulations Art 91, TFEU Art 270).")
        return remedy
    if existing.state is CaseState.LAPSED:
        run.changes["court_window"] = {"case": existing.id, "not reopened": "the period for an action had "
                                       f"expired on {existing.deadline('court-action').last_day} (D7)"}
        return existing
    decision = ClockDecision.restart(event, "express rejection notified before the court period expired (D7)",
                                     ref=case.reference)
    moved = timelimits.apply_clock_decision(existing, "court-action", decision)
    existing.updated_at = run.now                     # the remedy's own version moves, and its trail shows it
    audit.record(run.session, actor=run.actor.name, entity="case", entity_id=existing.id, action="decide_clock",
                 from_state=existing.state.value, to_state=existing.state.value, reason=decision.reason,
                 changes={"clock": moved, "by": case.reference})
    run.changes["court_window"] = {"case": existing.id, "restarted": moved}
    until = moved["after"]["last_day"]
    if tell and until != moved["before"]["last_day"]:
        run.send("notice", "The period for bringing an action before the General Court starts afresh from "
                           f"this express rejection and now runs until {until} (Staff Regulations Art 91(3)).")
    return existing


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
