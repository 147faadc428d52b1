"""docs/workflows.md from the machines themselves: a Mermaid diagram, a sentence per state and a
table of steps for every case type, so the documentation cannot drift from the code."""
from __future__ import annotations

from pathlib import Path

from ..cases.models import CaseState, CaseType
from .machines import INITIAL, STATE_HELP, STEPS, states_of

DOC = Path("docs") / "workflows.md"     # in a checkout, relative to its root (where the command runs)
START, END = "<!-- generated from casework/workflows/machines.py: start -->", "<!-- generated: end -->"

TITLES = {
    CaseType.NEUTRALISATION: "P1 Neutralisation request",
    CaseType.TECHNICAL_ISSUE: "P2 Technical or organisational issue",
    CaseType.REVIEW: "P3 Request for review",
    CaseType.COMPLAINT: "P4 Article 90(2) complaint",
    CaseType.ACCESS_INFO: "P5 Access to information (the candidate's specific rights)",
    CaseType.ACCESS_DOCUMENTS: "P5 Public access to documents (Regulation 1049/2001, D8)",
    CaseType.REMEDY: "P6 Onward remedies (General Court, Ombudsman), tracked",
}


def _id(state: CaseState) -> str:
    return state.name.lower()


def mermaid(case_type: CaseType) -> str:
    steps = STEPS[case_type]
    lines = ["stateDiagram-v2", f"    [*] --> {_id(INITIAL[case_type])}"]
    for st in steps:
        for source in st.sources:
            lines.append(f"    {_id(source)} --> {_id(st.dest or source)}: {st.trigger}")
    leaving = {s for st in steps if st.dest is not None for s in st.sources}
    lines += [f"    {_id(s)} --> [*]" for s in states_of(case_type) if s not in leaving]
    return "\n".join(lines)


def section(case_type: CaseType) -> str:
    out = [f"### {TITLES[case_type]} — `{case_type.value}`", "", "```mermaid", mermaid(case_type), "```", "",
           "| state | meaning |", "|---|---|"]
    out += [f"| `{s.value}` | {STATE_HELP[s]} |" for s in states_of(case_type)]
    out += ["", "| step | from → to | who | needs | what it does |", "|---|---|---|---|---|"]
    for st in STEPS[case_type]:
        moves = ", ".join(f"`{s.value}`" for s in st.sources) + " → " + (
            f"`{st.dest.value}`" if st.dest else "(same state)")
        needs = ", ".join(st.requires) + (f" (outcome: {' / '.join(st.outcomes)})" if st.outcomes else "")
        out.append(f"| `{st.trigger}` | {moves} | {', '.join(st.who)} | {needs or '—'} | {st.label} |")
    return "\n".join(out)


def generated() -> str:
    return "\n\n".join(section(t) for t in CaseType)


def render(document: str) -> str:
    """``document`` with its generated part replaced by the machines' current definitions."""
    head, _, rest = document.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n\n{generated()}\n\n{END}{tail}"
