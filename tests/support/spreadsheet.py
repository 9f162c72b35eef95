"""Open CSV files in LibreOffice Calc, as staff would, and read back every cell it made."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
# LibreOffice's CSV import options: separator, quote character, UTF-8, from line 1. Formulas
# are evaluated on import unless told otherwise, which is what a spreadsheet user gets.
CODES = {";": 59, ",": 44}


@dataclass(frozen=True)
class Cell:
    """One cell as Calc holds it: its formula (None for a plain value) and what it shows."""

    formula: str | None
    text: str


def calc() -> str:
    """Return LibreOffice's program, or skip the test when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def open_csv(paths: list[Path], separator: str, workdir: Path) -> dict[Path, list[list[Cell]]]:
    """Import each CSV splitting on `separator`, save it as ODS and return its rows of cells."""
    out = workdir / f"ods-{CODES[separator]}"
    out.mkdir(parents=True, exist_ok=True)
    profile = (workdir / "lo-profile").as_uri()
    subprocess.run(
        [
            calc(),
            f"-env:UserInstallation={profile}",
            "--headless",
            f"--infilter=CSV:{CODES[separator]},34,76,1",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {path: _rows(out / f"{path.stem}.ods") for path in paths}


def _rows(ods: Path) -> list[list[Cell]]:
    root = ElementTree.fromstring(zipfile.ZipFile(ods).read("content.xml"))
    rows = []
    for row in root.iter(f"{{{TABLE}}}table-row"):
        cells = []
        for cell in row.iter(f"{{{TABLE}}}table-cell"):
            # Runs of equal cells are written once; a long run is the empty rest of the row.
            repeated = min(int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1")), 64)
            read = Cell(cell.get(f"{{{TABLE}}}formula"), "\n".join(_paragraphs(cell)))
            cells.extend([read] * repeated)
        rows.append(cells)
    return rows


def _paragraphs(cell: ElementTree.Element) -> list[str]:
    ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    return ["".join(p.itertext()) for p in cell.iter(f"{{{ns}}}p")]
