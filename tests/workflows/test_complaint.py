"""P4 Article 90(2) complaint: every path of the machine, with the D7 chain (implied rejection after
4 months, the court window of 3 months + 10 days, restarted by an express rejection notified in
time and never reopened by one notified too late), R1 routing to the appointing authority and R3
reinstatement.

Expected days are worked out by hand in the comments (Reg 1182/71 Art 3, RULES D3-D5), never read
back from the deadline engine.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casework.auth.models import Role
from casework.cases.models import Case, CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions.models import Status
from casework.workflows import (
    InvalidTransition,
    MissingData,
    NotAllowed,
    WarningRequired,
    WorkflowError,
    apply,
    available,
    file_case,
)

from ..competitions import factories as f
from . import people
from .test_filing import refused, trail

GROUNDS = {"grounds": "I declared my civil rights; the exclusion clearly breaches the notice"}


def lodge(session, application, **kw):
    return file_case(session, people.candidate(session, application), CaseType.COMPLAINT, application=application,
                     decision=f.last_decision(session, application), details=GROUNDS, **kw)


def remedies(session, case):
    return list(session.scalars(select(Case).where(Case.parent_id == case.id, Case.type == CaseType.REMEDY)
                                .order_by(Case.id)))


def told(case, kind="notice"):
    """What the candidate was sent of one kind, oldest first."""
    return [m.body for m in case.messages if m.direction == "out" and m.kind == kind]


def at(*args):
    """An instant given in UTC."""
    return datetime(*args, tzinfo=UTC)


def analysed(session, case, team):
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    return case


# --- the paths ---------------------------------------------------------------------------------------

def test_p4_r1_r3_upheld_complaint_on_an_epso_exclusion_reinstates_the_candidate(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    case = lodge(session, out)
    team = people.team(session, notice)
    assert (case.state, case.deciding_body, case.late, case.flags) == (
        CaseState.FILED, DecidingBody.APPOINTING_AUTHORITY, False, [])             # R1: to the Director
    # D3: notified Tuesday 22 March 2022 -> 3 months end on Wednesday 22 June 2022, a working day
    assert case.deadline("filing").last_day == date(2022, 6, 22)
    assert case.deadline("reply").status is DeadlineStatus.OPEN

    apply(session, case, "acknowledge", team.legal)
    assert told(case, "acknowledgement")
    apply(session, case, "analyse", team.legal)
    apply(session, case, "refer", team.legal)
    for not_the_director in (team.epso, team.legal, team.board):                   # R1: only the Director
        refused(session, case, NotAllowed, "decide", not_the_director, outcome="upheld", reason="x")
    refused(session, case, MissingData, "decide", team.director, outcome="neutralised", reason="x")
    refused(session, case, MissingData, "decide", team.director, outcome="upheld")   # a reason is required
    apply(session, case, "decide", team.director, outcome="upheld", reason="the declaration was in the file")
    session.refresh(out)
    # R3: back at eligibility; the board has closed it meanwhile, so the candidate goes through it and
    # waits at the screener with the others, marked as reinstated
    assert (out.status, out.phase, out.reinstated) == (Status.ACTIVE, "screener", True)
    assert any(d.kind == "reinstatement" and d.source == case.reference for d in f.decisions(session, out))

    apply(session, case, "reply", team.legal, body="Your complaint is upheld.")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.REPLIED, "upheld", frozen.now())
    assert case.deadline("reply").status is DeadlineStatus.MET
    assert remedies(session, case) == []              # nothing adverse is left: no court window
    assert [row[0] for row in trail(session, case)] == ["file", "acknowledge", "analyse", "refer", "decide", "reply"]


def test_p4_d7_implied_rejection_on_the_computed_day_not_before(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))                    # lodged on Wednesday 13 April 2022
    case = analysed(session, lodge(session, out), team := people.team(session, notice))
    # The Director must reply within 4 months of lodging (D3): Saturday 13 August 2022. D5 rolls the
    # last day forward: Saturday 13, Sunday 14 and Monday 15 August (Assumption, a Commission holiday
    # in Brussels) are not working days, so the period ends at the end of Tuesday 16 August, 24:00
    # Brussels summer time (UTC+2) = 22:00 UTC (D4).
    assert date(2022, 8, 13).weekday() == 5
    end = at(2022, 8, 16, 22)
    assert case.deadline("reply").last_day == date(2022, 8, 16)

    frozen.set(end - timedelta(seconds=1))
    assert "implied_rejection" not in [s.trigger for s in available(session, case, team.system)]
    why = refused(session, case, InvalidTransition, "implied_rejection", team.system)
    assert "2022-08-16" in str(why)
    assert remedies(session, case) == []

    frozen.set(end + timedelta(seconds=1))
    assert "implied_rejection" in [s.trigger for s in available(session, case, team.system)]
    apply(session, case, "implied_rejection", team.system)
    assert (case.state, case.outcome) == (CaseState.IMPLIED_REJECTION, "implied-rejection")
    assert case.deadline("reply").status is DeadlineStatus.EXPIRED

    # D7 and P6: the court window runs from the date of implied rejection, 16 August: 3 months ->
    # 16 November 2022, then the 10 days on account of distance -> Saturday 26 November, rolled
    # forward (court calendar) to Monday 28 November 2022.
    assert date(2022, 11, 26).weekday() == 5
    [remedy] = remedies(session, case)
    window = remedy.deadline("court-action")
    assert (remedy.state, remedy.deciding_body) == (CaseState.WINDOW_OPEN, DecidingBody.GENERAL_COURT)
    assert (window.last_day, window.spec["rule"]["place"]) == (date(2022, 11, 28), "court")
    assert window.due_at == at(2022, 11, 28, 23)      # 24:00 Brussels winter time (D4)
    # D2: the 4 months ended on Saturday 13 August and rolled past Monday 15 August, Assumption on the
    # provisional Brussels 2022 list; without it the rejection is on 15 August and the window ends on
    # Friday 25 November: the candidate is told that date until 2022 is confirmed
    assert window.computation["act_by"] == "2022-11-25" and date(2022, 11, 25).weekday() == 4
    [notice_sent] = told(case)
    assert "2022-08-16" in notice_sent and "until 2022-11-25" in notice_sent
    assert trail(session, case)[-1][0:3] == ("implied_rejection", "referred", "implied-rejection")


def _implied_rejection(session, frozen, notice, out):
    """A complaint lodged on 13 April 2022 left unanswered: implied rejection on 16 August, court
    window until 28 November 2022 (worked out in the test above)."""
    frozen.set(at(2022, 4, 13, 9))
    team = people.team(session, notice)
    case = analysed(session, lodge(session, out), team)
    frozen.set(at(2022, 8, 17, 6))
    apply(session, case, "implied_rejection", team.system)
    return case, team


def test_p4_d7_express_rejection_before_the_court_period_expired_restarts_it(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    case, team = _implied_rejection(session, frozen, notice, out)
    frozen.set(at(2022, 10, 3, 9))
    apply(session, case, "decide", team.director, outcome="rejected", reason="the exclusion stands")
    frozen.set(at(2022, 10, 4, 9))                    # notified on Tuesday 4 October, before 28 November
    apply(session, case, "reply", team.legal, body="Your complaint is rejected.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "rejected")
    # D7: the period starts afresh from the express rejection: 4 October + 3 months = 4 January 2023,
    # + 10 days = Saturday 14 January, rolled forward to Monday 16 January 2023.
    assert date(2023, 1, 14).weekday() == 5
    [remedy] = remedies(session, case)                # the same window, restarted, not a second one
    assert (remedy.state, remedy.deadline("court-action").last_day) == (CaseState.WINDOW_OPEN, date(2023, 1, 16))
    assert "2023-01-16" in told(case)[-1]             # the candidate is told the new end


@pytest.mark.parametrize("scheduler_ran", [True, False], ids=["window-lapsed", "window-not-yet-lapsed"])
def test_p4_d7_express_rejection_after_the_court_period_expired_does_not_reopen_it(session, frozen, excluded_by_epso,
                                                                                  scheduler_ran):
    notice, out = excluded_by_epso
    case, team = _implied_rejection(session, frozen, notice, out)
    [remedy] = remedies(session, case)
    if scheduler_ran:
        frozen.set(at(2022, 11, 29, 3))
        apply(session, remedy, "lapse", team.system)
    frozen.set(at(2022, 12, 5, 9))
    apply(session, case, "decide", team.director, outcome="rejected", reason="the exclusion stands")
    messages_before = len(told(case))
    apply(session, case, "reply", team.legal, body="Your complaint is rejected.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "rejected")
    # D7: the express rejection came after the court period had expired on 28 November: no new period
    assert [r.id for r in remedies(session, case)] == [remedy.id]
    session.refresh(remedy)
    assert remedy.deadline("court-action").last_day == date(2022, 11, 28)
    assert remedy.state is (CaseState.LAPSED if scheduler_ran else CaseState.WINDOW_OPEN)
    assert len(told(case)) == messages_before         # no message offering a new period


def rejected(session, frozen, notice, out, replied_at):
    """A complaint lodged on 13 April 2022, rejected by the Director, the reply sent at ``replied_at``."""
    frozen.set(at(2022, 4, 13, 9))
    team = people.team(session, notice)
    case = analysed(session, lodge(session, out), team)
    apply(session, case, "decide", team.director, outcome="rejected", reason="the exclusion stands")
    frozen.set(replied_at)
    apply(session, case, "reply", team.legal, body="Your complaint is rejected.")
    return case, team


def test_p4_d7_express_rejection_opens_the_court_window_from_the_reply(session, frozen, excluded_by_epso):
    # the reply is notified on Wednesday 1 June 2022
    case, team = rejected(session, frozen, *excluded_by_epso, replied_at=at(2022, 6, 1, 9))
    # 1 June + 3 months = 1 September, + 10 days = Sunday 11 September -> Monday 12 September 2022
    assert date(2022, 9, 11).weekday() == 6
    [remedy] = remedies(session, case)
    assert remedy.deadline("court-action").last_day == date(2022, 9, 12)
    assert "until 2022-09-12" in told(case)[-1]
    assert case.deadline("reply").status is DeadlineStatus.MET
    # implied rejection is out of the question once the reply was sent
    frozen.set(at(2022, 9, 1, 9))
    refused(session, case, InvalidTransition, "implied_rejection", team.system)


def board_exclusion(session, frozen):
    """AD/398/22 field 1: on Tuesday 22 March 2022 (Brussels) the board finds too little experience (C5)."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    session.refresh(out)
    decision = f.last_decision(session, out)
    assert (out.status, decision.author.value, decision.published_at.date()) == (Status.EXCLUDED, "board",
                                                                                 date(2022, 3, 22))
    return notice, out, decision


