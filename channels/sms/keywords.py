"""What a resident's text asks for: a status, opting out or in, or a contribution."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from intake.consultations import normalise_keyword
from intake.models import Consultation
from intake.references import normalise_reference


class Action(enum.StrEnum):
    STATUS = "status"
    STOP = "stop"
    START = "start"
    CONTRIBUTE = "contribute"


# The command word, and the language it gives away (None: the same in several languages).
STATUS_WORDS = {"STATUS": None, "STATUT": "fr", "STAND": "nl"}
STOP_WORDS = {"STOP": None, "STOPP": "nl", "ARRET": "fr"}
START_WORDS = {"START": None}
FIRST_WORD = re.compile(r"^\s*(\S+)\s*(.*)$", re.DOTALL)
# Longer than this after STATUS, and not a reference: a contribution that starts with "Status".
STATUS_TAIL_MAX = 12


@dataclass(frozen=True)
class Command:
    """A parsed message: the action, the first word as a keyword, and what follows it."""

    action: Action
    first_word: str = ""
    rest: str = ""
    reference: str | None = None
    language_hint: str | None = None


def keyword_of(word: str) -> str:
    """Normalise a word as a consultation keyword: no accents, no punctuation, uppercase."""
    return re.sub(r"[^0-9A-Z]", "", normalise_keyword(word))


def parse(body: str) -> Command:
    """Read the command word at the start of `body`, if any."""
    match = FIRST_WORD.match(body)
    if match is None:
        return Command(Action.CONTRIBUTE)
    word, rest = keyword_of(match.group(1)), match.group(2).strip()
    reference = normalise_reference(rest)
    if word in STATUS_WORDS and (reference or len(rest) <= STATUS_TAIL_MAX):
        return Command(
            Action.STATUS,
            word,
            rest,
            reference=reference,
            language_hint=STATUS_WORDS[word],
        )
    if not rest and word in STOP_WORDS:
        return Command(Action.STOP, word, language_hint=STOP_WORDS[word])
    if not rest and word in START_WORDS:
        return Command(Action.START, word)
    return Command(Action.CONTRIBUTE, word, rest)


def by_keyword(choices: Sequence[Consultation], keyword: str) -> Consultation | None:
    """Return the consultation whose SMS keyword is `keyword`."""
    return next((c for c in choices if keyword and c.sms_keyword == keyword), None)


def open_keywords(choices: Sequence[Consultation]) -> list[str]:
    """List the keywords of the consultations open right now."""
    return [c.sms_keyword for c in choices if c.is_open() and c.sms_keyword]
