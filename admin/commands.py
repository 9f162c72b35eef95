"""`inspraak purge` applies the retention rules; `inspraak erase` erases one contribution."""

from __future__ import annotations

import sys

import click

from intake import privacy
from intake.cli.state import State, pass_state
from intake.models import AuditEvent
from intake.references import normalise_reference
from intake.runtime import Runtime
from intake.spool import KEEP_DAYS as SPOOL_KEEP_DAYS
from intake.tenancy import current_tenant_id, scoped


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
    """Delete originals past their consultation's retention and contacts after it closed.

    Every municipality of the installation, each by its own rules (or only the one named
    with `--tenant`).
    """
    runtime = state.runtime
    spooled = privacy.purge_spool(runtime)
    tenants = [
        t for t in runtime.tenants.all() if not state.tenant_slug or t.id == current_tenant_id()
    ]
    for tenant in tenants:
        with scoped(tenant.id):
            _purge_one(runtime, contact_days, spooled if tenant is tenants[0] else 0, tenant.slug)


def _purge_one(runtime: Runtime, contact_days: int, spooled: int, slug: str) -> None:
    with runtime.db.session() as session:
        result = privacy.purge(session, contact_days=contact_days)
        session.add(
            AuditEvent(
                action="retention.purge",
                details={
                    "attachments": result.attachments,
                    "contacts": result.contacts,
                    "personal_fields": result.personal_fields,
                    "media": len(result.media_keys),
                    "spooled": spooled,
                },
            )
        )
        session.commit()
    privacy.remove_media(runtime.media, result.media_keys)
    click.echo(
        f"{slug}: purged {result.attachments} originals ({len(result.media_keys)} files) "
        f"and {result.contacts} contact details; cleared names on "
        f"{result.personal_fields} forms; deleted {spooled} spool entries older than "
        f"{SPOOL_KEEP_DAYS} days"
    )


@click.command()
@click.argument("reference")
@click.option("--reason", required=True, help="Why it is erased (kept in the audit log).")
@pass_state
def erase(state: State, reference: str, reason: str) -> None:
    """Erase one contribution and everything derived from it (audited, irreversible)."""
    with state.runtime.db.session() as session:
        try:
            contribution_id, erasure = privacy.erase_contribution(
                session,
                reference,
                secret=state.runtime.settings.secret_key,
                reason=reason,
                keep_jobs=state.runtime.registry.after_erasure,
            )
        except privacy.ErasureError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        session.add(
            AuditEvent(
                action="contribution.erase",
                target_type="contribution",
                target_id=contribution_id,
                details=erase_details(reference, reason, "cli", erasure),
            )
        )
        session.commit()
    privacy.remove_media(state.runtime.media, erasure.media_keys)
    click.echo(f"erased {normalise_reference(reference)} ({len(erasure.media_keys)} files)")


def erase_details(
    reference: str, reason: str, via: str, erasure: privacy.Erasure
) -> dict[str, object]:
    """Return what the audit keeps of an erasure: the reference and reason, no personal data."""
    return {
        "reference": normalise_reference(reference),
        "reason": " ".join(reason.split()),
        "via": via,
        "media": len(erasure.media_keys),
    }
