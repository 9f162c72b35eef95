"""A consultation with two closed questions, as a TOML file would give it."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from intake.consultations import DEMO, save
from intake.models import Consultation
from tests.cli import inspraak

# The park questions as a consultation file gives them; servers started in tests load it.
PARK_TOML = """
[[consultation]]
slug = "park"
status = "open"
sms_keyword = "PARK"

[consultation.texts.nl]
title = "Een nieuw park aan de Schelde"
question = "Wat wilt u graag in het nieuwe park?"

[consultation.texts.fr]
title = "Un nouveau parc au bord de l'Escaut"
question = "Que souhaitez-vous trouver dans le nouveau parc ?"

[consultation.texts.en]
title = "A new park by the Scheldt"
question = "What would you like in the new park?"

[[consultation.questions]]
key = "often"
kind = "choice"
required = true
texts.nl = "Hoe vaak zou u het park gebruiken?"
texts.fr = "À quelle fréquence utiliseriez-vous le parc ?"
texts.en = "How often would you use the park?"
options = [
  { nl = "Elke dag", fr = "Tous les jours", en = "Every day" },
  { nl = "Elke week", fr = "Chaque semaine", en = "Every week" },
  { nl = "Zelden", fr = "Rarement", en = "Rarely" },
]

[[consultation.questions]]
key = "dogs"
kind = "yes_no"
texts.nl = "Wilt u een hondenweide?"
texts.fr = "Voulez-vous un espace pour chiens ?"
texts.en = "Do you want a dog park?"
"""
PARK_QUESTIONS: list[dict[str, Any]] = tomllib.loads(PARK_TOML)["consultation"][0]["questions"]


def load_park(data_dir: Path) -> None:
    """Load the park consultation into the data dir's database with the real CLI."""
    path = data_dir / "park.toml"
    path.write_text(PARK_TOML, encoding="utf-8")
    inspraak(data_dir, "consultation", "load", str(path))


def park(session: Session, slug: str = "park", keyword: str = "PARK") -> Consultation:
    """Create an open consultation that asks the two park questions; flush only."""
    data = copy.deepcopy(DEMO)
    data.update(slug=slug, sms_keyword=keyword, phone_digit=None, questions=PARK_QUESTIONS)
    return save(session, data)
