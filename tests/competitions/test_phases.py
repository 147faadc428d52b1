"""C5–C12, C15, C16: phases closed with close_phase on the notices' own data."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from casework.competitions import queries, stages
from casework.competitions.errors import CompetitionError
from casework.competitions.models import ReserveList, ScoreState, Status
from casework.competitions.notices import definition

from . import factories as f

# --- C5 eligibility -------------------------------------------------------------------------

def _assert_excluded_at_eligibility(session, notice, application, *texts):
    assert (application.phase, application.status) == ("eligibility", Status.EXCLUDED)
    d = f.last_decision(session, application)
    assert (d.kind, d.author.value, d.phase, d.ground, d.outcome) == (
        "excluded", "board", "eligibility", "specific_eligibility", Status.EXCLUDED)
    assert d.notice_version_id == notice.current.id
    for text in texts:
        assert text in d.reason
    return d


def test_c5_eligible_candidate_goes_to_the_screener(session, frozen):
    _, [a] = f.through_eligibility(session, frozen, f.profile())
    assert (a.phase, a.status) == ("screener", Status.ACTIVE)
    d = f.last_decision(session, a)
    assert (d.kind, d.author.value, d.phase) == ("admitted", "board", "eligibility")


def test_c5_experience_before_the_diploma_not_counted(session, frozen):
    # 12 years of ICT work, but the 4-year degree only came in mid-2018.
    notice, [a] = f.through_eligibility(session, frozen, f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    d = _assert_excluded_at_eligibility(session, notice, a, "(a) experience", "< 72 required",
                                        "counted from 2018-06-30 to 2022-03-22", "(b) experience")
    assert "< 84 required" in d.reason


def test_c5_no_qualifying_diploma(session, frozen):
    notice, [a] = f.through_eligibility(session, frozen, f.profile("post-secondary-2y", "2005-06-30"))
    _assert_excluded_at_eligibility(session, notice, a,
                                    "(a) no diploma of level degree-4y or higher in subject ict awarded by 2022-03-22",
                                    "(b) no diploma of level degree-3y")


def test_c5_part_time_counts_pro_rata(session, frozen):
    # 2010-03-23 .. 2022-03-22 is exactly 144 months: half time = 72 months = alternative (a).
    half = f.profile("degree-4y", "2008-01-01", f.job("2010-03-23", fraction="0.5"))
    less = f.profile("degree-4y", "2008-01-01", f.job("2010-03-23", fraction="0.4"))
    notice, [ok, short] = f.through_eligibility(session, frozen, half, less)
    assert (ok.phase, ok.status) == ("screener", Status.ACTIVE)
    _assert_excluded_at_eligibility(session, notice, short, "(a) experience 57.6 months < 72 required")


def test_c5_unpaid_work_does_not_count(session, frozen):
    notice, [a] = f.through_eligibility(session, frozen, f.profile("degree-4y", "2008-06-30",
                                                          f.job("2008-09-01", paid=False)))
    _assert_excluded_at_eligibility(session, notice, a, "(a) experience 0 months < 72 required")


# --- C6 screener ----------------------------------------------------------------------------

def test_c6_screener_score_is_sum_of_weight_times_mark(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    # AD/398/22 field 1 weights: Q1 3, Q2 2, Q3 2, Q4 1, Q5 3, Q6 2
    marks = {"Q1": 4, "Q2": 3, "Q3": 0, "Q4": 2, "Q5": 1, "Q6": 4}
    from casework.competitions.results import record_screener
    row = record_screener(session, a, marks)
    assert row.score == Decimal(3 * 4 + 2 * 3 + 2 * 0 + 1 * 2 + 3 * 1 + 2 * 4) == Decimal(31)
    assert row.detail == {"marks": marks}
    assert row.notice_version_id == notice.current.id


@pytest.mark.parametrize("marks, message", [
    ({"Q1": 5, "Q2": 3, "Q3": 0, "Q4": 2, "Q5": 1, "Q6": 4}, "mark for question Q1 must be 0-4, got 5"),
    ({"Q1": 4, "Q2": 3, "Q3": -1, "Q4": 2, "Q5": 1, "Q6": 4}, "mark for question Q3 must be 0-4, got -1"),
    ({"Q1": 4, "Q2": 3, "Q3": 0, "Q4": 2, "Q5": 1}, r"no mark for question\(s\) Q6"),
    ({"Q1": 4, "Q2": 3, "Q3": 0, "Q4": 2, "Q5": 1, "Q6": 4, "Q7": 1}, r"unknown question\(s\) Q7"),
])
def test_c6_bad_screener_marks_refused_naming_the_question(session, frozen, marks, message):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    from casework.competitions.results import record_screener
    with pytest.raises(CompetitionError, match=f"application {a.number}: .*{message}"):
        record_screener(session, a, marks)
    assert f.score_row(session, a, "screener") is None


def test_c6_screener_phase_needs_every_candidates_marks(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    a, b = f.apply_many(session, notice, 2)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    f.screener(session, a, 30)
    with pytest.raises(CompetitionError, match=f"phase screener: no screener marks for application id {b.id}"):
        f.close(session, notice, "screener")


# --- C7 invitations and ties ----------------------------------------------------------------

def test_c7_ties_at_cutoff_all_invited(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})   # cap 3 × 2 = 6
    totals = [40, 38, 36, 34, 32, 30, 30, 20]                            # 6th and 7th tie at 30
    people = f.scored_through_screener(session, notice, frozen, totals)
    invited, last = people[:7], people[7]
    for a in invited:
        assert (a.phase, a.status) == ("assessment", Status.ACTIVE)
        d = f.last_decision(session, a)
        assert (d.kind, d.author.value, d.phase) == ("invited", "board", "screener")
    assert (last.phase, last.status) == ("screener", Status.ELIMINATED)
    d = f.last_decision(session, last)
    assert (d.kind, d.reason) == ("not-invited", "not among the 6 best by screener (cut-off 30, C7)")
    listed = queries.invitations(session, notice.fields[0], "assessment")
    assert sorted(r["application"] for r in listed) == sorted(a.number for a in invited)
    assert {r["decision"] for r in listed} == {"invited"}


def test_c7_everyone_invited_when_fewer_than_the_cap(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    people = f.scored_through_screener(session, notice, frozen, [10, 0, 52])
    assert [a.phase for a in people] == ["assessment"] * 3


# --- C8, C9, C10 tests and pass marks -------------------------------------------------------

def _ad402_tests(session, frozen, rows):
    """AD/402/23 (original) field 1: application closed, then the tests phase on given marks."""
    notice = f.publish(session, f.AD402, only_fields=("1",))
    people = [f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                      profile=f.profile("degree-3y", "2020-06-30"))
              for _ in rows]
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    for a, (numerical, verbal, abstract, field_mcq) in zip(people, rows):
        f.marks(session, a, numerical=numerical, verbal=verbal, abstract=abstract, field_mcq=field_mcq)
    f.close(session, notice, "tests")
    f.refresh(session, *people)
    return notice, people


def test_c8_ad402_combined_pass_marks(session, frozen):
    notice, [ok, low_numerical, low_verbal_abstract, low_field] = _ad402_tests(session, frozen, [
        (6, 8, 7, 20),      # numerical 6/10 and verbal + abstract 15/30: passes
        (5, 15, 10, 20),    # 5 + 25: fails on numerical
        (10, 7, 7, 20),     # 10 + 14: fails on verbal + abstract
        (10, 10, 10, 14),   # field MCQ 14/30
    ])
    assert (ok.phase, ok.status) == ("marking-eligibility", Status.ACTIVE)
    assert f.last_decision(session, ok).kind == "invited"
    for a, reason in ((low_numerical, "numerical = 5 < 6 required"),
                      (low_verbal_abstract, "verbal + abstract = 14 < 15 required"),
                      (low_field, "field-mcq = 14 < 15 required")):
        assert (a.phase, a.status) == ("tests", Status.ELIMINATED)
        d = f.last_decision(session, a)
        assert (d.kind, d.author.value, d.phase, d.reason) == ("failed", "board", "tests", reason)
        assert d.notice_version_id == notice.current.id
    # C10: the other marks of the phase are not processed
    assert f.score_row(session, low_numerical, "numerical").state is ScoreState.RECORDED
    for test in ("verbal", "abstract", "field-mcq"):
        assert f.score_row(session, low_numerical, test).state is ScoreState.UNPROCESSED
    assert f.score_row(session, low_verbal_abstract, "numerical").state is ScoreState.UNPROCESSED
    assert f.score_row(session, low_verbal_abstract, "verbal").state is ScoreState.RECORDED
    assert all(s.state is ScoreState.RECORDED for s in ok.scores)


def _ad402_tests_closed(session, frozen, field_mcq, **tweaks):
    notice = f.publish(session, f.AD402, only_fields=("1",), places={"1": 2}, **tweaks)
    people = [f.apply(session, notice, language_1="DE", language_2="FR",
                      levels=f.levels(DE="C2", FR="B2"), profile=f.profile("degree-3y", "2020-06-30"))
              for _ in field_mcq]
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    for a, m in zip(people, field_mcq):
        f.marks(session, a, numerical=8, verbal=10, abstract=10, field_mcq=m)
    [report] = f.close(session, notice, "tests")
    f.refresh(session, *people)
    return people, report


def test_c7_ad402_cap_is_strict_no_tie_rule_of_its_own(session, frozen):
    # 004 4.3.3 a: "højst 1,5 gange" and no tie rule: places 2 → at most 3 marked. The two tied
    # at 28 would make 4: neither is split off by listing order, both stay out.
    people, report = _ad402_tests_closed(session, frozen, (30, 29, 28, 28, 20))
    assert [a.phase for a in people] == ["marking-eligibility"] * 2 + ["tests"] * 3
    assert all(a.status is Status.ELIMINATED for a in people[2:])
    assert f.last_decision(session, people[2]).reason == (
        "not among the 3 best by field-mcq (cut-off 29, C7; a strict cap: the notice lets no tie "
        "at the cut-off go beyond it)")
    assert report.cutoff == "29"


def test_c7_ad402_strict_cap_filled_exactly_when_no_tie_straddles_it(session, frozen):
    people, report = _ad402_tests_closed(session, frozen, (30, 29, 28, 27, 20))
    assert [a.phase for a in people] == ["marking-eligibility"] * 3 + ["tests"] * 2
    assert report.cutoff == "28"


def test_c7_ties_at_the_cutoff_all_go_where_the_notice_says_so(session, frozen):
    # The same cap with the tie rule of 003 Annex II ("vil de alle gå videre"), as notice data.
    doc = f.document(f.AD402)
    marking = next(p for p in doc["phases"] if p["code"] == "marking-eligibility")
    marking["invitation_cap"]["ties"] = True
    people, report = _ad402_tests_closed(session, frozen, (30, 29, 28, 28, 20), phases=doc["phases"])
    assert [a.phase for a in people] == ["marking-eligibility"] * 4 + ["tests"]
    assert f.last_decision(session, people[4]).reason == "not among the 3 best by field-mcq (cut-off 28, C7)"
    assert report.cutoff == "28"


def _assessment(session, frozen, rows, places=10):
    notice = f.publish(session, only_fields=("1",), places={"1": places})
    people = f.scored_through_screener(session, notice, frozen, [40] * len(rows))
    for a, (reasoning, competencies, interview) in zip(people, rows):
        f.assessment(session, a, reasoning=reasoning, competencies=competencies, interview=interview)
    f.close(session, notice, "assessment")
    f.refresh(session, *people)
    return notice, people


def test_c10_failing_one_eliminatory_test_is_a_board_failure_not_an_absence(session, frozen):
    """The other tests of the phase were cancelled (C10), so their marks are missing: the decision
    is still the board's failure at the tests (R2 routes a review to the board), not an EPSO
    exclusion for absence (C15)."""
    notice = f.publish(session, f.AD402, only_fields=("1",))
    a = f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                profile=f.profile("degree-3y", "2020-06-30"))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    f.marks(session, a, numerical=2)
    f.close(session, notice, "tests")
    f.refresh(session, a)
    d = f.last_decision(session, a)
    assert (a.status, d.kind, d.author.value, d.ground) == (Status.ELIMINATED, "failed", "board", None)
    assert d.reason == "numerical = 2 < 6 required"


def test_c8_ad398_reasoning_pass_mark_20_of_40_on_the_total(session, frozen):
    _, [ok, fail] = _assessment(session, frozen, [((10, 5, 5), 60, 70), ((10, 5, 4), 60, 70)])
    assert (ok.phase, ok.status) == ("document-check", Status.ACTIVE)
    assert (fail.phase, fail.status) == ("assessment", Status.ELIMINATED)
    d = f.last_decision(session, fail)
    assert (d.kind, d.author.value, d.reason) == ("failed", "board",
                                                  "verbal + numerical + abstract = 19 < 20 required")


def test_c10_failing_eliminatory_reasoning_leaves_other_marks_unprocessed(session, frozen):
    _, [a] = _assessment(session, frozen, [((9, 5, 5), 80, 100)])
    assert (a.phase, a.status) == ("assessment", Status.ELIMINATED)
    states = {s.test: s.state for s in a.scores}
    for test in ("verbal", "numerical", "abstract", "screener"):
        assert states[test] is ScoreState.RECORDED
    assert {states[f"competency-{i}"] for i in range(1, 9)} == {ScoreState.UNPROCESSED}
    assert states["interview"] is ScoreState.UNPROCESSED


def test_c9_competencies_40_of_80_and_interview_60_of_100(session, frozen):
    notice, [ok, low_comp, low_interview] = _assessment(session, frozen, [
        ((14, 7, 7), 40, 60), ((14, 7, 7), 39, 90), ((14, 7, 7), 80, 59)])
    assert (ok.phase, ok.status) == ("document-check", Status.ACTIVE)
    assert f.last_decision(session, low_comp).reason == (
        " + ".join(f"competency-{i}" for i in range(1, 9)) + " = 39 < 40 required")
    assert f.last_decision(session, low_interview).reason == "interview = 59 < 60 required"
    for a in (low_comp, low_interview):
        assert (a.phase, a.status) == ("assessment", Status.ELIMINATED)
        # not an eliminatory pass mark: nothing becomes unprocessed
        assert {s.state for s in a.scores} == {ScoreState.RECORDED}
    # final score = competencies + interview (the reasoning tests do not count)
    ranking = queries.ranking(session, notice.fields[0], definition(notice.current).final_score)
    assert [(r[0], r[1], r[2]) for r in ranking] == [
        (1, low_interview.number, 139), (2, low_comp.number, 129), (3, ok.number, 100)]


def test_c10_missing_mark_at_close_is_an_epso_exclusion_for_absence(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, competencies=60, interview=70)            # no reasoning tests taken
    f.close(session, notice, "assessment")
    session.refresh(a)
    assert (a.phase, a.status) == ("assessment", Status.EXCLUDED)
    d = f.last_decision(session, a)
    assert (d.author.value, d.ground) == ("epso", "no_booking_or_absence")
    assert "no mark for verbal, numerical, abstract" in d.reason


# --- C11 document check, C12 reserve list ---------------------------------------------------

def test_c11_document_check_in_descending_order_until_places_filled(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    top, second, third, fourth = f.at_document_check(session, notice, frozen, [150, 140, 130, 120])
    top.documents_supported, second.documents_supported, third.documents_supported = False, True, True
    session.flush()
    f.close(session, notice, "document-check")
    f.refresh(session, top, second, third, fourth)
    assert (top.phase, top.status) == ("document-check", Status.EXCLUDED)
    d = f.last_decision(session, top)
    assert (d.kind, d.author.value, d.ground, d.reason) == (
        "excluded", "board", "false_or_unsupported_declaration",
        "the uploaded documents do not support the application")
    for a in (second, third):
        assert (a.phase, a.status) == ("reserve-list", Status.ACTIVE)
    assert (fourth.phase, fourth.status, fourth.documents_supported) == (
        "document-check", Status.ELIMINATED, None)
    d = f.last_decision(session, fourth)
    assert (d.kind, d.reason) == ("not-retained", "places filled before this file was reached (C11)")


def test_c11_unchecked_file_above_the_point_blocks_the_phase(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    top, second = f.at_document_check(session, notice, frozen, [150, 140])
    top.documents_supported = True
    session.flush()
    with pytest.raises(CompetitionError, match=f"documents of application id {second.id} not checked yet"):
        f.close(session, notice, "document-check")


def test_c12_ties_at_last_place_all_listed_published_alphabetically(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    people = f.at_document_check(session, notice, frozen, [150, 140, 140, 130])
    for a, surname, publish in zip(people, ("Zeller", "Álvarez", "Martin", "Berg"), (True, True, False, True)):
        a.candidate.surname, a.publish_name, a.documents_supported = surname, publish, True
    session.flush()
    f.close(session, notice, "document-check")
    frozen.set(datetime(2023, 1, 31, 23, 30, tzinfo=UTC))   # 1 February in Brussels
    [report] = f.close(session, notice, "reserve-list")
    f.refresh(session, *people)
    zeller, alvarez, martin, berg = people
    assert [a.status for a in (zeller, alvarez, martin)] == [Status.RESERVE_LIST] * 3
    assert (berg.phase, berg.status) == ("document-check", Status.ELIMINATED)   # not checked (C11)
    assert report.cutoff == "140" and report.outcomes["listed"] == 3
    d = f.last_decision(session, martin)
    assert (d.kind, d.author.value, d.phase, d.outcome) == ("listed", "board", "reserve-list", Status.RESERVE_LIST)
    reserve = session.query(ReserveList).one()
    assert reserve.valid_until == date(2024, 2, 1)          # 12 months (notice) from the Brussels day
    assert {(e.application_id, e.final_score) for e in reserve.entries} == {
        (zeller.id, 150), (alvarez.id, 140), (martin.id, 140)}
    [published] = queries.published_reserve_lists(session, notice)
    assert published.names == ["Álvarez Alex", "Zeller Alex"]
    assert published.withheld == 1
    assert published.valid_until == date(2024, 2, 1)


def test_c12_below_the_last_place_not_retained(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    people = f.through_reserve_list(session, notice, frozen, [150, 140, 130])
    assert [a.status for a in people] == [Status.RESERVE_LIST, Status.RESERVE_LIST, Status.ELIMINATED]


def test_c12_validity_can_be_extended_never_shortened(session, frozen):
    from casework.audit import AuditEvent
    from casework.competitions.selection import extend_reserve_list
    notice = f.publish(session, only_fields=("1",), places={"1": 1})
    [a] = f.through_reserve_list(session, notice, frozen, [150])
    reserve = session.query(ReserveList).one()
    original = reserve.valid_until
    with pytest.raises(CompetitionError, match="must end later"):
        extend_reserve_list(session, a.field, until=original, actor="test", reason="none")
    extend_reserve_list(session, a.field, until=date(original.year + 1, 12, 31), actor="test",
                        reason="recruitment needs")
    assert reserve.valid_until == date(original.year + 1, 12, 31)
    event = session.query(AuditEvent).filter_by(entity="reserve_list", action="extend").one()
    assert (event.from_state, event.reason) == (original.isoformat(), "recruitment needs")


# --- C15 exclusion, C16 history -------------------------------------------------------------

def test_c15_exclusion_records_ground_and_deciding_body(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    a = f.apply(session, notice)
    d = stages.exclude(session, a, ground="multiple_accounts", author="epso", actor="epso-officer",
                       published_at=frozen.now(), reason="second account found (C1)")
    assert (a.phase, a.status) == ("application", Status.EXCLUDED)
    assert (d.ground, d.author.value, d.phase, d.kind, d.reason) == (
        "multiple_accounts", "epso", "application", "exclusion", "second account found (C1)")
    assert d.published_at == frozen.now() or d.published_at.replace(tzinfo=UTC) == frozen.now()
    assert stages.last_exclusion(session, a).id == d.id
    with pytest.raises(CompetitionError, match="is excluded, not active"):
        stages.exclude(session, a, ground="cheating", author="board", actor="x",
                       published_at=frozen.now(), reason="again")


def test_c16_history_shows_every_step_with_its_decision(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    [a] = f.through_reserve_list(session, notice, frozen, [150])
    steps = [(e.phase, e.status, e.decision.kind, e.decision.phase, e.decision.author.value, e.actor)
             for e in stages.history(session, a)]
    assert steps == [
        ("eligibility", Status.ACTIVE, "admitted", "application", "epso", f.ACTOR),
        ("screener", Status.ACTIVE, "admitted", "eligibility", "board", f.ACTOR),
        ("assessment", Status.ACTIVE, "invited", "screener", "board", f.ACTOR),
        ("document-check", Status.ACTIVE, "admitted", "assessment", "board", f.ACTOR),
        ("reserve-list", Status.ACTIVE, "admitted", "document-check", "board", f.ACTOR),
        ("reserve-list", Status.RESERVE_LIST, "listed", "reserve-list", "board", f.ACTOR),
    ]
    assert {e.decision.notice_version_id for e in stages.history(session, a)} == {notice.current.id}


def test_c16_phases_close_in_order_and_once(session, frozen):
    notice = f.publish(session, only_fields=("1",))
    f.apply(session, notice)
    f.after_deadline(frozen, notice)
    with pytest.raises(CompetitionError, match="field 1: close phase application first"):
        f.close(session, notice, "eligibility")
    f.close(session, notice, "application")
    with pytest.raises(CompetitionError, match="field 1: phase application is closed already"):
        f.close(session, notice, "application")
    with pytest.raises(CompetitionError, match="has no phase 'interview'"):
        f.close(session, notice, "interview")
