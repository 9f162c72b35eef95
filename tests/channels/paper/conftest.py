"""One data dir for the session: forms printed with the CLI, filled in, scanned, imported."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import PrintedForm
from intake.runtime import Runtime
from ocr.forms import FormLayout
from tests.cli import inspraak
from tests.conftest import make_settings

# The form-filling and scanning helpers of the reader's own tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ocr"))

import formlab as lab  # noqa: E402
import paperscan as paper  # noqa: E402

TYPED = lab.Filling(
    answer="Meer bomen en bankjes langs het water.\nEen speelplein voor de kinderen.",
    name="Janssens Elke",
    postcode="9060",
    ticks={"consent"},
)
HANDWRITTEN = lab.Filling(
    answer="UN JARDIN POUR LES ENFANTS\nET DES BANCS A L OMBRE",
    name="Dupont Marie",
    postcode="1070",
    font=lab.HANDWRITING,
    letter_font=lab.HANDWRITING,
)
SHORT = lab.Filling(answer="Een hondenweide graag.", name="Peeters Tom", ticks={"consent"})
LETTER = (
    "Geachte burgemeester,\n\nIk schrijf u over het nieuwe park aan de Schelde.\n"
    "Graag meer bomen.\n\nMet vriendelijke groeten,\nJan Vermeulen"
)


@dataclass(frozen=True)
class Form:
    """A form printed with `inspraak forms print`: its PDF and stored layout."""

    pdf: bytes
    layout: FormLayout


@dataclass
class Desk:
    """The session's Inspraak: data dir, runtime and the printed forms."""

    data_dir: Path
    runtime: Runtime
    forms: dict[str, Form]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `inspraak ARGS…` on this data dir."""
        return inspraak(self.data_dir, *args, check=check)


@pytest.fixture(scope="session")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """Migrate a data dir, seed the demo consultation and print its forms with the CLI."""
    data_dir = tmp_path_factory.mktemp("paper") / "data"
    runtime = Runtime.start(make_settings(data_dir))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    forms = {}
    for name, args in {
        "nl": ("--lang", "nl"),
        "fr-large": ("--lang", "fr", "--large-print"),
    }.items():
        out = data_dir.parent / f"{name}.pdf"
        inspraak(data_dir, "forms", "print", "demo", *args, "-o", str(out))
        language = args[1]
        with runtime.db.session(write=False) as session:
            stored = session.scalar(
                select(PrintedForm.layout).where(
                    PrintedForm.slug == "demo",
                    PrintedForm.language == language,
                    PrintedForm.large_print == ("--large-print" in args),
                )
            )
        assert stored is not None
        forms[name] = Form(out.read_bytes(), FormLayout.from_json(stored))
    yield Desk(data_dir, runtime, forms)
    runtime.db.dispose()


@pytest.fixture(scope="session")
def scans(desk: Desk, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Fill in the printed forms and scan them into files, as the library would."""
    folder = tmp_path_factory.mktemp("scanned")
    nl, fr = desk.forms["nl"], desk.forms["fr-large"]
    typed = lab.fill(nl.pdf, nl.layout, TYPED, seed=21)
    french = lab.fill(fr.pdf, fr.layout, HANDWRITTEN, seed=22)
    sheets = [
        paper.scan(typed[0], dpi=200, angle=1.0, seed=21),
        *(paper.scan(p, dpi=200, angle=-1.5, seed=22) for p in french),
        paper.scan(paper.letter_page(LETTER), dpi=200, angle=0.6, seed=23),
    ]
    short = lab.fill(nl.pdf, nl.layout, SHORT, seed=24)[0]
    png = folder / "short.png"
    paper.scan(short, dpi=200, angle=-0.8, seed=24).save(png, dpi=(200, 200))
    return {
        "batch": paper.save_pdf(sheets, folder / "batch.pdf", 200),
        "short": png,
    }
