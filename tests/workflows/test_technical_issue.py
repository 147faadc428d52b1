"""P2 technical or organisational issue: every path of the machine. EPSO decides (R1), a new test
slot being the remedy; the report is due within 3 calendar days after the test (D1, D5, D9), or before
the application deadline for the application form; a late one is recorded and EPSO decides on its
lateness (D6); no evidence and skipped preparatory steps are flagged, and EPSO decides on the
candidate's claim of circumstances beyond their control (004 7.1(5)).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.auth.models import Role
from casework.cases.models import CaseState, CaseType, DeadlineStatus, DecidingBody
from casework.competitions import results
from casework.workflows import (
    InvalidTransition,
    MissingData,
    NotAllowed,
    Upload,
    WorkflowError,
    apply,
    available,
    file_case,
)

from ..competitions import factories as f
from . import people
from .test_filing import refused, trail

TICKET = Upload("ticket-4711.pdf", b"%PDF-1.4\nhelpdesk ticket 4711: proctoring software crashed\n%%EOF\n")
# Thursday 2 June 2022 + 3 calendar days (D1: the test day not counted) = Sunday 5 June: the report is
# due by the end of that Sunday (D5: a notice's limit does not roll forward), 24:00 Brussels summer
# time = 22:00 UTC (D4). Past Whit Monday 6 June, Tuesday 7 June is the outer limit (D6).
SAT_ON = date(2022, 6, 2)
DUE = datetime(2022, 6, 5, 22, tzinfo=UTC)


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
    frozen.set(DUE - timedelta(hours=1))              # Sunday 5 June, 23:00 in Brussels: still in time
    case = report(session, application)
    team = people.team(session, notice)
    assert (case.state, case.deciding_body, case.late, case.flags) == (CaseState.FILED, DecidingBody.EPSO, False, [])
    assert (case.sitting.sat_on, case.deadline("filing").last_day) == (SAT_ON, date(2022, 6, 5))
    assert [(d.kind, d.filename) for d in case.documents] == [("evidence", "ticket-4711.pdf")]

    refused(session, case, NotAllowed, "analyse", team.epso)        # the legal team examines it
    apply(session, case, "analyse", team.legal)
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
        ("file", people.candidate(session, application).name), ("analyse", team.legal.name),
        ("decide", team.epso.name), ("reply", team.legal.name)]


def test_p2_an_epso_officer_with_a_declared_conflict_may_not_decide(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application)
    team = people.team(session, notice)
    apply(session, case, "analyse", team.legal)
    conflicted = people.declare_conflict(session, team.epso, application)
    assert available(session, case, conflicted) == []
    refused(session, case, NotAllowed, "decide", conflicted, outcome="new-slot", reason="x")
    colleague = people.actor(session, Role.EPSO_OFFICER)
    apply(session, case, "decide", colleague, outcome="rejected", reason="no trace of a crash in the log")
    apply(session, case, "reply", team.legal, body="Your report is rejected.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "rejected")


def test_p2_d6_late_report_is_examined_and_epso_decides_on_its_lateness(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 10, 9, tzinfo=UTC))   # Friday 10 June, after the limit however counted
    case = report(session, application)
    assert (case.state, case.late) == (CaseState.FILED, True)
    assert "late" in case.flags
    team = people.team(session, notice)
    apply(session, case, "analyse", team.legal, recommendation="excuse-lateness",
          reason="power cut in the whole district, confirmed by the grid operator")
    refused(session, case, NotAllowed, "decide", team.legal, outcome="new-slot", excuse="force-majeure", reason="x")
    refused(session, case, MissingData, "decide", team.epso, outcome="new-slot", reason="x")           # no excuse
    apply(session, case, "decide", team.epso, outcome="new-slot", excuse="force-majeure",
          reason="power cut in the whole district")
    assert (case.state, case.excuse, case.outcome) == (CaseState.DECIDED, "force-majeure", "new-slot")


def test_p2_d6_late_report_without_excuse_is_declared_inadmissible_by_epso(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 20, 9, tzinfo=UTC))
    case = report(session, application)
    team = people.team(session, notice)
    refused(session, case, InvalidTransition, "declare_inadmissible", team.legal, ground="late", reason="x")
    apply(session, case, "analyse", team.legal)
    apply(session, case, "decide", team.epso, outcome="inadmissible", ground="late",
          reason="reported 13 days after the end of the time limit, with no excuse")
    apply(session, case, "reply", team.legal, body="Your report came 13 days after the time limit.")
    assert (case.state, case.outcome) == (CaseState.REPLIED, "inadmissible")
    assert "13 days after" in [m.body for m in case.messages if m.kind == "reply"][-1]
    # the P2 machine has no reopening: the decision stands in this workflow
    refused(session, case, InvalidTransition, "reopen", team.legal, reason="x")


def test_p2_no_evidence_is_flagged_and_the_report_still_examined(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application, documents=())
    assert case.flags == ["no-evidence"] and case.documents == []
    team = people.team(session, notice)
    apply(session, case, "analyse", team.legal)
    apply(session, case, "decide", team.epso, outcome="rejected",
          reason="no helpdesk ticket or transcript shows an attempt to fix the problem (004 7.1)")
    assert case.outcome == "rejected"


def test_p2_skipped_preparatory_steps_claim_recorded_and_decided_by_epso(session, frozen, sat):
    """004 7.1(5): a candidate who skipped the mandatory preparatory steps is rejected unless they prove
    circumstances beyond their control or force majeure: the claim is part of the report, EPSO decides."""
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    claim = "the system check could not run: my building had no electricity on 1 and 2 June (letter attached)"
    case = report(session, application, preparatory_steps_done=False, preparatory_steps_claim=claim)
    assert (case.flags, case.details["preparatory_steps_claim"]) == (["preparatory-steps-skipped"], claim)
    team = people.team(session, notice)
    apply(session, case, "analyse", team.legal)
    why = refused(session, case, MissingData, "decide", team.epso, outcome="new-slot", reason="x")
    assert "force majeure" in str(why)
    refused(session, case, WorkflowError, "decide", team.epso, outcome="new-slot", preparatory_steps="not-proven",
            reason="x")                                   # not proven: only a rejection
    refused(session, case, MissingData, "decide", team.epso, outcome="inadmissible",
            ground="preparatory-steps-skipped", reason="x")   # no longer a fixed inadmissibility ground
    apply(session, case, "decide", team.epso, outcome="new-slot", preparatory_steps="proven",
          reason="the power cut is documented by the grid operator; the crash is in the provider's log")
    assert (case.outcome, case.details["decision"]["preparatory_steps"]) == ("new-slot", "proven")


def test_p2_skipped_preparatory_steps_without_proof_are_rejected_by_epso(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application, preparatory_steps_done=False)
    assert case.flags == ["preparatory-steps-skipped", "no-force-majeure-claim"]     # recorded, never refused
    team = people.team(session, notice)
    apply(session, case, "analyse", team.legal)
    apply(session, case, "decide", team.epso, outcome="rejected", preparatory_steps="not-proven",
          reason="the system check was not run and no circumstance beyond the candidate's control is shown")
    apply(session, case, "reply", team.legal, body="Your report is rejected (004 7.1(5)).")
    assert (case.state, case.outcome, case.closed_at) == (CaseState.REPLIED, "rejected", frozen.now())
    assert trail(session, case)[-2][:3] == ("decide", "analysis", "decided")


def test_p2_application_form_problem_is_due_by_the_application_deadline(session, frozen):
    """003 Annex II 4.1, 004 7.1(2): problems with the application form are reported before the
    application deadline — AD/398/22: Tuesday 22 March 2022, 12:00 noon Brussels time (CET, UTC+1)
    = 11:00 UTC — not within 3 days of a test; no sitting is needed."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    application = f.apply(session, notice)
    assert date(2022, 3, 22).weekday() == 1

    def form_report():
        return file_case(session, people.candidate(session, application), CaseType.TECHNICAL_ISSUE,
                         application=application,
                         details={"description": "the form rejects my diploma date", "about": "application-form"})

    frozen.set(datetime(2022, 3, 22, 10, 59, 59, tzinfo=UTC))
    in_time = form_report()
    limit = in_time.deadline("filing")
    assert (limit.rule, limit.last_day, limit.due_at) == ("application-form", date(2022, 3, 22),
                                                          datetime(2022, 3, 22, 11, tzinfo=UTC))
    assert (in_time.late, in_time.flags, in_time.sitting) == (False, ["application-form"], None)
    assert [d.name for d in in_time.deadlines] == ["filing"]        # one filing limit, the application deadline
    frozen.set(datetime(2022, 3, 22, 11, 0, 30, tzinfo=UTC))
    late = form_report()                                            # recorded, never refused (D6)
    assert (late.state, late.late, late.lateness_seconds) == (CaseState.FILED, True, 30)
    assert late.flags[:2] == ["application-form", "late"]
    assert late.deciding_body is DecidingBody.EPSO                  # EPSO decides on it (R1, D6)


def test_p2_withdrawn_by_the_candidate_only_on_their_own_case(session, frozen, sat):
    notice, application = sat
    frozen.set(datetime(2022, 6, 3, 9, tzinfo=UTC))
    case = report(session, application)
    other = people.actor(session, Role.CANDIDATE, candidate_id=f.register(session).id)
    refused(session, case, NotAllowed, "withdraw", other)
    refused(session, case, NotAllowed, "analyse", people.candidate(session, application))
    apply(session, case, "withdraw", people.candidate(session, application), reason="the new slot came anyway")
    assert (case.state, case.outcome) == (CaseState.WITHDRAWN, "withdrawn")
    assert case.deadline("filing").status is DeadlineStatus.MET     # the filing deadline was met, not cancelled
    refused(session, case, InvalidTransition, "analyse", people.team(session, notice).legal)


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
