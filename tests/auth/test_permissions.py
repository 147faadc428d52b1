"""Who may see what, and who may act on a case (casework.auth.permissions; docs/permissions.md).

The table ``MATRIX`` below IS the specification: one row per actor, one column per object of a
small world, each cell what that actor may do with that object — ``v`` view, ``a`` act (take at
least one step of the case's machine: ``may_act`` with the step's ``who``), ``.`` nothing. Act
applies to cases only. Every cell is one test per verb, on a real database (People and bodies,
R1, C13, P4, P5).

The world, AD/398/22 (notice A) and AST/151/22 (notice B), field 1 of each:
- alice (A): through the screener (her screener result is published, C13), then excluded by the
  board at the assessment; she asks the board for a review (with one piece of evidence), lodges
  an Article 90(2) complaint against the same board decision (P4: to the appointing authority),
  and the legal team records her complaint to the Ombudsman after the review (P6);
- bob (A): through the screener, then excluded by EPSO; he asks EPSO for a review (R1);
- carol (B): excluded by board B at eligibility; she asks board B for a review;
- a deliberation of board A about alice (board members' views: P5, board confidentiality).
"""
from __future__ import annotations

import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from casework import clock
from casework.auth import permissions
from casework.auth.actors import Actor
from casework.auth.models import Role
from casework.auth.permissions import Deliberation, can_view, may_act, simulation_deliberation, visible_cases
from casework.cases.models import Case, CaseType, DecidingBody
from casework.competitions import results, stages
from casework.competitions.models import Score
from casework.competitions.queries import candidate_results
from casework.workflows import Upload, engine, file_case, open_remedy, steps
from casework.workflows.disclosure import CATEGORIES
from casework.workflows.machines import STEPS

from ..competitions import factories as f
from ..workflows import people

# --- the specification -------------------------------------------------------------------------

MATRIX = """
                           application decision result review complaint ombudsman document message deliberation bob-application bob-review carol-application carol-review
alice                      v           v        v      va     va        v         v        v       .            .               .          .                 .
bob                        .           .        .      .      .         .         .        .       .            v               va         .                 .
legal-officer              v           v        v      va     va        va        v        v       .            v               va         v                 va
head-of-unit               v           v        v      va     va        va        v        v       .            v               va         v                 va
epso-officer               v           v        v      .      .         .         .        .       .            v               va         v                 .
board-A                    v           v        v      va     .         .         v        v       v            v               .          .                 .
board-A-conflict-alice     .           .        .      .      .         .         .        .       .            v               .          .                 .
board-B                    .           .        .      .      .         .         .        .       .            .               .          v                 va
appointing-authority       v           v        v      .      va        .         .        .       .            .               .          .                 .
admin                      .           .        .      .      .         .         .        .       .            .               .          .                 .
system                     v           v        v      v      va        va        v        v       v            v               v          v                 v
"""
# Reading it:
# - a candidate sees only their own file (bob never sees alice's decision); alice may act on her
#   review and complaint (withdraw) but takes no step of a P6 remedy, which the legal team tracks;
# - the legal team sees every case and file, never the board's deliberation (P5);
# - an EPSO officer sees the files and the cases EPSO decides (bob's review), not the board's;
# - a board member sees the cases routed to their own board (R1) and their competition's files and
#   deliberations: not EPSO's case, not notice B; with a declared conflict, nothing of alice's
#   (bob's application still);
# - the appointing authority sees the complaint addressed to it, and the file it is about, but
#   not the review decided by the board, nor the documents and messages of that review;
# - the administrator sees no case file; the scheduler sees everything and acts where a machine
#   has a system step (a complaint's implied rejection, a remedy's lapse; none in a review).

CASES = ("review", "complaint", "ombudsman", "bob-review", "carol-review")


