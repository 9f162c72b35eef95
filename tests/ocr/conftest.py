"""Forms, filled-in scans and their reads, made once per test session."""

from __future__ import annotations

from pathlib import Path

import formlab as lab
import paperscan as paper
import pytest
import scanset
from formlab import Case, Printed

from ocr.forms import FormLayout
from ocr.reader import ScanResult, read_scan


@pytest.fixture(scope="session")
def printed() -> dict[str, Printed]:
    """Print every test form once."""
    return scanset.print_all()


@pytest.fixture(scope="session")
def layouts(printed: dict[str, Printed]) -> list[FormLayout]:
    """Return the layouts of every printed test form."""
    return [p.layout for p in printed.values()]


@pytest.fixture(scope="session")
def cases(
    printed: dict[str, Printed], layouts: list[FormLayout], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Case]:
    """Scan every filled-in test form and read each file."""
    made = scanset.build_cases(printed, tmp_path_factory.mktemp("scans"))
    return scanset.read_all(made, layouts, tmp_path_factory.mktemp("work"))


@pytest.fixture(scope="session")
def sample_png(tmp_path_factory: pytest.TempPathFactory, printed: dict[str, Printed]) -> Path:
    """Return a small, quickly made scan of a filled-in form."""
    markt = printed["marktplein"]
    page = lab.fill(markt.pdf, markt.layout, scanset.TYPED, seed=11)[0]
    path = tmp_path_factory.mktemp("sample") / "sample.png"
    paper.scan(page, dpi=200, angle=0.5, seed=11).save(path, dpi=(200, 200))
    return path


@pytest.fixture(scope="session")
def doubtful(
    printed: dict[str, Printed], layouts: list[FormLayout], tmp_path_factory: pytest.TempPathFactory
) -> ScanResult:
    """Read a form with an unreadable answer and a stray stroke in a check box."""
    markt = printed["marktplein"]
    filling = lab.Filling(
        name="Claes Bo", postcode="9000", ticks={"consent"}, strays={"option:spelen"}, scribble=True
    )
    page = lab.fill(markt.pdf, markt.layout, filling, seed=12)[0]
    path = tmp_path_factory.mktemp("doubtful") / "doubtful.png"
    paper.scan(page, dpi=300, angle=-1.0, seed=12).save(path, dpi=(300, 300))
    return read_scan(path, workdir=tmp_path_factory.mktemp("work"), layouts=layouts)
