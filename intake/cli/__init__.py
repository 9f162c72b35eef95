"""The `inspraak` command: set-up, serving, workers and data management."""

from __future__ import annotations

import logging
import sys

import click

from intake import logs
from intake.cli.backup import backup, restore
from intake.cli.data import consultation, db, demo, user
from intake.cli.serving import run, serve, worker
from intake.cli.spool import spool
from intake.cli.state import State, pass_state
from intake.cli.tenants import tenant
from intake.config import ConfigError
from intake.files import private_umask
from intake.plugins import discover

__all__ = ["main", "pass_state"]


def _group() -> click.Group:
    @click.group(help="Inspraak: one queue for every resident's voice.")
    @click.option("-v", "--verbose", is_flag=True, help="Log more detail.")
    @click.option(
        "--tenant",
        envvar="INSPRAAK_TENANT",
        metavar="SLUG",
        help="The municipality to work for, on an installation several share.",
    )
    @click.pass_context
    def cli(context: click.Context, verbose: bool, tenant: str | None) -> None:
        logs.configure(logging.DEBUG if verbose else logging.INFO)
        context.ensure_object(State).tenant_slug = tenant

    for command in (
        db,
        serve,
        worker,
        run,
        demo,
        consultation,
        user,
        backup,
        restore,
        spool,
        tenant,
    ):
        cli.add_command(command)
    # Plugins (channels, engines, admin) add their own commands, e.g. `forms` or `scans`.
    try:
        from intake.config import load_settings

        extra = load_settings().extra_plugins
    except ConfigError:
        extra = ()
    for command in discover(extra).commands:
        cli.add_command(command)
    return cli


def main() -> None:
    """Run the `inspraak` command line."""
    private_umask()  # before anything is created: settings already make the data dir
    try:
        _group()(prog_name="inspraak")
    except ConfigError as error:
        click.echo(f"inspraak: configuration error: {error}", err=True)
        sys.exit(2)
