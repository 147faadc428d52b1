"""A notice as data: the JSON document that every number of a competition comes from.

``parse_definition`` validates a document and returns a :class:`NoticeDefinition`; every
problem is reported with its JSON path (``fields[2].places: must be a positive integer``) so an
importer can name it. The format is documented in docs/competitions.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..clock import BRUSSELS
from .rules import Body, ExclusionGround, Recognition

LANGUAGES = ("BG", "ES", "CS", "DA", "DE", "ET", "EL", "EN", "FR", "GA", "HR", "IT", "LV",
             "LT", "HU", "MT", "NL", "PL", "PT", "RO", "SK", "SL", "FI", "SV")   # C4
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")                                      # C4
SKILLS = ("speaking", "writing", "reading", "listening")


class DefinitionError(ValueError):
    """A notice document that does not hold together; ``path`` says where."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class TestSpec:
    code: str
    name: str
    max: Decimal
    min: Decimal
    kind: str            # "mcq" (per-question answers) or "marked"
    language: str        # "1" or "2": which of the candidate's languages (C4)


@dataclass(frozen=True)
class PassMarkSpec:
    """Σ marks of ``tests`` ≥ ``min`` (C8, C9); ``eliminatory`` failures cancel the phase (C10)."""
    tests: tuple[str, ...]
    min: Decimal
    eliminatory: bool


@dataclass(frozen=True)
class InvitationCap:
    """At most ``multiplier`` × places per field go through, ranked by ``ranking`` (C7).

    ``ties``: everyone tied with the last invited score goes through too (003 Annex II: "på et
    hvilket som helst trin"); ``False``: the cap is strict (004 4.3.3 a has no tie rule)."""
    multiplier: Decimal
    ranking: str          # a test code, or "screener"
    ties: bool = True


@dataclass(frozen=True)
class PhaseSpec:
    code: str
    name: str
    kind: str             # application | eligibility | screener | tests | document-check | reserve-list
    author: str           # who decides at this phase: "board" or "epso" (R2)
    tests: tuple[TestSpec, ...] = ()
    pass_marks: tuple[PassMarkSpec, ...] = ()
    invitation_cap: InvitationCap | None = None
    # C13: the phase's marked tests make the competency passport, never for an excluded
    # candidate (003 Annex II 3.2.1: "hvis ansøgeren ikke er udelukket"; 002 3.2)
    competency_passport: bool = False


@dataclass(frozen=True)
class EligibilityAlternative:
    label: str
    education: str
    experience_months: int
    field_experience_months: int
    subject: str | None = None    # C5: the diploma must be in this subject (a key of ``subjects``)


@dataclass(frozen=True)
class EligibilityOptions:
    """C5 rule-set data (002 1.3, 003 Annex II 1.1) that a notice may change."""
    volunteering_min_fraction: Decimal = Decimal(1)     # paid volunteering: full working hours
    military_service_before_diploma: bool = True        # "medmindre andet fremgår af meddelelsen"
    recognition: str = Recognition.OUTSIDE_EU.value     # which diplomas need recognition
    identity_document: bool = True                      # valid at the application deadline


@dataclass(frozen=True)
class FieldSpec:
    code: str
    name: str
    places: int
    eligibility: tuple[EligibilityAlternative, ...]
    screener_weights: dict[str, int]


