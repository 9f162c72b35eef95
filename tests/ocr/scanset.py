"""The test scan set: printed forms, what residents wrote on them, and the scanned files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import formlab as lab
import paperscan as paper
from formlab import Case, Printed

from ocr.forms import FormLayout, FormSpec, form_layout, render_form_pdf
from ocr.reader import read_scan

MARKTPLEIN = FormSpec(
    slug="heraanleg-marktplein",
    version=3,
    language="nl",
    title="Heraanleg van het Marktplein in Zelzate",
    question="Wat vindt u belangrijk bij de heraanleg van het marktplein?",
    description="De gemeente wil het plein vernieuwen. Geef uw mening vóór 30 juni.",
    options=(
        ("groen", "Meer groen en bomen"),
        ("parkeren", "Parkeerplaatsen behouden"),
        ("spelen", "Een speelplein voor kinderen"),
        ("markt", "Plaats voor de wekelijkse markt"),
    ),
)
BIBLIOTHEEK = FormSpec(
    slug="bibliotheek-openingsuren",
    version=1,
    language="fr",
    title="Heures d'ouverture de la bibliothèque",
    question="Quand aimeriez-vous visiter la bibliothèque ?",
    options=(("matin", "Le matin"), ("soir", "Le soir"), ("samedi", "Le samedi")),
)
SPEELTUIN = FormSpec(
    slug="speeltuin-zuid",
    version=2,
    language="en",
    title="A new playground in the south district",
    question="What should the new playground offer?",
)


def print_form(spec: FormSpec, large_print: bool = False) -> Printed:
    """Print `spec` in one variant."""
    layout = form_layout(spec, large_print=large_print)
    return Printed(spec, large_print, layout, render_form_pdf(spec, large_print=large_print))


def print_all() -> dict[str, Printed]:
    """Print every test form."""
    return {
        "marktplein": print_form(MARKTPLEIN),
        "marktplein-large": print_form(MARKTPLEIN, large_print=True),
        "bibliotheek-large": print_form(BIBLIOTHEEK, large_print=True),
        "speeltuin": print_form(SPEELTUIN),
    }


TYPED = lab.Filling(
    answer="Meer bomen en banken rond het plein.\nDe wekelijkse markt moet blijven.\n"
    "Graag een veilige fietsenstalling.",
    name="Janssens Elke",
    postcode="9060",
    ticks={"option:groen", "option:spelen", "consent"},
)
HANDWRITTEN = lab.Filling(
    answer="LE SAMEDI MATIN SERAIT PARFAIT\nPOUR LES FAMILLES AVEC ENFANTS",
    name="Dupont Marie",
    postcode="1070",
    ticks={"option:samedi", "consent"},
    font=lab.HANDWRITING,
    letter_font=lab.HANDWRITING,
)
PLAYGROUND = lab.Filling(
    answer="Swings and a climbing frame for older children.\nMore benches in the shade please.",
    name="Peeters Tom",
    postcode="2000",
)
PHOTOGRAPHED = lab.Filling(
    answer="Het plein moet autovrij worden.\nParkeren kan aan de rand van het centrum.",
    name="De Smet An",
    postcode="8500",
    ticks={"option:parkeren", "option:markt"},
)
SECOND_COPY = lab.Filling(
    answer="Een fontein voor de kinderen in de zomer.",
    name="Wouters Lies",
    postcode="3000",
    ticks={"option:markt"},
)
LETTER = (
    "Geachte burgemeester,\n\nIk schrijf u over de heraanleg van het marktplein.\n"
    "Ik woon al dertig jaar aan het plein en vraag om meer bomen.\n\nMet vriendelijke groeten,\n"
    "Jan Vermeulen"
)


def build_cases(printed: dict[str, Printed], folder: Path) -> list[Case]:
    """Fill, scan and photograph the test forms into files in `folder`."""
    if not lab.HANDWRITING.exists():
        raise RuntimeError(f"{lab.HANDWRITING} is missing: install Debian's fonts-humor-sans")
    folder.mkdir(parents=True, exist_ok=True)
    markt, bib, play = printed["marktplein"], printed["bibliotheek-large"], printed["speeltuin"]
    large = printed["marktplein-large"]
    cases = []

    pages = lab.fill(markt.pdf, markt.layout, TYPED, seed=1)
    scanned = [paper.scan(p, dpi=200, angle=1.5, seed=1) for p in pages]
    cases.append(
        Case("pdf-200dpi", paper.save_pdf(scanned, folder / "a.pdf", 200), [(markt, TYPED)])
    )

    pages = lab.fill(bib.pdf, bib.layout, HANDWRITTEN, seed=2)
    scanned = [
        paper.scan(p, dpi=300, angle=a, seed=2) for p, a in zip(pages, (-2.5, 2.0), strict=True)
    ]
    cases.append(
        Case("tiff-300dpi", paper.save_tiff(scanned, folder / "b.tif", 300), [(bib, HANDWRITTEN)])
    )

    pages = lab.fill(play.pdf, play.layout, PLAYGROUND, seed=3)
    png = folder / "c.png"
    paper.scan(pages[0], dpi=300, angle=3.0, seed=3).save(png, dpi=(300, 300))
    cases.append(Case("png-300dpi", png, [(play, PLAYGROUND)]))

    pages = lab.fill(markt.pdf, markt.layout, PHOTOGRAPHED, seed=4)
    photo = folder / "d.jpg"
    paper.photograph(pages[0], seed=4).save(photo, quality=85)  # phones write no usable dpi
    cases.append(Case("phone-photo", photo, [(markt, PHOTOGRAPHED)]))

    pages = lab.fill(large.pdf, large.layout, TYPED, seed=5)
    scanned = [paper.scan(p, dpi=200, angle=-1.0, seed=5) for p in pages]
    cases.append(
        Case("large-print", paper.save_pdf(scanned, folder / "e.pdf", 200), [(large, TYPED)])
    )

    first = lab.fill(markt.pdf, markt.layout, PHOTOGRAPHED, seed=6)
    french = lab.fill(bib.pdf, bib.layout, HANDWRITTEN, seed=7)
    second = lab.fill(markt.pdf, markt.layout, SECOND_COPY, seed=8)
    sheets = [
        paper.scan(first[0], dpi=200, angle=1.0, seed=6),
        paper.scan(french[0], dpi=200, angle=-1.2, seed=7),
        paper.scan(french[1], dpi=200, angle=181.5, seed=8),  # fed into the scanner upside down
        paper.scan(paper.letter_page(LETTER), dpi=200, angle=0.8, seed=9),
        paper.scan(second[0], dpi=200, angle=-2.0, seed=10),
    ]
    cases.append(
        Case(
            "multi-form-pdf",
            paper.save_pdf(sheets, folder / "f.pdf", 200),
            [(markt, PHOTOGRAPHED), (bib, HANDWRITTEN), (None, None), (markt, SECOND_COPY)],
        )
    )
    return cases


def read_all(cases: list[Case], layouts: list[FormLayout], work: Path) -> dict[str, Case]:
    """Read every case's file, two at a time as on a two-core server."""

    def read(case: Case) -> Case:
        """Read one case's file."""
        case.result = read_scan(case.path, workdir=work, layouts=layouts)
        return case

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {case.name: case for case in pool.map(read, cases)}
