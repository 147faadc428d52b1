"""decisions.basis: what a decision rests on, as data (R2, R3; issue 10 part 4)

Until now the pass marks a "failed" decision was about were read back from its ``reason`` text
when a candidate was reinstated (R3): a reworded or translated text would have waived nothing,
or the wrong pass mark. From this revision every decision stores what it rests on in ``basis``
(JSON) and the rules read that. For the rows already there, the old reason text is the only
source: it is parsed here, once, with the formats the code wrote before this revision, checked
against the notice version the decision was taken under. Every row filled here says so
(``"migrated": "0007"``); numbers read from a text are as the text showed them (at most two
decimals). A row whose text cannot be read gets ``{"legacy_reason_unparsed": true, ...}``: a
reinstatement against such a "failed" decision is refused until the deciding body says which
pass marks it annuls (``selection.reinstate(..., waives=...)`` or ``selection.restate_basis``),
never guessed (docs/competitions.md, "What a decision rests on").

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:00:00
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
MIGRATED = {"migrated": "0007"}
UNPARSED = {"legacy_reason_unparsed": True, **MIGRATED}
ABSENCE = "no_booking_or_absence"
ELIGIBILITY = ("general_eligibility", "specific_eligibility")
OUT = ("eliminated", "excluded")

decisions = sa.table("decisions", sa.column("id", sa.Integer), sa.column("application_id", sa.Integer),
                     sa.column("notice_version_id", sa.Integer), sa.column("kind", sa.String),
                     sa.column("phase", sa.String), sa.column("outcome", sa.String),
                     sa.column("ground", sa.String), sa.column("reason", sa.Text),
                     sa.column("source", sa.String), sa.column("basis", JSON))
versions = sa.table("notice_versions", sa.column("id", sa.Integer), sa.column("definition", JSON))
entries = sa.table("reserve_list_entries", sa.column("application_id", sa.Integer),
                   sa.column("final_score", sa.Numeric(12, 4)))

# --- the texts the code wrote before this revision -------------------------------------------
# rules.passmarks.evaluate: "A + B = 19 < 20 required" and "no mark for A, B (A + B >= 20)"
_FAILED = re.compile(r"(?P<tests>[^=;]+?) = (?P<achieved>-?\d+(?:\.\d+)?) < (?P<min>\d+(?:\.\d+)?)"
                     r"(?:/\d+(?:\.\d+)?)? required")
_NO_MARK = re.compile(r"no mark for (?P<missing>[^():;]+?) \((?P<tests>[^()]+?) >= [^()]+\)")
# selection._Run.absent: "no mark for A, B: the test was not booked or not taken (unless ...)"
_ABSENT = re.compile(r"no mark for (?P<missing>[^():;]+?): the test was not booked or not taken"
                     r"(?: \(unless circumstances beyond the candidate's control or force majeure are proven\))?")
# rules.eligibility (general conditions and the alternatives' failures)
_IDENTITY = re.compile(r"the identity document expired on (?P<until>\d{4}-\d{2}-\d{2}), before the "
                       r"application deadline \((?P<as_at>\d{4}-\d{2}-\d{2})\)")
_ALTERNATIVE = re.compile(r"\((?P<label>[^()]+)\) (?P<failures>.+)")
_EDUCATION = re.compile(r"no diploma of level (?P<level>\S+) or higher(?: in subject (?P<subject>\S+))? "
                        r"awarded by (?P<as_at>\d{4}-\d{2}-\d{2})(?: and recognised by a Member State "
                        r"\((?P<n>\d+) diploma\(s\) (?:from outside the EU )?without recorded recognition\))?")
_EXPERIENCE = re.compile(r"experience (?P<counted>\d+(?:\.\d+)?) months < (?P<required>\d+(?:\.\d+)?) "
                         r"required \(counted from (?P<start>\d{4}-\d{2}-\d{2}) to (?P<as_at>\d{4}-\d{2}-\d{2})\)")
_FIELD_EXPERIENCE = re.compile(r"experience in the field (?P<counted>\d+(?:\.\d+)?) months < "
                               r"(?P<required>\d+(?:\.\d+)?) required")
# selection._Run.advance: "not among the 30 best by screener (cut-off 28, C7[; a strict cap: ...])"
_NOT_INVITED = re.compile(r"not among the (?P<cap>\d+) best by (?P<ranking>\S+) \(cut-off (?P<cutoff>[^,]+), "
                          r"C7(?P<strict>; a strict cap: the notice lets no tie at the cut-off go beyond it)?\)")
_FORCE_MAJEURE_SOURCE = re.compile(r"force-majeure:(?P<id>\d+)")


def _exact(value: Any) -> str:
    f = Fraction(str(value))
    return str(f.numerator if f.denominator == 1 else f)


def _tests(text: str) -> list[str]:
    return [t.strip() for t in text.split(" + ")]


def _names(text: str) -> list[str]:
    return [t.strip() for t in text.split(",")]


def _phase(definition: dict[str, Any] | None, code: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The phase ``code`` of a notice definition and the one after it."""
    phases = (definition or {}).get("phases") or []
    for i, p in enumerate(phases):
        if p.get("code") == code:
            return p, (phases[i + 1] if i + 1 < len(phases) else None)
    return None, None


