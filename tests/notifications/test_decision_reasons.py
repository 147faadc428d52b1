"""What a candidate is told about a competition decision (R2) comes from the letter template of the
candidate's language (C4) filled with the decision's columns and its basis, never from its English
``reason`` (casework.notifications.decisions, templates/letters/<LANG>/decision-reasons.txt).

- every basis key the competition code can write (read from the code that builds bases) is put in
  words or deliberately not said, so a new key without words fails here;
- every statement, condition of eligibility, C15 ground and education level has words in EN, FR, DE;
- for French and German candidates, every kind of decision the competition code writes, built with
  the real operations: the text is in their language, shows the numbers and dates of the basis, and
  holds none of the English reason."""
from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casework.competitions import applications as apps
from casework.competitions import claims, selection, stages
from casework.competitions.models import Decision
from casework.competitions.notices import amend_notice
from casework.competitions.rules import ExclusionGround
from casework.notifications.catalogue import day
from casework.notifications.decisions import (
    CLAIMS,
    CONDITIONS,
    NOT_SAID,
    SAID,
    STATEMENTS,
    decision_facts,
    decision_reasons,
    statements,
)
from casework.notifications.templates import number
from casework.workflows.vocabulary import decision_kinds
from tests.competitions import factories as f
from tests.conftest import NOTICES

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("EN", "FR", "DE")

# --- the keys the code can write into Decision.basis, read from the code that builds bases -------------

SOURCES = [*sorted((ROOT / "casework" / "competitions").rglob("*.py")),
           ROOT / "migrations" / "versions" / "0007_decision_basis.py"]
# functions whose result is (part of) a basis; more are found where a basis is assigned a call's result
BUILDERS = {"as_data", "basis", "annulment", "named_basis", "judge_eligibility", "basis_of"}


def _is_basis(target: ast.expr) -> bool:
    """A name or attribute that holds a basis (``basis``, ``cap_basis``, ``decision.basis``)."""
    name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
    return "basis" in name


def _callee(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
    return None


def _dict_keys(node: ast.AST) -> Iterator[str]:
    """The string keys of every dict literal in ``node`` (nested ones too)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Dict):
            yield from (k.value for k in inner.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found = []
        for t in node.targets:
            found += list(t.elts) if isinstance(t, ast.Tuple) else [t]
        return found
    return [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []


def written_basis(sources: list[Path] | None = None) -> tuple[set[str], set[str]]:
    """(every key, every eligibility condition) the competition code and migration 0007 write into a
    basis: the dicts given as ``basis=`` or assigned to a basis, the keys set on one
    (``basis["score"] = …``, ``basis.update(beyond_cap=…)``), everything the builders return
    (``as_data``, ``basis``, ``annulment`` …, and the migration's parsers), the details of
    ``Unmet(…)`` and the migration's module-level pieces of a basis."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sources or SOURCES}
    builders = set(BUILDERS)
    for tree in trees.values():       # a basis assigned a call's result: that function builds bases
        for node in ast.walk(tree):
            if any(_is_basis(t) for t in _targets(node)) and _callee(node.value):
                builders.add(_callee(node.value))
            if isinstance(node, ast.keyword) and node.arg == "basis" and _callee(node.value):
                builders.add(_callee(node.value))
    keys: set[str] = set()
    conditions: set[str] = set()
    for path, tree in trees.items():
        migration = path.parent.name == "versions"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and (node.name in builders
                                                      or (migration and node.name.startswith("parse_"))):
                keys |= set(_dict_keys(node))
                for inner in ast.walk(node):
                    for t in _targets(inner):
                        if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant):
                            keys.add(t.slice.value)
            elif ((isinstance(node, ast.keyword) and node.arg == "basis")
                  or (any(_is_basis(t) for t in _targets(node)) and node.value is not None)):
                keys |= set(_dict_keys(node.value))
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                for t in _targets(node):
                    if isinstance(t, ast.Subscript) and _is_basis(t.value) and isinstance(t.slice, ast.Constant):
                        keys.add(t.slice.value)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" \
                    and _is_basis(node.func.value):
                keys |= {k.arg for k in node.keywords if k.arg}
            if isinstance(node, ast.Call) and _callee(node) == "Unmet":
                if node.args and isinstance(node.args[0], ast.Constant):
                    conditions.add(node.args[0].value)
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Tuple) and len(inner.elts) == 2 \
                            and isinstance(inner.elts[0], ast.Constant) and isinstance(inner.elts[0].value, str):
                        keys.add(inner.elts[0].value)
            if isinstance(node, ast.Dict):          # {"condition": "identity-document", …} (the migration)
                for k, v in zip(node.keys, node.values):
                    if isinstance(k, ast.Constant) and k.value == "condition" and isinstance(v, ast.Constant):
                        conditions.add(v.value)
        if migration:
            for node in tree.body:                  # MIGRATED, UNPARSED
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                    keys |= set(_dict_keys(node.value))
    return keys, conditions


