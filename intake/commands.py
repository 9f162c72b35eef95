"""The words residents write to ask for a status or to stop, on every channel that reads text."""

from __future__ import annotations

import re

from intake.consultations import normalise_keyword

# The command word, and the language it gives away (None: the same in several languages).
STATUS_WORDS = {"STATUS": None, "STATUT": "fr", "STAND": "nl"}
STOP_WORDS = {"STOP": None, "STOPP": "nl", "ARRET": "fr"}
START_WORDS = {"START": None}


def keyword_of(word: str) -> str:
    """Normalise a word as a consultation keyword: no accents, no punctuation, uppercase."""
    return re.sub(r"[^0-9A-Z]", "", normalise_keyword(word))
