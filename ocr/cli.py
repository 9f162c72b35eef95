"""`inspraak forms print`: the paper form of a consultation, ready for the printer."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from intake.cli.state import State, pass_state
from intake.consultations import ConsultationError, find
from ocr.forms.spec import LANGUAGES
from ocr.printed import print_form


@click.group()
def forms() -> None:
    """Print paper forms for the consultations."""


@forms.command("print")
@click.argument("slug")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="nl", show_default=True)
@click.option("--large-print", is_flag=True, help="Bigger letters and wider lines.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_state
def print_command(state: State, slug: str, language: str, large_print: bool, output: Path) -> None:
    """Write the A4 form of consultation SLUG as a PDF; its layout is kept to read scans."""
    with state.runtime.db.session() as session:
        try:
            consultation = find(session, slug)
        except ConsultationError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        printed, pdf = print_form(session, consultation, language, large_print=large_print)
        version = printed.version
        session.commit()
    output.write_bytes(pdf)
    click.echo(f"{output}: {slug}, version {version}, {language}")
