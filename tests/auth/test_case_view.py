"""What each audience sees OF a case (casework.auth.permissions.case_view_for; docs/permissions.md,
"What each audience sees of a case").

A request for review of a board exclusion is walked through the legal team's analysis (an internal
recommendation with its reason), the referral, the decision of a named board member and the
reasoned reply. The candidate sees the state, the board as the body that decided, the outcome and
the reply — never the analysis, the board's internal statement, or which member acted (People and
bodies: board deliberations are confidential; candidates reach members only via EPSO). The legal
team sees the file as kept; a board member in conflict with the candidate sees no case.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.auth import permissions
from casework.auth.models import Role
from casework.auth.permissions import Audience, case_view_for, redact
from casework.cases import queries
from casework.cases.models import CaseDeadline, CaseMessage, CaseType, DeadlineStatus
from casework.workflows import Upload, apply, file_case
from casework.workflows.machines import MAILED, STEPS

from ..competitions import factories as f
from ..workflows import people

INTERNAL = "internal note: the grounds look like a value judgment, recommend inadmissible"
BOARD_REASON = "the board finds the diploma was correctly dated 2018"
REPLY = "Your request for review is rejected: the diploma awarded in 2018 is after the experience counted."
GROUNDS = "my diploma was awarded in 2008, not 2018"
WORKFLOWS = Path(permissions.__file__).resolve().parents[1] / "workflows"


def dumped(view) -> str:
    return json.dumps(view, ensure_ascii=False)


def excluded(session, frozen, others: int = 0):
    """The notice, the application the board excluded at eligibility (on Wednesday 23 March 2022) and
    its candidate as an actor, two days later; ``others``: other applications to the notice."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    [f.apply(session, notice) for _ in range(others)]
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    frozen.advance(days=1)
    f.close(session, notice, "application", "eligibility")
    session.refresh(out)
    frozen.advance(days=2)
    return notice, out, people.candidate(session, out)


@pytest.fixture
def walked(session, frozen):
    """AD/398/22 field 1: a candidate excluded by the board at eligibility on Wednesday 23 March
    2022, so that the 10 calendar days of P3 end on Saturday 2 April (act by 2 April; Reg 1182/71
    Art 3(4) would take it to Monday 4 April, the outer limit, D5). The review is filed on 25
    March with one piece of evidence, and walked to the reply."""
    notice, out, candidate = excluded(session, frozen, others=2)
    case = file_case(session, candidate, CaseType.REVIEW, application=out, decision=f.last_decision(session, out),
                     details={"grounds": GROUNDS}, documents=[Upload("diploma.txt", b"awarded 2008", "text/plain")])
    team = people.team(session, notice)
    apply(session, case, "acknowledge", team.legal)
    apply(session, case, "analyse", team.legal, recommendation="inadmissible", ground="value-judgment",
          reason=INTERNAL)
    apply(session, case, "refer", team.legal)
    apply(session, case, "decide", team.board, outcome="rejected", reason=BOARD_REASON)
    apply(session, case, "reply", team.legal, body=REPLY)
    return case, candidate, team, notice, out


def test_the_candidate_sees_the_outcome_and_the_reply_not_the_analysis_nor_the_member(session, walked):
    case, candidate, team, _, _ = walked
    view = case_view_for(session, candidate, case)
    text = dumped(view)
    for secret in (INTERNAL, BOARD_REASON, team.board.name, team.board.name.partition(":")[2], team.legal.name,
                   team.legal.name.partition(":")[2], "board-member", "value-judgment", "analysis"):
        assert secret not in text, secret
    assert (view["state"], view["outcome"], view["deciding_body"]) == ("replied", "rejected", "board")
    assert view["decision"] == {"outcome": "rejected", "on": case.details["decision"]["on"], "by": "board"}
    assert "analysis" not in view and "reasons" not in view and "flags" not in view
    assert view["details"] == {"grounds": GROUNDS}
    assert any(m["kind"] == "reply" and m["body"] == REPLY and m["author"] == "legal-team" for m in view["messages"])
    assert (view["messages"][0]["kind"], view["messages"][0]["direction"]) == ("filing", "in")
    assert [(e["action"], e["actor"]) for e in view["trail"]] == [
        ("file", "candidate"), ("acknowledge", "legal-team"), ("decide", "board"), ("reply", "legal-team")]
    assert all(set(e) == {"at", "actor", "action", "from", "to"} for e in view["trail"])    # no reasons, no changes
    assert [(d["kind"], d["name"], d["added_by"]) for d in view["documents"]] == [("evidence", "diploma.txt",
                                                                                    "candidate")]
    assert view["filed_by"] == "candidate"


