"""Notice numbers for the rule tests, read from the demo notice documents.

The rules take every number of a notice (places, caps, pass marks, weights, eligibility
alternatives) as a parameter; these helpers parse a document of casework/demo/notices with
``parse_definition`` and build the rules' plain objects from it, so the tests use the same data
as the application.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from casework.competitions.definition import NoticeDefinition, parse_definition
from casework.competitions.rules import (
    Alternative,
    EducationLevels,
    EligibilityRules,
    PassMark,
    ScreenerScale,
)

NOTICES = Path(__file__).resolve().parents[2] / "casework" / "demo" / "notices"

AD_398_22 = "EPSO-AD-398-22"                    # seed 003
AST_151_22 = "EPSO-AST-151-22"                  # seed 003
AD_402_23 = "EPSO-AD-402-23-amendment-2024"     # seed 004 (C/2024/3223)


@cache
def notice(name: str) -> NoticeDefinition:
    """The parsed notice document ``casework/demo/notices/<name>.json``."""
    return parse_definition(json.loads((NOTICES / f"{name}.json").read_text(encoding="utf-8")))


def eligibility_rules(name: str) -> EligibilityRules:
    """C5 rule data: the notice's education levels, doctorate cap and eligibility options."""
    spec = notice(name)
    options = spec.eligibility_rules
    return EligibilityRules(EducationLevels(spec.education_levels), spec.doctorate_max_months,
                            volunteering_min_fraction=options.volunteering_min_fraction,
                            military_service_before_diploma=options.military_service_before_diploma,
                            recognition=options.recognition)


def alternatives(name: str, field: str) -> tuple[Alternative, ...]:
    """C5 alternatives of one field, with the subject the degree must be in."""
    return tuple(Alternative(a.label, a.education, a.experience_months, a.field_experience_months,
                             subject=a.subject)
                 for a in notice(name).field(field).eligibility)


def pass_marks(name: str, phase: str, among: Iterable[str] | None = None) -> tuple[PassMark, ...]:
    """C8/C9 pass marks of one phase, out of the sum of their tests' maxima; with ``among``, only
    the pass marks on those tests."""
    spec = notice(name).phase(phase)
    maxima = {t.code: t.max for t in spec.tests}
    keep = None if among is None else set(among)
    return tuple(PassMark(m.tests, m.min, sum(maxima[t] for t in m.tests))
                 for m in spec.pass_marks if keep is None or keep.issuperset(m.tests))


def screener_scale(name: str) -> ScreenerScale:
    """C6 ranges of weights and marks."""
    spec = notice(name)
    return ScreenerScale(*spec.screener_weights, *spec.screener_marks)