def _parse(table: str) -> tuple[list[str], dict[tuple[str, str], str]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    cells = {}
    for actor, *marks in rows:
        assert len(marks) == len(header), f"row {actor}: {len(marks)} cells for {len(header)} objects"
        cells.update({(actor, obj): mark for obj, mark in zip(header, marks)})
    return header, cells


OBJECTS, CELLS = _parse(MATRIX)
ACTORS = list(dict.fromkeys(actor for actor, _ in CELLS))
PARAMS = [pytest.param(actor, obj, verb, verb[0] in mark, id=f"{actor}-{obj}-{verb}")
          for (actor, obj), mark in CELLS.items()
          for verb in (("view", "act") if obj in CASES else ("view",))]


# --- the world ---------------------------------------------------------------------------------

@pytest.fixture
def world(session, frozen):
    a = f.publish(session, only_fields=("1",), places={"1": 2})
    b = f.publish(session, f.AST151, only_fields=("1",))
    carol = f.apply(session, b)
    alice, bob = f.scored_through_screener(session, a, frozen, [40, 30])     # C6: both invited
    f.close(session, b, "application")
    now = clock.now()
    board_exclusion = stages.exclude(session, alice, ground="cheating", author="board", actor="board",
                                     published_at=now, reason="notes brought into the test centre")
    epso_exclusion = stages.exclude(session, bob, ground="multiple_accounts", author="epso", actor="epso",
                                    published_at=now, reason="a second account")
    carol_exclusion = stages.exclude(session, carol, ground="specific_eligibility", author="board",
                                     actor="board", published_at=now, reason="experience short of 6 years")
    f.refresh(session, alice, bob, carol)
    frozen.advance(days=2)

    as_alice, as_bob, as_carol = (people.candidate(session, x) for x in (alice, bob, carol))
    grounds = {"grounds": "the notes were the instructions handed out by the proctor"}
    review = file_case(session, as_alice, CaseType.REVIEW, application=alice, decision=board_exclusion,
                       details=grounds, documents=[Upload("proctor.txt", b"instructions", "text/plain")])
    complaint = file_case(session, as_alice, CaseType.COMPLAINT, application=alice, decision=board_exclusion,
                          details=grounds, confirmed_warnings=["p4-board-decision"])
    legal = people.actor(session, Role.LEGAL_OFFICER)
    ombudsman = open_remedy(session, review, legal, forum="ombudsman")
    bob_review = file_case(session, as_bob, CaseType.REVIEW, application=bob, decision=epso_exclusion,
                           details={"grounds": "I have one account only"})
    carol_review = file_case(session, as_carol, CaseType.REVIEW, application=carol, decision=carol_exclusion,
                             details={"grounds": "my traineeship was paid"})
    assert [c.deciding_body for c in (review, complaint, ombudsman, bob_review, carol_review)] == [
        DecidingBody.BOARD, DecidingBody.APPOINTING_AUTHORITY, DecidingBody.OMBUDSMAN, DecidingBody.EPSO,
        DecidingBody.BOARD]                                                       # R1

    conflicted = people.actor(session, Role.BOARD_MEMBER, boards=(a,))
    actors = {
        "alice": as_alice, "bob": as_bob, "legal-officer": legal,
        "head-of-unit": people.actor(session, Role.HEAD_OF_UNIT),
        "epso-officer": people.actor(session, Role.EPSO_OFFICER),
        "board-A": people.actor(session, Role.BOARD_MEMBER, boards=(a,)),
        "board-A-conflict-alice": people.declare_conflict(session, conflicted, alice),
        "board-B": people.actor(session, Role.BOARD_MEMBER, boards=(b,)),
        "appointing-authority": people.actor(session, Role.APPOINTING_AUTHORITY),
        "admin": people.actor(session, Role.ADMIN),
        "system": Actor.system("scheduler"),
    }
    objects = {
        "application": alice, "decision": board_exclusion, "result": f.score_row(session, alice, "screener"),
        "review": review, "complaint": complaint, "ombudsman": ombudsman,
        "document": review.documents[0], "message": review.messages[0],
        "deliberation": Deliberation(a.id, "board-member-views", frozenset({alice.candidate_id})),
        "bob-application": bob, "bob-review": bob_review,
        "carol-application": carol, "carol-review": carol_review,
    }
    return SimpleNamespace(session=session, notices=(a, b), actors=actors, objects=objects,
                           candidates=(alice.candidate_id, bob.candidate_id, carol.candidate_id))


def acts(actor: Actor, case: Case) -> bool:
    """May take at least one step of the case's machine (whatever its state now)."""
    return any(may_act(actor, case, st.who) for st in STEPS[case.type])


# --- the matrix --------------------------------------------------------------------------------

def test_the_matrix_names_every_actor_and_object_of_the_world(world):
    assert ACTORS == list(world.actors)
    assert OBJECTS == list(world.objects)


@pytest.mark.parametrize(("actor", "obj", "verb", "allowed"), PARAMS)
def test_matrix(world, actor, obj, verb, allowed):
    who, thing = world.actors[actor], world.objects[obj]
    answer = can_view(who, thing, session=world.session) if verb == "view" else acts(who, thing)
    assert answer is allowed


def test_whoever_may_act_on_a_case_may_see_it(world):
    for who, name in itertools.product(world.actors.values(), CASES):
        case = world.objects[name]
        assert not acts(who, case) or can_view(who, case), (who.name, name)


# --- the rules one by one ------------------------------------------------------------------------

def test_conflict_of_interest_hides_the_candidate_from_that_board_member_only(world):
    member, other = world.actors["board-A-conflict-alice"], world.actors["board-A"]
    for name in ("review", "application", "decision", "result", "document", "message", "deliberation"):
        assert not can_view(member, world.objects[name]), name
        assert can_view(other, world.objects[name]), name
    assert can_view(member, world.objects["bob-application"])     # the conflict is with alice alone


def test_a_board_member_never_sees_another_boards_competition(world):
    assert not can_view(world.actors["board-A"], world.objects["carol-review"])
    assert not can_view(world.actors["board-A"], world.objects["carol-application"])
    assert not can_view(world.actors["board-B"], world.objects["review"])
    both = people.actor(world.session, Role.BOARD_MEMBER, boards=world.notices)
    assert can_view(both, world.objects["review"]) and can_view(both, world.objects["carol-review"])


def test_a_candidate_never_sees_another_candidates_decision(world):
    alice, bob = world.actors["alice"], world.actors["bob"]
    assert can_view(alice, world.objects["decision"]) and not can_view(bob, world.objects["decision"])


def test_r2_a_decision_is_seen_by_its_candidate_once_published_in_the_account(world, frozen):
    decision = world.objects["decision"]
    assert not can_view(world.actors["alice"], decision, now=decision.published_at.replace(year=2021))
    assert can_view(world.actors["alice"], decision, now=decision.published_at)
    assert can_view(world.actors["legal-officer"], decision, now=decision.published_at.replace(year=2021))


def test_p5_the_legal_team_sees_cases_but_not_board_deliberations(world):
    legal = world.actors["legal-officer"]
    assert can_view(legal, world.objects["review"])
    for kind in permissions.BOARD_CONFIDENTIAL:
        deliberation = Deliberation(world.notices[0].id, kind)
        assert not can_view(legal, deliberation)
        assert not can_view(world.actors["head-of-unit"], deliberation)
        assert can_view(world.actors["board-A"], deliberation)


def test_p5_board_confidential_kinds_are_the_categories_disclosure_refuses_for_board_confidentiality():
    assert permissions.BOARD_CONFIDENTIAL == {
        c.code for c in CATEGORIES.values() if c.excluded_by and "board confidentiality" in c.excluded_by}


def test_p1_the_neutralisation_simulation_is_a_deliberation_of_the_board(world):
    """The before/after comparison of every candidate (neutralisation.simulate) is for the board:
    not for the legal team, and not for a member in conflict with one of the candidates in it."""
    a = world.notices[0]
    alice, bob = world.objects["application"], world.objects["bob-application"]
    report = SimpleNamespace(rows=[SimpleNamespace(application_id=alice.id), SimpleNamespace(application_id=bob.id)])
    deliberation = simulation_deliberation(world.session, a.id, report)
    assert deliberation == Deliberation(a.id, "comparisons", frozenset({alice.candidate_id, bob.candidate_id}))
    assert can_view(world.actors["board-A"], deliberation)
    for name in ("board-A-conflict-alice", "board-B", "legal-officer", "epso-officer", "appointing-authority",
                 "alice"):
        assert not can_view(world.actors[name], deliberation), name


def test_p4_the_appointing_authority_sees_the_complaints_addressed_to_it_not_the_boards_review(world):
    director = world.actors["appointing-authority"]
    assert can_view(director, world.objects["complaint"])
    assert not can_view(director, world.objects["review"])
    assert not can_view(director, world.objects["bob-review"])                  # EPSO's
    assert not can_view(director, world.objects["bob-application"])             # no complaint about it
    listed = set(world.session.scalars(visible_cases(director)))
    assert listed == {world.objects["complaint"]}


def test_the_administrator_and_anything_unknown_see_nothing(world):
    assert not any(can_view(world.actors["admin"], o, session=world.session) for o in world.objects.values())
    assert not any(can_view(who, object()) for who in world.actors.values())


def test_workflows_ask_the_same_acting_check():
    assert engine.may_act is permissions.may_act
    assert (steps.CANDIDATE, steps.LEGAL, steps.DECIDING_BODY, steps.SYSTEM) == (
        permissions.CANDIDATE, permissions.LEGAL, permissions.DECIDING_BODY, permissions.SYSTEM)


# --- C13: a candidate's results, as the notice allows ----------------------------------------------

def shown(session, application) -> set[str]:
    """The tests ``queries.candidate_results`` shows the candidate (the screener included)."""
    out = candidate_results(session, application)
    return {t["test"] for t in out.get("tests", [])} | ({"screener"} if "screener" in out else set())


def seen(session, application) -> set[str]:
    me = people.candidate(session, application)
    rows = session.scalars(select(Score).where(Score.application_id == application.id))
    return {s.test for s in rows if can_view(me, s, session=session)}


def test_c13_results_per_phase_only_once_the_phase_is_decided(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    [a] = f.scored_through_screener(session, notice, frozen, [30])
    f.assessment(session, a)
    assert seen(session, a) == shown(session, a) == {"screener"}          # assessment not decided yet
    f.close(session, notice, "assessment")
    f.refresh(session, a)
    assert seen(session, a) == shown(session, a) >= {"screener", "verbal", "interview", "competency-1"}
    other = Actor(name="another candidate", role=Role.CANDIDATE, candidate_id=f.register(session).id)
    assert not any(can_view(other, s) for s in a.scores)                  # never another candidate's


def test_c13_c10_unprocessed_marks_are_not_seen(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    [a] = f.scored_through_screener(session, notice, frozen, [30])
    f.assessment(session, a, reasoning=(9, 5, 5))                          # reasoning failed
    f.close(session, notice, "assessment")
    f.refresh(session, a)
    assert seen(session, a) == shown(session, a) == {"screener", "verbal", "numerical", "abstract"}


def test_c13_no_competency_passport_for_an_excluded_candidate(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    [a] = f.scored_through_screener(session, notice, frozen, [30])
    f.assessment(session, a)
    f.close(session, notice, "assessment")
    f.refresh(session, a)
    stages.exclude(session, a, ground="cheating", author="board", actor="board", published_at=clock.now(),
                   reason="x")
    f.refresh(session, a)
    assert "competency-1" not in seen(session, a)
    assert seen(session, a) == shown(session, a) >= {"screener", "verbal"}


def test_c13_results_at_the_end_only_when_the_notice_says_so(session, frozen):
    notice = f.publish(session, f.AD402, only_fields=("1",))
    a = f.apply(session, notice, language_2="EN")
    results.record_mark(session, a, "case-study", Decimal(7))
    assert seen(session, a) == shown(session, a) == set()
    assert all(can_view(people.actor(session, Role.BOARD_MEMBER, boards=(notice,)), s) for s in a.scores)


# --- lists agree with single views ---------------------------------------------------------------

def subsets(xs):
    return [frozenset(c) for n in range(len(xs) + 1) for c in itertools.combinations(xs, n)]


def every_actor(world):
    """Every kind of actor over the world: each role, with every combination of boards and of
    declared conflicts; candidates with and without an account's candidate."""
    candidates = world.candidates
    yield Actor.system("scheduler")
    for candidate_id in (None, *candidates):
        yield Actor(name="candidate", role=Role.CANDIDATE, candidate_id=candidate_id)
    for role in set(Role) - {Role.CANDIDATE}:
        for boards, conflicts in itertools.product(subsets([n.id for n in world.notices]), subsets(candidates)):
            yield Actor(name=role.value, role=role, boards=boards, conflicts=conflicts)


def test_visible_cases_lists_exactly_the_cases_can_view_allows(world):
    cases = list(world.session.scalars(select(Case)))
    # the five of the matrix, and the court window against the board's decision that alice's
    # complaint keeps tracked (P4, D7: a P6 case before the General Court)
    assert sorted(c.deciding_body.value for c in cases) == [
        "appointing-authority", "board", "board", "epso", "general-court", "ombudsman"]
    checked = 0
    for actor in itertools.chain(every_actor(world), world.actors.values()):
        listed = set(world.session.scalars(visible_cases(actor)))
        assert listed == {c for c in cases if can_view(actor, c)}, actor
        checked += 1
    assert checked > 200
