"""`casework workflows …`: the case machines as diagrams, and docs/workflows.md kept in step."""
from __future__ import annotations

from pathlib import Path

import click

from ..cases.models import CaseType
from ..workflows import diagram


@click.group("workflows")
def workflows_group() -> None:
    """The case procedures (P1–P6) as state machines."""


@workflows_group.command("diagram")
@click.argument("case_type", type=click.Choice([t.value for t in CaseType]))
def show_diagram(case_type: str) -> None:
    """Print the Mermaid state diagram of one case type."""
    click.echo(diagram.mermaid(CaseType(case_type)))


@workflows_group.command("docs")
@click.option("--check", is_flag=True, help="Only report whether the file is up to date.")
@click.option("--file", "doc", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=diagram.DOC,
              show_default=True, help="The workflows page of a checkout (run from its root).")
def write_docs(check: bool, doc: Path) -> None:
    """Regenerate the diagrams and tables of docs/workflows.md from the machines (a developer's command)."""
    current = doc.read_text(encoding="utf-8")
    wanted = diagram.render(current)
    if check:
        if current != wanted:
            raise click.ClickException(f"{doc} is out of date: run `casework workflows docs`")
        click.echo(f"{doc} is up to date")
        return
    doc.write_text(wanted, encoding="utf-8")
    click.echo(f"wrote {doc}")
