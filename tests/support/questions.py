"""A consultation with two closed questions, as a TOML file would give it."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm import Session

from intake.consultations import DEMO, save
from intake.models import Consultation

PARK_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "often",
        "kind": "choice",
        "required": True,
        "texts": {
            "nl": "Hoe vaak zou u het park gebruiken?",
            "fr": "À quelle fréquence utiliseriez-vous le parc ?",
            "en": "How often would you use the park?",
        },
        "options": [
            {"nl": "Elke dag", "fr": "Tous les jours", "en": "Every day"},
            {"nl": "Elke week", "fr": "Chaque semaine", "en": "Every week"},
            {"nl": "Zelden", "fr": "Rarement", "en": "Rarely"},
        ],
    },
    {
        "key": "dogs",
        "kind": "yes_no",
        "texts": {
            "nl": "Wilt u een hondenweide?",
            "fr": "Voulez-vous un espace pour chiens ?",
            "en": "Do you want a dog park?",
        },
    },
]


def park(session: Session, slug: str = "park", keyword: str = "PARK") -> Consultation:
    """Create an open consultation that asks the two park questions; flush only."""
    data = copy.deepcopy(DEMO)
    data.update(slug=slug, sms_keyword=keyword, phone_digit=None, questions=PARK_QUESTIONS)
    return save(session, data)