def windows_for(session, decision):
    return list(session.scalars(select(Case).where(Case.type == CaseType.REMEDY, Case.decision_id == decision.id)
                                .order_by(Case.id)))


# D7: a board decision notified on Tuesday 22 March 2022 can be brought before the General Court within
# 3 months (22 June) + 10 days = Saturday 2 July, rolled forward to Monday 4 July 2022, a working day of
# the Court; 24:00 Brussels summer time = 22:00 UTC.
BOARD_WINDOW_END = date(2022, 7, 4)


def test_d7_court_window_after_board_decision_keeps_running_with_complaint(session, frozen):
    notice, out, decision = board_exclusion(session, frozen)
    assert (date(2022, 7, 2).weekday(), BOARD_WINDOW_END.weekday()) == (5, 0)
    frozen.set(at(2022, 4, 1, 9))
    with pytest.raises(WarningRequired) as warning:
        lodge(session, out)
    text = str(warning.value)
    assert warning.value.code == "p4-board-decision"
    assert "keeps running" in text and "ends on 2022-07-04" in text          # computed, not typed
    assert "inadmissible" not in text
    assert session.scalar(select(Case.id).where(Case.application_id == out.id)) is None   # nothing recorded

    case = lodge(session, out, confirmed_warnings=["p4-board-decision"])
    assert case.flags == ["board-decision"] and case.deciding_body is DecidingBody.APPOINTING_AUTHORITY
    # the court window against the board decision is opened and shown at once (P6)
    [window] = remedies(session, case)
    assert (window.state, window.decision_id) == (CaseState.WINDOW_OPEN, decision.id)
    assert (window.deadline("court-action").last_day, window.deadline("court-action").due_at) == (
        BOARD_WINDOW_END, at(2022, 7, 4, 22))
    assert "2022-07-04" in told(case)[-1] and "does not stop" in told(case)[-1]
    assert trail(session, window)[0][:3] == ("open", None, "window-open")

    # registered and answered: the Director decides; never inadmissible merely for targeting the board
    team = people.team(session, notice)
    analysed(session, case, team)
    refused(session, case, MissingData, "decide", team.director, outcome="inadmissible", ground="board-decision",
            reason="the Director cannot annul or change a decision of the selection board")
    frozen.set(at(2022, 5, 31, 9))
    apply(session, case, "decide", team.director, outcome="rejected",
          reason="no breach of the rules of the procedure; the board's value judgment is not for the Director")
    frozen.set(at(2022, 6, 1, 9))
    apply(session, case, "reply", team.legal, body="Your complaint is rejected.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "rejected")
    # the reply neither restarts nor adds a window (from 1 June it would have run to 12 September)
    assert [w.id for w in windows_for(session, decision)] == [window.id]
    session.refresh(window)
    assert window.deadline("court-action").last_day == BOARD_WINDOW_END
    assert "2022-07-04" in told(case)[-1] and "does not stop" in told(case)[-1]

    # a second complaint on the same decision finds that window open: it is shown, not opened again
    again = lodge(session, out, confirmed_warnings=["p4-board-decision"])
    assert remedies(session, again) == [] and [w.id for w in windows_for(session, decision)] == [window.id]
    assert "2022-07-04" in told(again)[-1]


def test_d7_the_board_warning_shows_the_window_from_the_boards_decision_on_a_review(session, frozen):
    notice, out, decision = board_exclusion(session, frozen)
    team = people.team(session, notice)
    frozen.set(at(2022, 3, 25, 9))
    review = file_case(session, people.candidate(session, out), CaseType.REVIEW, application=out, decision=decision,
                       details={"grounds": "my diploma was awarded in 2008"})
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, review, trigger, team.legal)
    frozen.set(at(2022, 4, 8, 9))
    apply(session, review, "decide", team.board, outcome="rejected", reason="the diploma is from 2018")
    apply(session, review, "reply", team.legal, body="Your request for review is rejected.")
    # 8 April + 3 months = 8 July, + 10 days = Monday 18 July 2022
    assert date(2022, 7, 18).weekday() == 0
    frozen.set(at(2022, 5, 2, 9))
    with pytest.raises(WarningRequired) as warning:
        lodge(session, out)
    assert "ends on 2022-07-18" in str(warning.value)
    complaint = lodge(session, out, confirmed_warnings=["p4-board-decision"])
    [window] = windows_for(session, decision)                 # the review's window, not a second one
    assert (window.parent_id, window.deadline("court-action").last_day) == (review.id, date(2022, 7, 18))
    assert "2022-07-18" in told(complaint)[-1]


