"""P3 request for review: every path of the machine, with routing (R1), time limits (D6, D9) and
reinstatement (R3)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casework.audit import AuditEvent
from casework.cases.models import Case, CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import stages
from casework.competitions.models import Status
from casework.workflows import InvalidTransition, MissingData, NotAllowed, WorkflowError, apply, available, file_case

from ..competitions import factories as f
from . import people
from .test_filing import refused, trail


def at(*args):
    return datetime(*args, tzinfo=UTC)


def remedies(session, case):
    return list(session.scalars(select(Case).where(Case.parent_id == case.id, Case.type == CaseType.REMEDY)
                                .order_by(Case.id)))


def _file(session, application, **kw):
    decision = f.last_decision(session, application)
    return file_case(session, people.candidate(session, application), CaseType.REVIEW,
                     application=application, decision=decision,
                     details={"grounds": "my diploma was awarded in 2008, not 2018"}, **kw)


def test_p3_happy_path_routes_to_the_board_acknowledges_and_reinstates(session, frozen, excluded_by_board):
    notice, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    frozen.set(decision.published_at + timedelta(days=3))
    case = _file(session, out)
    team = people.team(session, notice)
    # R1: the board took the contested decision, so the board decides; D9: 10 calendar days
    assert (case.state, case.deciding_body, case.late) == (CaseState.FILED, DecidingBody.BOARD, False)
    # published Tuesday 22 March 2022 (Brussels): 10 calendar days → Friday 1 April, a working day
    assert decision.published_at.date() == date(2022, 3, 22)
    assert (case.deadline("filing").last_day, case.deadline("filing").status) == (date(2022, 4, 1),
                                                                                  DeadlineStatus.MET)
    ack = case.deadline("acknowledgement")
    assert (ack.rule, ack.status) == ("review-ack", DeadlineStatus.OPEN)

    apply(session, case, "acknowledge", team.legal)
    assert case.deadline("acknowledgement").status is DeadlineStatus.MET
    apply(session, case, "analyse", team.legal)
    apply(session, case, "refer", team.legal)
    with pytest.raises(NotAllowed):                       # EPSO did not take the contested decision
        apply(session, case, "decide", team.epso, outcome="upheld", reason="x")
    apply(session, case, "decide", team.board, outcome="upheld", reason="the diploma date was misread")
    session.refresh(out)
    assert (out.status, out.phase, out.reinstated) == (Status.ACTIVE, "screener", True)   # R3
    assert f.last_decision(session, out).source == case.reference
    apply(session, case, "reply", team.legal, body="Your request is upheld.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "upheld")
    trail = session.query(AuditEvent).filter_by(entity="case", entity_id=case.id).order_by(AuditEvent.id).all()
    assert [(e.action, e.from_state, e.to_state) for e in trail] == [
        ("file", None, "filed"), ("acknowledge", "filed", "acknowledged"), ("analyse", "acknowledged", "analysis"),
        ("refer", "analysis", "referred"), ("decide", "referred", "decided"), ("reply", "decided", "replied")]


def test_p3_board_decides_late_review(session, frozen, excluded_by_board):
    """D6, P3 (003 4.2.2: "the body that took the contested decision will handle the request and
    decide"): a late request is registered, acknowledged, analysed and referred by the legal team, which
    may only recommend; the board decides on the lateness (T-587/16, C-70/19 P)."""
    notice, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    frozen.set(decision.published_at + timedelta(days=30))
    case = _file(session, out)
    team = people.team(session, notice)
    assert case.late and "late" in case.flags and case.lateness_seconds > 0     # D6: recorded, not refused
    apply(session, case, "acknowledge", team.legal)
    apply(session, case, "analyse", team.legal)           # no excuse asked of the legal team
    refused(session, case, InvalidTransition, "declare_inadmissible", team.legal, ground="late", reason="late")
    refused(session, case, MissingData, "refer", team.legal, recommendation="refuse", reason="x")
    apply(session, case, "refer", team.legal, recommendation="excuse-lateness",
          reason="hospitalised from the day of publication, certificate filed")
    assert case.details["analysis"] == {"recommendation": "excuse-lateness", "by": team.legal.name,
                                        "reason": "hospitalised from the day of publication, certificate filed"}
    for not_the_author in (team.legal, team.epso, team.director):               # R1: the board only
        refused(session, case, NotAllowed, "decide", not_the_author, outcome="inadmissible", ground="late",
                reason="x")
    why = refused(session, case, MissingData, "decide", team.board, outcome="upheld", reason="misread diploma")
    assert "late" in str(why)                            # on the merits only once lateness is excused
    refused(session, case, MissingData, "decide", team.board, outcome="upheld", excuse="busy", reason="x")
    apply(session, case, "decide", team.board, outcome="upheld", excuse="force-majeure",
          reason="hospitalised (excused); the diploma date was misread")
    assert (case.state, case.excuse, case.details["decision"]["outcome"]) == (CaseState.DECIDED, "force-majeure",
                                                                             "upheld")
    session.refresh(out)
    assert (out.status, out.reinstated) == (Status.ACTIVE, True)              # R3
    assert trail(session, case)[-1][::3] == ("decide", team.board.name)


def test_p3_board_declares_late_review_inadmissible_and_the_legal_team_replies(session, frozen, excluded_by_board):
    notice, out, _ = excluded_by_board
    decision = f.last_decision(session, out)
    assert decision.published_at.date() == date(2022, 3, 22)
    frozen.set(at(2022, 4, 21, 9))                       # 20 days after the 1 April limit
    case = _file(session, out)
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse"):
        apply(session, case, trigger, team.legal)
    apply(session, case, "refer", team.legal, recommendation="inadmissible", ground="late",
          reason="no reason given for filing 20 days late")
    refused(session, case, MissingData, "decide", team.board, outcome="inadmissible", reason="late")   # no ground
    refused(session, case, MissingData, "decide", team.board, outcome="inadmissible", ground="board-decision",
            reason="x")
    frozen.set(at(2022, 5, 2, 9))
    apply(session, case, "decide", team.board, outcome="inadmissible", ground="late",
          reason="filed on 21 April, after the 10 days ending on 1 April, with no excuse")
    assert case.details["decision"] == {"outcome": "inadmissible", "ground": "late", "on": "2022-05-02",
                                        "by": team.board.name}
    apply(session, case, "reply", team.legal, body="The board declared your request inadmissible: it was late.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "inadmissible")
    session.refresh(out)
    assert out.status is Status.EXCLUDED
    # an inadmissible review is no new starting point: the court window against the board decision runs
    # from its notification on Tuesday 22 March 2022: 22 June + 10 days = Saturday 2 July -> Monday 4 July
    assert (date(2022, 7, 2).weekday(), date(2022, 7, 4).weekday()) == (5, 0)
    [remedy] = remedies(session, case)
    assert remedy.deadline("court-action").last_day == date(2022, 7, 4)
    assert "until 2022-07-04" in [m.body for m in case.messages if m.kind == "notice"][-1]


def test_p3_epso_decides_the_admissibility_of_a_review_of_its_own_decision(session, frozen, excluded_by_board):
    """R1, D6 with EPSO as author: an EPSO officer (not the legal team, not the board) decides."""
    notice, _, (application, _) = excluded_by_board
    decision = stages.exclude(session, application, ground="general_eligibility", author="epso", actor="epso",
                              published_at=frozen.now(), reason="no proof of citizenship")
    frozen.set(decision.published_at + timedelta(days=20))
    case = file_case(session, people.candidate(session, application), CaseType.REVIEW, application=application,
                     decision=decision, details={"grounds": "the proof was uploaded"})
    team = people.team(session, notice)
    assert (case.deciding_body, case.late) == (DecidingBody.EPSO, True)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    for other in (team.legal, team.head, team.board, team.director):
        refused(session, case, NotAllowed, "decide", other, outcome="inadmissible", ground="late", reason="x")
    apply(session, case, "decide", team.epso, outcome="inadmissible", ground="late", reason="no excuse given")
    apply(session, case, "reply", team.legal, body="Your request is inadmissible: it was late.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "inadmissible")
    assert remedies(session, case) == []                 # EPSO's decisions need a complaint first (D7)


def test_d7_court_window_runs_from_the_boards_decision_on_the_review(session, frozen, excluded_by_board):
    """D7: a board decision goes to court within 3 months + 10 days from the board's decision on a
    request for review — not from the later day the legal team sends the reply."""
    notice, out, _ = excluded_by_board
    frozen.set(at(2022, 3, 25, 9))
    case = _file(session, out)
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse", "refer"):
        apply(session, case, trigger, team.legal)
    frozen.set(at(2022, 4, 8, 9))                        # the board decides on Friday 8 April 2022
    apply(session, case, "decide", team.board, outcome="rejected", reason="the experience is too short")
    frozen.set(at(2022, 4, 20, 9))                       # the reply goes out on Wednesday 20 April
    apply(session, case, "reply", team.legal, body="Your request for review is rejected.")
    # 8 April + 3 months = 8 July, + 10 days = Monday 18 July 2022, a working day of the Court
    # (from the reply it would have been 20 July + 10 days = Saturday 30 July -> Monday 1 August)
    assert date(2022, 7, 18).weekday() == 0
    [remedy] = remedies(session, case)
    assert remedy.deadline("court-action").last_day == date(2022, 7, 18)
    assert "until 2022-07-18" in [m.body for m in case.messages if m.kind == "notice"][-1]


def test_p3_candidate_sees_no_office_buttons(session, frozen, excluded_by_board):
    notice, out, _ = excluded_by_board
    case = _file(session, out)
    me = people.candidate(session, out)
    assert [s.trigger for s in available(session, case, me)] == ["withdraw"]
    with pytest.raises(InvalidTransition):
        apply(session, case, "reply", people.team(session, notice).legal, body="too early")


def test_every_step_sends_case_changed_for_notifications(session, frozen, excluded_by_board):
    from casework.workflows.signals import case_changed
    notice, out, _ = excluded_by_board
    case = _file(session, out)
    seen = []

    def listener(sender, **kw):
        seen.append((sender.reference, kw["trigger"], kw["from_state"], kw["to_state"], kw["session"] is session))

    with case_changed.connected_to(listener):
        apply(session, case, "acknowledge", people.team(session, notice).legal)
        with pytest.raises(NotAllowed):
            apply(session, case, "analyse", people.candidate(session, out))
    assert seen == [(case.reference, "acknowledge", "filed", "acknowledged", True)]   # refused: no signal


def test_p3_r1_rerouted_to_the_board_with_a_reason(session, frozen, excluded_by_board):
    notice, _, (application, _) = excluded_by_board
    decision = stages.exclude(session, application, ground="general_eligibility", author="epso", actor="epso",
                              published_at=frozen.now(), reason="no proof of citizenship")
    case = file_case(session, people.candidate(session, application), CaseType.REVIEW, application=application,
                     decision=decision, details={"grounds": "the proof was uploaded"})
    team = people.team(session, notice)
    assert case.deciding_body is DecidingBody.EPSO            # R1: from the recorded author (R2)
    for trigger in ("acknowledge", "analyse"):
        apply(session, case, trigger, team.legal)
    with pytest.raises(MissingData, match="reason"):
        apply(session, case, "reroute", team.legal, body="board")
    with pytest.raises(MissingData, match="board or EPSO"):          # the Director never decides a review
        apply(session, case, "reroute", team.legal, body="appointing-authority", reason="x")
    apply(session, case, "reroute", team.legal, body="board",
          reason="the documents were assessed by the board under its delegation")
    assert (case.state, case.deciding_body) == (CaseState.ANALYSIS, DecidingBody.BOARD)
    event = session.query(AuditEvent).filter_by(entity="case", entity_id=case.id, action="reroute").one()
    assert event.changes["deciding_body"] == {"from": "epso", "to": "board"}
    apply(session, case, "refer", team.legal)
    with pytest.raises(NotAllowed):
        apply(session, case, "decide", team.epso, outcome="rejected", reason="x")
    apply(session, case, "decide", team.board, outcome="rejected", reason="no proof was uploaded in time")
    assert case.state is CaseState.DECIDED


def test_p3_inadmissible_by_the_board_then_reopened_and_withdrawn(session, frozen, excluded_by_board):
    notice, out, _ = excluded_by_board
    case = _file(session, out)
    team = people.team(session, notice)
    for trigger in ("acknowledge", "analyse"):
        apply(session, case, trigger, team.legal)
    apply(session, case, "refer", team.legal, recommendation="inadmissible", ground="value-judgment",
          reason="the request contests the board's assessment of experience")
    apply(session, case, "decide", team.board, outcome="inadmissible", ground="value-judgment",
          reason="the request contests the board's assessment of experience")
    apply(session, case, "reply", team.legal, body="Your request contests a value judgment of the board.")
    assert (case.state, case.outcome, case.deadline("acknowledgement").status) == (
        CaseState.REPLIED, "inadmissible", DeadlineStatus.MET)
    apply(session, case, "reopen", team.head, reason="the request also alleges a misread diploma date")
    assert (case.state, case.outcome, "reopened" in case.flags) == (CaseState.ANALYSIS, None, True)
    me = people.candidate(session, out)
    apply(session, case, "withdraw", me, reason="I will apply again next year")
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")
    assert available(session, case, team.legal) == []


def test_a_failing_subscriber_fails_the_step_and_leaves_nothing(session, frozen, excluded_by_board):
    from casework.workflows.signals import case_changed
    notice, out, _ = excluded_by_board
    case = _file(session, out)

    def broken(sender, **kw):
        raise RuntimeError("outbox unavailable")

    with case_changed.connected_to(broken), pytest.raises(RuntimeError):
        apply(session, case, "acknowledge", people.team(session, notice).legal)
    assert (case.state, case.deadline("acknowledgement").status) == (CaseState.FILED, DeadlineStatus.OPEN)
    assert [e.action for e in session.query(AuditEvent).filter_by(entity="case", entity_id=case.id)] == ["file"]


def test_a_stranger_learns_nothing_about_someone_elses_case(session, frozen, excluded_by_board):
    _notice, out, (other, _) = excluded_by_board
    case = _file(session, out)
    apply(session, case, "withdraw", people.candidate(session, out))
    with pytest.raises(NotAllowed) as refused:
        apply(session, case, "withdraw", people.candidate(session, other), expected_version=1)
    assert "withdrawn" not in str(refused.value) and "version" not in str(refused.value)


def test_a_case_is_assigned_to_a_legal_officer_never_one_in_conflict(session, frozen, excluded_by_board):
    notice, out, _ = excluded_by_board
    case = _file(session, out)
    team = people.team(session, notice)
    officer = people.user(session, people.Role.LEGAL_OFFICER)
    apply(session, case, "assign", team.head, officer=officer.email)
    assert case.assigned_officer_id == officer.id
    event = session.query(AuditEvent).filter_by(entity="case", entity_id=case.id, action="assign").one()
    assert event.changes["assigned_officer_id"] == {"from": None, "to": officer.id}
    with pytest.raises(MissingData, match="not an active member of the legal team"):
        apply(session, case, "assign", team.head, officer=people.user(session, people.Role.BOARD_MEMBER).email)
    conflicted = people.declare_conflict(session, people.actor_for(session, officer), out)
    with pytest.raises(WorkflowError, match="conflict of interest"):
        apply(session, case, "assign", team.head, officer=str(conflicted.user_id))
    assert case.assigned_officer_id == officer.id
