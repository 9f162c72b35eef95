"""The usage report as a table: one row per municipality and month, and as CSV."""

from __future__ import annotations

import re
from collections.abc import Sequence

from intake.reporting import spreadsheet
from intake.usage import (
    SMS_SEGMENTS_IN,
    SMS_SEGMENTS_OUT,
    STORAGE_BYTES,
    VOICE_SECONDS_IN,
    UsageRow,
)

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
BYTES_PER_MB = 1_000_000
HEAD = ("month", "tenant", "name")
TAIL = ("sms_segments_in", "sms_segments_out", "voice_minutes_in", "storage_mb")


class MonthError(ValueError):
    """Not a month as YYYY-MM."""


def checked_month(value: str) -> str:
    """Return `value` if it is a month as YYYY-MM, else raise MonthError."""
    if not MONTH.match(value):
        raise MonthError("a month is written YYYY-MM, e.g. 2026-12")
    return value


def channels(rows: Sequence[UsageRow]) -> list[str]:
    """Return every channel that brought contributions in any of `rows`, sorted."""
    return sorted({channel for row in rows for channel in row.contributions()})


def minutes(seconds: int) -> float:
    """Return seconds as minutes, to a tenth."""
    return round(seconds / 60, 1)


def megabytes(size: int) -> float:
    """Return bytes as megabytes (10⁶ bytes), to a tenth."""
    return round(size / BYTES_PER_MB, 1)


def table(rows: Sequence[UsageRow]) -> tuple[list[str], list[list[object]]]:
    """Return the report's column names and its rows of values."""
    seen = channels(rows)
    columns = [*HEAD, *(f"contributions_{channel}" for channel in seen), *TAIL]
    body: list[list[object]] = []
    for row in rows:
        per_channel = row.contributions()
        body.append(
            [
                row.month,
                row.slug,
                row.name,
                *(per_channel.get(channel, 0) for channel in seen),
                row.get(SMS_SEGMENTS_IN),
                row.get(SMS_SEGMENTS_OUT),
                minutes(row.get(VOICE_SECONDS_IN)),
                megabytes(row.get(STORAGE_BYTES)),
            ]
        )
    return columns, body


def to_csv(rows: Sequence[UsageRow], separator: str = spreadsheet.DEFAULT_SEPARATOR) -> str:
    """Render the report as spreadsheet-safe CSV with a header row."""
    columns, body = table(rows)
    return spreadsheet.write([columns, *body], separator)