def test_d7_implied_rejection_of_a_complaint_against_a_board_decision_opens_no_window_of_its_own(session, frozen):
    notice, out, decision = board_exclusion(session, frozen)
    frozen.set(at(2022, 4, 1, 9))
    case = lodge(session, out, confirmed_warnings=["p4-board-decision"])
    team = people.team(session, notice)
    # lodged Friday 1 April 2022: 4 months -> Monday 1 August 2022
    assert date(2022, 8, 1).weekday() == 0
    frozen.set(at(2022, 8, 1, 22, 0, 1))
    apply(session, case, "implied_rejection", team.system)
    assert case.state is CaseState.IMPLIED_REJECTION
    [window] = windows_for(session, decision)
    assert window.deadline("court-action").last_day == BOARD_WINDOW_END   # not 1 August + 3 months + 10 days
    assert "implied rejection" in told(case)[-1] and "it ended on 2022-07-04" in told(case)[-1]


def test_p4_d6_late_complaint_is_decided_by_the_appointing_authority_with_an_excuse(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    # the 3 months from Tuesday 22 March 2022 end at 24:00 on Wednesday 22 June (CEST) = 22:00 UTC
    frozen.set(at(2022, 6, 22, 22) + timedelta(seconds=1))
    case = lodge(session, out)
    assert (case.state, case.late, case.lateness_seconds) == (CaseState.FILED, True, 1)     # D6: not refused
    assert "late" in case.flags
    team = people.team(session, notice)
    analysed(session, case, team)                                  # the legal team needs no excuse
    refused(session, case, NotAllowed, "decide", team.legal, outcome="rejected", excuse="excusable-error",
            reason="x")
    refused(session, case, MissingData, "decide", team.director, outcome="rejected", reason="x")
    refused(session, case, MissingData, "decide", team.director, outcome="rejected", excuse="I was busy", reason="x")
    apply(session, case, "decide", team.director, outcome="rejected", excuse="excusable-error",
          reason="the account showed a wrong notification date; on the merits the exclusion stands")
    assert (case.state, case.excuse) == (CaseState.DECIDED, "excusable-error")


def test_p4_d6_late_complaint_declared_inadmissible_by_the_director_and_reopened(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 7, 4, 9))
    case = lodge(session, out)
    team = people.team(session, notice)
    assert case.late
    refused(session, case, InvalidTransition, "declare_inadmissible", team.legal, ground="late", reason="x")
    analysed(session, case, team)
    apply(session, case, "decide", team.director, outcome="inadmissible", ground="late",
          reason="lodged after 22 June 2022 with no excuse")
    frozen.set(at(2022, 7, 6, 9))
    apply(session, case, "reply", team.legal, body="Your complaint is inadmissible: lodged after 22 June 2022.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "inadmissible")
    # an express rejection: the court window runs from the reply, Wednesday 6 July 2022: 6 October + 10
    # days = Sunday 16 October -> Monday 17 October 2022
    assert date(2022, 10, 16).weekday() == 6
    [remedy] = remedies(session, case)
    assert remedy.deadline("court-action").last_day == date(2022, 10, 17)
    for step in ("acknowledge", "analyse", "withdraw"):
        refused(session, case, InvalidTransition, step, team.legal)
    refused(session, case, MissingData, "reopen", team.legal)                      # needs a recorded reason
    refused(session, case, NotAllowed, "reopen", people.candidate(session, out), reason="please")
    apply(session, case, "reopen", team.legal, reason="judgment setting aside the refusal of the late complaint")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.ANALYSIS, None, None)
    assert "reopened" in case.flags


