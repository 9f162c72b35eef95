"""Translations from the Babel catalogs in `locales/`, usable in requests, jobs and the CLI."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.support import LazyProxy, NullTranslations, Translations

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "inspraak_language", default=DEFAULT_LANGUAGE
)


def supported(language: str | None) -> str:
    """Return `language` if Inspraak speaks it, else the default language."""
    if language:
        short = language.strip().lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


@functools.cache
def translations(language: str) -> NullTranslations:
    """Load the compiled catalog of `language` (Dutch msgids fall through untranslated)."""
    return Translations.load(str(LOCALES_DIR), [language], domain="messages")


def current_language() -> str:
    """Return the language the current request, job or command speaks."""
    return _current.get()


def set_language(language: str) -> contextvars.Token[str]:
    """Make `language` current until the token is reset."""
    return _current.set(supported(language))


def reset_language(token: contextvars.Token[str]) -> None:
    """Return to the language that was current before `set_language` gave `token`."""
    _current.reset(token)


@contextlib.contextmanager
def using_language(language: str) -> Iterator[str]:
    """Speak `language` inside the block (force_locale outside a request)."""
    token = set_language(language)
    try:
        yield current_language()
    finally:
        _current.reset(token)


def gettext(message: str, **variables: Any) -> str:
    """Translate `message` into the current language, then fill in `%(name)s` variables."""
    text = translations(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """Translate a message with a plural form into the current language."""
    text = translations(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """Translate `message` when it is used, not when it is defined (for import-time strings)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name extraction looks for
    """Mark `message` for the catalogs without translating it yet."""
    return message