def test_every_basis_key_the_code_writes_is_put_in_words_or_deliberately_not():
    keys, conditions = written_basis()
    # the scanner finds what docs/competitions.md lists ("What a decision rests on")
    assert {"pass_marks_failed", "achieved", "tests_missed", "bookings_cancelled", "eligibility_failed",
            "counted_from", "unrecognised_diplomas", "invitation_cap", "beyond_cap", "final_score", "places",
            "annuls", "pass_marks_waived", "claim", "exclusion", "legacy_reason_unparsed", "migrated",
            "restated", "application_state"} <= keys
    unknown = keys - SAID - set(NOT_SAID)
    assert not unknown, f"basis keys without words: add them to casework/notifications/decisions.py and the templates: {unknown}"
    stale = (SAID | set(NOT_SAID)) - keys
    assert not stale, f"keys the code no longer writes: {stale}"
    assert conditions == set(CONDITIONS), "a condition of eligibility without words (decisions.CONDITIONS, templates)"


def test_the_scanner_sees_a_key_added_to_a_basis(tmp_path):
    """A new key in a phase's outcome, in a builder, or set on a basis is found."""
    source = tmp_path / "new.py"
    source.write_text('''
def close(self, c):
    self.out(c, "eliminated", "failed", "x", basis={"language_level": "B1", "nested": {"inner": 1}})
    basis = {}
    basis["set_later"] = 1
    basis.update(updated=True)
def as_data(self):
    return {"built": 1}
def check():
    return Unmet("nationality", detail=(("citizenship", "XX"),))
''')
    keys, conditions = written_basis([source])
    assert keys == {"language_level", "nested", "inner", "set_later", "updated", "built", "citizenship"}
    assert conditions == {"nationality"}


# --- every statement has words in each language -----------------------------------------------------------

CAP = {"phase": "assessment", "ranking": "screener", "cap": 213, "ties": True, "cutoff": "10"}
SAMPLES: dict[str, dict[str, Any]] = {
    "not-validated": {"application_state": "draft", "deadline": "2022-03-22T12:00:00+01:00"},
    "eligibility": {"as_at": "2022-03-22", "eligibility_failed": []},
    "unmet": {"as_at": "2022-03-22", "eligibility_failed": [
        {"alternative": "a", "condition": "field-experience", "required": "36", "counted": "280/9"}]},
    "pass-mark": {"pass_marks_failed": [{"tests": ["verbal", "numerical", "abstract"], "min": "20",
                                         "eliminatory": True, "achieved": "19"}]},
    "tests-missed": {"tests_missed": ["interview"]},
    "tests-unprocessed": {"tests_unprocessed": ["competency-1"]},
    "bookings-cancelled": {"bookings_cancelled": ["interview"]},
    "cap": {"invitation_cap": CAP, "score": "8"},
    "beyond-cap": {"invitation_cap": CAP, "score": "9", "beyond_cap": True},
    "documents-unsupported": {"documents_supported": False, "final_score": "161"},
    "documents-not-checked": {"documents_checked": False, "final_score": "132", "places": 71},
    "below-reserve-cutoff": {"final_score": "18", "places": 60, "cutoff": "21"},
    "final-score": {"final_score": "170", "beyond_places": False},
    "beyond-places": {"final_score": "170", "beyond_places": True},
    "annulled": {"annuls": 7, "pass_marks_waived": [], "tests_missed_standing": []},
    "pass-mark-waived": {"annuls": 7, "pass_marks_waived": [["verbal", "numerical", "abstract"]],
                         "tests_missed_standing": []},
    "tests-missed-standing": {"annuls": 7, "pass_marks_waived": [], "tests_missed_standing": ["interview"]},
    "claim-refused": {"claim": "force-majeure", "accepted": False, "exclusion": 7, "tests_missed": ["interview"]},
    "legacy": {"legacy_reason_unparsed": True, "migrated": "0007"},
    "unknown": {"language_level_found": "B1"},
}
CONDITION_SAMPLES = {
    "identity-document": {"condition": "identity-document", "required": "2024-07-09", "counted": "2024-07-01"},
    "education": {"alternative": "b", "condition": "education", "min_education": "degree-3y", "subject": "ict",
                  "unrecognised_diplomas": 2},
    "experience": {"alternative": "a", "condition": "experience", "required": "72", "counted": "65",
                   "counted_from": "2016-09-01", "as_at": "2022-03-22"},
    "field-experience": {"alternative": "b", "condition": "field-experience", "required": "48", "counted": "47.5"},
}
RELATED = {"7": {"kind": "failed", "stage": "assessment", "stage_kind": "tests", "published_on": "2022-10-05"}}


