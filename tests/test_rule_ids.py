"""The rule ids cited in code and tests are the rule book's (docs/rules.md), and every rule of the
book is cited somewhere: a rule nobody cites is a rule nobody implemented or tested."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFINED = re.compile(r"\*\*([CPRD]\d+)\b")
CITED = re.compile(r"\b([CPRD]\d{1,2})\b")
NOT_RULES = {"C0"}          # C0 control characters


def _book() -> set[str]:
    return set(DEFINED.findall((ROOT / "docs" / "rules.md").read_text(encoding="utf-8")))


def _cited() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for folder in ("casework", "tests", "migrations"):
        for path in (ROOT / folder).rglob("*.py"):
            for rule in CITED.findall(path.read_text(encoding="utf-8")):
                cited.setdefault(rule, set()).add(str(path.relative_to(ROOT)))
    return cited


def test_every_cited_rule_id_exists_in_the_rule_book():
    unknown = {rule: sorted(where)[:3] for rule, where in _cited().items()
               if rule not in _book() and rule not in NOT_RULES}
    assert unknown == {}


def test_every_rule_of_the_book_is_cited_in_the_code_or_its_tests():
    assert len(_book()) >= 30
    assert sorted(_book() - set(_cited())) == []
