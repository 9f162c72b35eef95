"""The `inspraak` commands of the contract, run as a deployer would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli import inspraak

CONSULTATIONS_TOML = """
[[consultation]]
slug = "fietspad"
status = "open"
sms_keyword = "Fiets"
phone_digit = 2
retention_days = 180
closes_at = "2031-06-30"

[consultation.texts.nl]
title = "Een fietspad langs de vaart"
question = "Waar moet het fietspad komen?"

[consultation.texts.fr]
title = "Une piste cyclable le long du canal"
question = "Où faut-il la piste cyclable ?"
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir with a migrated database."""
    inspraak(tmp_path, "db", "upgrade")
    return tmp_path


def test_demo_is_seeded_once_however_often_it_runs(data_dir: Path) -> None:
    inspraak(data_dir, "demo")
    inspraak(data_dir, "demo")
    listing = inspraak(data_dir, "consultation", "list").stdout.splitlines()
    assert len(listing) == 1
    assert listing[0].startswith("demo\topen\tkeyword=DEMO\tdigit=1")


def test_consultations_are_created_opened_closed_and_loaded(data_dir: Path) -> None:
    inspraak(
        data_dir,
        "consultation",
        "create",
        "bib",
        "--title",
        "De bib",
        "--question",
        "Wat mist u in de bib?",
        "--keyword",
        "bib",
    )
    assert "bib\tdraft\tkeyword=BIB" in inspraak(data_dir, "consultation", "list").stdout
    inspraak(data_dir, "consultation", "open", "bib")
    assert "bib\topen" in inspraak(data_dir, "consultation", "list").stdout
    inspraak(data_dir, "consultation", "close", "bib")
    assert "bib\tclosed" in inspraak(data_dir, "consultation", "list").stdout
    toml = data_dir / "c.toml"
    toml.write_text(CONSULTATIONS_TOML)
    assert "loaded fietspad (open)" in inspraak(data_dir, "consultation", "load", str(toml)).stdout
    assert (
        "fietspad\topen\tkeyword=FIETS\tdigit=2"
        in inspraak(data_dir, "consultation", "list").stdout
    )


def test_bad_input_to_commands_gets_a_clear_error(data_dir: Path) -> None:
    toml = data_dir / "bad.toml"
    toml.write_text('[[consultation]]\nslug = "Bad Slug"\n')
    result = inspraak(data_dir, "consultation", "load", str(toml), check=False)
    assert result.returncode == 1 and "slug must be lowercase" in result.stderr
    result = inspraak(data_dir, "consultation", "open", "missing", check=False)
    assert result.returncode == 1 and "no consultation with slug 'missing'" in result.stderr
    result = inspraak(data_dir, "demo", check=False, INSPRAAK_SECRET_KEY="short")
    assert result.returncode == 2 and "configuration error" in result.stderr


def test_staff_accounts_take_the_password_on_stdin(data_dir: Path) -> None:
    created = inspraak(
        data_dir,
        "user",
        "create",
        "An@Gemeente.be",
        "--role",
        "moderator",
        "--password-stdin",
        stdin="een lang wachtwoord\n",
    )
    assert "created moderator an@gemeente.be" in created.stdout
    short = inspraak(
        data_dir,
        "user",
        "create",
        "b@gemeente.be",
        "--role",
        "admin",
        "--password-stdin",
        stdin="kort\n",
        check=False,
    )
    assert short.returncode == 1 and "at least 12 characters" in short.stderr


def test_a_staff_account_can_be_made_for_some_consultations_only(data_dir: Path) -> None:
    inspraak(data_dir, "demo")
    command = ("user", "create", "park@gemeente.be", "--role", "viewer", "--password-stdin")
    made = inspraak(data_dir, *command, "--consultation", "demo", stdin="een lang wachtwoord\n")
    assert "created viewer park@gemeente.be in demo" in made.stdout
    unknown = ("user", "create", "x@gemeente.be", "--role", "viewer", "--password-stdin")
    refused = inspraak(
        data_dir, *unknown, "--consultation", "nergens", stdin="een lang wachtwoord\n", check=False
    )
    assert refused.returncode == 1 and "no consultation nergens" in refused.stderr


def test_export_writes_json_and_csv(data_dir: Path) -> None:
    inspraak(data_dir, "demo")
    empty = json.loads(inspraak(data_dir, "export", "demo", "--format", "json").stdout)
    assert empty == []
    out = data_dir / "demo.csv"
    inspraak(data_dir, "export", "demo", "--format", "csv", "-o", str(out))
    header = next(csv.reader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert {"reference", "channel", "language", "status", "text", "received_at"} <= set(header)
    assert "contact" not in header
    missing = inspraak(data_dir, "export", "nope", check=False)
    assert missing.returncode == 1


def test_the_worker_exits_when_idle(data_dir: Path) -> None:
    assert "0 jobs done" in inspraak(data_dir, "worker", "--until-idle").stdout