def _plain(basis: dict[str, Any], **columns: Any) -> dict[str, Any]:
    return {"kind": "failed", "author": "board", "stage": "assessment", "stage_kind": "tests",
            "published_on": "2022-10-05", "basis": basis, "related": RELATED,
            "stage_kinds": {"assessment": "tests", "screener": "screener"},
            "reason": "THE ENGLISH REASON TEXT", **columns}


def generic(language: str) -> str:
    """The sentence for what has no words, in ``language``."""
    return decision_reasons(_plain(SAMPLES["unknown"]), language).text.split("\n- ")[-1]


def _numbers(value: Any) -> Iterator[str]:
    """The numbers of a basis (not the ids of the decisions it refers to, not dates)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("annuls", "exclusion", "as_at", "counted_from", "deadline", *NOT_SAID) and not (
                    k in ("required", "counted") and value.get("condition") == "identity-document") and not (
                    k == "unrecognised_diplomas" and not v):
                yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, int | str) and not isinstance(value, bool) and re.fullmatch(r"\d+(\.\d+)?(/\d+)?",
                                                                                       str(value)):
        yield str(value)


def _shows(text: str, value: str, language: str, others: list[str]) -> bool:
    return number(value, language) in text or number(value, language, *others) in text


def test_the_statements_are_those_of_the_template():
    assert set(SAMPLES) == set(STATEMENTS)
    for key, basis in SAMPLES.items():
        assert key in [s["key"] for s in statements(_plain(basis))], key
    assert set(CONDITION_SAMPLES) == set(CONDITIONS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", [k for k in STATEMENTS if k != "unknown"])
def test_every_statement_has_words_in_each_language(key, language):
    text = decision_reasons(_plain(SAMPLES[key]), language).text
    assert generic(language) not in text, (key, language)
    assert "THE ENGLISH REASON" not in text and "None" not in text and "{" not in text and "_" not in text
    numbers = list(_numbers(SAMPLES[key]))
    for value in numbers:
        assert _shows(text, value, language, numbers), (value, text)
    if language != "EN":
        assert text != decision_reasons(_plain(SAMPLES[key]), "EN").text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_condition_of_eligibility_is_said_with_its_numbers(condition, language):
    entry = CONDITION_SAMPLES[condition]
    text = decision_reasons(_plain({"as_at": "2022-03-22", "eligibility_failed": [entry]}, kind="excluded",
                                   ground="specific_eligibility"), language).text
    assert generic(language) not in text
    numbers = list(_numbers(entry))
    for value in numbers:
        assert _shows(text, value, language, numbers), (value, text)
    for key in ("required", "counted", "counted_from", "as_at"):
        if re.fullmatch(r"\d{4}-\d\d-\d\d", str(entry.get(key, ""))):
            assert (entry[key] if language == "EN" else day(entry[key], language)) in text, (key, text)
    if entry.get("alternative"):
        assert f"{entry['alternative']})" in text
    assert "degree-3y" not in text          # the level in words (notice data: the demo notices' levels)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_education_level_of_the_notices_has_words(language):
    levels = {level for path in NOTICES.glob("*.json")
              for level in json.loads(path.read_text(encoding="utf-8")).get("education_levels", [])}
    for level in levels:
        entry = {**CONDITION_SAMPLES["education"], "min_education": level}
        text = decision_reasons(_plain({"as_at": "2022-03-22", "eligibility_failed": [entry]}), language).text
        assert level not in text, (level, text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("ground", [g.value for g in ExclusionGround])
def test_every_c15_ground_has_words_in_each_language(ground, language):
    text = decision_reasons(_plain({}, kind="exclusion", ground=ground), language).text
    assert generic(language) not in text and f" {ground}." not in text, text       # words, not the code
    if language != "EN":
        assert text != decision_reasons(_plain({}, kind="exclusion", ground=ground), "EN").text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_claims_an_exclusion_admits_have_words(language):
    for claim in CLAIMS:
        text = decision_reasons(_plain({"tests_missed": ["interview"]}, kind="excluded", admits=claim,
                                       ground="no_booking_or_absence"), language).text
        assert generic(language) not in text and claim not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("basis", [
    {"language_level_found": "B1"},                                                       # a new key
    {"as_at": "2022-03-22", "eligibility_failed": [{"condition": "nationality", "required": "EU"}]},
    {"pass_marks_failed": [{"tests": ["verbal"], "min": "10", "achieved": "9", "weighting": "2"}]},
    {"claim": "illness", "accepted": False, "exclusion": 7},
], ids=["new-key", "new-condition", "new-detail", "new-claim"])
def test_what_has_no_words_gets_the_generic_sentence_never_the_reason_or_the_raw_data(basis, language):
    text = decision_reasons(_plain(basis, ground="no_such_ground", admits="no-such-claim"), language).text
    assert text.count(generic(language)) == 3             # the basis, the ground, the claim admitted
    for raw in ("THE ENGLISH REASON", "language_level", "nationality", "weighting", "illness", "no_such", "B1"):
        assert raw not in text, raw


def test_a_language_without_its_template_gets_english_and_numbers_as_english_writes_them():
    basis = {"as_at": "2022-03-22", "eligibility_failed": [CONDITION_SAMPLES["field-experience"]]}
    pl = decision_reasons(_plain(basis), "PL")
    assert pl.language == "EN" and pl == decision_reasons(_plain(basis), None)
    assert "47.5 months; 48 months are required" in pl.text
    assert "47,5 mois ; 48 mois sont requis" in decision_reasons(_plain(basis), "FR").text
    assert "47,5 Monate; erforderlich sind 48 Monate" in decision_reasons(_plain(basis), "DE").text


def test_a_mark_just_below_its_pass_mark_is_never_shown_equal_to_it():
    basis = {"pass_marks_failed": [{"tests": ["verbal"], "min": "20", "eliminatory": False, "achieved": "19.996"}]}
    assert "verbal was 19.996; the pass mark is 20." in decision_reasons(_plain(basis), "EN").text
    assert "était de 19,996 ; le seuil de réussite est de 20." in decision_reasons(_plain(basis), "FR").text
    restated = {"pass_marks_failed": [{"tests": ["verbal", "abstract"], "min": "15"}], "restated": True}
    assert "Sie haben die Mindestpunktzahl von 15 in den Tests verbal + abstract nicht erreicht." in (
        decision_reasons(_plain(restated), "DE").text)


# --- every kind of decision, built with the real operations, for French and German candidates -----------

def _ad398(session, frozen) -> None:
    """AD/398/22 field 1 (2 places) from the application to the reserve list: every outcome of the phases,
    a reinstatement, a refused force-majeure claim, a withdrawal and a manual exclusion."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    f.apply(session, notice, validate=False)                                             # not-validated
    f.apply(session, notice, profile=f.profile(subjects=["law"]))                         # education
    f.apply(session, notice, profile=f.profile("degree-4y", "2019-06-30", f.job("2019-09-01")))   # experience
    f.apply(session, notice, profile=f.profile(identity_document_valid_until="2022-01-31"))      # general
    people = [f.apply(session, notice) for _ in range(9)]
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    for a, total in zip(people, (40, 39, 38, 37, 36, 35, 35, 20, 18)):    # cap 6, the tie at 35 invited (C7)
        f.screener(session, a, total)
    f.close(session, notice, "screener")
    unsupported, listed, withdrawn, unchecked, eliminated, absent, interview, _, beyond = people
    for a, final in ((unsupported, 150), (listed, 140), (withdrawn, 130), (unchecked, 120)):
        f.assessment(session, a, competencies=final - 70, interview=70)
    f.marks(session, eliminated, verbal=9, numerical=5, abstract=5, competency_1=6)        # C10
    f.marks(session, absent, verbal=14, numerical=7, abstract=7, competencies=60)          # no interview (C15)
    f.assessment(session, interview, interview=49)
    f.close(session, notice, "assessment")
    f.refresh(session, *people)
    frozen.set(datetime(2022, 10, 20, 9, tzinfo=UTC))
    for a in (eliminated, beyond):                                        # R3: requests for review upheld
        selection.reinstate(session, a, author="board", actor="legal-team", published_at=frozen.now(),
                            reason="request for review upheld", source="P3/2022/0099")
    claims.decide_force_majeure(session, absent, accepted=False, actor="epso-officer", published_at=frozen.now(),
                                reason="no evidence of the illness was produced")
    unsupported.documents_supported, listed.documents_supported, withdrawn.documents_supported = False, True, True
    session.flush()
    frozen.set(datetime(2022, 11, 16, 9, tzinfo=UTC))
    f.close(session, notice, "document-check", "reserve-list")
    f.refresh(session, *people)
    apps.withdraw(session, withdrawn, actor="candidate")
    stages.exclude(session, eliminated, ground="multiple_accounts", author="epso", actor="epso-officer",
                   published_at=frozen.now(), reason="a second account held by the same person (C1)")


