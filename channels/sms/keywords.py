"""What a resident's text asks for: a status, opting out or in, or a contribution."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from intake.commands import START_WORDS, STATUS_WORDS, STOP_WORDS, keyword_of
from intake.models import Consultation
from intake.references import normalise_reference


class Action(enum.StrEnum):
    STATUS = "status"
    STOP = "stop"
    START = "start"
    CONTRIBUTE = "contribute"


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
