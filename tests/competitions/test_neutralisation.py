"""P1 neutralisation of MCQ questions: only the candidates given the question are rescored, exactly;
the board's simulation writes nothing; pass marks are inclusive (C8, C10, 002 3.4.2); candidates who
now pass at a closed phase are reinstated (R3) — one auditable decision."""
from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.audit import AuditEvent
from casework.competitions import queries, results, rules
from casework.competitions.errors import CompetitionError
from casework.competitions.models import Decision, Question, Score, Status
from casework.competitions.neutralisation import _Scorer, neutralise, simulate
from casework.competitions.selection import close_phase, reinstate

from . import factories as f

CASE = "P1/2022/0007"
VERBAL = [f"VER-{i:03d}" for i in range(1, 22)]          # a pool of 21: tests of 20 are drawn from it
FIELD = [f"FLD-{i:03d}" for i in range(1, 31)]


def _key(session, notice, test, refs, correct="A"):
    for ref in refs:
        session.add(Question(notice_id=notice.id, test=test, ref=ref, correct=correct, points=Decimal(1),
                             neutralised=False))
    session.flush()


def _sheet(session, application, test, given, wrong=(), unanswered=()):
    """An answer sheet: every question of ``given`` answered right (A) but ``wrong`` (B) and
    ``unanswered``."""
    answers = {q: ("B" if q in wrong else "A") for q in given if q not in unanswered}
    return results.record_mcq(session, application, test, list(given), answers)


def _neutralise(session, frozen, notice, test, refs, reason="question 20 has two right answers"):
    return neutralise(session, notice, test, refs, actor="board-secretary", published_at=frozen.now(),
                      reason=reason, source=CASE)


def _snapshot(session):
    return (sorted((s.id, str(s.score), json.dumps(s.detail, sort_keys=True), s.state.value)
                   for s in session.scalars(select(Score).execution_options(populate_existing=True))),
            sorted((q.ref, q.neutralised) for q in session.scalars(
                select(Question).execution_options(populate_existing=True))),
            session.scalar(select(func.count()).select_from(AuditEvent)),
            session.scalar(select(func.count()).select_from(Decision)))


def _assessment(session, frozen, n, places=10):
    """AD/398/22 field 1: ``n`` candidates invited to the assessment, with the verbal key."""
    notice = f.publish(session, only_fields=("1",), places={"1": places})
    people = f.scored_through_screener(session, notice, frozen, [40] * n)
    _key(session, notice, "verbal", VERBAL)
    return notice, people


# --- rescoring -----------------------------------------------------------------------------

def test_p1_only_candidates_given_the_question_are_rescored(session, frozen):
    notice, (given_it, not_given) = _assessment(session, frozen, 2)
    _sheet(session, given_it, "verbal", VERBAL[:20], wrong=VERBAL[:5])           # 15/20, VER-020 right
    _sheet(session, not_given, "verbal", VERBAL[:19] + ["VER-021"], wrong=VERBAL[:5])   # 15/20, VER-021
    kept = f.score_row(session, not_given, "verbal").detail

    report = _neutralise(session, frozen, notice, "verbal", ["VER-020"])

    rescored, untouched = f.score_row(session, given_it, "verbal"), f.score_row(session, not_given, "verbal")
    assert rescored.score == Decimal("14.7368")                  # 14 × 20/19 = 280/19, rounded to 4 places
    assert rescored.detail["neutralisation"] == {"questions": ["VER-020"], "before": "15", "after": "280/19",
                                                 "source": CASE}
    assert rescored.detail["given"] == VERBAL[:20]                # the answer sheet itself is kept
    assert untouched.score == 15 and untouched.detail == kept     # exactly as before
    assert report.row(given_it.number).given and not report.row(not_given.number).given
    assert (report.row(not_given.number).before, report.row(not_given.number).after) == (15, 15)
    assert report.counts["given"] == 1
    # C7 ranking with ties: equal at 15 before; after, the rescored candidate is behind
    assert [(r.rank_before, r.rank_after) for r in (report.row(given_it.number), report.row(not_given.number))] \
        == [(1, 2), (1, 1)]
    assert report.counts["rank_changed"] == 1
    # the key records it: the C13 answer tables show the question as neutralised
    assert session.scalar(select(Question).filter_by(ref="VER-020")).neutralised


