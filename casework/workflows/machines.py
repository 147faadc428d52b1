"""One state machine per case type (RULES P1–P6), as data, built once and shared.

Each machine is a list of :class:`Step`; :func:`machine` builds the ``transitions`` Machine of a
type once (``model=None``, Enum states, no automatic ``to_<state>`` jumps) and every call of
:func:`casework.workflows.apply` runs its event on a short-lived :class:`Run` instead of binding
each case to a machine. The diagrams in docs/workflows.md are generated from the same steps.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from transitions import Machine

from ..cases.models import CaseState, CaseType
from . import effects as fx
from .steps import CANDIDATE, DECIDING_BODY, LEGAL, SYSTEM, Run, Step

S = CaseState


def withdraw(*sources: CaseState) -> Step:
    return Step("withdraw", sources, S.WITHDRAWN, (CANDIDATE, LEGAL),
                "the candidate withdraws the case", effect=fx.withdraw)


def reopen(sources: tuple[CaseState, ...], dest: CaseState) -> Step:
    return Step("reopen", sources, dest, (LEGAL,),
                "reopened on a recorded reason (a court judgment; a refused late filing set aside)",
                requires=("reason",), effect=fx.reopen)


def clock(*sources: CaseState) -> Step:
    return Step("decide_clock", sources, None, (LEGAL,),
                "a time limit extended, suspended, resumed or restarted by a recorded decision (D6)",
                requires=("deadline", "kind", "reason"), effect=fx.clock)


def decide(sources: tuple[CaseState, ...], outcomes: tuple[str, ...]) -> Step:
    return Step("decide", sources, S.DECIDED, (DECIDING_BODY,),
                "the deciding body decides (R1), with reasons: on the merits, or inadmissible with a ground; "
                "a late filing is decided on the merits only with an excuse (D6)", requires=("outcome", "reason"),
                outcomes=(*outcomes, "inadmissible"), effect=fx.decide)


def analyse(*sources: CaseState, what: str = "request") -> Step:
    return Step("analyse", sources, S.ANALYSIS, (LEGAL,),
                f"the legal team analyses the {what} and may recommend admissibility, inadmissibility or "
                "excusing a late filing; the deciding body decides on them (D6)", effect=fx.analyse)


def refer(*sources: CaseState, label: str) -> Step:
    return Step("refer", sources, S.REFERRED, (LEGAL,), label, effect=fx.refer)


def reply(*sources: CaseState, outcomes: tuple[str, ...] = ()) -> Step:
    return Step("reply", sources, S.REPLIED, (LEGAL,),
                "the legal team sends the reasoned reply via the account", requires=("body",),
                outcomes=outcomes, effect=fx.reply)


STEPS: dict[CaseType, tuple[Step, ...]] = {
    CaseType.NEUTRALISATION: (                                                       # P1
        refer(S.FILED, label="the legal team refers the request to the board with its analysis; the board "
                             "decides, a late one included (D6)"),
        decide((S.REFERRED,), ("neutralised", "rejected")),
        reply(S.DECIDED),
        withdraw(S.FILED, S.REFERRED),
        reopen((S.REPLIED,), S.FILED),
    ),
    CaseType.TECHNICAL_ISSUE: (                                                      # P2
        analyse(S.FILED, what="report"),
        decide((S.ANALYSIS,), ("new-slot", "rejected")),
        reply(S.DECIDED),
        withdraw(S.FILED, S.ANALYSIS),
    ),
    CaseType.REVIEW: (                                                               # P3
        Step("acknowledge", (S.FILED,), S.ACKNOWLEDGED, (LEGAL,),
             "acknowledgement of receipt (due within 15 working days)", effect=fx.acknowledge),
        analyse(S.ACKNOWLEDGED),
        refer(S.ANALYSIS, label="submitted to the author of the contested decision, board or EPSO (R1), which "
                                "decides on the request, its admissibility and lateness included (D6)"),
        decide((S.REFERRED,), ("upheld", "rejected")),
        reply(S.DECIDED),
        Step("reroute", (S.ANALYSIS, S.REFERRED), None, (LEGAL,),
             "the legal team sends it to another deciding body, with a reason (R1)",
             requires=("body", "reason"), effect=fx.reroute),
        withdraw(S.FILED, S.ACKNOWLEDGED, S.ANALYSIS, S.REFERRED),
        reopen((S.REPLIED,), S.ANALYSIS),
        clock(S.FILED, S.ACKNOWLEDGED, S.ANALYSIS, S.REFERRED),
    ),
    CaseType.COMPLAINT: (                                                            # P4
        Step("acknowledge", (S.FILED,), S.ACKNOWLEDGED, (LEGAL,),
             "acknowledgement of receipt of the complaint", effect=fx.acknowledge),
        analyse(S.ACKNOWLEDGED, what="complaint"),
        refer(S.ANALYSIS, label="a draft decision goes to the appointing authority (R1), which decides, "
                                "admissibility and lateness included (D6)"),
        decide((S.REFERRED, S.IMPLIED_REJECTION), ("upheld", "rejected")),
        reply(S.DECIDED),
        Step("implied_rejection", (S.FILED, S.ACKNOWLEDGED, S.ANALYSIS, S.REFERRED, S.DECIDED),
             S.IMPLIED_REJECTION, (SYSTEM, LEGAL),
             "no reply within 4 months of lodging: implied rejection; the court window opens (D7), except "
             "against a board decision, whose own window keeps running",
             guard=fx.reply_period_over, effect=fx.implied_rejection),
        withdraw(S.FILED, S.ACKNOWLEDGED, S.ANALYSIS, S.REFERRED, S.IMPLIED_REJECTION),
        reopen((S.REPLIED,), S.ANALYSIS),
        clock(S.FILED, S.ACKNOWLEDGED, S.ANALYSIS, S.REFERRED),
    ),
    CaseType.ACCESS_INFO: (                                                          # P5
        analyse(S.FILED),
        refer(S.ANALYSIS, label="submitted to EPSO (R1) to decide on its admissibility; a late request "
                                "must be (D6)"),
        decide((S.REFERRED,), ("admissible",)),
        Step("reply", (S.ANALYSIS, S.DECIDED), S.REPLIED, (LEGAL,),
             "the legal team answers item by item via the account (a late request only once EPSO has "
             "decided on its lateness, D6)", requires=("body",), guard=fx.answerable, effect=fx.reply),
        withdraw(S.FILED, S.ANALYSIS, S.REFERRED),
        reopen((S.REPLIED,), S.ANALYSIS),
    ),
    CaseType.ACCESS_DOCUMENTS: (                                                     # P5, Reg 1049/2001 (D8)
        Step("extend", (S.FILED, S.CONFIRMATORY), None, (LEGAL,),
             "the reply period is extended once, with reasons given in advance (D8)",
             requires=("reason",), guard=fx.may_extend, effect=fx.extend),
        reply(S.FILED, outcomes=("granted", "partial", "refused")),
        Step("confirm", (S.FILED, S.REPLIED), S.CONFIRMATORY, (CANDIDATE, LEGAL),
             "confirmatory application after a (partly) negative or missed reply (D8)",
             guard=fx.may_confirm, effect=fx.confirm),
        Step("reply_confirmatory", (S.CONFIRMATORY,), S.DECIDED, (LEGAL,),
             "reply to the confirmatory application (D8)", requires=("body", "outcome"),
             outcomes=("granted", "partial", "refused"), effect=fx.confirmatory_reply),
        Step("implied_refusal", (S.CONFIRMATORY,), S.IMPLIED_REJECTION, (SYSTEM, LEGAL),
             "no reply to the confirmatory application in time: a negative reply (D8)",
             guard=fx.confirmatory_period_over, effect=fx.implied_refusal),
        Step("close", (S.REPLIED,), None, (SYSTEM, LEGAL),
             "no confirmatory application within its period: the file is closed (D8)",
             guard=fx.confirmatory_window_over, effect=fx.close_file),
        withdraw(S.FILED, S.CONFIRMATORY),
    ),
    CaseType.REMEDY: (                                                               # P6
        Step("lodge", (S.WINDOW_OPEN,), S.LODGED, (LEGAL,),
             "an action was lodged with the General Court (tracked)", requires=("reference", "lodged_on"),
             effect=fx.lodge),
        Step("judge", (S.LODGED,), S.JUDGED, (LEGAL,), "the court's or the Ombudsman's outcome is recorded",
             requires=("outcome",), outcomes=("annulled", "dismissed", "withdrawn", "settled",
                                              "maladministration", "no-maladministration"),
             effect=fx.judge),
        Step("lapse", (S.WINDOW_OPEN,), S.LAPSED, (SYSTEM, LEGAL),
             "the period for an action ran out with nothing lodged", guard=fx.court_window_over,
             effect=fx.lapse),
        clock(S.WINDOW_OPEN),
    ),
}

# Steps the candidate is told of by mail besides what their account shows (issue 10 §5): one outbox
# message each (effects.tell_candidate). Not mailed: the legal team's internal steps (analysis,
# referral and rerouting to a deciding body, assignment, clock decisions) and the tracked court
# remedies (P6), which the legal team follows; steps the scheduler takes, which it mails itself.
MAILED = frozenset({"acknowledge", "decide", "reply", "reply_confirmatory", "extend", "confirm", "withdraw",
                    "reopen", "implied_rejection", "implied_refusal", "close"})


def mailed(case_type: CaseType, trigger: str) -> bool:
    """Whether step ``trigger`` of ``case_type`` mails the candidate (when a person takes it)."""
    return case_type is not CaseType.REMEDY and trigger in MAILED


# the first state of each machine; a remedy before the Ombudsman is opened directly as lodged
INITIAL = {t: (S.WINDOW_OPEN if t is CaseType.REMEDY else S.FILED) for t in CaseType}

STATE_HELP = {
    S.FILED: "received and registered; nothing a candidate files is refused for lateness (D6)",
    S.ACKNOWLEDGED: "receipt acknowledged to the candidate",
    S.ANALYSIS: "the legal team analyses admissibility and substance (the deciding body decides on both, D6)",
    S.REFERRED: "with the deciding body (R1): board, EPSO or appointing authority",
    S.DECIDED: "the deciding body has decided (on the merits, or inadmissible with a ground); the reasoned "
               "reply is being drafted",
    S.REPLIED: "the reasoned reply was sent via the candidate's account (its outcome: the body's decision)",
    S.CONFIRMATORY: "a confirmatory application is being handled (Reg 1049/2001, D8)",
    S.IMPLIED_REJECTION: "no reply in time: rejected by silence (D7, D8)",
    S.INADMISSIBLE: "declared inadmissible with a recorded ground and reason (before D6 was applied: the "
                    "deciding body now decides inadmissibility through decide)",
    S.WITHDRAWN: "withdrawn by the candidate (or recorded for them by the legal team, with a reason)",
    S.WINDOW_OPEN: "the period for an action before the General Court is running (D7)",
    S.LODGED: "an action or an Ombudsman complaint was lodged (tracked, decided outside casework)",
    S.JUDGED: "the court's or the Ombudsman's outcome is recorded",
    S.LAPSED: "the period for an action ran out with nothing lodged",
}


def _with_assignment(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """A case can be given to (or taken by) a legal officer in any state it can still leave."""
    open_states = {s for st in steps for s in st.sources}
    return (*steps, Step("assign", tuple(s for s in CaseState if s in open_states), None, (LEGAL,),
                         "the case is given to a legal officer (who gets its reminders)",
                         requires=("officer",), effect=fx.assign))


STEPS = {t: _with_assignment(steps) for t, steps in STEPS.items()}


def states_of(case_type: CaseType) -> list[CaseState]:
    used = {s for step in STEPS[case_type] for s in step.sources}
    used |= {step.dest for step in STEPS[case_type] if step.dest is not None}
    used.add(INITIAL[case_type])
    return [s for s in CaseState if s in used]


def step(case_type: CaseType, trigger: str) -> Step | None:
    return next((s for s in STEPS[case_type] if s.trigger == trigger), None)


def _and_mail(trigger: str, effect: Callable[[Run], None] | None) -> Callable[[Run], None]:
    """``effect``, then the candidate's mail, keyed by the version the case had before the step wrote
    anything (read first: an effect's query may flush the case and move its version)."""
    def run_and_mail(run: Run) -> None:
        version = run.case.version
        if effect is not None:
            effect(run)
        fx.tell_candidate(run, trigger, version)
    return run_and_mail


@cache
def machine(case_type: CaseType) -> Machine:
    """The shared machine of ``case_type`` (built once per process)."""
    m = Machine(model=None, states=states_of(case_type), initial=INITIAL[case_type], auto_transitions=False,
                send_event=True, model_attribute="state", ignore_invalid_triggers=False)
    for st in STEPS[case_type]:
        effect = _and_mail(st.trigger, st.effect) if mailed(case_type, st.trigger) else st.effect
        after = [] if effect is None else [lambda event, effect=effect: effect(event.model)]
        m.add_transition(st.trigger, list(st.sources), st.dest, after=after)
    return m
