"""`inspraak email poll`: read the participation mailbox."""

from __future__ import annotations

import signal
import sys

import click

from channels.email.mailbox import MailboxError
from channels.email.poller import Poller
from intake.cli.state import State, pass_state


@click.group()
def email() -> None:
    """E-mail: read the participation mailbox."""


@email.command("poll")
@click.option("--once", is_flag=True, help="Take in the mails waiting now, then exit.")
@pass_state
def poll(state: State, once: bool) -> None:
    """Take in new mail over IMAP (IDLE where offered, else every 30 s); stops on SIGTERM."""
    if state.runtime.settings.imap_url is None:
        click.echo("error: INSPRAAK_IMAP_URL is not set: e-mail intake is off.", err=True)
        sys.exit(1)
    poller = Poller(state.runtime)
    signal.signal(signal.SIGTERM, poller.stop)
    signal.signal(signal.SIGINT, poller.stop)
    try:
        handled = poller.run(once=once)
    except MailboxError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"{handled} mails taken in")
