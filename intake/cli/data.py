"""Commands for the schema, consultations, staff accounts and exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import consultations, staff
from intake.cli.state import State, pass_state
from intake.migrations import upgrade
from intake.models import Consultation, ConsultationStatus


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Create the schema or migrate it to the latest revision."""
    upgrade(state.runtime.db.engine)
    click.echo("database is up to date")


@click.command()
@pass_state
def demo(state: State) -> None:
    """Seed the open demo consultation (slug demo, SMS keyword DEMO, phone digit 1)."""
    with state.runtime.db.session() as session:
        seeded = consultations.seed_demo(session)
        session.commit()
        click.echo(f"demo consultation ready: /c/{seeded.slug}")


@click.group()
def consultation() -> None:
    """Create, list, open, close and load consultations."""


def _fail(error: Exception) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


@consultation.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="Dutch title.")
@click.option("--question", required=True, help="Dutch question.")
@click.option("--keyword", help="SMS keyword.")
@click.option("--digit", help="Digit in the phone menu.")
@click.option("--open", "open_", is_flag=True, help="Open it right away.")
@pass_state
def consultation_create(
    state: State,
    slug: str,
    title: str,
    question: str,
    keyword: str | None,
    digit: str | None,
    open_: bool,
) -> None:
    """Create a consultation with its Dutch texts (add others with `load`)."""
    data = {
        "slug": slug,
        "sms_keyword": keyword,
        "phone_digit": digit,
        "status": "open" if open_ else "draft",
        "texts": {"nl": {"title": title, "question": question}},
    }
    with state.runtime.db.session() as session:
        if session.scalar(select(Consultation.id).where(Consultation.slug == slug)):
            _fail(consultations.ConsultationError(f"{slug!r} exists; use load to change it"))
        try:
            consultations.save(session, data)
        except consultations.ConsultationError as error:
            _fail(error)
        session.commit()
    click.echo(f"created {slug}")


@consultation.command("list")
@pass_state
def consultation_list(state: State) -> None:
    """List consultations with their status, keyword and phone digit."""
    with state.runtime.db.session() as session:
        for c in session.scalars(select(Consultation).order_by(Consultation.id)):
            title = c.text_in("nl").title
            click.echo(
                f"{c.slug}\t{c.status}\tkeyword={c.sms_keyword or '-'}\t"
                f"digit={c.phone_digit or '-'}\t{title}"
            )


def _set_status(state: State, slug: str, status: ConsultationStatus) -> None:
    with state.runtime.db.session() as session:
        try:
            consultations.set_status(session, slug, status)
        except consultations.ConsultationError as error:
            _fail(error)
        session.commit()
    click.echo(f"{slug} is {status}")


@consultation.command("open")
@click.argument("slug")
@pass_state
def consultation_open(state: State, slug: str) -> None:
    """Open a consultation to residents."""
    _set_status(state, slug, ConsultationStatus.OPEN)


@consultation.command("close")
@click.argument("slug")
@pass_state
def consultation_close(state: State, slug: str) -> None:
    """Close a consultation: no new contributions."""
    _set_status(state, slug, ConsultationStatus.CLOSED)


@consultation.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def consultation_load(state: State, path: Path) -> None:
    """Create or update consultations from a TOML file ([[consultation]] tables)."""
    with state.runtime.db.session() as session:
        try:
            loaded = consultations.load_toml(session, path)
        except consultations.ConsultationError as error:
            _fail(error)
        session.commit()
        for c in loaded:
            click.echo(f"loaded {c.slug} ({c.status})")


@click.group()
def user() -> None:
    """Manage staff accounts."""


@user.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "moderator", "viewer", "platform"]),
    required=True,
    help="platform: the installation's municipalities and usage only (default tenant).",
)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
@click.option(
    "--consultation",
    "slugs",
    multiple=True,
    help="Only in this consultation (repeat for more); a moderator or viewer of all without.",
)
@pass_state
def user_create(
    state: State, email: str, role: str, password_stdin: bool, slugs: tuple[str, ...]
) -> None:
    """Create a staff account; the password comes on standard input, never as an argument."""
    password = sys.stdin.readline().rstrip("\r\n")
    with state.runtime.db.session() as session:
        try:
            user = staff.create_user(session, email, role, password)
            if slugs:
                staff.set_grants(session, user, _grants_in(session, slugs, role))
        except staff.StaffError as error:
            _fail(error)
        session.commit()
    where = f" in {', '.join(slugs)}" if slugs else ""
    click.echo(f"created {role} {email.strip().lower()}{where}")


def _grants_in(session: Session, slugs: tuple[str, ...], role: str) -> set[staff.Grant]:
    if role in ("admin", "platform"):
        raise staff.StaffError("an admin is admin of every consultation; leave out --consultation")
    found = dict(
        session.execute(
            select(Consultation.slug, Consultation.id).where(Consultation.slug.in_(slugs))
        ).all()
    )
    missing = sorted(set(slugs) - set(found))
    if missing:
        raise staff.StaffError(f"no consultation {', '.join(missing)}")
    return {(found[slug], role) for slug in slugs}
