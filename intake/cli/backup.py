"""`inspraak backup DIR` and `inspraak restore DIR`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from intake.backup import BackupError, restore_backup, take_backup
from intake.cli.state import State, pass_state

_folder = click.Path(file_okay=False, path_type=Path)


@click.command()
@click.argument("target", type=_folder)
@click.option(
    "--link-dest",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An earlier backup: media it already holds are hard-linked, not copied again.",
)
@pass_state
def backup(state: State, target: Path, link_dest: Path | None) -> None:
    """Copy the database and the media into TARGET while the service runs."""
    runtime = state.runtime
    try:
        manifest = take_backup(runtime.settings, runtime.db.engine, target, link_dest=link_dest)
    except BackupError as error:
        click.echo(f"backup failed: {error}", err=True)
        sys.exit(1)
    finally:
        runtime.db.dispose()
    click.echo(
        f"backed up the {manifest.engine} database (revision {manifest.revision}) and "
        f"{manifest.media_files} media files ({manifest.media_bytes} bytes) into {target}"
    )
    if manifest.missing_media:
        click.echo(
            f"{len(manifest.missing_media)} media files were erased while the backup ran; "
            "the database copy still names them",
            err=True,
        )
    if not manifest.has_secret:
        click.echo(
            "the secret comes from INSPRAAK_SECRET_KEY: keep it with the backup, "
            "a restore needs the same value",
            err=True,
        )


@click.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_state
def restore(state: State, source: Path) -> None:
    """Check the backup in SOURCE and restore it into an empty data dir and database."""
    runtime = state.runtime
    runtime.db.dispose()
    try:
        manifest = restore_backup(runtime.settings, source)
    except BackupError as error:
        click.echo(f"restore failed: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"restored the backup of {manifest.created_at}: the {manifest.engine} database and "
        f"{manifest.media_files} media files"
    )
    click.echo(
        "Erasures and retention purges done after that moment are undone by a restore: "
        "apply them again (the audit log of the live system lists them).",
        err=True,
    )