def _ad402(session, frozen) -> None:
    """AD/402/23 field 1 (2 places), amended: applications reopened, one not revalidated, a strict cap
    (C7), a reserve list with a cut-off (C12)."""
    frozen.set(datetime(2023, 7, 1, 9, tzinfo=UTC))
    notice = f.publish(session, f.AD402, only_fields=("1",), places={"1": 2})
    people = [f.apply(session, notice, language_1="DE", language_2="FR", levels=f.levels(DE="C2", FR="B2"),
                      profile=f.profile("degree-3y", "2020-06-30")) for _ in range(5)]
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    frozen.set(datetime(2024, 5, 28, 10, tzinfo=UTC))
    amend_notice(session, f.document(f.AD402_AMENDMENT, only_fields=("1",), places={"1": 2}), actor=f.ACTOR,
                 reason="C/2024/3223", published_on=date(2024, 5, 28), reopens_applications=True,
                 cancelled_tests=("numerical", "verbal", "abstract", "field-mcq"))
    f.refresh(session, *people)
    frozen.set(datetime(2024, 7, 1, 9, tzinfo=UTC))
    for a in people[:4]:
        apps.validate_application(session, a, actor=f.ACTOR)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    for a, mcq in zip(people[:4], (25, 22, 21, 20)):
        f.marks(session, a, numerical=8, verbal=12, abstract=7, field_mcq=mcq)
    f.close(session, notice, "tests")                                   # cap 3, strict: 20 not invited
    for a, written in zip(people[:3], (7, 6, 8)):
        f.marks(session, a, written=written)
    f.close(session, notice, "marking-eligibility", "reserve-list")     # 2 places: 21 below the cut-off


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)]


