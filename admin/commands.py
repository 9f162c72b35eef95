"""`inspraak purge`: apply the retention rules (run it daily from cron or a timer)."""

from __future__ import annotations

import click

from intake import privacy
from intake.cli.state import State, pass_state
from intake.models import AuditEvent


@click.command()
@click.option(
    "--contact-days",
    type=click.IntRange(min=0),
    default=privacy.DEFAULT_CONTACT_DAYS,
    show_default=True,
    help="Days after a consultation closes that contact details are kept.",
)
@pass_state
def purge(state: State, contact_days: int) -> None:
    """Delete originals past their consultation's retention and contacts after it closed."""
    with state.runtime.db.session() as session:
        result = privacy.purge(session, contact_days=contact_days)
        session.add(
            AuditEvent(
                action="retention.purge",
                details={
                    "attachments": result.attachments,
                    "contacts": result.contacts,
                    "media": len(result.media_keys),
                },
            )
        )
        session.commit()
    privacy.remove_media(state.runtime.media, result.media_keys)
    click.echo(
        f"purged {result.attachments} originals ({len(result.media_keys)} files) "
        f"and {result.contacts} contact details"
    )
