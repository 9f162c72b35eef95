"""Every string a resident or staff member reads is translated into nl, fr and en."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from intake.catalogs import problems
from intake.i18n import LANGUAGES, LOCALES_DIR, gettext, using_language

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("intake", "channels", "transcription", "ocr", "admin")
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "_l": None,
    "lazy_gettext": None,
}


def _source_messages() -> set[str]:
    found = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            METHOD_MAP,
            keywords=KEYWORDS,
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_no_catalog_misses_a_translation() -> None:
    assert problems() == []


def test_the_catalogs_hold_every_string_in_the_code() -> None:
    for language in LANGUAGES:
        path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
        missing = _source_messages() - ids
        assert not missing, f"{language}: run `make catalogs` and translate: {sorted(missing)}"


def test_translations_are_used_at_run_time() -> None:
    with using_language("fr"):
        assert gettext("Versturen") == "Envoyer"
    with using_language("en"):
        assert gettext("Versturen") == "Send"
    assert gettext("Versturen") == "Versturen"