def _codes(decision: Decision) -> set[str]:
    """The codes a text may show as they are (notice data: stages, tests, subjects)."""
    found = set(_words(decision.phase))

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            found.update(_words(value))
    walk(decision.basis)
    return found


ENGLISH = {"the", "your", "you", "not", "was", "were", "and", "of", "by", "is", "are", "required", "mark",
           "taken", "booked", "score", "deadline", "months", "no", "below", "cut", "off", "among", "best"}


def test_french_and_german_candidates_are_told_every_kind_of_decision_in_their_language(session, frozen):
    _ad398(session, frozen)
    _ad402(session, frozen)
    decisions = list(session.scalars(select(Decision).order_by(Decision.id)))
    assert {d.kind for d in decisions} == set(decision_kinds())          # every kind the code writes
    keys, _ = written_basis()
    grounds, statements_seen = set(), set()
    for d in decisions:
        data = decision_facts(d)
        assert "reason" not in data and set(_flat_keys(d.basis)) <= keys
        english = decision_reasons(d, "EN").text
        reason_words = _words(d.reason or "")
        codes = _codes(d)
        phrases = {tuple(reason_words[i:i + 3]) for i in range(len(reason_words) - 2)
                   if not set(reason_words[i:i + 3]) & codes}
        numbers = list(_numbers(d.basis))
        statements_seen |= {s["key"] for s in statements(data)}
        grounds.add(d.ground)
        for language in ("FR", "DE"):
            told = decision_reasons(d, language)
            assert told.language == language and told.text != english
            assert told == decision_reasons(json.loads(json.dumps(data)), language)    # plain data: the same
            words = _words(told.text)
            assert not set(words) - codes & ENGLISH, (d.kind, told.text)
            sequence = " ".join(words)
            assert not [p for p in phrases if " ".join(p) in sequence], (d.kind, d.reason, told.text)
            assert generic(language) not in told.text, (d.kind, d.basis)
            for value in numbers:
                assert _shows(told.text, value, language, numbers), (d.kind, value, told.text)
            assert day(data["published_on"], language) in told.text
    assert {"not-validated", "eligibility", "unmet", "pass-mark", "tests-missed", "tests-unprocessed",
            "bookings-cancelled", "cap", "beyond-cap", "documents-unsupported", "documents-not-checked",
            "below-reserve-cutoff", "final-score", "annulled", "pass-mark-waived", "claim-refused"} <= statements_seen
    assert {"general_eligibility", "specific_eligibility", "no_booking_or_absence",
            "false_or_unsupported_declaration", "multiple_accounts"} <= grounds


