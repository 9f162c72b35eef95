"""CSV that a spreadsheet opens as plain text, whichever list separator it was set up with.

Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` (or a tab or a
carriage return before one) as a formula: `=HYPERLINK(…)` can carry data off the staff
member's machine. Quoting every field is not enough on its own, because a spreadsheet that
splits on another separator than the file was written with ignores the quotes and starts
a new cell at every `;` or `,` (and a new row at every line break) inside a resident's
text. So every place where a cell could start is defused, as OWASP advises, with a `'`
in front of the formula character.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

SEPARATORS = (";", ",")
# Belgian (nl/fr) Excel lists with ';', which is what staff here open files with.
DEFAULT_SEPARATOR = ";"
# Excel reads UTF-8 only when the file starts with a byte order mark.
BOM = "\ufeff"
# What makes a spreadsheet read a cell as a formula (full-width forms included: some
# spreadsheets fold them to their ASCII twins).
FORMULA_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
# A cell may start at the start of a value, or after anything that ends a cell or a row
# under some separator; quotes and spaces before the formula character do not stop it.
_CELL_START = re.compile(r"(^|[;,\t\r\n\"])([ \"]*)(?=[" + re.escape(FORMULA_START) + "])")


class SeparatorError(ValueError):
    """The separator asked for is not one spreadsheets here use."""


def defuse(value: str) -> str:
    """Put `'` before every formula character a spreadsheet could take as a cell's start."""
    return _CELL_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'", value)


def cell(value: Any) -> str:
    """Return a value as the text of a safe cell (None as empty)."""
    if value is None:
        return ""
    return defuse(str(value))


def check_separator(separator: str) -> str:
    """Return `separator` if spreadsheets here use it, else raise SeparatorError."""
    if separator not in SEPARATORS:
        raise SeparatorError(f"separator must be one of {' '.join(SEPARATORS)}")
    return separator


def write(rows: Iterable[Iterable[Any]], separator: str = DEFAULT_SEPARATOR) -> str:
    """Render rows as CSV: a BOM, every field quoted and defused, lines ended by CRLF."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=check_separator(separator), quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
