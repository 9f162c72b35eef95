"""`inspraak tenant`: the municipalities sharing this installation."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from intake.cli.state import State, pass_state
from intake.models import DEFAULT_TENANT_ID, Tenant, utcnow
from intake.reporting import usage as usage_table
from intake.reporting.usage import MonthError, checked_month
from intake.tenant_setup import TenantChanges, TenantSetupError, add_tenant, change_tenant
from intake.usage import month_of, report


def _split(values: tuple[str, ...]) -> list[str] | None:
    return [v for value in values for v in value.split(",") if v] if values else None


def _options(command: click.Command) -> click.Command:
    for option in reversed(
        (
            click.option("--name", help="The name residents see, e.g. 'Gemeente Zoersel'."),
            click.option("--host", "hosts", multiple=True, help="A host name it answers on."),
            click.option("--number", "numbers", multiple=True, help="A Twilio number, +32…"),
            click.option("--email", "addresses", multiple=True, help="An address mailed to."),
            click.option("--accent", help="Its colour, #rrggbb (4.5:1 against white)."),
            click.option("--languages", help="Languages offered, e.g. nl,fr,en."),
            click.option("--retention-days", type=int, help="Days personal details are kept."),
            click.option("--telegram-token", help="Its own bot's token ('' removes it)."),
            click.option("--logo", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        )
    ):
        command = option(command)
    return command


def _changes(values: dict[str, object]) -> TenantChanges:
    logo = values.get("logo")
    languages = values.get("languages")
    return TenantChanges(
        name=values.get("name"),  # type: ignore[arg-type]
        hosts=_split(values["hosts"]),  # type: ignore[arg-type]
        phone_numbers=_split(values["numbers"]),  # type: ignore[arg-type]
        email_addresses=_split(values["addresses"]),  # type: ignore[arg-type]
        accent=values.get("accent"),  # type: ignore[arg-type]
        languages=languages.split(",") if isinstance(languages, str) else None,
        retention_days=values.get("retention_days"),  # type: ignore[arg-type]
        telegram_token=values.get("telegram_token"),  # type: ignore[arg-type]
        logo=logo.read_bytes() if isinstance(logo, Path) else None,
    )


@click.group()
def tenant() -> None:
    """The municipalities sharing this installation."""


@tenant.command("add")
@click.argument("slug")
@_options
@pass_state
def add(state: State, slug: str, **values: object) -> None:
    """Add a municipality, reached at /SLUG/ or on its own host names."""
    runtime = state.runtime
    with runtime.db.session() as session:
        try:
            made = add_tenant(session, runtime.media, slug, _changes(values), state.segments())
        except TenantSetupError as error:
            raise click.ClickException(str(error)) from None
        session.commit()
        _show(made)


@tenant.command("set")
@click.argument("slug")
@_options
@click.option("--active/--inactive", default=None, help="Serve it, or answer 404 everywhere.")
@pass_state
def change(state: State, slug: str, active: bool | None, **values: object) -> None:
    """Change a municipality (`default` is the installation's own)."""
    runtime = state.runtime
    with runtime.db.session() as session:
        found = session.scalars(select(Tenant).where(Tenant.slug == slug)).first()
        if found is None:
            raise click.ClickException(f"no municipality {slug!r}")
        changes = _changes(values)
        try:
            change_tenant(session, runtime.media, found, changes)
            if active is not None:
                found.active = active
        except TenantSetupError as error:
            raise click.ClickException(str(error)) from None
        session.commit()
        _show(found)


@tenant.command("list")
@pass_state
def listing(state: State) -> None:
    """List the municipalities and what reaches each."""
    with state.runtime.db.session(write=False) as session:
        for found in session.scalars(select(Tenant).order_by(Tenant.id)):
            _show(found)


@tenant.command("usage")
@click.option("--month", help="The month to report, YYYY-MM (this month without).")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV for a spreadsheet.")
@pass_state
def usage_report(state: State, month: str | None, as_csv: bool) -> None:
    """Show what each municipality used in a month, to share the costs."""
    try:
        chosen = checked_month(month) if month else month_of(utcnow())
    except MonthError as error:
        raise click.ClickException(str(error)) from None
    with state.runtime.db.session(write=False) as session:
        rows = report(session, [chosen])
    if as_csv:
        click.echo(usage_table.to_csv(rows), nl=False)
        return
    columns, body = usage_table.table(rows)
    widths = [
        max(len(str(v)) for v in (name, *(r[i] for r in body))) for i, name in enumerate(columns)
    ]
    for line in (columns, *body):
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def _show(found: Tenant) -> None:
    reached = ", ".join(found.hosts) or (
        "every other host" if found.id == DEFAULT_TENANT_ID else f"/{found.slug}/"
    )
    state = "" if found.active else " (inactive)"
    click.echo(f"{found.slug}: {found.name}{state} — {reached}")
    for number in found.phone_numbers:
        click.echo(f"  number {number}")
    for address in found.email_addresses:
        click.echo(f"  e-mail {address}")
    if found.telegram_path:
        click.echo(f"  Telegram webhook path /hooks/telegram/{found.telegram_path}")
