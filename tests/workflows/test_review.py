"""P3 request for review: every path of the machine, with routing (R1), time limits (D6, D9) and
reinstatement (R3)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.audit import AuditEvent
from casework.cases.models import CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import stages
from casework.competitions.models import Status
from casework.workflows import InvalidTransition, MissingData, NotAllowed, WorkflowError, apply, available, file_case

from ..competitions import factories as f
from . import people


@pytest.fixture
def excluded(session, frozen):
    """AD/398/22 field 1: one candidate excluded at eligibility by the board (C5), two others
    through to the screener."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    others = [f.apply(session, notice) for _ in range(2)]
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    session.refresh(out)
    return notice, out, others


def _file(session, application, **kw):
    decision = f.last_decision(session, application)
    return file_case(session, people.candidate(session, application), CaseType.REVIEW,
                     application=application, decision=decision,
                     details={"grounds": "my diploma was awarded in 2008, not 2018"}, **kw)


def test_p3_happy_path_routes_to_the_board_acknowledges_and_reinstates(session, frozen, excluded):
    notice, out, _ = excluded
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
    apply(session, case, "admit", team.legal)
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
        ("file", None, "filed"), ("acknowledge", "filed", "acknowledged"), ("admit", "acknowledged", "analysis"),
        ("refer", "analysis", "referred"), ("decide", "referred", "decided"), ("reply", "decided", "replied")]


def test_p3_late_filing_is_recorded_and_admitted_only_with_an_excuse(session, frozen, excluded):
    notice, out, _ = excluded
    decision = f.last_decision(session, out)
    frozen.set(decision.published_at + timedelta(days=30))
    case = _file(session, out)
    team = people.team(session, notice)
    assert case.late and "late" in case.flags and case.lateness_seconds > 0     # D6: recorded, not refused
    apply(session, case, "acknowledge", team.legal)
    with pytest.raises(MissingData):
        apply(session, case, "admit", team.legal)
    assert case.state is CaseState.ACKNOWLEDGED
    apply(session, case, "admit", team.legal, excuse="force-majeure", reason="hospitalised, certificate filed")
    assert (case.state, case.excuse) == (CaseState.ANALYSIS, "force-majeure")


def test_p3_candidate_sees_no_office_buttons(session, frozen, excluded):
    notice, out, _ = excluded
    case = _file(session, out)
    me = people.candidate(session, out)
    assert [s.trigger for s in available(session, case, me)] == ["withdraw"]
    with pytest.raises(InvalidTransition):
        apply(session, case, "reply", people.team(session, notice).legal, body="too early")


def test_every_step_sends_case_changed_for_notifications(session, frozen, excluded):
    from casework.workflows.signals import case_changed
    notice, out, _ = excluded
    case = _file(session, out)
    seen = []

    def listener(sender, **kw):
        seen.append((sender.reference, kw["trigger"], kw["from_state"], kw["to_state"], kw["session"] is session))

    with case_changed.connected_to(listener):
        apply(session, case, "acknowledge", people.team(session, notice).legal)
        with pytest.raises(NotAllowed):
            apply(session, case, "admit", people.candidate(session, out))
    assert seen == [(case.reference, "acknowledge", "filed", "acknowledged", True)]   # refused: no signal


def test_p3_r1_rerouted_to_the_board_with_a_reason(session, frozen, excluded):
    notice, _, (application, _) = excluded
    decision = stages.exclude(session, application, ground="general_eligibility", author="epso", actor="epso",
                              published_at=frozen.now(), reason="no proof of citizenship")
    case = file_case(session, people.candidate(session, application), CaseType.REVIEW, application=application,
                     decision=decision, details={"grounds": "the proof was uploaded"})
    team = people.team(session, notice)
    assert case.deciding_body is DecidingBody.EPSO            # R1: from the recorded author (R2)
    for trigger in ("acknowledge", "admit"):
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


def test_p3_inadmissible_then_reopened_and_withdrawn(session, frozen, excluded):
    notice, out, _ = excluded
    case = _file(session, out)
    team = people.team(session, notice)
    apply(session, case, "declare_inadmissible", team.legal, ground="value-judgment",
          reason="the request contests the board's assessment of experience")
    assert (case.state, case.deadline("acknowledgement").status) == (CaseState.INADMISSIBLE, DeadlineStatus.CANCELLED)
    apply(session, case, "reopen", team.head, reason="the request also alleges a misread diploma date")
    assert (case.state, case.outcome, "reopened" in case.flags) == (CaseState.ANALYSIS, None, True)
    me = people.candidate(session, out)
    apply(session, case, "withdraw", me, reason="I will apply again next year")
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")
    assert available(session, case, team.legal) == []


def test_a_failing_subscriber_fails_the_step_and_leaves_nothing(session, frozen, excluded):
    from casework.workflows.signals import case_changed
    notice, out, _ = excluded
    case = _file(session, out)

    def broken(sender, **kw):
        raise RuntimeError("outbox unavailable")

    with case_changed.connected_to(broken), pytest.raises(RuntimeError):
        apply(session, case, "acknowledge", people.team(session, notice).legal)
    assert (case.state, case.deadline("acknowledgement").status) == (CaseState.FILED, DeadlineStatus.OPEN)
    assert [e.action for e in session.query(AuditEvent).filter_by(entity="case", entity_id=case.id)] == ["file"]


def test_a_stranger_learns_nothing_about_someone_elses_case(session, frozen, excluded):
    _notice, out, (other, _) = excluded
    case = _file(session, out)
    apply(session, case, "withdraw", people.candidate(session, out))
    with pytest.raises(NotAllowed) as refused:
        apply(session, case, "withdraw", people.candidate(session, other), expected_version=1)
    assert "withdrawn" not in str(refused.value) and "version" not in str(refused.value)


def test_a_case_is_assigned_to_a_legal_officer_never_one_in_conflict(session, frozen, excluded):
    notice, out, _ = excluded
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
