"""`inspraak export` and `inspraak themes`: a consultation's contributions, and its themes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from intake import consultations
from intake.cli.state import State, pass_state
from intake.files import write_private_text
from intake.models import AuditEvent
from intake.reporting import export as exporting
from intake.reporting import spreadsheet
from intake.reporting.analysis.jobs import record_run


@click.command()
@click.argument("slug")
@pass_state
def themes(state: State, slug: str) -> None:
    """Group a consultation's contributions into themes (staff's choices are kept)."""
    # scikit-learn takes seconds to import; the other commands should not wait for it.
    from intake.reporting.analysis.themes import compute_themes, themes_of

    with state.runtime.db.session() as session:
        try:
            found = consultations.find(session, slug)
        except consultations.ConsultationError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        run = compute_themes(session, found.id)
        record_run(session, found.id, run, via="cli")
        session.commit()
        click.echo(
            f"{slug}: {run.themes} themes, {run.assigned} contributions in a theme "
            f"({run.seconds:.1f} s)"
        )
        for theme, count in themes_of(session, found.id):
            click.echo(f"{count:6d}  {theme.status:<9}  {theme.label_in('nl')}")


@click.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option(
    "--separator",
    type=click.Choice(spreadsheet.SEPARATORS),
    default=spreadsheet.DEFAULT_SEPARATOR,
    show_default=True,
    help="CSV list separator: ';' for Belgian spreadsheets, ',' for others.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-personal-data", is_flag=True, help="Include names and contact details.")
@pass_state
def export(
    state: State,
    slug: str,
    fmt: str,
    separator: str,
    output: Path | None,
    with_personal_data: bool,
) -> None:
    """Write every contribution of a consultation as JSON or spreadsheet-safe CSV."""
    with state.runtime.db.session() as session:
        try:
            found = consultations.find(session, slug)
        except consultations.ConsultationError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        records = exporting.rows(session, found, personal=with_personal_data)
        if fmt == "json":
            text = exporting.to_json(records)
        else:
            text = exporting.to_csv(records, personal=with_personal_data, separator=separator)
        if with_personal_data:
            session.add(
                AuditEvent(
                    action="export.personal",
                    target_type="consultation",
                    target_id=found.id,
                    details={"via": "cli", "format": fmt},
                )
            )
            session.commit()
    if output:
        write_private_text(output, text)  # residents' words: readable by the service user only
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.write(text)
