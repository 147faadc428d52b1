"""The data each step takes (steps.EFFECT_DATA, TYPE_DATA) is what its effect reads, and apply()
refuses anything else: a misspelt step, an unknown key, a key naming one of its own parameters,
text with control characters — before anything is written."""
from __future__ import annotations

import ast
import inspect

import pytest

from casework.auth.models import Role
from casework.cases.models import CaseType
from casework.workflows import InvalidTransition, apply, effects, timelimits
from casework.workflows.engine import check_step
from casework.workflows.machines import STEPS
from casework.workflows.steps import EFFECT_DATA, RESERVED, TYPE_DATA, InvalidData, parameters

from . import people

READERS = {"need", "listed"}        # run.need("key"), run.listed("key")


def _reads(module) -> dict[str, tuple[set[str], set[str]]]:
    """Per function of ``module``: the data keys it reads itself, and the functions of the module it calls."""
    found = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        keys, calls = set(), set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                func = sub.func
                literal = sub.args[0].value if sub.args and isinstance(sub.args[0], ast.Constant) else None
                if isinstance(func, ast.Attribute) and func.attr in READERS and literal:
                    keys.add(literal)
                if (isinstance(func, ast.Attribute) and func.attr == "get" and isinstance(func.value, ast.Attribute)
                        and func.value.attr == "data" and literal):
                    keys.add(literal)
                if isinstance(func, ast.Name):
                    calls.add(func.id)
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "timelimits":
                    calls.add(f"timelimits.{func.attr}")
            if (isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Attribute) and sub.value.attr == "data"
                    and isinstance(sub.slice, ast.Constant)):
                keys.add(sub.slice.value)
        found[node.name] = (keys, calls)
    return found


def _what_effects_read() -> dict[str, set[str]]:
    graph = _reads(effects)
    graph.update({f"timelimits.{name}": reads for name, reads in _reads(timelimits).items()})
    graph["timelimits.clock_decision"][0].update(  # it reads a plain dict: data.get("kind") and so on
        key for key in ("kind", "reason", "on", "period", "ref")
        if f'data.get("{key}"' in inspect.getsource(timelimits.clock_decision))

    def closure(name: str, seen: set[str]) -> set[str]:
        keys, calls = graph.get(name, (set(), set()))
        out = set(keys)
        for callee in calls - seen:
            if callee in graph:
                out |= closure(callee, seen | {callee})
        return out
    return {name: closure(name, {name}) for name in graph}


def test_every_key_an_effect_reads_is_declared_and_every_declared_key_is_read():
    reads = _what_effects_read()
    by_effect: dict[str, set[str]] = {}
    for case_type, steps in STEPS.items():
        for st in steps:
            if st.effect is not None:
                by_effect.setdefault(st.effect.__name__, set()).update(parameters(case_type, st))
    for name, declared in by_effect.items():
        assert reads[name] <= declared, f"{name} reads {sorted(reads[name] - declared)} that no step declares"
    for name, keys in EFFECT_DATA.items():
        assert set(keys) <= reads[name], f"{name} is declared to take {sorted(set(keys) - reads[name])}"
    for (_, name), keys in TYPE_DATA.items():
        assert set(keys) <= reads[name]
    assert not set(RESERVED) & {key for keys in by_effect.values() for key in keys}


def test_parameters_of_some_steps():
    review = {st.trigger: st for st in STEPS[CaseType.REVIEW]}
    assert parameters(CaseType.REVIEW, review["decide"]) == ("excuse", "ground", "outcome", "preparatory_steps",
                                                             "reason")
    assert "questions" in parameters(CaseType.NEUTRALISATION, next(s for s in STEPS[CaseType.NEUTRALISATION]
                                                                  if s.trigger == "decide"))
    assert parameters(CaseType.REVIEW, review["acknowledge"]) == ("body", "reason")


@pytest.fixture
def documents_case(session, frozen):
    from casework.competitions import applications as apps
    from casework.workflows import file_case
    candidate = apps.register_candidate(session, email="steps@example.eu", identity_key="ID-STEPS",
                                        surname="Steps", given_names="Ann", correspondence_language="EN")
    me = people.actor(session, Role.CANDIDATE, candidate_id=candidate.id)
    case = file_case(session, me, CaseType.ACCESS_DOCUMENTS, details={"documents": "the minutes"})
    session.flush()
    return case, people.actor(session, Role.LEGAL_OFFICER)


def test_a_misspelt_step_lists_the_steps_and_those_possible_now(session, documents_case):
    case, officer = documents_case
    with pytest.raises(InvalidTransition) as refused:
        apply(session, case, "replly", officer, outcome="granted", body="x")
    message = str(refused.value)
    assert "no step 'replly' (did you mean 'reply'?)" in message
    assert "its steps: extend, reply, confirm, reply_confirmatory, implied_refusal, close, withdraw, assign" in message
    assert message.endswith(f"{officer.name} may take now: extend, reply, withdraw, assign")
    assert case.state.value == "filed"


def test_a_stranger_learns_no_more_than_the_case_type(session, documents_case):
    case, _ = documents_case
    stranger = people.actor(session, Role.CANDIDATE)
    with pytest.raises(InvalidTransition, match="may take now: none$"):
        apply(session, case, "replly", stranger)


@pytest.mark.parametrize("data, words", [
    ({"outcome": "granted", "body": "x", "bdy": "y"}, "reply takes no 'bdy' (it takes attachments, body, outcome, reason)"),
    ({"outcome": "granted", "body": "x", "trigger": "close"}, "trigger cannot be given as data"),
    ({"outcome": "granted", "body": "x", "actor": "x", "case": "y"}, "actor, case cannot be given as data"),
    ({"outcome": "granted", "body": "a\x00b"}, "body contains a control character (U+0000)"),
    ({"outcome": "granted", "body": "a\u202eb"}, "body contains a control character (U+202E)"),
])
def test_data_the_step_does_not_take_is_refused_and_nothing_changes(session, documents_case, data, words):
    case, officer = documents_case
    version = case.version
    with pytest.raises(InvalidData) as refused:
        apply(session, case, "reply", officer, **data)
    assert words in str(refused.value)
    assert (case.state.value, case.version) == ("filed", version)


def test_a_form_that_names_expected_version_is_refused_before_apply(session, documents_case):
    case, officer = documents_case
    with pytest.raises(InvalidData, match="expected_version cannot be given as data"):
        check_step(session, case, "reply", officer, {"outcome": "granted", "body": "x", "expected_version": "3"})


def test_line_breaks_are_text_and_check_step_needs_no_write(session, documents_case):
    case, officer = documents_case
    assert check_step(session, case, "reply", officer, {"outcome": "granted", "body": "Dear\n\tcandidate"}).trigger == "reply"
    apply(session, case, "reply", officer, outcome="granted", body="Dear candidate,\r\nthe minutes are attached.")
    assert case.state.value == "replied"
