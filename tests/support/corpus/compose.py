"""Compose residents' texts from phrases, and make them look like what each channel delivers."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

STREETS = (
    "Kerkstraat",
    "Stationsstraat",
    "Molenstraat",
    "Schoolstraat",
    "Kapelstraat",
    "Veldstraat",
    "Nieuwstraat",
    "Beekstraat",
    "Lindelaan",
    "Dorpsstraat",
    "Hoogstraat",
    "Meersstraat",
)
_CHOICE = re.compile(r"\[([^\]]*)\]")
# Mistakes OCR makes on handwriting and poor copies: look-alike letters.
OCR_SWAPS = {"e": "c", "l": "1", "o": "0", "i": "l", "a": "o", "u": "v", "n": "ri", "m": "rn"}


@dataclass(frozen=True)
class Phrases:
    """What residents of one language write: topic sentences and the words around them."""

    topics: Mapping[str, Sequence[str]]
    parks: Sequence[str]
    squares: Sequence[str]
    openers: Sequence[str]
    personal: Sequence[str]
    closers: Sequence[str]
    asides: Sequence[str]
    off_topic: Sequence[str]
    short: Sequence[str]
    abbreviations: Mapping[str, str]
    fillers: Sequence[str]
    years: Sequence[str]


@dataclass(frozen=True)
class Draft:
    """A text before a channel shapes it: greeting, sentences, closing."""

    opener: str
    body: tuple[str, ...]
    closer: str

    def sentences(self) -> list[str]:
        """Return the sentences in order, without empty parts."""
        return [s for s in (self.opener, *self.body, self.closer) if s]


def draft(rng: random.Random, phrases: Phrases, topic: str) -> Draft:
    """Write one resident's text on `topic`: one to three topic sentences, maybe more."""
    places = {
        "street": rng.choice(STREETS),
        "park": rng.choice(phrases.parks),
        "square": rng.choice(phrases.squares),
        "years": rng.choice(phrases.years),
    }
    templates = phrases.topics[topic]
    count = rng.choices((1, 2, 3), weights=(3, 5, 2))[0]
    body = [_fill(rng, t, places) for t in rng.sample(templates, count)]
    if rng.random() < 0.5:
        body.insert(rng.randrange(len(body) + 1), _fill(rng, rng.choice(phrases.personal), places))
    return Draft(
        opener=rng.choice(phrases.openers) if rng.random() < 0.5 else "",
        body=tuple(s[0].upper() + s[1:] for s in body),
        closer=rng.choice(phrases.closers) if rng.random() < 0.4 else "",
    )


def _fill(rng: random.Random, template: str, places: Mapping[str, str]) -> str:
    chosen = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    return chosen.format(**places)


def resend(rng: random.Random, phrases: Phrases, original: Draft) -> Draft:
    """Edit a text the way people do when they send it again: a note, a sentence less."""
    body = list(original.body)
    if len(body) > 1 and rng.random() < 0.5:
        del body[rng.randrange(len(body))]
    if rng.random() < 0.6:
        body.insert(0, rng.choice(phrases.asides))
    return replace(original, body=tuple(body), opener="" if rng.random() < 0.5 else original.opener)


def render(rng: random.Random, phrases: Phrases, text: Draft, channel: str) -> str:
    """Return the text as it arrives through `channel`."""
    if channel == "sms":
        return _sms(rng, phrases, text)
    if channel == "voice":
        return _voice(rng, phrases, text)
    if channel == "paper":
        return _ocr(rng, " ".join(text.sentences()))
    if channel == "telegram":
        words = " ".join(text.sentences()[1 if text.opener else 0 :])
        return words[0].lower() + words[1:] if rng.random() < 0.3 else words
    return " ".join(text.sentences())


def _sms(rng: random.Random, phrases: Phrases, text: Draft) -> str:
    words = " ".join(text.body).split()
    short = [phrases.abbreviations.get(w.lower(), w) if rng.random() < 0.7 else w for w in words]
    message = " ".join(short)
    return message.lower() if rng.random() < 0.5 else message


def _voice(rng: random.Random, phrases: Phrases, text: Draft) -> str:
    # Vosk gives lowercase words, no punctuation, and keeps the hesitations people speak.
    words = re.sub(r"[^\w\s'’-]", " ", " ".join(text.sentences()).lower()).split()
    for _ in range(rng.randrange(0, 3)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(phrases.fillers))
    return " ".join(words)


def _ocr(rng: random.Random, text: str) -> str:
    chars = list(text)
    spots = [i for i, ch in enumerate(chars) if ch in OCR_SWAPS]
    for i in rng.sample(spots, min(len(spots), rng.randrange(1, 4))):
        chars[i] = OCR_SWAPS[chars[i]]
    return "".join(chars)
