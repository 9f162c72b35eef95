"""Guess a message's language (Dutch, French, English) offline, from common words."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words frequent in one language and rare in the other two ("de", "en", "in", "is" and
# "a" are left out: they are common in two of them).
STOP_WORDS = {
    "nl": _words(
        "het een ik je jij wij zij niet geen maar ook wel nog voor met van naar bij "
        "op aan uit dat dit die wat waar hoe wie zijn heb hebben moet moeten kan kunnen "
        "zou zouden wil willen graag meer veel heel er hier daar nu al om te tot of "
        "mijn ons onze jullie hun zo want dan dus omdat goed nieuwe bomen mensen "
        "straat alsjeblieft bedankt hallo dag"
    ),
    "fr": _words(
        "le la les des un une du et est je tu nous vous ils elles il elle ce cette ces "
        "pas ne que qui quoi dans sur pour avec sans plus mais ou au aux très bien "
        "mon ma mes notre nos votre vos leur être avoir faut fait peut voudrais "
        "aimerais souhaite merci bonjour parc arbres gens rue beaucoup aussi "
        "ça c'est j'aimerais qu'il d'un d'une l'on"
    ),
    "en": _words(
        "the and of to it you they he she this that these those not no but also "
        "with for from at on by would should could like want need more please thanks "
        "thank hello my our your their be are was were have has there here what where "
        "how who trees people street lot very good new"
    ),
}
# Letters that only one of the three languages uses.
LETTER_HINTS = {"fr": "çêâîôûœ", "nl": "ĳ"}
MIN_EVIDENCE = 2
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def detect(text: str) -> str | None:
    """Return "nl", "fr" or "en" when the text says so clearly enough, else None."""
    words = [w.lower() for w in WORD.findall(text.replace("’", "'"))]
    scores = {
        language: sum(w in vocabulary for w in words) for language, vocabulary in STOP_WORDS.items()
    }
    lowered = text.lower()
    for language, letters in LETTER_HINTS.items():
        scores[language] += sum(lowered.count(letter) for letter in letters)
    best = max(scores, key=lambda language: scores[language])
    runner_up = max(score for language, score in scores.items() if language != best)
    if scores[best] < MIN_EVIDENCE or scores[best] == runner_up:
        return None
    return best
