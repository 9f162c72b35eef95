"""Keep the Babel catalogs whole: Dutch is the source, French and English must be complete."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from intake.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALES_DIR


def _path(language: str, root: Path) -> Path:
    return root / language / "LC_MESSAGES" / "messages.po"


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def fill_source(root: Path = LOCALES_DIR) -> int:
    """Give the Dutch catalog's new entries their msgid as text (Dutch is the source)."""
    path = _path(DEFAULT_LANGUAGE, root)
    catalog = _read(path)
    filled = 0
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not all(strings):
            message.string = message.id
            filled += 1
        if message.id and message.fuzzy:
            message.flags.discard("fuzzy")
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return filled


def problems(root: Path = LOCALES_DIR) -> list[str]:
    """List every message that is missing, fuzzy or obsolete-only in a catalog."""
    found = []
    for language in LANGUAGES:
        path = _path(language, root)
        if not path.exists():
            found.append(f"{language}: no catalog at {path}")
            continue
        for message in _read(path):
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                found.append(f"{language}: untranslated: {message.id!r}")
            elif message.fuzzy:
                found.append(f"{language}: fuzzy: {message.id!r}")
    return found


def main() -> None:
    """`python -m intake.catalogs fill|check`, used by `make catalogs` and `make test`."""
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    if action == "fill":
        print(f"nl: {fill_source()} new source entries")
        return
    issues = problems()
    for issue in issues:
        print(issue, file=sys.stderr)
    if issues:
        sys.exit(f"{len(issues)} catalog problems; run `make catalogs` and translate")
    print("catalogs complete: " + ", ".join(LANGUAGES))


if __name__ == "__main__":
    main()
