"""Closed questions on paper: printed with a box per option, ticked, scanned, imported, counted."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.labels import reason_label
from intake.app import create_app
from intake.consultations import find, forget_cached
from intake.evidence import AnswerEvidence
from intake.i18n import using_language
from intake.models import Answer, Contribution, PrintedForm
from intake.questions import current
from ocr.forms import FormLayout
from ocr.reader.checkbox import CHECKED_MIN
from tests.admin.conftest import add_user, post, sign_in
from tests.channels.paper.conftest import TYPED, Desk, lab, paper
from tests.channels.web.helpers import submit

PLEIN_TOML = """
[[consultation]]
slug = "plein"
status = "open"

[consultation.texts.nl]
title = "Het nieuwe marktplein"
question = "Wat wilt u op het nieuwe marktplein?"

[consultation.texts.fr]
title = "La nouvelle place du marché"
question = "Que souhaitez-vous sur la nouvelle place ?"

[consultation.texts.en]
title = "The new market square"
question = "What would you like on the new square?"

[[consultation.questions]]
key = "bench"
kind = "yes_no"
required = true
texts.nl = "Wilt u meer zitbanken?"
texts.fr = "Voulez-vous plus de bancs ?"
texts.en = "Do you want more benches?"

[[consultation.questions]]
key = "often"
kind = "choice"
texts.nl = "Hoe vaak komt u op het plein?"
texts.fr = "À quelle fréquence venez-vous sur la place ?"
texts.en = "How often do you come to the square?"
options = [
  { nl = "Elke dag", fr = "Tous les jours", en = "Every day" },
  { nl = "Elke week", fr = "Chaque semaine", en = "Every week" },
  { nl = "Elke maand", fr = "Chaque mois", en = "Every month" },
  { nl = "Zelden", fr = "Rarement", en = "Rarely" },
]
"""
# Five questions: in large print they flow onto a second page; the last one is required.
FIVE_TOML = """
[[consultation]]
slug = "vijf"
status = "open"

[consultation.texts.nl]
title = "De bibliotheek van morgen"
question = "Wat mist u in de bibliotheek?"
""" + "".join(
    f"""