def parse_failed(reason: str | None, phase: dict[str, Any] | None) -> dict[str, Any] | None:
    """A "failed" decision: its pass marks, each checked against the phase's pass marks of the
    notice version it was taken under (tests and minimum); "no mark for ..." parts (written as
    failures before absences were told apart) become tests missed. None: not readable."""
    if not reason or phase is None:
        return None
    marks = {tuple(p.get("tests") or ()): p for p in phase.get("pass_marks") or []}
    failed, missed = [], []
    for part in reason.split("; "):
        m = _FAILED.fullmatch(part)
        if m:
            tests = tuple(_tests(m["tests"]))
            spec = marks.get(tests)
            if spec is None or Fraction(m["min"]) != Fraction(str(spec.get("min"))):
                return None
            failed.append({"tests": list(tests), "min": _exact(spec["min"]),
                           "eliminatory": bool(spec.get("eliminatory", False)), "achieved": m["achieved"]})
            continue
        m = _NO_MARK.fullmatch(part)
        if m and tuple(_tests(m["tests"])) in marks:
            missed += [t for t in _names(m["missing"]) if t not in missed]
            continue
        return None
    basis: dict[str, Any] = {"pass_marks_failed": failed, **MIGRATED}
    if missed:
        basis["tests_missed"] = missed
    return basis


def parse_absence(reason: str | None) -> dict[str, Any] | None:
    """An exclusion for not booking or not attending a test (C15): the tests missed."""
    text = reason or ""
    m = _ABSENT.fullmatch(text) or _NO_MARK.fullmatch(text)
    return None if m is None else {"tests_missed": _names(m["missing"]), **MIGRATED}


def parse_eligibility(reason: str | None) -> dict[str, Any] | None:
    """An eligibility exclusion (C5): every condition not met, per alternative."""
    if not reason:
        return None
    unmet: list[dict[str, Any]] = []
    as_at = None
    for part in reason.split("; "):
        m = _IDENTITY.fullmatch(part)
        if m:
            unmet.append({"condition": "identity-document", "required": m["as_at"], "counted": m["until"]})
            as_at = m["as_at"]
            continue
        m = _ALTERNATIVE.fullmatch(part)
        if m is None:
            return None
        label = m["label"]
        for failure in m["failures"].split(", "):
            e = _EDUCATION.fullmatch(failure)
            x = _EXPERIENCE.fullmatch(failure)
            f = _FIELD_EXPERIENCE.fullmatch(failure)
            if e:
                unmet.append({"alternative": label, "condition": "education", "min_education": e["level"],
                              "subject": e["subject"], "unrecognised_diplomas": int(e["n"] or 0)})
                as_at = e["as_at"]
            elif x:
                unmet.append({"alternative": label, "condition": "experience", "required": x["required"],
                              "counted": x["counted"], "counted_from": x["start"], "as_at": x["as_at"]})
                as_at = x["as_at"]
            elif f:
                unmet.append({"alternative": label, "condition": "field-experience",
                              "required": f["required"], "counted": f["counted"]})
            else:
                return None
    if not unmet:
        return None
    basis: dict[str, Any] = {"eligibility_failed": unmet, **MIGRATED}
    if as_at is not None:
        basis["as_at"] = as_at
    return basis


