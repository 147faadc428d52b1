"""What a candidate is told about a competition decision, in the candidate's language (C4, R2).

A :class:`~casework.competitions.models.Decision` keeps its columns (kind, author, stage, ground,
the claim it admits, publication date) and what it rests on as data (``basis``: the pass marks
failed with the marks, the tests missed, the eligibility conditions not met with their numbers,
the invitation cap and the cut-off, what a reinstatement annulled …; docs/competitions.md, "What a
decision rests on"). Its ``reason`` is English prose for the legal team and the file: **it is never
shown to the candidate here**. What the candidate reads is the letter template
``templates/letters/<LANG>/decision-reasons.txt`` (English when the language has none, as for the
other letters) filled with those columns and that basis: numbers and dates are data, the words are
the template's and the catalogue's (decision kinds, kinds of stage, deciding bodies).

- :func:`decision_reasons` — the text, one statement a line (the portal and letters call it);
- :func:`decision_facts` — a ``Decision`` row as the plain data :func:`decision_reasons` also takes
  (JSON-ready, without the reason): the kind of each stage it names, and the decisions its basis
  refers to (the one a reinstatement annulled, the exclusion a refused force-majeure claim leaves
  standing) resolved to their kind, stage and date.

A basis key this module does not put in words (a key added to the competition code after it) is
never shown raw and never replaced by the reason: the text says, in the candidate's language, that
the decision also rests on elements the deciding body states on request. ``SAID`` and ``NOT_SAID``
list every key this module knows; tests/notifications/test_decision_reasons.py reads the code that
writes bases and fails on a key in neither.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from ..clock import BRUSSELS
from ..competitions.definition import DefinitionError
from ..competitions.models import Decision, NoticeVersion
from ..competitions.notices import definition
from .templates import Letter, letter

TEMPLATE = "decision-reasons"

# C5: the conditions the eligibility rules write (rules.eligibility.Unmet.condition), each said in words
CONDITIONS = ("identity-document", "education", "experience", "field-experience")

# Every key of a basis, at any depth, that the template puts in words (docs/competitions.md)
SAID = frozenset({
    # C8-C10, C15: pass marks failed (each: tests, min, eliminatory, achieved), tests missed, C10's effects
    "pass_marks_failed", "tests", "min", "eliminatory", "achieved",
    "tests_missed", "tests_unprocessed", "bookings_cancelled",
    # C5: judged at the application deadline; each condition not met, per alternative
    "as_at", "eligibility_failed", "condition", "alternative", "required", "counted", "counted_from",
    "min_education", "subject", "unrecognised_diplomas",
    # C3, C14: not validated (or not revalidated) by the deadline
    "application_state", "deadline",
    # C7: the invitation cap of the next stage and the candidate's score (R3: invited beyond it)
    "invitation_cap", "phase", "ranking", "cap", "ties", "cutoff", "score", "beyond_cap",
    # C11, C12: document check and reserve list
    "documents_supported", "documents_checked", "final_score", "places", "beyond_places",
    # R3: what a reinstatement annulled
    "annuls", "pass_marks_waived", "tests_missed_standing",
    # C15: a force-majeure claim refused, the exclusion standing
    "claim", "accepted", "exclusion",
    # migration 0007: a decision older than structured bases whose reason could not be read
    "legacy_reason_unparsed",
})
# Keys that are no part of what the decision rests on, so nothing is said of them
NOT_SAID = {
    "migrated": "the migration that wrote the basis of an older decision (0007)",
    "restated": "the basis of an older decision was recorded later by the legal team (selection.restate_basis)",
}
# The statements of the template, one per element of a basis (``item.key``), and the lines around them
STATEMENTS = ("not-validated", "eligibility", "unmet", "pass-mark", "tests-missed", "tests-unprocessed",
              "bookings-cancelled", "cap", "beyond-cap", "documents-unsupported", "documents-not-checked",
              "below-reserve-cutoff", "final-score", "beyond-places", "annulled", "pass-mark-waived",
              "tests-missed-standing", "claim-refused", "legacy", "unknown")
CLAIMS = ("force-majeure",)          # rules.Claim: the claims an exclusion admits, said in words
# what the template needs of each condition to say it
_NEEDS = {"identity-document": ("required", "counted"), "education": ("min_education",),
          "experience": ("required", "counted"), "field-experience": ("required", "counted")}


def decision_reasons(decision: Decision | Mapping[str, Any], language: str | None) -> Letter:
    """What ``decision`` is and what it rests on, in ``language`` (English when there is no template
    in that language; ``Letter.language`` says which), one statement a line.

    ``decision``: a ``Decision`` row, or plain data as :func:`decision_facts` gives it; the mapping
    :func:`casework.competitions.history.decision_data` gives is taken too (``stage``,
    ``published_at`` …; its ``reason`` is ignored, the stage is named by its code when no
    ``stage_kind`` is given, and a decision the basis refers to by its bare id when ``related`` does
    not hold it)."""
    facts = decision_facts(decision) if isinstance(decision, Decision) else _plain(decision)
    rendered = letter(TEMPLATE, language, _context(facts))
    lines = (line.strip() for line in rendered.text.splitlines())
    return Letter(rendered.language, "\n".join(line for line in lines if line))


def decision_facts(decision: Decision) -> dict[str, Any]:
    """A decision as plain, JSON-ready data for :func:`decision_reasons` (never its reason): kind,
    author, stage and the kind of that stage in the notice version it was taken under, ground, the
    claim it admits, the Brussels day it was published, its basis, whether a later reinstatement
    annulled it (R3), the kind of every stage of that version (``stage_kinds``, for the stage an
    invitation cap names) and the decisions its basis refers to (``related``: id → kind, stage,
    kind of stage, day)."""
    stages = _stage_kinds(decision.notice_version)
    basis = dict(decision.basis or {})
    related: dict[str, dict[str, Any]] = {}
    annulled = False
    session = object_session(decision)
    if session is not None:
        for key in ("annuls", "exclusion"):
            ref = basis.get(key)
            other = session.get(Decision, ref) if isinstance(ref, int) and not isinstance(ref, bool) else None
            if other is not None and other.application_id == decision.application_id:
                kinds = _stage_kinds(other.notice_version)
                related[str(ref)] = {"kind": other.kind, "stage": other.phase,
                                     "stage_kind": kinds.get(other.phase, other.phase),
                                     "published_on": _brussels_day(other.published_at)}
        later = session.scalars(select(Decision.basis).where(
            Decision.application_id == decision.application_id, Decision.kind == "reinstatement",
            Decision.id > decision.id))
        annulled = any((b or {}).get("annuls") == decision.id for b in later)
    return {"id": decision.id, "kind": decision.kind, "author": decision.author.value,
            "stage": decision.phase, "stage_kind": stages.get(decision.phase, decision.phase),
            "ground": decision.ground, "admits": decision.admits,
            "published_on": _brussels_day(decision.published_at), "basis": basis,
            "annulled": annulled, "stage_kinds": stages, "related": related}


# -- plain data --------------------------------------------------------------------------------

def _stage_kinds(version: NoticeVersion | None) -> dict[str, str]:
    if version is None:
        return {}
    try:
        return {p.code: p.kind for p in definition(version).phases}
    except DefinitionError:    # a version that no longer parses: its stages are named by their codes
        return {}


def _brussels_day(value: datetime | date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return (value.astimezone(BRUSSELS) if value.tzinfo else value).date().isoformat()
    return value.isoformat()


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    stage = data.get("stage", data.get("phase"))
    stages = dict(data.get("stage_kinds") or {})
    return {"kind": data.get("kind"), "author": data.get("author"), "stage": stage,
            "stage_kind": data.get("stage_kind") or stages.get(stage, stage),
            "ground": data.get("ground"), "admits": data.get("admits"),
            "published_on": _brussels_day(data.get("published_on") or data.get("published_at")),
            "basis": dict(data.get("basis") or {}), "annulled": bool(data.get("annulled")),
            "stage_kinds": stages, "related": dict(data.get("related") or {})}


# -- the statements ----------------------------------------------------------------------------

def _context(facts: dict[str, Any]) -> dict[str, Any]:
    return {"kind": facts["kind"], "stage_kind": facts["stage_kind"], "author": facts["author"],
            "ground": facts["ground"], "admits": facts["admits"], "published_on": facts["published_on"],
            "annulled": facts["annulled"], "items": statements(facts)}


def _entries(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _names(value: Any) -> list[str]:
    return [str(v) for v in _entries(value)]


def statements(facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The elements of a decision's basis as the template's statements (``key`` one of
    :data:`STATEMENTS`), in reading order; one ``unknown`` statement at the end when the basis holds
    anything this module does not put in words."""
    basis: dict[str, Any] = dict(facts.get("basis") or {})
    stages: Mapping[str, str] = facts.get("stage_kinds") or {}
    related: Mapping[str, Any] = facts.get("related") or {}
    items: list[dict[str, Any]] = []
    used = set(NOT_SAID)
    unknown = False

    def take(*keys: str) -> list[Any]:
        used.update(keys)
        return [basis.get(k) for k in keys]

    def known(entry: Any, keys: Iterable[str]) -> bool:
        return isinstance(entry, Mapping) and not set(entry) - set(keys)

    def decision(ref: Any) -> dict[str, Any] | None:
        found = related.get(str(ref)) if ref is not None else None
        return dict(found) if isinstance(found, Mapping) else None

    if "application_state" in basis or "deadline" in basis:                                  # C3, C14
        state, deadline = take("application_state", "deadline")
        moment = datetime.fromisoformat(deadline) if isinstance(deadline, str) and "T" in deadline else None
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(BRUSSELS)
        items.append({"key": "not-validated", "state": state,
                      "deadline_on": None if moment is None else moment.date().isoformat(),
                      "deadline_at": None if moment is None else moment.strftime("%H:%M")})
    if "eligibility_failed" in basis or "as_at" in basis:                                     # C5
        as_at, unmet = take("as_at", "eligibility_failed")
        unmet = _entries(unmet)
        if as_at:
            items.append({"key": "eligibility", "as_at": as_at,
                          "alternatives": any(isinstance(u, Mapping) and u.get("alternative") for u in unmet)})
        for u in unmet:
            if not known(u, ("condition", "alternative", "required", "counted", "counted_from", "as_at",
                             "min_education", "subject", "unrecognised_diplomas")):
                unknown = True
            if not isinstance(u, Mapping) or u.get("condition") not in CONDITIONS \
                    or any(u.get(k) is None for k in _NEEDS[u["condition"]]):
                unknown = True
                continue
            items.append({"key": "unmet", "condition": u["condition"], "alternative": u.get("alternative"),
                          "required": u.get("required"), "counted": u.get("counted"),
                          "counted_from": u.get("counted_from"), "as_at": u.get("as_at") or as_at,
                          "level": u.get("min_education"), "subject": u.get("subject"),
                          "unrecognised": u.get("unrecognised_diplomas") or 0})
    failed, missed, unprocessed, cancelled = take("pass_marks_failed", "tests_missed", "tests_unprocessed",
                                                  "bookings_cancelled")                         # C8-C10, C15
    for p in _entries(failed):
        if not known(p, ("tests", "min", "eliminatory", "achieved")):
            unknown = True                  # said as far as it is known, and that there is more
        if not isinstance(p, Mapping) or not _names(p.get("tests")) or p.get("min") is None:
            unknown = True
            continue
        items.append({"key": "pass-mark", "tests": _names(p["tests"]), "min": p.get("min"),
                      "achieved": p.get("achieved"), "eliminatory": p.get("eliminatory") is True})
    if _names(missed):
        items.append({"key": "tests-missed", "tests": _names(missed)})
    if _names(unprocessed):
        items.append({"key": "tests-unprocessed", "tests": _names(unprocessed)})
    if _names(cancelled):
        items.append({"key": "bookings-cancelled", "tests": _names(cancelled)})
    if "invitation_cap" in basis:                                                             # C7
        cap, score = take("invitation_cap", "score")
        cap = {} if cap is None else cap          # R3: a reinstated candidate carried through, no cap applied
        if not known(cap, ("phase", "ranking", "cap", "ties", "cutoff")):
            unknown = True
        elif cap or score is not None:
            size = cap.get("cap") if cap.get("ranking") else None       # the cap is said with what ranks
            unknown = unknown or (size is None and bool(cap))
            items.append({"key": "cap", "stage_kind": stages.get(cap.get("phase"), cap.get("phase")),
                          "ranking": cap.get("ranking"), "cap": size, "ties": cap.get("ties") is not False,
                          "cutoff": cap.get("cutoff"), "score": score})
    beyond_cap, beyond_places = take("beyond_cap", "beyond_places")                          # R3
    if beyond_cap is True:
        items.append({"key": "beyond-cap"})
    supported, checked, final = take("documents_supported", "documents_checked", "final_score")  # C11, C12
    if supported is False:
        items.append({"key": "documents-unsupported"})
    if checked is False:
        items.append({"key": "documents-not-checked", "places": take("places")[0]})
    elif "places" in basis:
        places, cutoff = take("places", "cutoff")
        if places is None:
            unknown = True
        else:
            items.append({"key": "below-reserve-cutoff", "places": places, "cutoff": cutoff})
    if final is not None:
        items.append({"key": "final-score", "score": final, "cutoff": basis.get("cutoff")})
    if beyond_places is True:
        items.append({"key": "beyond-places"})
    if "annuls" in basis:                                                                     # R3
        items.append({"key": "annulled", "decision": decision(take("annuls")[0])})
    waived, standing = take("pass_marks_waived", "tests_missed_standing")
    for tests in _entries(waived):
        if _names(tests):
            items.append({"key": "pass-mark-waived", "tests": _names(tests)})
    if _names(standing):
        items.append({"key": "tests-missed-standing", "tests": _names(standing)})
    if {"claim", "accepted", "exclusion"} & set(basis):                                       # C15
        claim, accepted, exclusion = take("claim", "accepted", "exclusion")
        if claim in CLAIMS and accepted is False:
            items.append({"key": "claim-refused", "claim": claim, "decision": decision(exclusion)})
        else:
            unknown = True
    if take("legacy_reason_unparsed")[0]:                                                     # 0007
        items.append({"key": "legacy"})
    if unknown or set(basis) - used:
        items.append({"key": "unknown"})
    return items