[[consultation.questions]]
key = "q{n}"
kind = "choice"
required = {"true" if n == 5 else "false"}
texts.nl = "Vraag {n}: hoe belangrijk is dit voor u?"
options = [{{ nl = "Heel belangrijk" }}, {{ nl = "Belangrijk" }}, {{ nl = "Niet belangrijk" }}]
"""
    for n in range(1, 6)
)
ANSWERED = lab.Filling(
    answer=TYPED.answer,
    name=TYPED.name,
    postcode=TYPED.postcode,
    ticks={"consent", lab.option_tick("bench", "1"), lab.option_tick("often", "3")},
)
TWICE = lab.Filling(
    answer="Een fontein op het plein.",
    ticks={
        lab.option_tick("bench", "1"),
        lab.option_tick("often", "1"),
        lab.option_tick("often", "2"),
    },
)
# The required fifth question is left blank.
FIVE = lab.Filling(
    answer="Langer open op zaterdag.",
    ticks={lab.option_tick(f"q{n}", str(n % 3 + 1)) for n in range(1, 5)},
)


@dataclass(frozen=True)
class Imported:
    """The forms printed, what was ticked, and the import of their scans."""

    layouts: dict[str, FormLayout]
    files: dict[str, Path]
    run: subprocess.CompletedProcess[str]


def _print(desk: Desk, slug: str, out: Path, *args: str) -> tuple[bytes, FormLayout]:
    desk.cli("forms", "print", slug, "--lang", "nl", *args, "-o", str(out))
    with desk.runtime.db.session(write=False) as session:
        stored = session.scalar(
            select(PrintedForm.layout)
            .where(PrintedForm.slug == slug, PrintedForm.large_print == bool(args))
            .order_by(PrintedForm.version.desc())
        )
    assert stored is not None
    return out.read_bytes(), FormLayout.from_json(stored)


@pytest.fixture(scope="module")
def imported(desk: Desk, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """Load two consultations, print, fill, scan and import one file per case."""
    folder = tmp_path_factory.mktemp("questions")
    for name, toml in (("plein", PLEIN_TOML), ("vijf", FIVE_TOML)):
        (folder / f"{name}.toml").write_text(toml, encoding="utf-8")
        desk.cli("consultation", "load", str(folder / f"{name}.toml"))
    plein = _print(desk, "plein", folder / "plein.pdf")
    five = _print(desk, "vijf", folder / "vijf.pdf", "--large-print")
    inbox = folder / "inbox"
    inbox.mkdir()
    files = {}
    for seed, (name, (pdf, layout), filling) in enumerate(
        (("answered", plein, ANSWERED), ("twice", plein, TWICE), ("five", five, FIVE)), 31
    ):
        pages = lab.fill(pdf, layout, filling, seed=seed)
        scanned = [paper.scan(p, dpi=200, angle=(-1) ** seed * 0.8, seed=seed) for p in pages]
        files[name] = paper.save_pdf(scanned, inbox / f"{name}.pdf", 200)
    run = desk.cli("scans", "import", str(inbox))
    return Imported({"plein": plein[1], "vijf": five[1]}, files, run)


def _form(session: Session, imported: Imported, name: str) -> Contribution:
    sha = hashlib.sha256(imported.files[name].read_bytes()).hexdigest()
    return session.scalars(
        select(Contribution).where(Contribution.channel_message_id == f"{sha}:0")
    ).one()


def _answers(contribution: Contribution) -> dict[str, tuple[str, AnswerEvidence]]:
    return {
        a.question.key: (a.option, AnswerEvidence.from_json(a.evidence))
        for a in contribution.closed_answers
    }


def test_each_question_prints_a_box_per_option_and_the_layout_says_what_it_means(
    imported: Imported,
) -> None:
    plein, five = imported.layouts["plein"], imported.layouts["vijf"]
    bench, often = (f for f in plein.fields if f.kind == "choice")
    assert bench.choice is not None and often.choice is not None
    assert (bench.choice.key, bench.choice.options, bench.choice.required) == (
        "bench",
        ("1", "2"),
        True,
    )
    assert (often.choice.key, often.choice.version, often.choice.options) == (
        "often",
        1,
        ("1", "2", "3", "4"),
    )
    assert all(cell.w >= 5 and cell.h >= 5 for cell in often.cells)
    pages = {f.choice.key: f.page for f in five.fields if f.choice is not None}
    assert sorted(pages) == ["q1", "q2", "q3", "q4", "q5"]
    assert set(pages.values()) == {1, 2}, pages
    assert all(cell.w >= 8 for f in five.fields if f.kind == "choice" for cell in f.cells)


def test_the_ticked_options_are_stored_as_answers_with_their_box_as_evidence(
    desk: Desk, imported: Imported
) -> None:
    assert "3 forms" in imported.run.stdout, imported.run.stdout
    with desk.runtime.db.session(write=False) as session:
        form = _form(session, imported, "answered")
        answers = _answers(form)
        assert {key: option for key, (option, _evidence) in answers.items()} == {
            "bench": "1",
            "often": "3",
        }
        crops = {a.sha256: a.details.get("field") for a in form.attachments if a.kind == "crop"}
        for key, (_option, evidence) in answers.items():
            assert evidence.source == "paper"
            assert evidence.fill_ratio is not None and evidence.fill_ratio >= CHECKED_MIN
            assert crops[evidence.crop] == f"question:{key}"
            assert desk.runtime.media.size(evidence.crop) > 0
        assert not form.needs_person, form.needs_person_reason


def test_two_boxes_ticked_store_no_answer_and_wait_for_a_person(
    desk: Desk, imported: Imported
) -> None:
    with desk.runtime.db.session(write=False) as session:
        form = _form(session, imported, "twice")
        assert (form.needs_person, form.needs_person_reason) == (True, "several_ticked")
        assert {key: option for key, (option, _e) in _answers(form).items()} == {"bench": "1"}
        read = form.answers["fields"]["question:often"]
        assert read["unsure"] is True and read["crop"]
        assert any(a.details.get("field") == "question:often" for a in form.attachments)
    with create_app(runtime_=desk.runtime).app_context(), using_language("en"):
        assert reason_label("several_ticked") == "More than one box ticked"


def test_questions_on_two_pages_are_all_read_and_a_blank_required_one_waits(
    desk: Desk, imported: Imported
) -> None:
    with desk.runtime.db.session(write=False) as session:
        form = _form(session, imported, "five")
        pages = imported.layouts["vijf"].pages
        assert [a.details["page"] for a in form.attachments if a.kind == "scan"] == list(
            range(1, pages + 1)
        )
        options = {key: option for key, (option, _e) in _answers(form).items()}
        assert options == {f"q{n}": str(n % 3 + 1) for n in range(1, 5)}
        assert (form.needs_person, form.needs_person_reason) == (True, "question_unanswered")


def test_the_results_page_adds_paper_and_web_answers(desk: Desk, imported: Imported) -> None:
    app = create_app(runtime_=desk.runtime)
    app.config["TESTING"] = True
    client = app.test_client()
    response = submit(client, "plein", lang="nl", text="Bomen", **{"q-bench": "2", "q-often": "3"})
    assert response.status_code == 200
    with desk.runtime.db.session() as session:
        find(session, "plein").closed_results_public = True
        session.commit()
    forget_cached()
    html = client.get("/c/plein/results?lang=nl").get_data(as_text=True)
    # Option | total | paper | web | Dutch: two forms answered "yes", the web form "no".
    assert '<tr><th scope="row">Ja</th><td>2</td><td>2</td><td>0</td><td>2</td></tr>' in html
    assert '<tr><th scope="row">Nee</th><td>1</td><td>0</td><td>1</td><td>1</td></tr>' in html
    # The form with two boxes ticked for this question is not counted until staff answer.
    assert (
        '<tr><th scope="row">Elke maand</th><td>2</td><td>1</td><td>1</td><td>2</td></tr>' in html
    )
    with desk.runtime.db.session(write=False) as session:
        counted = session.scalars(select(Answer).where(Answer.superseded_at.is_(None))).all()
        assert len([a for a in counted if a.question.consultation.slug == "plein"]) == 5


def test_staff_answer_a_question_ticked_twice_from_the_image_of_its_boxes(
    desk: Desk, imported: Imported
) -> None:
    app = create_app(runtime_=desk.runtime)
    app.config["TESTING"] = True
    moderator = app.test_client()
    add_user(desk.runtime, "paper-moderator@gemeente.be", "moderator")
    assert sign_in(moderator, "paper-moderator@gemeente.be").status_code == 302
    with desk.runtime.db.session(write=False) as session:
        form = _form(session, imported, "twice")
        often = next(q for q in current(session, form.consultation_id) if q.key == "often")
        image = next(a.id for a in form.attachments if a.details.get("field") == "question:often")
        detail = f"/admin/c/{form.id}"
    html = moderator.get(f"{detail}?lang=en").get_data(as_text=True)
    assert "More than one box ticked" in html
    assert f'src="/admin/media/{image}" alt="The boxes of this question on the paper form"' in html
    with moderator.get(f"/admin/media/{image}") as shown:
        assert shown.data.startswith(b"\x89PNG")
    done = post(moderator, f"{detail}/closed/{often.id}", {"option": "2"}, page=detail)
    assert done.status_code == 302
    with desk.runtime.db.session(write=False) as session:
        answers = _answers(_form(session, imported, "twice"))
        assert answers["often"][0] == "2" and answers["often"][1].source == "staff"
