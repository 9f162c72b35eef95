"""Turn a contribution's text into the terms the analysis compares: concepts and stems."""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer
from stop_words import get_stop_words

from intake.reporting.analysis.lexicon import WORDS

STEMMERS = {"nl": "dutch", "fr": "french", "en": "english"}
# Words the stop lists drop that carry a topic in one of our languages: Dutch "kind" is a
# child, "ring" a ring road; "voie" a lane; "old", "young" and "home" say who is concerned.
KEEP = frozenset({"kind", "ring", "stop", "line", "voie", "old", "older", "young", "home"})
# What the stop lists miss: Dutch function words, greetings and the hesitations that
# voice transcripts keep.
_EXTRA = (
    "onze waarom moeten mogen zouden willen vind vinden graag alstublieft aub echt heel gewoon "
    "zeker vooral nodig elke alle enkel steeds dus euh allee ja nee goeiedag dag beste hallo "
    "bedankt groeten groetjes alvast geachte uh um yeah hi dear thanks cheers merci bonjour "
    "salut cordialement"
)
EXTRA_STOPS = frozenset(_EXTRA.split())
# A word this long from another language is taken as that language's (residents mix them).
BORROWED = 5
# Dutch glues words together ("nachtlawaai", "zitbanken"): the last part names the thing.
COMPOUND, HEAD = 7, 4
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_JOINED = re.compile(r"['’-]")


def fold(word: str) -> str:
    """Take the accents off a word, so "vélo" typed without them still matches."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def stop_words() -> frozenset[str]:
    """Return the Dutch, French and English stop words, with and without accents."""
    words = {w for lang in STEMMERS.values() for w in get_stop_words(lang)} - KEEP | EXTRA_STOPS
    return frozenset(words | {fold(w) for w in words})


@functools.cache
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


@functools.cache
def _concepts(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return the lexicon's written forms and their stems → concept, for one language."""
    forms = {fold(word): concept for word, concept in WORDS.get(language, {}).items()}
    stems: dict[str, str | None] = {}
    for word, concept in forms.items():
        stem = _stem(language, word)
        # A stem two concepts share ("park" of "parking" and of "park") decides nothing.
        stems[stem] = concept if stems.get(stem, concept) == concept else None
    return forms, {stem: concept for stem, concept in stems.items() if concept}


@functools.lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    stemmer = _stemmer(language)
    return fold(stemmer.stemWord(word) if stemmer else word)


@functools.lru_cache(maxsize=200_000)
def term(language: str, word: str) -> str | None:
    """Return what a lowercase word counts as (a concept or a stem), None to skip it."""
    if len(word) < 2 or any(ch.isdigit() for ch in word):
        return None
    folded = fold(word)
    forms, stems = _concepts(language)
    if folded in forms:
        return forms[folded]
    if word in stop_words() or folded in stop_words():
        return None
    stem = _stem(language, folded)
    if stem in stems:
        return stems[stem]
    if len(folded) >= BORROWED:
        for other in STEMMERS:
            if other != language and folded in _concepts(other)[0]:
                return _concepts(other)[0][folded]
    if language == "nl" and len(folded) >= COMPOUND:
        for start in range(1, len(folded) - HEAD + 1):
            if folded[start:] in forms:
                return forms[folded[start:]]
    return stem


@functools.lru_cache(maxsize=200_000)
def _terms(language: str, word: str) -> tuple[tuple[str, str], ...]:
    # "auto's" and "petits-enfants" are words of their own; "l'arbre" is two.
    if _JOINED.search(word) and fold(word) not in _concepts(language)[0]:
        parts = ((term(language, part), part) for part in _JOINED.split(word))
        return tuple((found, part) for found, part in parts if found)
    found = term(language, word)
    return ((found, word),) if found else ()


def analyse(text: str, language: str) -> list[str]:
    """Return the terms of a text's telling words, in order."""
    return [t for t, _ in analyse_with_surfaces(text, language)]


def analyse_with_surfaces(text: str, language: str) -> list[tuple[str, str]]:
    """Return (term, word as written) pairs, to show people words rather than stems."""
    found = (_terms(language, match.group()) for match in _WORD.finditer(text.lower()))
    return [pair for pairs in found for pair in pairs]


def forget_words() -> None:
    """Empty the word caches, as in a freshly started process."""
    for cached in (_terms, term, _stem):
        cached.cache_clear()
