"""What a printed form asks, and the payload of the QR code that identifies each page."""

from __future__ import annotations

import re
from dataclasses import dataclass

QR_PREFIX = "INSPRAAK"
QR_SCHEMA = 1
LANGUAGES = ("nl", "fr", "en")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class QuestionSpec:
    """A closed question as printed: one check box per option, beside its label."""

    question_id: int
    key: str
    version: int
    text: str
    options: tuple[tuple[str, str], ...]
    required: bool = False


@dataclass(frozen=True)
class FormSpec:
    """Content of one consultation's paper form in one language."""

    slug: str
    version: int
    language: str
    title: str
    question: str
    description: str = ""
    options: tuple[tuple[str, str], ...] = ()
    questions: tuple[QuestionSpec, ...] = ()
    ask_name: bool = True
    ask_postcode: bool = True

    def __post_init__(self) -> None:
        """Refuse values a QR code or a layout cannot carry."""
        if not _SLUG.match(self.slug):
            raise ValueError(f"slug {self.slug!r} must be lowercase letters, digits and '-'")
        if self.version < 1:
            raise ValueError("version must be a positive integer")
        if self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r} is not one of {LANGUAGES}")
        keys = [key for key, _label in self.options]
        if len(set(keys)) != len(keys) or not all(_KEY.match(key) for key in keys):
            raise ValueError("option keys must be unique lowercase identifiers")
        questions = [q.key for q in self.questions]
        if len(set(questions)) != len(questions) or not all(map(_KEY.match, questions)):
            raise ValueError("question keys must be unique lowercase identifiers")


@dataclass(frozen=True)
class PageId:
    """Which form, version, language, variant and page a QR code names."""

    slug: str
    version: int
    language: str
    large_print: bool
    page: int
    pages: int

    @property
    def form_key(self) -> tuple[str, int, str, bool]:
        """Return what identifies the form regardless of page."""
        return (self.slug, self.version, self.language, self.large_print)

    def payload(self) -> str:
        """Encode as the compact QR text, e.g. `INSPRAAK:1:park:3:nl:S:1/2`."""
        variant = "L" if self.large_print else "S"
        return (
            f"{QR_PREFIX}:{QR_SCHEMA}:{self.slug}:{self.version}:{self.language}:"
            f"{variant}:{self.page}/{self.pages}"
        )

    @classmethod
    def parse(cls, text: str) -> PageId | None:
        """Decode a QR text, or return None when it is not an Inspraak page code."""
        parts = text.strip().split(":")
        if len(parts) != 7 or parts[0] != QR_PREFIX or parts[1] != str(QR_SCHEMA):
            return None
        _prefix, _schema, slug, version, language, variant, position = parts
        page, _, pages = position.partition("/")
        if not (
            _SLUG.match(slug)
            and version.isdigit()
            and language in LANGUAGES
            and variant in ("S", "L")
            and page.isdigit()
            and pages.isdigit()
            and 1 <= int(page) <= int(pages) <= 99
        ):
            return None
        return cls(slug, int(version), language, variant == "L", int(page), int(pages))