def test_p1_exact_fractions_19_right_of_20_with_one_neutralised_is_exactly_20(session, frozen):
    notice, (full, half) = _assessment(session, frozen, 2)
    _sheet(session, full, "verbal", VERBAL[:20], wrong=["VER-020"])              # 19 right, the bad one wrong
    _sheet(session, half, "verbal", VERBAL[:20], wrong=VERBAL[10:19], unanswered=["VER-020"])   # 10 right
    report = _neutralise(session, frozen, notice, "verbal", ["VER-020"])
    assert report.row(full.number).after == 20 and report.row(half.number).after == Fraction(200, 19)
    assert f.score_row(session, full, "verbal").score == Decimal("20.0000")     # not 19.9999
    assert f.score_row(session, half, "verbal").detail["neutralisation"]["after"] == "200/19"
    assert f.score_row(session, half, "verbal").score == Decimal("10.5263")
    shown = {r["application"]: r for r in json.loads(json.dumps(report.as_dict()))["rows"]}   # the board's view
    assert (shown[half.number]["before"], shown[half.number]["after"], shown[half.number]["after_decimal"]) == (
        "10", "200/19", "10.5263")


def test_p1_simulation_writes_nothing_and_matches_the_decision(session, frozen):
    notice, people = _assessment(session, frozen, 3)
    for a, wrong in zip(people, (["VER-020"], VERBAL[:3], [])):
        _sheet(session, a, "verbal", VERBAL[:20], wrong=wrong)
        f.marks(session, a, numerical=5, abstract=5)
    before = _snapshot(session)
    simulated = simulate(session, notice, "verbal", ["VER-020"])
    assert _snapshot(session) == before                                           # nothing written
    assert [(r.before, r.after) for r in simulated.rows] == [(19, 20), (17, Fraction(320, 19)), (20, 20)]
    decided = _neutralise(session, frozen, notice, "verbal", ["VER-020"])
    assert decided.rows == simulated.rows and decided.counts == simulated.counts


# --- pass marks: inclusive (P1, C8, C10) -----------------------------------------------------

def test_p1_c8_c10_inclusive_pass_who_passed_before_still_goes_through_close_phase(session, frozen):
    notice, (lucky, control) = _assessment(session, frozen, 2)
    # 10 right including the erroneous VER-020: 10 + 5 + 5 = 20, the reasoning pass mark (C8)
    _sheet(session, lucky, "verbal", VERBAL[:20], wrong=VERBAL[9:19])
    # same 9 × 20/19 after, but never passed: 9 + 5 + 5 = 19
    _sheet(session, control, "verbal", VERBAL[:20], wrong=VERBAL[9:20])
    for a in (lucky, control):
        f.marks(session, a, numerical=5, abstract=5, competencies=60, interview=70)

    sim = simulate(session, notice, "verbal", ["VER-020"])
    row = sim.row(lucky.number)
    assert (row.before, row.after) == (10, Fraction(180, 19))                    # 19.47 < 20 on the new marks
    assert (row.passed_before, row.passed_after, row.passes) == (True, False, True)
    assert sim.counts["protected"] == 1 and row.protected
    assert (sim.row(control.number).passed_before, sim.row(control.number).passes) == (False, False)

    _neutralise(session, frozen, notice, "verbal", ["VER-020"])
    close_phase(session, notice, "assessment", actor="board")
    f.refresh(session, lucky, control)
    assert (lucky.phase, lucky.status) == ("document-check", Status.ACTIVE)        # not failed because of P1
    assert (control.phase, control.status) == ("assessment", Status.ELIMINATED)
    assert f.last_decision(session, control).reason.startswith("verbal + numerical + abstract = ")


