"""Per-sender quotas: how many messages and media one sender may send an hour and a day.

One phone number or Telegram account could otherwise queue hundreds of large files, each
an hour of OCR, and every reply costs the municipality money. Channels look up what the
sender sent (`usage_of`, or their own read), `judge` the new message, and `record` it in
the same transaction as the message. A sender over a limit is told once per window, in
their language; after that, messages over the limit get no answer at all, so a flood
never turns into a flood of replies.

A window starts with the first message after the previous one ended (an hour, a day).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.functions import coalesce

from intake.config import WINDOWS, Quota
from intake.db import Executor, dialect_name
from intake.db.prepared import Prepared
from intake.i18n import gettext as _
from intake.models import SenderQuota

HOUR, DAY = "hour", "day"
COLUMNS = (
    SenderQuota.hour_start,
    SenderQuota.hour_messages,
    SenderQuota.hour_media,
    SenderQuota.day_start,
    SenderQuota.day_messages,
    SenderQuota.day_media,
    SenderQuota.noticed_at,
    SenderQuota.noticed_for,
)


@dataclass(frozen=True)
class Usage:
    """What a sender sent in their current hour and day, and when they were last told."""

    hour_start: datetime | None = None
    hour_messages: int = 0
    hour_media: int = 0
    day_start: datetime | None = None
    day_messages: int = 0
    day_media: int = 0
    noticed_at: datetime | None = None
    noticed_for: str | None = None

    @classmethod
    def of(cls, row: Any) -> Usage:
        """Read the `COLUMNS` of a row (all NULL: nothing sent yet)."""
        if row is None or row[0] is None:
            return cls()
        return cls(*row)

    def start(self, window: str, now: datetime) -> datetime | None:
        """Return when the current `window` began, or None when it has run out."""
        started = self.hour_start if window == HOUR else self.day_start
        if started is None or now - started >= timedelta(seconds=WINDOWS[window]):
            return None
        return started

    def used(self, window: str, now: datetime) -> tuple[int, int]:
        """Return the messages and media sent in the current `window`."""
        if self.start(window, now) is None:
            return 0, 0
        if window == HOUR:
            return self.hour_messages, self.hour_media
        return self.day_messages, self.day_media


@dataclass(frozen=True)
class Verdict:
    """What of a new message may be taken, and whether to tell the sender about a limit.

    `window` names the limit reached (`hour` or `day`), for the notice's wording.
    """

    message: bool = True
    media: int = 0
    refused_media: int = 0
    notice: bool = False
    window: str | None = None

    @property
    def counted(self) -> tuple[int, int]:
        """Return the messages and media to count for this message."""
        return (1 if self.message else 0), self.media


def _reached(quota: Quota, used: dict[str, int]) -> str | None:
    for window, limit in quota.limits():  # the longest window first: its notice says most
        if used[window] >= limit:
            return window
    return None


def judge(
    usage: Usage, messages: Quota, media: Quota, offered_media: int, now: datetime
) -> Verdict:
    """Decide what of a message carrying `offered_media` files a sender may still send."""
    used_messages = {w: usage.used(w, now)[0] for w in WINDOWS}
    used_media = {w: usage.used(w, now)[1] for w in WINDOWS}
    window = _reached(messages, used_messages)
    if window is not None:
        return Verdict(message=False, notice=_tell(usage, window, now), window=window)
    room = min(
        (limit - used_media[w] for w, limit in media.limits()),
        default=offered_media,
    )
    taken = max(0, min(offered_media, room))
    if taken == offered_media:
        return Verdict(media=taken)
    full = _reached(media, {w: used_media[w] + taken for w in WINDOWS}) or HOUR
    return Verdict(
        media=taken,
        refused_media=offered_media - taken,
        notice=_tell(usage, full, now),
        window=full,
    )


def _tell(usage: Usage, window: str, now: datetime) -> bool:
    """Tell whether the sender is still to hear about this window's limit.

    Once a window; and a sender told to wait an hour is told again when they come back
    to find the day's limit reached.
    """
    started = usage.start(window, now)
    if usage.noticed_at is None or started is None or usage.noticed_at < started:
        return True
    return window == DAY and usage.noticed_for != DAY


_USAGE = Prepared(
    select(*COLUMNS).where(
        SenderQuota.channel == bindparam("channel"),
        SenderQuota.key_hash == bindparam("key"),
    )
)


def usage_of(session: Executor, channel: str, key_hash: str) -> Usage:
    """Return what the sender with `key_hash` sent on `channel` lately."""
    return Usage.of(_USAGE.first(session, {"channel": channel, "key": key_hash}))


@functools.cache
def _count(dialect: str) -> Prepared:
    # One statement that opens the windows or counts in them; each column's new value is
    # computed from the row as it was, so the counts stay exact under concurrent messages.
    table = SenderQuota.__table__
    c = table.c
    now = bindparam("now", type_=c.hour_start.type)
    hour_open = c.hour_start > bindparam("hour_cutoff", type_=c.hour_start.type)
    day_open = c.day_start > bindparam("day_cutoff", type_=c.day_start.type)
    messages, media = bindparam("messages"), bindparam("media")
    noticed = bindparam("noticed", type_=c.noticed_at.type)
    noticed_for = bindparam("noticed_for", type_=c.noticed_for.type)
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = insert.values(
        channel=bindparam("channel"),
        key_hash=bindparam("key"),
        hour_start=now,
        hour_messages=messages,
        hour_media=media,
        day_start=now,
        day_messages=messages,
        day_media=media,
        noticed_at=noticed,
        noticed_for=noticed_for,
    ).on_conflict_do_update(
        index_elements=[c.channel, c.key_hash],
        set_={
            "hour_messages": case((hour_open, c.hour_messages + messages), else_=messages),
            "hour_media": case((hour_open, c.hour_media + media), else_=media),
            "hour_start": case((hour_open, c.hour_start), else_=now),
            "day_messages": case((day_open, c.day_messages + messages), else_=messages),
            "day_media": case((day_open, c.day_media + media), else_=media),
            "day_start": case((day_open, c.day_start), else_=now),
            "noticed_at": coalesce(noticed, c.noticed_at),
            "noticed_for": coalesce(noticed_for, c.noticed_for),
        },
    )
    return Prepared(statement)


def record(session: Executor, channel: str, key_hash: str, verdict: Verdict, now: datetime) -> None:
    """Count what was taken of a message, and the notice if one was sent."""
    messages, media = verdict.counted
    if not messages and not media and not verdict.notice:
        return  # a refused message past its notice changes nothing
    _count(dialect_name(session)).rows(
        session,
        {
            "channel": channel,
            "key": key_hash,
            "now": now,
            "hour_cutoff": now - timedelta(seconds=WINDOWS[HOUR]),
            "day_cutoff": now - timedelta(seconds=WINDOWS[DAY]),
            "messages": messages,
            "media": media,
            "noticed": now if verdict.notice else None,
            "noticed_for": verdict.window if verdict.notice else None,
        },
    )


def too_many_messages(window: str) -> str:
    """Tell a sender, in the current language, that no more messages are taken for now."""
    if window == HOUR:
        return _(
            "U stuurde veel berichten kort na elkaar. Het komende uur nemen we er geen meer "
            "aan. Probeer het later opnieuw."
        )
    return _(
        "U stuurde vandaag al veel berichten. We nemen er vandaag geen meer aan. "
        "Probeer het morgen opnieuw."
    )


def too_many_files(window: str, reference: str | None) -> str:
    """Tell a sender their photos, files or voice notes were refused (the rest kept: its code)."""
    if reference is not None and window == HOUR:
        return _(
            "Bedankt! Uw bericht is aangekomen, met code %(reference)s. Maar we namen geen "
            "foto's, bestanden of spraakberichten meer aan: u stuurde er het afgelopen uur al "
            "te veel.",
            reference=reference,
        )
    if reference is not None:
        return _(
            "Bedankt! Uw bericht is aangekomen, met code %(reference)s. Maar we namen geen "
            "foto's, bestanden of spraakberichten meer aan: u stuurde er vandaag al te veel.",
            reference=reference,
        )
    if window == HOUR:
        return _(
            "Uw foto, bestand of spraakbericht is niet aangekomen: u stuurde er het afgelopen "
            "uur al te veel. Probeer het later opnieuw, of schrijf uw mening als tekst."
        )
    return _(
        "Uw foto, bestand of spraakbericht is niet aangekomen: u stuurde er vandaag al te "
        "veel. Probeer het morgen opnieuw, of schrijf uw mening als tekst."
    )