def test_the_legal_team_sees_the_file_as_kept(session, walked):
    case, _, team, _, _ = walked
    full = queries.case_view(session, case)
    for member in (team.legal, team.head):
        assert case_view_for(session, member, case) == full
    text = dumped(full)
    assert INTERNAL in text and BOARD_REASON in text and team.board.name in text and REPLY in text
    assert full["analysis"]["reason"] == INTERNAL and full["decision"]["by"] == team.board.name
    assert [e["action"] for e in full["trail"]] == ["file", "acknowledge", "analyse", "refer", "decide", "reply"]


def test_the_board_deciding_sees_the_analysis_it_decides_with(session, walked):
    """P3, D6: the legal team submits the request to the board with its analysis; the board decides."""
    case, _, team, _, _ = walked
    view = case_view_for(session, team.board, case)
    assert view == queries.case_view(session, case)
    assert view["analysis"]["reason"] == INTERNAL


def test_a_board_member_in_conflict_and_the_administrator_get_no_case(session, walked):
    """People and bodies: a member with a declared conflict does not handle the candidate's file; an
    administrator sees no case file (unchanged: can_view)."""
    case, _, team, notice, out = walked
    conflicted = people.declare_conflict(session, people.actor(session, Role.BOARD_MEMBER, boards=(notice,)), out)
    assert case_view_for(session, conflicted, case) is None
    assert case_view_for(session, people.actor(session, Role.ADMIN), case) is None
    assert case_view_for(session, team.epso, case) is None            # R1: the board's case, not EPSO's
    assert permissions.case_rows_for(conflicted, queries.case_list(session, visible=permissions.case_filter(
        conflicted))) == []


def test_outside_the_board_a_member_is_shown_as_the_board(session, walked):
    """EPSO officers and the appointing authority see a file as the legal team does, but which member
    of a board acted stays with the board (P5: individual members' views)."""
    case, _, team, _, _ = walked
    view = redact(queries.case_view(session, case), Audience.BOARD_AS_BODY)
    text = dumped(view)
    assert team.board.name not in text and "board-member:" not in text
    assert view["decision"]["by"] == "board" and view["analysis"]["reason"] == INTERNAL
    assert [e["actor"] for e in view["trail"] if e["action"] == "decide"] == ["board"]
    assert view["trail"][-2]["changes"]["details"]["to"]["decision"]["by"] == "board"
    assert permissions.audience(team.epso) is permissions.audience(team.director) is Audience.BOARD_AS_BODY


def test_the_candidate_has_their_deadlines_without_the_outer_limit_and_what_epso_owes_them(session, walked):
    """D2, D5: the candidate is shown the date to act by, never the later outer limit the board weighs
    on a late filing; D6: with its computation. The administration's own time limits (the
    acknowledgement within 15 working days) are shown too: they are what EPSO owes the candidate."""
    case, candidate, _, _, _ = walked
    full = {d["name"]: d for d in queries.case_view(session, case)["deadlines"]}
    assert (full["filing"]["act_by"], full["filing"]["outer_limit"]) == ("2022-04-02", "2022-04-04")
    assert full["acknowledgement"]["audience"] == "administration"
    mine = {d["name"]: d for d in case_view_for(session, candidate, case)["deadlines"]}
    assert set(mine) == set(full)
    assert mine["acknowledgement"]["act_by"] == full["acknowledgement"]["act_by"] and mine["acknowledgement"]["steps"]
    filing = mine["filing"]
    assert (filing["act_by"], filing["last_day"]) == ("2022-04-02", "2022-04-02")
    assert "outer_limit" not in filing and "2022-04-04" not in dumped(filing)
    assert filing["source"] and filing["steps"]
    assert filing["steps"] == [s for s in full["filing"]["steps"] if "2022-04-04" not in s]
    assert len(filing["steps"]) == len(full["filing"]["steps"]) - 1                 # the one naming it