def test_p1_two_questions_neutralised_newly_passing_before_the_phase_is_closed(session, frozen):
    notice, (a,) = _assessment(session, frozen, 1)
    _sheet(session, a, "verbal", VERBAL[:20], wrong=VERBAL[9:20])                   # 9 right, both bad ones wrong
    f.marks(session, a, numerical=5, abstract=5, competencies=60, interview=70)
    report = _neutralise(session, frozen, notice, "verbal", ["VER-019", "VER-020"])
    row = report.row(a.number)
    assert (row.before, row.after, row.passed_before, row.passes) == (9, 10, False, True)   # 9 × 20/18
    assert report.counts["newly_passing"] == 1 and report.reinstated == ()       # nothing closed: no R3
    close_phase(session, notice, "assessment", actor="board")
    f.refresh(session, a)
    assert (a.phase, a.status) == ("document-check", Status.ACTIVE)


def test_p1_a_second_neutralisation_keeps_the_marks_before_the_first_as_reference(session, frozen):
    notice, (a,) = _assessment(session, frozen, 1)
    _sheet(session, a, "verbal", VERBAL[:20], wrong=VERBAL[10:18])                  # 12 right, 19 and 20 right
    f.marks(session, a, numerical=4, abstract=4, competencies=60, interview=70)     # 12 + 8 = 20: passes
    _neutralise(session, frozen, notice, "verbal", ["VER-020"])                     # 11 × 20/19
    second = _neutralise(session, frozen, notice, "verbal", ["VER-019"], reason="VER-019 ambiguous")
    detail = f.score_row(session, a, "verbal").detail["neutralisation"]
    assert detail["before"] == "12" and detail["after"] == "100/9"                # 10 × 20/18
    assert detail["questions"] == ["VER-019", "VER-020"]
    assert detail["history"] == [{"questions": ["VER-020"], "after": "220/19", "source": CASE}]
    assert second.row(a.number).passes is True                                     # 100/9 + 8 < 20, but 12 + 8
    close_phase(session, notice, "assessment", actor="board")
    f.refresh(session, a)
    assert a.status is Status.ACTIVE


# --- R3: reinstatement when the phase is closed ------------------------------------------------

def _ad402_closed(session, frozen, rows):
    """AD/402/23 field 1 (2 places: invitation cap 1.5 × 2 = 3 by field MCQ, C7) with the phase
    'tests' closed. ``rows``: (numerical, field-MCQ questions answered wrong)."""
    notice = f.publish(session, f.AD402, only_fields=("1",), places={"1": 2})
    people = [f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                      profile=f.profile("degree-3y", "2020-06-30")) for _ in rows]
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    _key(session, notice, "field-mcq", FIELD)
    for a, (numerical, wrong) in zip(people, rows):
        f.marks(session, a, numerical=numerical, verbal=10, abstract=10)
        _sheet(session, a, "field-mcq", FIELD, wrong=wrong)
    f.close(session, notice, "tests")
    f.refresh(session, *people)
    return notice, people


def test_p1_r3_newly_passing_at_a_closed_phase_is_reinstated_and_invited_beyond_the_cap(session, frozen):
    bad = FIELD[28:]                                   # FLD-029, FLD-030: the two erroneous questions
    notice, people = _ad402_closed(session, frozen, [
        (8, []), (8, FIELD[:1]), (8, FIELD[:2]), (8, FIELD[:3]),   # 30, 29, 28, 27: the cap takes 3
        (8, FIELD[:14] + bad),                                       # 14/30 < 15: failed
        (5, FIELD[:14] + bad),                                       # also numerical 5 < 6: failed twice
    ])
    fourth, failed, failed_twice = people[3:]
    assert (failed.phase, failed.status, f.last_decision(session, failed).kind) == (
        "tests", Status.ELIMINATED, "failed")
    assert f.last_decision(session, fourth).kind == "not-invited"

    report = _neutralise(session, frozen, notice, "field-mcq", bad)

    row = report.row(failed.number)
    assert (row.before, row.after, row.passed_before, row.passes) == (14, 15, False, True)   # 14 × 30/28
    assert report.reinstated == (failed.number,)
    assert report.still_failing == (failed_twice.number,)                          # numerical still fails
    f.refresh(session, failed, failed_twice, fourth)
    assert (failed.phase, failed.status, failed.reinstated) == ("marking-eligibility", Status.ACTIVE, True)
    assert failed_twice.status is Status.ELIMINATED and fourth.status is Status.ELIMINATED
    decision = session.scalar(select(Decision).where(Decision.application_id == failed.id,
                                                     Decision.kind == "reinstatement"))
    assert (decision.author.value, decision.phase, decision.source) == ("board", "tests", CASE)
    invited = {r["application"]: r for r in queries.invitations(session, notice.fields[0], "marking-eligibility")}
    assert len(invited) == 4 and invited[failed.number]["reinstatement"] == CASE   # beyond the cap of 3
    # one auditable decision, linked to the case
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "neutralise"))
    assert (event.entity, event.entity_id, event.reason, event.actor) == (
        "notice", notice.id, "question 20 has two right answers", "board-secretary")
    assert event.changes["source"] == CASE and event.changes["questions"] == bad
    assert event.changes["reinstated"] == [failed.number] and event.changes["test"] == "field-mcq"
    assert event.changes["counts"]["given"] == 6 and event.changes["counts"]["reinstated"] == 1
    reinstated = session.scalar(select(AuditEvent).where(AuditEvent.action == "reinstate"))
    assert (reinstated.entity_id, reinstated.changes["source"]) == (failed.id, CASE)
    # 28 questions left, each worth 30/28; ranks by field MCQ within the field, ties shared (C7)
    assert [report.row(a.number).after for a in people] == [30, Fraction(27 * 30, 28), Fraction(26 * 30, 28),
                                                           Fraction(25 * 30, 28), 15, 15]
    assert [report.row(a.number).rank_after for a in people] == [1, 2, 3, 4, 5, 5]