def test_p4_replied_complaint_can_be_reopened_on_a_recorded_reason(session, frozen, excluded_by_epso):
    case, team = rejected(session, frozen, *excluded_by_epso, replied_at=at(2022, 5, 2, 9))
    apply(session, case, "reopen", team.legal, reason="General Court annulled the rejection")
    assert (case.state, case.outcome) == (CaseState.ANALYSIS, None) and "reopened" in case.flags


def test_p4_withdrawn_complaint_stops_the_reply_period(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    case = lodge(session, out)
    team = people.team(session, notice)
    me = people.candidate(session, out)
    apply(session, case, "acknowledge", team.legal)
    assert [s.trigger for s in available(session, case, me)] == ["withdraw"]
    apply(session, case, "withdraw", me, reason="I was readmitted")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.WITHDRAWN, "withdrawn", frozen.now())
    assert case.deadline("reply").status is DeadlineStatus.CANCELLED
    frozen.set(at(2022, 9, 1, 9))                     # long after the 4 months: no implied rejection
    refused(session, case, InvalidTransition, "implied_rejection", team.system)
    assert remedies(session, case) == []


def test_p4_only_the_candidate_of_the_case_and_the_legal_team_act_on_it(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    case = lodge(session, out)
    team = people.team(session, notice)
    stranger = people.actor(session, Role.CANDIDATE, candidate_id=f.register(session).id)   # another candidate
    refused(session, case, NotAllowed, "withdraw", stranger)                        # not their case
    assert available(session, case, stranger) == []
    refused(session, case, NotAllowed, "acknowledge", people.candidate(session, out))
    refused(session, case, NotAllowed, "acknowledge", team.epso)
    conflicted = people.declare_conflict(session, team.legal, out)                 # a family link
    refused(session, case, NotAllowed, "acknowledge", conflicted)
    refused(session, case, InvalidTransition, "decide", team.director, outcome="upheld", reason="x")   # too early
    assert case.state is CaseState.FILED and [row[0] for row in trail(session, case)] == ["file"]


def test_p4_d6_the_reply_period_moves_only_by_a_recorded_decision(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    team = people.team(session, notice)
    case = analysed(session, lodge(session, out), team)
    frozen.set(at(2022, 6, 1, 9))
    refused(session, case, MissingData, "decide_clock", team.legal, deadline="reply", kind="suspend",
            on="2022-06-01")                                                        # no reason, no change
    refused(session, case, WorkflowError, "decide_clock", team.legal, deadline="filing", kind="extend_to",
            on="2022-07-01", reason="the filing was made: its limit cannot move any more")
    refused(session, case, NotAllowed, "decide_clock", team.director, deadline="reply", kind="suspend",
            on="2022-06-01", reason="x")
    apply(session, case, "decide_clock", team.legal, deadline="reply", kind="suspend", on="2022-06-01",
          reason="handling suspended at the complainant's request")
    assert case.deadline("reply").last_day is None
    frozen.set(at(2022, 8, 17, 9))                    # the original day has passed, but the clock is stopped
    why = refused(session, case, InvalidTransition, "implied_rejection", team.system)
    assert "suspended" in str(why)
    apply(session, case, "decide_clock", team.legal, deadline="reply", kind="resume", on="2022-06-11",
          reason="the complainant's document arrived")
    # 1 June to 16 August is 77 days still to run (30 + 31 + 16); counted again from 11 June: 10 June
    # + 77 days = Friday 26 August 2022
    assert case.deadline("reply").last_day == date(2022, 8, 26)
    refused(session, case, InvalidTransition, "implied_rejection", team.system)
    frozen.set(at(2022, 8, 26, 22, 0, 1))
    apply(session, case, "implied_rejection", team.system)
    assert [row[0] for row in trail(session, case)][-3:] == ["decide_clock", "decide_clock", "implied_rejection"]


def test_p4_d7_a_decision_not_notified_within_4_months_is_an_implied_rejection(session, frozen, excluded_by_epso):
    """The Director decided within the 4 months but the reply was not sent: what counts is the
    notification, so silence is an implied rejection; the reply sent later restarts the court window."""
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    team = people.team(session, notice)
    case = analysed(session, lodge(session, out), team)
    frozen.set(at(2022, 8, 1, 9))
    apply(session, case, "decide", team.director, outcome="rejected", reason="the exclusion stands")
    frozen.set(at(2022, 8, 16, 22, 0, 1))
    apply(session, case, "implied_rejection", team.system)
    assert trail(session, case)[-1][:3] == ("implied_rejection", "decided", "implied-rejection")
    [remedy] = remedies(session, case)
    assert remedy.deadline("court-action").last_day == date(2022, 11, 28)
    refused(session, case, InvalidTransition, "reply", team.legal, body="Your complaint is rejected.")
    refused(session, case, NotAllowed, "decide", team.legal, outcome="rejected", reason="x")
    apply(session, case, "decide", team.director, outcome="rejected", reason="the exclusion stands")
    frozen.set(at(2022, 9, 1, 9))
    apply(session, case, "reply", team.legal, body="Your complaint is rejected.")
    # 1 September + 3 months = 1 December, + 10 days = Sunday 11 December -> Monday 12 December 2022
    assert date(2022, 12, 11).weekday() == 6
    assert [r.deadline("court-action").last_day for r in remedies(session, case)] == [date(2022, 12, 12)]


def test_p4_an_implied_rejection_can_be_withdrawn(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    case = lodge(session, out)
    frozen.set(at(2022, 8, 17, 9))
    apply(session, case, "implied_rejection", people.team(session, notice).legal)     # the legal team may too
    apply(session, case, "withdraw", people.candidate(session, out), reason="I will go to court")
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")


def test_p4_d7_an_express_rejection_after_unrecorded_silence_counts_the_window_from_the_implied_rejection(
        session, frozen, excluded_by_epso):
    # the scheduler never recorded the implied rejection of 16 August; the rejection is sent on
    # 5 December 2022, after the window that silence opened (until 28 November) had expired
    case, _ = rejected(session, frozen, *excluded_by_epso, replied_at=at(2022, 12, 5, 9))
    [remedy] = remedies(session, case)
    assert remedy.deadline("court-action").last_day == date(2022, 11, 28)      # not 5 March 2023 + 10 days
    assert case.deadline("reply").status is DeadlineStatus.EXPIRED
    assert not any("until" in m for m in told(case))                           # no new period offered


def test_p4_r1_the_director_cannot_uphold_against_a_board_decision(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")           # the board excludes (C5)
    session.refresh(out)
    case = lodge(session, out, confirmed_warnings=["p4-board-decision"])
    team = people.team(session, notice)
    analysed(session, case, team)
    refused(session, case, WorkflowError, "decide", team.director, outcome="upheld", reason="x")
    session.refresh(out)
    assert (out.status, case.state) == (Status.EXCLUDED, CaseState.REFERRED)


def test_p4_a_reopened_complaint_goes_back_to_the_director(session, frozen, excluded_by_epso):
    case, team = rejected(session, frozen, *excluded_by_epso, replied_at=at(2022, 5, 2, 9))
    apply(session, case, "reopen", team.legal, reason="the exclusion is an act adversely affecting the candidate")
    apply(session, case, "refer", team.legal)
    refused(session, case, NotAllowed, "decide", team.legal, outcome="upheld", reason="x")
    apply(session, case, "decide", team.director, outcome="upheld", reason="the declaration was in the file")
    assert case.state is CaseState.DECIDED


def test_p4_d7_a_complaint_against_a_failure_to_act_runs_from_the_date_a_decision_was_due(session, frozen,
                                                                                         excluded_by_epso):
    _notice, out = excluded_by_epso
    frozen.set(at(2022, 5, 10, 9))
    case = file_case(session, people.candidate(session, out), CaseType.COMPLAINT, application=out,
                     details={"grounds": "EPSO never decided on my request", "omission_date": "2022-04-30"})
    # 30 April + 3 months = Sunday 30 July 2022, rolled forward to Monday 1 August (D3, D5)
    assert date(2022, 7, 30).weekday() == 5
    assert (case.deadline("filing").last_day, "failure-to-act" in case.flags) == (date(2022, 8, 1), True)
    assert case.deciding_body is DecidingBody.APPOINTING_AUTHORITY


def test_p4_d6_the_four_months_cannot_be_lengthened_by_the_administration(session, frozen, excluded_by_epso):
    notice, out = excluded_by_epso
    frozen.set(at(2022, 4, 13, 9))
    case = lodge(session, out)
    team = people.team(session, notice)
    refused(session, case, WorkflowError, "decide_clock", team.legal, deadline="reply", kind="extend_by",
            period="6m", reason="workload")
    assert case.deadline("reply").last_day == date(2022, 8, 16)
