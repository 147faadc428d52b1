"""`casework workflows …`: the case machines as diagrams, and docs/workflows.md kept in step."""
from __future__ import annotations

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
@click.option("--check", is_flag=True, help="Only report whether docs/workflows.md is up to date.")
def write_docs(check: bool) -> None:
    """Regenerate the diagrams and tables of docs/workflows.md from the machines."""
    current = diagram.DOC.read_text(encoding="utf-8")
    wanted = diagram.render(current)
    if check:
        if current != wanted:
            raise click.ClickException(f"{diagram.DOC} is out of date: run `casework workflows docs`")
        click.echo(f"{diagram.DOC} is up to date")
        return
    diagram.DOC.write_text(wanted, encoding="utf-8")
    click.echo(f"wrote {diagram.DOC}")
