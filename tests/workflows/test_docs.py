"""docs/workflows.md shows the machines as they are: its diagrams and tables are generated from
the step definitions, and this test fails when someone changes a machine without regenerating."""
from __future__ import annotations

from pathlib import Path

from casework.workflows import diagram

ROOT = Path(__file__).resolve().parents[2]


def test_docs_workflows_md_is_generated_from_the_current_machines():
    text = (ROOT / diagram.DOC).read_text(encoding="utf-8")
    assert diagram.render(text) == text, "run `casework workflows docs`"

