"""P2 technical or organisational issue: every path of the machine. EPSO decides (R1), a new test
slot being the remedy; the report is due within 3 calendar days after the test (D1, D5, D9), a late
one is recorded and goes on only with an excuse (D6); no evidence and skipped preparatory steps are
flagged for the legal team, which may declare the report inadmissible on those grounds.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.auth.models import Role
from casework.cases.models import CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import results
from casework.workflows import InvalidTransition, MissingData, NotAllowed, Upload, apply, available, file_case

from ..competitions import factories as f
from . import people
from .test_filing import refused, trail

TICKET = Upload("ticket-4711.pdf", b"%PDF-1.4\nhelpdesk ticket 4711: proctoring software crashed\n%%EOF\n")
# Thursday 2 June 2022 + 3 calendar days (D1: the test day not counted) = Sunday 5 June; Monday 6 June
# is Whit Monday, a Commission holiday, so the report is due by the end of Tuesday 7 June (D5):
# 24:00 Brussels summer time = 22:00 UTC (D4).
SAT_ON = date(2022, 6, 2)
DUE = datetime(2022, 6, 7, 22, tzinfo=UTC)


@pytest.fixture
def sat(session, frozen):
    """An AD/398/22 candidate at the assessment centre who sat the verbal reasoning test on Thursday
    2 June 2022 (the provider's record)."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    application = f.apply(session, notice)
    f.after_deadline(frozen, notice)
    results.record_sitting(session, application, "verbal", SAT_ON)
    return notice, application


def report(session, application, documents=(TICKET,), **details):
    return file_case(session, people.candidate(session, application), CaseType.TECHNICAL_ISSUE,
                     application=application, test="verbal", documents=documents,
                     details={"description": "the proctoring software crashed after 12 minutes",
                              "preparatory_steps_done": True, **details})


def test_p2_r1_new_slot_decided_by_an_epso_officer_not_by_the_board(session, frozen, sat):
    notice, application = sat
    assert date(2022, 6, 5).weekday() == 6 and date(2022, 6, 6).weekday() == 0
    frozen.set(DUE - timedelta(hours=1))              # Tuesday 7 June, 23:00 in Brussels: still in time
    case = report(session, application)
    team = people.team(session, notice)
    assert (case.state, case.deciding_body, case.late, case.flags) == (CaseState.FILED, DecidingBody.EPSO, False, [])
    assert (case.sitting.sat_on, case.deadline("filing").last_day) == (SAT_ON, date(2022, 6, 7))
    assert [(d.kind, d.filename) for d in case.documents] == [("evidence", "ticket-4711.pdf")]

    refused(session, case, NotAllowed, "admit", team.epso)          # the legal team examines it
    apply(session, case, "admit", team.legal)
    refused(session, case, NotAllowed, "decide", team.board, outcome="new-slot", reason="x")   # not the board's
    refused(session, case, NotAllowed, "decide", team.legal, outcome="new-slot", reason="x")
    refused(session, case, MissingData, "decide", team.epso, outcome="upheld", reason="x")     # not a P2 outcome
    assert [s.trigger for s in available(session, case, team.epso)] == ["decide"]
    apply(session, case, "decide", team.epso, outcome="new-slot", reason="crash confirmed by the provider's log")
    assert (case.state, case.outcome) == (CaseState.DECIDED, "new-slot")
    apply(session, case, "reply", team.legal, body="You will be offered a new test slot.")
    assert (case.state, case.closed_at) == (CaseState.REPLIED, frozen.now())
    assert [m.body for m in case.messages if m.kind == "reply"] == ["You will be offered a new test slot."]
    assert [(row[0], row[3]) for row in trail(session, case)] == [
        ("file", people.candidate(session, application).name), ("admit", team.legal.name),
        ("decide", team.epso.name), ("reply", team.legal.name)]


def test_p2_an_epso_officer_with_a_declared_conflict_may_not_decide(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application)
    team = people.team(session, notice)
    apply(session, case, "admit", team.legal)
    conflicted = people.declare_conflict(session, team.epso, application)
    assert available(session, case, conflicted) == []
    refused(session, case, NotAllowed, "decide", conflicted, outcome="new-slot", reason="x")
    colleague = people.actor(session, Role.EPSO_OFFICER)
    apply(session, case, "decide", colleague, outcome="rejected", reason="no trace of a crash in the log")
    apply(session, case, "reply", team.legal, body="Your report is rejected.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "rejected")


def test_p2_d6_late_report_is_recorded_and_examined_only_with_an_excuse(session, frozen, sat):
    notice, application = sat
    frozen.set(DUE + timedelta(minutes=5))            # 00:05 on Wednesday 8 June in Brussels
    case = report(session, application)
    assert (case.state, case.late, case.lateness_seconds, case.flags) == (CaseState.FILED, True, 300, ["late"])
    team = people.team(session, notice)
    refused(session, case, MissingData, "admit", team.legal)
    refused(session, case, MissingData, "admit", team.legal, excuse="force-majeure")       # no reason
    apply(session, case, "admit", team.legal, excuse="force-majeure", reason="power cut in the whole district")
    assert (case.state, case.excuse) == (CaseState.ANALYSIS, "force-majeure")


def test_p2_d6_late_report_without_excuse_is_declared_inadmissible(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 20, 9, tzinfo=UTC))
    case = report(session, application)
    team = people.team(session, notice)
    apply(session, case, "declare_inadmissible", team.legal, ground="late",
          reason="reported 13 days after the end of the time limit, with no excuse")
    assert (case.state, case.outcome) == (CaseState.INADMISSIBLE, "inadmissible")
    assert "13 days after" in [m.body for m in case.messages if m.kind == "reply"][-1]
    # the P2 machine has no reopening: the decision stands in this workflow
    refused(session, case, InvalidTransition, "reopen", team.legal, reason="x")
    refused(session, case, InvalidTransition, "admit", team.legal, excuse="force-majeure", reason="x")


def test_p2_no_evidence_is_flagged_and_the_report_still_examined(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application, documents=())
    assert case.flags == ["no-evidence"] and case.documents == []
    team = people.team(session, notice)
    apply(session, case, "admit", team.legal)
    apply(session, case, "decide", team.epso, outcome="rejected",
          reason="no helpdesk ticket or transcript shows an attempt to fix the problem (004 7.1)")
    assert case.outcome == "rejected"


def test_p2_skipped_preparatory_steps_are_flagged_and_declared_inadmissible(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application, preparatory_steps_done=False)
    assert case.flags == ["preparatory-steps-skipped"]
    team = people.team(session, notice)
    apply(session, case, "admit", team.legal)
    refused(session, case, MissingData, "declare_inadmissible", team.legal, ground="no-system-check", reason="x")
    apply(session, case, "declare_inadmissible", team.legal, ground="preparatory-steps-skipped",
          reason="the system check was not run and no force majeure is shown")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.INADMISSIBLE, "inadmissible", frozen.now())
    assert trail(session, case)[-1][:3] == ("declare_inadmissible", "analysis", "inadmissible")


