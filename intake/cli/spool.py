"""`inspraak spool replay`: store what this machine's webhooks kept while the database was away.

A worker does this by itself on its machine; a machine that serves webhooks without running
a worker replays its own spool with this command (from a timer), since each machine keeps
its spool on its own disk.
"""

from __future__ import annotations

import sys

import click

from intake.cli.state import State, pass_state
from intake.db import UNAVAILABLE
from intake.errors import describe


@click.group()
def spool() -> None:
    """Messages kept on this machine while the database was away."""


@spool.command("replay")
@pass_state
def replay(state: State) -> None:
    """Store the messages this machine's spool holds, and send their references."""
    runtime = state.runtime
    try:
        done = runtime.replay_spool()
    except UNAVAILABLE as error:
        click.echo(f"database unavailable ({describe(error)}): the spool is kept", err=True)
        sys.exit(1)
    click.echo(
        f"{done.stored} messages stored, {done.set_aside} set aside; "
        f"{runtime.spool.depth()} waiting"
    )