@dataclass(frozen=True)
class NoticeDefinition:
    reference: str
    title: str
    grades: tuple[str, ...]
    published_on: date
    application_deadline: datetime      # aware, Brussels (C3, D4)
    deadline_wording: str
    language_1: tuple[str, ...]
    language_2: tuple[str, ...]
    language_1_min: str
    language_2_min: str
    rule_set: dict[str, Any]            # handed to the deadline engine (D9)
    results: str                        # "per-phase" or "at-end" (C13)
    reserve_list_validity_months: int
    doctorate_max_months: int
    education_levels: tuple[str, ...]   # lowest first (C5)
    screener_weights: tuple[int, int]   # C6: 1–3
    screener_marks: tuple[int, int]     # C6: 0–4
    final_score: tuple[str, ...]        # tests summed for the final ranking (C9, C11, C12)
    fields: tuple[FieldSpec, ...]
    phases: tuple[PhaseSpec, ...]
    # C5: subjects a diploma may be required to be in, code -> the notice's words
    subjects: dict[str, str] = dc_field(default_factory=dict)
    eligibility_rules: EligibilityOptions = dc_field(default_factory=lambda: EligibilityOptions())
    # C5, C15, R2: who decides an exclusion on a ground, where the notice departs from the
    # defaults of rules.DEFAULT_DECIDING_BODY (ground value -> "epso" or "board")
    deciding_bodies: dict[str, str] = dc_field(default_factory=dict)
    screener_language: str = "2"        # C4: the talent screener is filled in language 2 (003)

    def deciding_body(self, ground: str) -> str:
        """C5, C15, R2: the body that decides an exclusion on ``ground`` under this notice."""
        from .rules import deciding_body
        return deciding_body(ExclusionGround(ground), {ExclusionGround(g): Body(b) for g, b in
                                                       self.deciding_bodies.items()}).value

    def field(self, code: str) -> FieldSpec:
        for spec in self.fields:
            if spec.code == code:
                return spec
        raise KeyError(code)

    def phase(self, code: str) -> PhaseSpec:
        for spec in self.phases:
            if spec.code == code:
                return spec
        raise KeyError(code)

    def phase_index(self, code: str) -> int:
        return [p.code for p in self.phases].index(code)

    def test(self, code: str) -> tuple[PhaseSpec, TestSpec]:
        for phase in self.phases:
            for test in phase.tests:
                if test.code == code:
                    return phase, test
        raise KeyError(code)


PHASE_KINDS = ("application", "eligibility", "screener", "tests", "document-check", "reserve-list")