def test_p2_withdrawn_by_the_candidate_only_on_their_own_case(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application)
    other = people.actor(session, Role.CANDIDATE, candidate_id=f.register(session).id)
    refused(session, case, NotAllowed, "withdraw", other)
    refused(session, case, NotAllowed, "admit", people.candidate(session, application))
    apply(session, case, "withdraw", people.candidate(session, application), reason="the new slot came anyway")
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")
    assert case.deadline("filing").status is DeadlineStatus.MET     # the filing deadline was met, not cancelled
    refused(session, case, InvalidTransition, "admit", people.team(session, notice).legal)


def test_p2_d9_ad402_counts_three_days_from_the_day_after_the_test(session, frozen):
    """004 7.1: "within 3 calendar days counted from, and including, the day after the test" (D1:
    test on Monday 2 October 2023 -> last day Thursday 5 October)."""
    notice = f.publish(session, f.AD402, only_fields=("1",))
    application = f.apply(session, notice, levels=f.levels(DE="C2", EN="C1"))
    f.after_deadline(frozen, notice)
    results.record_sitting(session, application, "field-mcq", date(2023, 10, 2))
    frozen.set(datetime(2023, 10, 5, 21, 59, 59, tzinfo=UTC))       # 23:59:59 in Brussels (CEST)
    case = file_case(session, people.candidate(session, application), CaseType.TECHNICAL_ISSUE,
                     application=application, test="field-mcq", documents=[TICKET],
                     details={"description": "the webcam was not recognised"})
    assert (case.deadline("filing").last_day, case.late) == (date(2023, 10, 5), False)
    assert case.deadline("filing").spec["rule_set"] == "EPSO/AD/402/23"
