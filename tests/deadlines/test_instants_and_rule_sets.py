"""D4 instants and time zones; D9 rule sets, overrides and the registry."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from casework.deadlines import (
    DeadlineError,
    DeadlineSpec,
    RuleSet,
    UnknownRuleError,
    UnknownRuleSetError,
    add_period,
    compute,
    compute_rule,
    deadline_instant,
    get_rule_set,
)

from .oracle import d

UTC = dt.UTC


# -- D4 ---------------------------------------------------------------------------
def test_d4_end_of_day_is_23h_utc_in_winter_and_22h_utc_in_summer():
    assert deadline_instant(d("2025-01-15")) == dt.datetime(2025, 1, 15, 23, 0, tzinfo=UTC)
    assert deadline_instant(d("2025-07-15")) == dt.datetime(2025, 7, 15, 22, 0, tzinfo=UTC)


def test_d4_end_of_day_on_dst_change_days():
    # Summer time starts on 30 Mar 2025: the next midnight is already CEST.
    assert deadline_instant(d("2025-03-29")) == dt.datetime(2025, 3, 29, 23, 0, tzinfo=UTC)
    assert deadline_instant(d("2025-03-30")) == dt.datetime(2025, 3, 30, 22, 0, tzinfo=UTC)
    # Summer time ends on 26 Oct 2025.
    assert deadline_instant(d("2025-10-25")) == dt.datetime(2025, 10, 25, 22, 0, tzinfo=UTC)
    assert deadline_instant(d("2025-10-26")) == dt.datetime(2025, 10, 26, 23, 0, tzinfo=UTC)


def test_d4_time_of_day_noon_brussels():
    # AD/398/22 application deadline: 22 March 2022, 12:00 Brussels (CET) = 11:00Z.
    assert deadline_instant(d("2022-03-22"), dt.time(12)) == dt.datetime(2022, 3, 22, 11, 0, tzinfo=UTC)
    assert deadline_instant(d("2022-07-22"), dt.time(12)) == dt.datetime(2022, 7, 22, 10, 0, tzinfo=UTC)


def test_d4_result_instant_is_aware_utc_and_trace_shows_brussels_time():
    r = compute_rule("review", d("2025-04-11"))      # act by Monday 21 April 2025, 24:00 Brussels
    assert r.deadline == r.act_by_deadline == dt.datetime(2025, 4, 21, 22, 0, tzinfo=UTC)
    assert r.deadline.utcoffset() == dt.timedelta(0)
    assert r.to_dict()["deadline_brussels"] == "2025-04-22T00:00:00+02:00"
    assert r.to_dict()["outer_limit_utc"] == "2025-04-22T22:00:00+00:00"


def test_d4_event_instant_is_read_as_a_brussels_day():
    # 2 May 2025 22:30Z is 3 May 00:30 in Brussels: the event day is 3 May, not 2 May.
    r = add_period("10cd", dt.datetime(2025, 5, 2, 22, 30, tzinfo=UTC), roll_forward=False)
    assert r.trace.event == d("2025-05-03")
    assert r.last_day == d("2025-05-13")
    r = add_period("10cd", dt.datetime(2025, 5, 2, 21, 30, tzinfo=UTC), roll_forward=False)
    assert r.last_day == d("2025-05-12")


def test_d4_naive_event_instant_is_rejected():
    with pytest.raises(DeadlineError, match="time zone"):
        add_period("10cd", dt.datetime(2025, 5, 2, 12, 0))


def test_d4_rule_with_time_of_day_from_override():
    rules = RuleSet.from_dict({"base": "2022", "version": "t1",
                               "overrides": {"review": {"time_of_day": "12:00"}}})
    r = compute_rule("review", d("2025-05-02"), rules)
    assert r.deadline == dt.datetime(2025, 5, 12, 10, 0, tzinfo=UTC)


# -- D9 rule sets ---------------------------------------------------------------
def test_d9_override_mechanism_for_a_notice():
    rules = RuleSet.from_dict({
        "name": "EPSO/AD/402/23", "base": "2022", "version": "C/2024/3223",
        "overrides": {"neutralisation": {"period": "5cd"},
                      "technical-issue": {"period": "3cd", "roll_forward": False,
                                          "source": "Notice EPSO/AD/402/23 7.1 as amended by C/2024/3223"}},
    })
    assert rules.rule("neutralisation").period.count == 5
    assert rules.rule("neutralisation").source == get_rule_set("2022").rule("neutralisation").source
    assert rules.rule("technical-issue").roll_forward is False
    assert rules.rule("review") == get_rule_set("2022").rule("review")
    # Test on Wed 2 Oct 2024: 3cd -> Sat 5 Oct, not rolled under this notice (Thu 3 and
    # Fri 4 are two working days, so Art 3(5) does not extend it either).
    r = compute_rule("technical-issue", d("2024-10-02"), rules)
    assert r.last_day == d("2024-10-05")
    assert not r.trace.roll_forward_applied and not r.trace.art_3_5_applied
    assert r.spec.rule_set == "EPSO/AD/402/23" and r.spec.rule_set_version == "C/2024/3223"


def test_d9_override_can_add_a_rule_and_switch_off_art_3_5():
    rules = RuleSet.from_dict({"base": "2015", "version": "x", "overrides": {
        "technical-issue": {"period": "3cd", "source": "notice 4.1", "art_3_5": False, "roll_forward": False}}})
    assert compute_rule("technical-issue", d("2024-10-02"), rules).last_day == d("2024-10-05")
    assert rules.name == "x"  # a set without a name is known by its version


def test_d9_rule_set_round_trips_self_contained():
    rules = RuleSet.from_dict({"base": "2022", "version": "v", "overrides": {"neutralisation": {"period": "5cd"}}})
    data = json.loads(json.dumps(rules.to_dict()))
    again = RuleSet.from_dict(data, resolve=lambda name: pytest.fail("must not need the base"))
    assert again == rules


@pytest.mark.parametrize("data,error", [
    ({"base": "2022"}, DeadlineError),  # no version
    ({"base": "1999", "version": "v"}, UnknownRuleSetError),
    ({"base": "2022", "version": "v", "overrides": {"new-rule": {"period": "3cd"}}}, DeadlineError),
    ({"base": "2022", "version": "v", "overrides": {"review": {"colour": "red"}}}, DeadlineError),
    ({"base": "2022", "version": "v", "overrides": {"review": {"period": "3q"}}}, DeadlineError),
    ({"base": "2022", "version": "v", "overrides": {"review": {"time_of_day": "noon"}}}, DeadlineError),
])
def test_d9_bad_rule_set_data_is_rejected(data, error):
    with pytest.raises(error):
        RuleSet.from_dict(data)


def test_d9_registry_and_unknown_names():
    assert get_rule_set("2022").version == "2022-02-17"
    with pytest.raises(UnknownRuleSetError):
        get_rule_set("EPSO/AD/398/22")
    with pytest.raises(UnknownRuleError):
        get_rule_set("2015").rule("technical-issue")  # the 2015 rules give no number of days


NOTICE_LIMITS = {"neutralisation", "technical-issue", "review", "info-request"}     # P1, P2, P3, P5
EPSO_ACTS = {"review-ack", "art90-reply", "access-initial", "access-initial-extended",
             "access-confirmatory-reply", "access-confirmatory-reply-extended"}


def test_d5_statutory_rules_roll_forward_and_notice_limits_do_not():
    for name in ("2022", "2015"):
        for rule in get_rule_set(name).rules.values():
            assert rule.source
            rolls = rule.roll_forward and rule.art_3_5
            if rule.period.backward or rule.name in NOTICE_LIMITS:
                assert not rule.roll_forward and not rule.art_3_5, rule.name
            else:       # Art 90, 91, the court and Reg 1049/2001: Art 3(4)-(5) as they stand
                assert rolls, rule.name
            assert rule.audience == ("administration" if rule.name in EPSO_ACTS else "candidate"), rule.name


# -- spec serialisation ----------------------------------------------------------
def test_spec_round_trips_through_json():
    spec = DeadlineSpec.for_rule("court-action", dt.datetime(2025, 5, 2, 22, 30, tzinfo=UTC))
    again = DeadlineSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    assert compute(again).outcome() == compute(spec).outcome()


def test_result_to_dict_is_json_serialisable_and_complete():
    out = json.loads(json.dumps(compute_rule("review-ack", d("2025-04-10")).to_dict()))
    for key in ("event", "rule", "first_day", "raw_last_day", "last_day", "deadline_utc", "skipped",
                "calendars", "roll_forward_applied", "art_3_5_applied", "decisions", "steps", "spec"):
        assert key in out
    assert out["rule"]["source"].startswith("Notice Annex II 4.2.2")
    assert {"date": "2025-04-21", "weekday": "Monday", "reason": "Easter Monday",
            "why": "not a working day, not counted (D2)"} in out["skipped"]
    assert out["calendars"] == [{"place": "brussels", "year": 2025, "status": "confirmed",
                                 "source": "Commission public holidays 2025 for staff in Brussels (RULES D2)"}]


def test_d4_an_instant_written_with_z_is_utc_and_counts_on_its_brussels_day():
    from casework.deadlines import local_date, parse_when
    late = parse_when("2025-05-02T23:30:00Z")             # 01:30 on 3 May in Brussels (summer time)
    assert late == dt.datetime(2025, 5, 2, 23, 30, tzinfo=dt.UTC)
    assert local_date(late) == dt.date(2025, 5, 3)
    assert parse_when("2025-05-02") == dt.date(2025, 5, 2)