def parse_not_invited(reason: str | None, following: dict[str, Any] | None) -> dict[str, Any] | None:
    m = _NOT_INVITED.fullmatch(reason or "")
    if m is None:
        return None
    return {"invitation_cap": {"phase": None if following is None else following.get("code"),
                               "ranking": m["ranking"], "cap": int(m["cap"]), "ties": not m["strict"],
                               "cutoff": m["cutoff"]}, **MIGRATED}


def annulment(contested: tuple[int, str, str | None, dict[str, Any]] | None) -> dict[str, Any]:
    """A reinstatement's basis from the decision it annulled (the candidate's latest elimination
    or exclusion before it), as ``selection.annulment`` writes it from this revision on."""
    if contested is None:
        return dict(UNPARSED)
    decision_id, kind, ground, basis = contested
    if basis.get("legacy_reason_unparsed") and kind == "failed":
        return {"annuls": decision_id, **UNPARSED}
    failed = basis.get("pass_marks_failed") or []
    absence = ground == ABSENCE or not failed
    return {"annuls": decision_id, "pass_marks_waived": sorted(p["tests"] for p in failed),
            "tests_missed_standing": [] if absence else list(basis.get("tests_missed", [])), **MIGRATED}


def basis_of(row: Any, definition: dict[str, Any] | None, contested: Any, final_score: Any) -> dict[str, Any]:
    """What one existing decision rests on, from its kind, ground, source and reason."""
    kind, ground, reason = row.kind, row.ground, row.reason
    phase, following = _phase(definition, row.phase)
    parsed: dict[str, Any] | None
    if kind == "failed":
        parsed = parse_failed(reason, phase)
    elif ground == ABSENCE and kind in ("excluded", "exclusion"):
        parsed = parse_absence(reason) if kind == "excluded" else dict(MIGRATED)
    elif ground in ELIGIBILITY and kind == "excluded":
        parsed = parse_eligibility(reason)
    elif ground == "false_or_unsupported_declaration" and kind == "excluded":
        parsed = {"documents_supported": False, **MIGRATED}
    elif kind == "not-invited":
        parsed = parse_not_invited(reason, following)
    elif kind == "not-retained":
        parsed = dict(MIGRATED)
        if reason == "places filled before this file was reached (C11)":
            parsed["documents_checked"] = False
    elif kind == "listed":
        parsed = dict(MIGRATED)
        if final_score is not None:
            parsed["final_score"] = _exact(final_score)
    elif kind == "reinstatement":
        parsed = annulment(contested)
    elif kind == "force-majeure-refused":
        m = _FORCE_MAJEURE_SOURCE.fullmatch(row.source or "")
        parsed = None if m is None else {"claim": "force-majeure", "accepted": False,
                                         "exclusion": int(m["id"]), **MIGRATED}
    elif kind in ("invited", "admitted", "not-validated", "withdrawal", "reopened", "exclusion"):
        parsed = dict(MIGRATED)     # nothing beyond the kind, the ground and the author columns
    else:
        parsed = None
    return dict(UNPARSED) if parsed is None else parsed


def upgrade() -> None:
    op.add_column('decisions', sa.Column('basis', JSON, server_default=sa.text("'{}'"), nullable=False))
    bind = op.get_bind()
    definitions = dict(bind.execute(sa.select(versions.c.id, versions.c.definition)).all())
    finals = dict(bind.execute(sa.select(entries.c.application_id, entries.c.final_score)).all())
    rows = bind.execute(sa.select(decisions.c.id, decisions.c.application_id, decisions.c.notice_version_id,
                                  decisions.c.kind, decisions.c.phase, decisions.c.outcome, decisions.c.ground,
                                  decisions.c.reason, decisions.c.source).order_by(decisions.c.id)).all()
    latest_out: dict[int, tuple[int, str, str | None, dict[str, Any]]] = {}   # R3: what a reinstatement annulled
    updates = []
    for row in rows:
        basis = basis_of(row, definitions.get(row.notice_version_id), latest_out.get(row.application_id),
                         finals.get(row.application_id))
        if row.outcome in OUT:
            latest_out[row.application_id] = (row.id, row.kind, row.ground, basis)
        updates.append({"decision_id": row.id, "new_basis": basis})
    statement = (sa.update(decisions).where(decisions.c.id == sa.bindparam("decision_id"))
                 .values(basis=sa.bindparam("new_basis", type_=JSON)))
    for start in range(0, len(updates), 5000):
        bind.execute(statement, updates[start:start + 5000])


def downgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.drop_column('basis')
