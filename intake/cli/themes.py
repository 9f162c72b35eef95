"""`inspraak themes SLUG`: find a consultation's themes now and show what came out."""

from __future__ import annotations

import sys

import click

from intake import consultations
from intake.analysis.jobs import record_run
from intake.cli.state import State, pass_state


@click.command()
@click.argument("slug")
@pass_state
def themes(state: State, slug: str) -> None:
    """Group a consultation's contributions into themes (staff's choices are kept)."""
    # scikit-learn takes seconds to import; the other commands should not wait for it.
    from intake.analysis.themes import compute_themes, themes_of

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
