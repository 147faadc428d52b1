"""D6 decisions (extend, suspend/resume, restart) and recomputation after a calendar change."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from casework.deadlines import (
    CalendarYear,
    DeadlineSpec,
    Decision,
    DecisionError,
    compute,
    depends_on,
    recompute,
)

from .oracle import d

UTC = dt.UTC


def spec(rule: str, event: str) -> DeadlineSpec:
    return DeadlineSpec.for_rule(rule, d(event))


# -- D6 decisions -----------------------------------------------------------------
def test_d6_extend_by_period_keeps_history():
    # D8: access-confirmatory-reply 15wd from Mon 5 May 2025 -> Tue 27 May; extended by 15wd.
    s = spec("access-confirmatory-reply", "2025-05-05")
    assert compute(s).last_day == d("2025-05-27")
    s = s.with_decision(Decision.extend_by("15wd", "complex request, Art 8(2)", ref="DEC-1"))
    r = compute(s)
    # 28 May, 2, 3, 4, 5, 6, 10, 11, 12, 13, 16, 17, 18, 19, 20 Jun (29/30 May, 9 Jun holidays).
    assert r.last_day == d("2025-06-20")
    [entry] = r.trace.decisions
    assert entry["ref"] == "DEC-1" and entry["applied"] and entry["last_day_after"] == "2025-06-20"
    assert entry["reason"] == "complex request, Art 8(2)"


def test_d6_extend_to_a_date_and_not_backwards():
    s = spec("review", "2025-05-02").with_decision(Decision.extend_to(d("2025-05-20"), "force majeure"))
    assert compute(s).last_day == d("2025-05-20")
    s = spec("review", "2025-05-02").with_decision(Decision.extend_to(d("2025-05-10"), "typo"))
    r = compute(s)
    assert r.last_day == d("2025-05-12")
    assert r.trace.decisions[0]["applied"] is False


def test_d6_suspend_and_resume_calendar_days():
    # review: 2 May -> 12 May. Stopped from 8 May (8..12 = 5 days remain), resumed on 20 May:
    # 20, 21, 22, 23, 24 -> Saturday 24 May, the date to act by (D5: the notice's limit does not
    # roll forward); Monday 26 May is the outer limit.
    s = spec("review", "2025-05-02").with_decision(Decision.suspend(d("2025-05-08"), "awaiting file", "S1"))
    r = compute(s)
    assert r.suspended and r.last_day is None and r.deadline is None
    s = s.with_decision(Decision.resume(d("2025-05-20"), "file received", "S2"))
    r = compute(s)
    assert (r.last_day, r.act_by, r.outer_limit) == (d("2025-05-24"), d("2025-05-24"), d("2025-05-26"))
    assert r.last_day.weekday() == 5
    assert [e["kind"] for e in r.trace.decisions] == ["suspend", "resume"]


def test_d6_suspend_and_resume_same_day_changes_nothing():
    s = spec("review", "2025-05-02")
    s2 = s.with_decision(Decision.suspend(d("2025-05-08"), "x")).with_decision(Decision.resume(d("2025-05-08"), "y"))
    assert compute(s2).last_day == compute(s).last_day


def test_d6_suspend_working_day_rule_keeps_working_days():
    # review-ack 15wd from 10 Apr 2025 -> 7 May. Stop from Mon 5 May (5, 6, 7 remain = 3wd),
    # resume Mon 12 May: 12, 13, 14 May.
    s = spec("review-ack", "2025-04-10")
    s = s.with_decision(Decision.suspend(d("2025-05-05"), "x")).with_decision(Decision.resume(d("2025-05-12"), "y"))
    assert compute(s).last_day == d("2025-05-14")


def test_d6_suspension_after_expiry_is_recorded_not_applied():
    s = spec("review", "2025-05-02").with_decision(Decision.suspend(d("2025-05-20"), "late"))
    r = compute(s)
    assert r.last_day == d("2025-05-12")
    assert r.trace.decisions[0]["applied"] is False


def test_d7_express_rejection_before_expiry_restarts_court_period():
    implied = compute(spec("art90-reply", "2025-01-10")).last_day  # 12 May 2025
    court = spec("court-action", implied.isoformat())
    assert compute(court).last_day == d("2025-08-22")
    # Express rejection notified 1 July 2025 (before 22 Aug): 1 Oct + 10 days = 11 Oct (Sat) -> Mon 13 Oct.
    r = compute(court.with_decision(Decision.restart(d("2025-07-01"), "express rejection notified")))
    assert r.last_day == d("2025-10-13")
    # After expiry it does not reopen the period.
    r = compute(court.with_decision(Decision.restart(d("2025-09-01"), "express rejection notified")))
    assert r.last_day == d("2025-08-22")
    assert "already expired" in r.trace.decisions[0]["effect"]


@pytest.mark.parametrize("kwargs", [
    {"kind": "extend_by", "reason": "r"},
    {"kind": "extend_by", "reason": "r", "period": "-5wd"},
    {"kind": "suspend", "reason": "r"},
    {"kind": "suspend", "reason": "", "on": "2025-01-01"},
    {"kind": "postpone", "reason": "r", "on": "2025-01-01"},
    {"kind": "resume", "reason": "r", "on": "2025-02-30"},
])
def test_d6_invalid_decisions_are_rejected(kwargs):
    with pytest.raises(DecisionError):
        Decision(**kwargs)


def test_d6_spec_with_decisions_round_trips():
    s = (spec("review", "2025-05-02")
         .with_decision(Decision.suspend(d("2025-05-08"), "x", "S1"))
         .with_decision(Decision.resume(d("2025-05-20"), "y", "S2"))
         .with_decision(Decision.extend_by("5cd", "z")))
    again = DeadlineSpec.from_dict(json.loads(json.dumps(s.to_dict())))
    assert again == s
    assert compute(again).last_day == compute(s).last_day


def test_d6_lateness_is_computed_not_refused():
    # act by Monday 21 Apr 2025 24:00 Brussels = 22:00Z; outer limit Tuesday 22 Apr 24:00 = 22:00Z
    r = compute(spec("review", "2025-04-11"))
    assert r.lateness(dt.datetime(2025, 4, 21, 21, 59, tzinfo=UTC)) < dt.timedelta(0)
    assert r.lateness(dt.datetime(2025, 4, 22, 9, 0, tzinfo=UTC)) == dt.timedelta(hours=11)
    assert r.outer_limit_deadline == dt.datetime(2025, 4, 22, 22, 0, tzinfo=UTC)


# -- recomputation -----------------------------------------------------------------
def test_recompute_reports_only_deadlines_that_change(calendars):
    # An administrator adds 6 May 2026 as a holiday to the Brussels 2026 list.
    year = calendars["brussels"].year(2026)
    data = {**year.to_dict(), "status": "confirmed"}
    data["holidays"] = [*data["holidays"], {"date": "2026-05-06", "name": "Extra closure (test)"}]
    new = calendars.with_year(CalendarYear.from_dict(data))
    records = [
        ("ends-on-it", spec("review", "2026-04-26")),  # 6 May 2026 -> now 7 May
        ("wd-over-it", spec("review-ack", "2026-04-27")),  # 15wd across 6 May -> one day later
        ("before-it", spec("review", "2026-04-01")),  # ends 13 Apr: unaffected
        ("other-year", spec("review", "2025-04-11")),
        ("court", DeadlineSpec.for_rule("court-action", d("2026-02-20")).to_dict()),  # court calendar
    ]
    changes = {c.id: c for c in recompute(records, calendars, new)}
    assert set(changes) == {"ends-on-it", "wd-over-it"}
    c = changes["ends-on-it"]
    # the candidate's date stays Wednesday 6 May (no roll-forward, D5); its outer limit moves (D6)
    assert (c.old.act_by, c.new.act_by) == (d("2026-05-06"), d("2026-05-06"))
    assert (c.old.outer_limit, c.new.outer_limit) == (d("2026-05-06"), d("2026-05-07"))
    assert c.new.trace.calendars[("brussels", 2026)].status == "confirmed"


def test_recompute_with_no_calendar_change_yields_nothing(calendars):
    assert list(recompute([("a", spec("review", "2026-04-26"))], calendars, calendars)) == []


def test_depends_on_uses_the_trace_also_in_stored_form():
    r = compute(spec("review-ack", "2025-12-15"))  # runs into January 2026
    assert r.depends_on("brussels", 2025) and r.depends_on("brussels", 2026)
    assert not r.depends_on("brussels", 2027) and not r.depends_on("court", 2025)
    stored = json.loads(json.dumps(r.to_dict()))
    assert depends_on(stored, "brussels", 2026) and not depends_on(stored, "court", 2026)


def test_d5_calendar_day_rule_without_roll_its_date_depends_on_no_calendar_only_its_outer_limit(calendars):
    # 10cd from Fri 11 Apr 2025 end on Monday 21 Apr; a calendar without Easter Monday changes
    # only the outer limit (22 -> 21 Apr), never the date to act by
    s = DeadlineSpec.for_period("10cd", d("2025-04-11"), roll_forward=False, art_3_5=False)
    year = {**calendars["brussels"].year(2025).to_dict()}
    year["holidays"] = [h for h in year["holidays"] if h["name"] != "Easter Monday"]
    without = calendars.with_year(CalendarYear.from_dict(year))
    before, after = compute(s, calendars), compute(s, without)
    assert before.last_day == after.last_day == d("2025-04-21")
    assert (before.outer_limit, after.outer_limit) == (d("2025-04-22"), d("2025-04-21"))


def test_recompute_reports_an_error_that_a_loaded_year_resolves(calendars):
    s = DeadlineSpec.for_period("5wd", d("2050-12-28"))
    new = calendars.with_year(CalendarYear("brussels", 2051, ()))
    [change] = recompute([(1, s)], calendars, new)
    assert isinstance(change.old, Exception)
    # 29-30 Dec closed, 31 Dec and 1 Jan weekend, the 2051 list is empty: 2, 3, 4, 5, 6 Jan.
    assert change.new.last_day == d("2051-01-06")