def test_p1_r3_simulation_names_who_would_be_reinstated_without_doing_it(session, frozen):
    bad = FIELD[28:]
    notice, (_, failed) = _ad402_closed(session, frozen, [(8, []), (8, FIELD[:14] + bad)])
    before = _snapshot(session)
    report = simulate(session, notice, "field-mcq", bad)
    assert report.reinstated == (failed.number,)
    assert _snapshot(session) == before
    f.refresh(session, failed)
    assert failed.status is Status.ELIMINATED


# --- refusals: nothing written -------------------------------------------------------------------

@pytest.mark.parametrize(("test", "refs", "message"), [
    ("verbal", ["VER-099"], "verbal of EPSO/AD/398/22 has no question VER-099"),
    ("interview", ["VER-001"], "interview is a marked test, not an MCQ"),
    ("spelling", ["VER-001"], "EPSO/AD/398/22 has no test 'spelling'"),
    ("verbal", [], "name the question"),
    ("verbal", ["VER-001", "VER-002"], "was given no other question of verbal"),
])
def test_p1_refusals_leave_nothing_written(session, frozen, test, refs, message):
    notice, (a, b) = _assessment(session, frozen, 2)
    _sheet(session, a, "verbal", VERBAL[:20])
    _sheet(session, b, "verbal", VERBAL[:2], wrong=["VER-001"])                    # a short sheet: 2 questions
    before = _snapshot(session)
    with pytest.raises(CompetitionError, match=message):
        _neutralise(session, frozen, notice, test, refs)
    with pytest.raises(CompetitionError, match=message):
        simulate(session, notice, test, refs)
    assert _snapshot(session) == before


def test_p1_a_question_already_neutralised_is_refused(session, frozen):
    notice, (a,) = _assessment(session, frozen, 1)
    _sheet(session, a, "verbal", VERBAL[:20])
    _neutralise(session, frozen, notice, "verbal", ["VER-020"])
    before = _snapshot(session)
    with pytest.raises(CompetitionError, match="VER-020 of verbal are neutralised already"):
        _neutralise(session, frozen, notice, "verbal", ["VER-003", "VER-020"])
    assert _snapshot(session) == before


def test_p1_a_result_without_answer_sheet_is_refused(session, frozen):
    notice, (a, b) = _assessment(session, frozen, 2)
    _sheet(session, a, "verbal", VERBAL[:20])
    f.marks(session, b, verbal=12)                                                  # a mark, no sheet
    before = _snapshot(session)
    with pytest.raises(CompetitionError, match=f"application {b.number} has a verbal result without its answer"):
        _neutralise(session, frozen, notice, "verbal", ["VER-020"])
    assert _snapshot(session) == before