class _Reader:
    """Small typed accessors that raise DefinitionError with the path."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise DefinitionError(path or "(top)", "must be an object")
        self.data, self.path = data, path

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: Any = ..., types: type | tuple = object) -> Any:
        if key not in self.data:
            if default is ...:
                raise DefinitionError(self._p(key), "is required")
            return default
        value = self.data[key]
        if not isinstance(value, types) or isinstance(value, bool) and types is not bool:
            raise DefinitionError(self._p(key), f"has the wrong type ({type(value).__name__})")
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, default, str)
        if isinstance(value, str) and not value.strip():
            raise DefinitionError(self._p(key), "must not be empty")
        return value

    def positive_int(self, key: str, default: Any = ...) -> int:
        value = self.get(key, default, int)
        if value <= 0:
            raise DefinitionError(self._p(key), "must be a positive integer")
        return value

    def decimal(self, key: str, default: Any = ...) -> Decimal:
        value = self.get(key, default, (int, float, str))
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise DefinitionError(self._p(key), f"is not a number: {value!r}") from None

    def list(self, key: str, default: Any = ...) -> list:
        return self.get(key, default, list)

    def child(self, key: str) -> _Reader:
        return _Reader(self.get(key), self._p(key))

    def item(self, key: str, i: int) -> _Reader:
        return _Reader(self.data[key][i], f"{self._p(key)}[{i}]")


def _date(r: _Reader, key: str) -> date:
    raw = r.text(key)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DefinitionError(r._p(key), f"is not a date YYYY-MM-DD: {raw!r}") from None


def _deadline(r: _Reader, key: str) -> datetime:
    """A Brussels-local date and time (C3, D4): '2022-03-22T12:00'."""
    raw = r.text(key)
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise DefinitionError(r._p(key), f"is not a date and time YYYY-MM-DDTHH:MM: {raw!r}") from None
    if local.tzinfo is not None:
        raise DefinitionError(r._p(key), "is Brussels local time: give it without an offset")
    return local.replace(tzinfo=BRUSSELS)


def _languages(r: _Reader, key: str) -> tuple[str, ...]:
    value = r.get(key)
    if value == "any":
        return LANGUAGES
    if not isinstance(value, list) or not value:
        raise DefinitionError(r._p(key), 'must be "any" or a non-empty list of language codes')
    for i, code in enumerate(value):
        if code not in LANGUAGES:
            raise DefinitionError(f"{r._p(key)}[{i}]", f"unknown language {code!r}")
    return tuple(value)


def _level(r: _Reader, key: str) -> str:
    value = r.text(key)
    if value not in CEFR:
        raise DefinitionError(r._p(key), f"must be a CEFR level {CEFR}")
    return value


def _test(r: _Reader) -> TestSpec:
    kind = r.text("kind", "marked")
    if kind not in ("mcq", "marked"):
        raise DefinitionError(r._p("kind"), 'must be "mcq" or "marked"')
    language = str(r.get("language", "2", (str, int)))
    if language not in ("1", "2"):
        raise DefinitionError(r._p("language"), 'must be "1" or "2"')
    low, high = r.decimal("min", 0), r.decimal("max")
    if high <= low:
        raise DefinitionError(r._p("max"), "must be above min")
    return TestSpec(r.text("code"), r.text("name", r.data.get("code", "")), high, low, kind, language)


def _phase(r: _Reader) -> PhaseSpec:
    code = r.text("code")
    kind = r.text("kind", code if code in PHASE_KINDS else ...)
    if kind not in PHASE_KINDS:
        raise DefinitionError(r._p("kind"), f"must be one of {PHASE_KINDS}")
    author = r.text("author", "board")
    if author not in ("board", "epso"):
        raise DefinitionError(r._p("author"), 'must be "board" or "epso"')
    tests = tuple(_test(r.item("tests", i)) for i in range(len(r.list("tests", []))))
    codes = [t.code for t in tests]
    if len(set(codes)) != len(codes):
        raise DefinitionError(r._p("tests"), "test codes must be unique")
    marks = []
    for i in range(len(r.list("pass_marks", []))):
        m = r.item("pass_marks", i)
        names = m.list("tests")
        for j, name in enumerate(names):
            if name not in codes:
                raise DefinitionError(f"{m._p('tests')}[{j}]", f"no test {name!r} in this phase")
        marks.append(PassMarkSpec(tuple(names), m.decimal("min"), m.get("eliminatory", False, bool)))
    cap = None
    if "invitation_cap" in r.data:
        c = r.child("invitation_cap")
        cap = InvitationCap(c.decimal("multiplier"), c.text("ranking"), c.get("ties", True, bool))
        if cap.multiplier <= 0:
            raise DefinitionError(c._p("multiplier"), "must be positive")
    return PhaseSpec(code, r.text("name", code), kind, author, tests, tuple(marks), cap,
                     r.get("competency_passport", False, bool))


def _range(r: _Reader, key: str) -> tuple[int, int]:
    value = r.list(key)
    if len(value) != 2 or not all(isinstance(v, int) for v in value) or value[0] > value[1]:
        raise DefinitionError(r._p(key), "must be [lowest, highest], whole numbers")
    return value[0], value[1]


def _field(r: _Reader, levels: tuple[str, ...], weights_range: tuple[int, int],
           subjects: dict[str, str]) -> FieldSpec:
    alternatives = []
    for i in range(len(r.list("eligibility"))):
        a = r.item("eligibility", i)
        education = a.text("education")
        if education not in levels:
            raise DefinitionError(a._p("education"), f"unknown education level {education!r}")
        subject = a.text("subject", None)
        if subject is not None and subject not in subjects:
            raise DefinitionError(a._p("subject"), f"unknown subject {subject!r} "
                                  f"(the notice's subjects: {', '.join(subjects) or 'none'})")
        alternatives.append(EligibilityAlternative(
            a.text("label"), education, a.get("experience_months", 0, int),
            a.get("field_experience_months", 0, int), subject))
    weights = {}
    for i in range(len(r.list("screener", []))):
        q = r.item("screener", i)
        weight = q.get("weight", types=int)
        if not weights_range[0] <= weight <= weights_range[1]:   # C6
            raise DefinitionError(q._p("weight"), f"must be within {list(weights_range)}")
        weights[q.text("question")] = weight
    return FieldSpec(r.text("code"), r.text("name"), r.positive_int("places"),
                     tuple(alternatives), weights)


def parse_definition(data: Any) -> NoticeDefinition:
    """Validate a notice document; raise :class:`DefinitionError` naming the first bad path."""
    r = _Reader(data, "")
    lang = r.child("languages")
    levels = tuple(r.list("education_levels"))
    scale = r.child("screener_scale")
    weights_range, marks_range = _range(scale, "weight"), _range(scale, "mark")
    subjects = _subjects(r)
    fields = tuple(_field(r.item("fields", i), levels, weights_range, subjects)
                   for i in range(len(r.list("fields"))))
    if not fields:
        raise DefinitionError("fields", "a notice has at least one field")
    if len({f.code for f in fields}) != len(fields):
        raise DefinitionError("fields", "field codes must be unique")
    phases = tuple(_phase(r.item("phases", i)) for i in range(len(r.list("phases"))))
    if not phases or phases[0].kind != "application":
        raise DefinitionError("phases", "the first phase must be the application")
    if len({p.code for p in phases}) != len(phases):
        raise DefinitionError("phases", "phase codes must be unique")
    all_tests = [t.code for p in phases for t in p.tests]
    if len(set(all_tests)) != len(all_tests):
        raise DefinitionError("phases", "test codes must be unique across phases")
    for i, p in enumerate(phases):
        if p.invitation_cap and p.invitation_cap.ranking not in (*all_tests, "screener"):
            raise DefinitionError(f"phases[{i}].invitation_cap.ranking",
                                  f"no test {p.invitation_cap.ranking!r} in this notice")
    final = tuple(r.list("final_score"))
    for j, name in enumerate(final):
        if name not in all_tests:
            raise DefinitionError(f"final_score[{j}]", f"no test {name!r} in this notice")
    results = r.text("results", "per-phase")
    if results not in ("per-phase", "at-end"):
        raise DefinitionError("results", 'must be "per-phase" or "at-end"')
    rule_set = r.get("rule_set", {"base": "2022"}, dict)
    screener_language = str(r.get("screener_language", "2", (str, int)))
    if screener_language not in ("1", "2"):
        raise DefinitionError("screener_language", 'must be "1" or "2"')
    return NoticeDefinition(
        reference=r.text("reference"), title=r.text("title"),
        grades=tuple(r.list("grades")), published_on=_date(r, "published_on"),
        application_deadline=_deadline(r, "application_deadline"),
        deadline_wording=r.text("deadline_wording", ""),
        language_1=_languages(lang, "language_1"), language_2=_languages(lang, "language_2"),
        language_1_min=_level(lang, "language_1_min"), language_2_min=_level(lang, "language_2_min"),
        rule_set=rule_set, results=results,
        reserve_list_validity_months=r.positive_int("reserve_list_validity_months"),
        doctorate_max_months=r.get("doctorate_max_months", 36, int),
        education_levels=levels, screener_weights=weights_range, screener_marks=marks_range,
        final_score=final, fields=fields, phases=phases, subjects=subjects,
        eligibility_rules=_eligibility_options(r), deciding_bodies=_deciding_bodies(r),
        screener_language=screener_language,
    )


def _subjects(r: _Reader) -> dict[str, str]:
    """C5: ``"subjects": {"ict": "IKT og/eller relaterede områder"}``."""
    value = r.get("subjects", {}, dict)
    for code, words in value.items():
        if not isinstance(words, str) or not words.strip():
            raise DefinitionError(f"subjects.{code}", "must be the notice's words for the subject")
    return dict(value)


def _eligibility_options(r: _Reader) -> EligibilityOptions:
    """C5: ``"eligibility_rules": {"volunteering_min_fraction": 1, "recognition": "all", ...}``."""
    if "eligibility_rules" not in r.data:
        return EligibilityOptions()
    e = r.child("eligibility_rules")
    unknown = set(e.data) - {"volunteering_min_fraction", "military_service_before_diploma",
                             "recognition", "identity_document"}
    if unknown:
        raise DefinitionError(e._p(min(unknown)), "unknown eligibility rule")
    share = e.decimal("volunteering_min_fraction", 1)
    if not 0 < share <= 1:
        raise DefinitionError(e._p("volunteering_min_fraction"), "must be a share of full time in (0, 1]")
    recognition = e.text("recognition", Recognition.OUTSIDE_EU.value)
    if recognition not in {x.value for x in Recognition}:
        raise DefinitionError(e._p("recognition"),
                              f"must be one of {', '.join(x.value for x in Recognition)}")
    return EligibilityOptions(share, e.get("military_service_before_diploma", True, bool),
                              recognition, e.get("identity_document", True, bool))


def _deciding_bodies(r: _Reader) -> dict[str, str]:
    """C5, C15, R2: ``"deciding_bodies": {"general_eligibility": "board"}``."""
    value = r.get("deciding_bodies", {}, dict)
    grounds = {g.value for g in ExclusionGround}
    for ground, body in value.items():
        if ground not in grounds:
            raise DefinitionError(f"deciding_bodies.{ground}", f"unknown exclusion ground {ground!r}")
        if body not in ("epso", "board"):
            raise DefinitionError(f"deciding_bodies.{ground}", 'must be "epso" or "board"')
    return dict(value)