def test_a_late_filing_within_the_outer_limit_is_the_deciding_bodys_to_weigh(session, frozen, walked):
    """D6: a filing on Monday 4 April is late (recorded, not refused); that it came within the outer
    limit is for the board, not told to the candidate; the legal team's flags are the file's."""
    case, candidate, _, _, out = walked
    frozen.set(case.deadline("filing").due_at + timedelta(days=1, hours=9))       # Monday 4 April, 09:00
    review = file_case(session, candidate, CaseType.REVIEW, application=out, decision=case.decision,
                       details={"grounds": GROUNDS})
    assert "within-outer-limit" in review.flags and review.late
    view = case_view_for(session, candidate, review)
    assert view["late"] and view["lateness"]["days"] == 2
    assert "within_outer_limit" not in view["lateness"] and "within-outer-limit" not in dumped(view)
    rows = permissions.case_rows_for(candidate, queries.case_list(session, visible=permissions.case_filter(
        candidate)))
    assert {r["reference"] for r in rows} >= {review.reference, case.reference}
    assert all("flags" not in r for r in rows)
    assert queries.case_view(session, review)["lateness"]["within_outer_limit"]


def test_a_message_of_a_kind_not_correspondence_is_not_the_candidates(session, walked):
    """Deny by default: a note between the legal team and the board (no such kind exists yet) is the
    file's; the candidate's correspondence is what they filed and what EPSO sent them."""
    case, candidate, team, _, _ = walked
    session.add(CaseMessage(case=case, direction="out", kind="board-note", language="EN", author=team.legal.name,
                            body="for the board only", at=case.closed_at))
    session.flush()
    assert "for the board only" in dumped(case_view_for(session, team.legal, case))
    assert "for the board only" not in dumped(case_view_for(session, candidate, case))


# --- the lists stay equal to what the workflows write ------------------------------------------

def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(WORKFLOWS.glob("*.py")))


def test_every_message_and_document_the_workflows_write_is_the_candidates():
    text = _source()
    messages = set(re.findall(r'(?:\.send|_write)\((?:run, )?"([a-z-]+)"', text))
    messages |= set(re.findall(r'CaseMessage\([^)]*?kind="([a-z-]+)"', text, re.DOTALL))
    documents = set(re.findall(r'attach\([^)]*?kind="([a-z-]+)"', text, re.DOTALL))
    assert messages == permissions.CORRESPONDENCE
    assert documents == permissions.CANDIDATE_DOCUMENTS


def test_the_candidates_events_are_the_steps_they_are_told_of():
    """machines.MAILED (the steps mailed to the candidate) and the tracked remedies' steps; the rest
    of the steps are the legal team's internal ones."""
    triggers = {st.trigger for steps in STEPS.values() for st in steps}
    remedy = {st.trigger for st in STEPS[CaseType.REMEDY]}
    assert MAILED <= permissions.CANDIDATE_EVENTS
    assert permissions.CANDIDATE_EVENTS & triggers == MAILED | (remedy - {"decide_clock", "assign"})
    assert triggers - permissions.CANDIDATE_EVENTS == {"analyse", "refer", "reroute", "decide_clock", "assign"}