def test_p1_r3_a_candidate_already_reinstated_on_review_is_not_reinstated_again(session, frozen):
    bad = FIELD[28:]
    notice, (_, failed) = _ad402_closed(session, frozen, [(8, []), (8, FIELD[:14] + bad)])
    # the candidate was reinstated meanwhile on a review: R3 refuses a second reinstatement
    reinstate(session, failed, author="board", actor="legal-team", published_at=frozen.now(),
              reason="review upheld", source="P3/2022/0001")
    f.refresh(session, failed)
    assert failed.status is Status.ACTIVE
    report = simulate(session, notice, "field-mcq", bad)
    assert report.reinstated == ()                          # no longer eliminated: nothing to reinstate


# --- the fast path is rules.score_mcq --------------------------------------------------------------

def test_p1_c8_rescoring_from_the_stored_sheets_equals_rules_score_mcq(session, frozen):
    """Sheets drawn from a pool, unequal points, blanks and wrong answers: every row of the
    simulation is what ``rules.score_mcq`` gives for that sheet, before and after."""
    import random
    rnd = random.Random(20220614)
    notice, people = _assessment(session, frozen, 12)
    pool = VERBAL[:16]
    for i, ref in enumerate(pool):
        session.add(Question(notice_id=notice.id, test="numerical", ref=ref, correct="ABCD"[i % 4],
                             points=[Decimal(1), Decimal("1.5"), Decimal(2)][i % 3], neutralised=False))
    session.flush()
    key = results.answer_key(session, notice.id, "numerical")
    sheets = {}
    for a in people:
        given_ = rnd.sample(pool, 10)
        answers = {q: rnd.choice("ABCD") for q in given_ if rnd.random() < 0.9}
        results.record_mcq(session, a, "numerical", given_, answers)
        sheets[a.number] = (given_, answers)
    report = simulate(session, notice, "numerical", ["VER-003", "VER-007"])
    for number, (given_, answers) in sheets.items():
        sheet = rules.GivenTest("numerical", tuple(rules.Question(q, key[q].points) for q in given_))
        correct = {q: key[q].correct for q in given_}
        row = report.row(number)
        assert row.before == rules.score_mcq(sheet, answers, correct).score
        assert row.after == rules.score_mcq(sheet, answers, correct, {"VER-003", "VER-007"}).score
        assert row.given == bool({"VER-003", "VER-007"} & set(given_))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_p1_fast_rescoring_equals_rules_score_mcq(data):
    n = data.draw(st.integers(2, 12))
    refs = [f"Q{i}" for i in range(n)]
    weights = st.sampled_from([Decimal(1), Decimal(2), Decimal("0.5"), Decimal("1.25")])
    if data.draw(st.booleans()):                        # the usual case: every question weighs the same
        points = [data.draw(weights)] * n
    else:
        points = data.draw(st.lists(weights, min_size=n, max_size=n))
    key = {r: Question(ref=r, correct="A", points=p, neutralised=False) for r, p in zip(refs, points)}
    given_ = data.draw(st.lists(st.sampled_from(refs), min_size=1, max_size=n, unique=True))
    answers = {q: data.draw(st.sampled_from(["A", "B"])) for q in given_ if data.draw(st.booleans())}
    old = set(data.draw(st.lists(st.sampled_from(refs), max_size=2, unique=True)))
    new = old | set(data.draw(st.lists(st.sampled_from(refs), min_size=1, max_size=3, unique=True)))
    sheet = rules.GivenTest("t", tuple(rules.Question(q, key[q].points) for q in given_))
    correct = {q: "A" for q in refs}

    def reference(neutralised):
        try:
            return Fraction(rules.score_mcq(sheet, answers, correct, neutralised).score)
        except ValueError:
            return None

    scorer = _Scorer(key, old, new)
    # what the database hands over (one character per question of the key: 0 not given, 1 given, 2 right)
    code = "".join("0" if q not in given_ else "2" if answers.get(q) == "A" else "1" for q in scorer.refs)
    expected = (reference(old), reference(new))
    if None in expected:
        with pytest.raises(CompetitionError):
            scorer.rescore(code, len(given_), "A-1", "t")
    else:
        before, after, hit = scorer.rescore(code, len(given_), "A-1", "t")
        assert (before, after) == expected
        assert hit == tuple(sorted(q for q in given_ if q in new))      # kept in the sheet's detail