def _flat_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _flat_keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _flat_keys(v)


def test_a_reinstatement_says_what_it_annulled_and_the_annulled_decision_says_so(session, frozen):
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    [a] = f.scored_through_screener(session, notice, frozen, [40])
    f.marks(session, a, verbal=9, numerical=5, abstract=5, competency_1=6)
    f.close(session, notice, "assessment")
    f.refresh(session, a)
    failed = f.last_decision(session, a)
    frozen.set(datetime(2022, 10, 20, 9, tzinfo=UTC))
    reinstatement = selection.reinstate(session, a, author="board", actor="legal-team", published_at=frozen.now(),
                                        reason="request for review upheld", source="P3/2022/0099")
    failed_on = failed.published_at.date().isoformat()
    text = decision_reasons(reinstatement, "FR").text
    assert (f"- La décision du {day(failed_on, 'FR')} (note minimale requise non atteinte ; étape : épreuves) "
            "est annulée.") in text
    assert "- Le seuil de réussite aux épreuves verbal + numerical + abstract ne vous est plus opposé" in text
    text = decision_reasons(reinstatement, "DE").text
    assert f"- Die Entscheidung vom {day(failed_on, 'DE')} (erforderliche Mindestpunktzahl nicht erreicht" in text
    assert decision_reasons(failed, "DE").text.endswith("\nDiese Entscheidung wurde inzwischen aufgehoben.")
    assert decision_reasons(failed, "EN").text.startswith(
        f"Decision: pass mark not reached (stage: tests), published in your EPSO account on {failed_on}.\n"
        "This decision was taken by the selection board.\nIt rests on the following:\n"
        "- Your total mark in verbal + numerical + abstract was 19; the pass mark is 20 and is eliminatory.\n")
    # plain data as competitions.history gives it: the stage by its code, the annulled decision by none
    plain = decision_reasons({"kind": "reinstatement", "author": "board", "stage": "assessment",
                              "published_at": reinstatement.published_at.isoformat(),
                              "basis": reinstatement.basis, "reason": reinstatement.reason}, "FR").text
    assert "- La décision qui vous avait écarté(e) du concours est annulée." in plain
    assert "review" not in plain and "(étape : assessment)" in plain