def test_a_list_line_says_what_the_full_view_says(session, frozen):
    """My cases reads a case's line and its next date in one query of a few columns
    (``cases_with_next_date``); the case page reads the full view. Both must name the same next date
    (D2, D5: the date to act by, not the outer limit) at every step: filed (acknowledgement and reply
    running), acknowledged, replied, and the court window a complaint against the board opens; on both
    backends (the date to act by is read from the computation's JSON in SQL)."""
    notice, out, candidate = excluded(session, frozen)
    team = people.team(session, notice)
    review = file_case(session, candidate, CaseType.REVIEW, application=out, decision=f.last_decision(session, out),
                       details={"grounds": GROUNDS})
    complaint = file_case(session, candidate, CaseType.COMPLAINT, application=out,
                          decision=f.last_decision(session, out), details={"grounds": GROUNDS},
                          confirmed_warnings=("p4-board-decision",))

    def agree() -> list[str | None]:
        lines = queries.cases_with_next_date(session, permissions.case_filter(candidate))
        references = [line["reference"] for line in lines]
        assert references[-2:] == [complaint.reference, review.reference]     # newest first: after them, the
        named = []                                                             # court window the complaint opens
        for line in lines:
            case = queries.find_case(session, line["reference"])
            full = queries.next_date(queries.case_view(session, case)["deadlines"])
            assert {key: value for key, value in line.items() if key != "next"} == queries.case_row(case)
            assert (line["next"] and (line["next"]["name"], line["next"]["act_by"])) == (
                full and (full["name"], full["act_by"]))
            named.append(line["next"] and line["next"]["name"])
        return named[-2:]

    assert agree() == ["reply", "acknowledgement"]
    apply(session, review, "acknowledge", team.legal)
    assert agree() == ["reply", None]          # P3 sets the board no time limit after the acknowledgement
    for step, kwargs in (("analyse", {"recommendation": "inadmissible", "ground": "value-judgment",
                                      "reason": INTERNAL}), ("refer", {}),
                         ("decide", {"outcome": "rejected", "reason": BOARD_REASON}), ("reply", {"body": REPLY})):
        apply(session, review, step, team.board if step == "decide" else team.legal, **kwargs)
    assert agree() == ["reply", None]
    # D5: a limit ending on a Saturday is to be met by the Saturday, the Monday being the outer limit:
    # the row's last day and the computation's date to act by differ (stored as such, as here)
    window = next(row for row in session.scalars(select(CaseDeadline).where(CaseDeadline.status == DeadlineStatus.OPEN,
                                                                           CaseDeadline.name == "court-action")))
    window.computation = {**window.computation, "act_by": (window.last_day - timedelta(days=2)).isoformat()}
    session.flush()
    assert agree() == ["reply", None]


LONGEST_ADDRESS = "l" * 64 + "@" + "d" * 60 + "." + "e" * 60 + "." + "f" * 59 + ".example"     # 254: RFC 5321


def test_every_column_that_records_a_name_holds_an_actors_name():
    """Actor names (``role:address``) are cut to NAME_LENGTH; every column that records who acted holds
    that many characters (a shorter column would be a 500 on PostgreSQL for the longest addresses)."""
    from casework.agenda.calendars import CalendarYearRecord
    from casework.audit import AuditEvent
    from casework.auth.actors import NAME_LENGTH
    from casework.cases.models import CaseDocument
    from casework.competitions.models import PhaseClosure, StageEvent
    columns = (AuditEvent.actor, CaseMessage.author, CaseDocument.added_by, StageEvent.actor, PhaseClosure.actor,
               CalendarYearRecord.updated_by)
    assert {column.key: column.type.length >= NAME_LENGTH for column in columns} == {c.key: True for c in columns}


def test_people_with_the_longest_addresses_file_and_take_steps_on_both_backends(session, frozen):
    """A candidate and a legal officer whose addresses have 254 characters: filing, acknowledging and
    withdrawing record them (audit rows, the messages' authors) under the same 200-character name."""
    from casework.audit import AuditEvent
    from casework.auth.actors import NAME_LENGTH, actor_for
    from casework.auth.models import User
    _, out, candidate = excluded(session, frozen)
    officer = people.actor(session, Role.LEGAL_OFFICER)
    for actor in (candidate, officer):
        session.get(User, actor.user_id).email = actor.name.partition(":")[0][:3] + LONGEST_ADDRESS[3:]
    session.flush()
    candidate, officer = (actor_for(session, session.get(User, a.user_id)) for a in (candidate, officer))
    assert len(candidate.name) == len(officer.name) == NAME_LENGTH
    case = file_case(session, candidate, CaseType.REVIEW, application=out, decision=f.last_decision(session, out),
                     details={"grounds": GROUNDS}, documents=[Upload("proof.pdf", b"%PDF-1.4 proof", None)])
    apply(session, case, "acknowledge", officer)
    apply(session, case, "withdraw", candidate, reason="the board wrote to me: the diploma is counted")
    session.flush()
    trail = [(e.action, e.actor) for e in session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "case", AuditEvent.entity_id == case.id).order_by(AuditEvent.id))]
    assert trail == [("file", candidate.name), ("acknowledge", officer.name), ("withdraw", candidate.name)]
    assert case.messages[0].author == case.documents[0].added_by == candidate.name
