"""What each municipality used, per month, for sharing a shared installation's costs.

Channels count as they work, in the transaction of what they count: a contribution
stored (`contributions:<channel>`), SMS segments received and sent, seconds of voicemail.
Storage is not counted but measured when a report is made: the bytes of the originals a
municipality keeps now, reported under the current month. Counts name no resident, so
they outlive the contributions they counted.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from intake.db import Executor, dialect_name
from intake.db.prepared import Prepared
from intake.models import Attachment, Tenant, UsageCount, utcnow
from intake.tenancy import current_tenant_id, every_tenant

if TYPE_CHECKING:
    from intake.plugins import Meter

CONTRIBUTIONS = "contributions:"  # followed by the channel's name
SMS_SEGMENTS_IN = "sms_segments:in"
SMS_SEGMENTS_OUT = "sms_segments:out"
VOICE_SECONDS_IN = "voice_seconds:in"
STORAGE_BYTES = "storage_bytes"


def month_of(moment: datetime) -> str:
    """Return the month a moment counts in, 'YYYY-MM' (UTC)."""
    return moment.strftime("%Y-%m")


@functools.cache
def _add(dialect: str, rows: int) -> Prepared:
    # One statement for every count of a transaction: every counted message runs it, and
    # concurrent ones add up exactly.
    table = UsageCount.__table__
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = insert.values(
        [
            {
                "tenant_id": bindparam(f"tenant_{n}", type_=table.c.tenant_id.type),
                "month": bindparam(f"month_{n}", type_=table.c.month.type),
                "metric": bindparam(f"metric_{n}", type_=table.c.metric.type),
                "quantity": bindparam(f"quantity_{n}", type_=table.c.quantity.type),
            }
            for n in range(rows)
        ]
    )
    return Prepared(
        statement.on_conflict_do_update(
            index_elements=[table.c.tenant_id, table.c.month, table.c.metric],
            set_={"quantity": table.c.quantity + statement.excluded.quantity},
        )
    )


# The counts of the transaction at hand, while one is gathered (`tally`), by metric.
_gathered: ContextVar[dict[str, int] | None] = ContextVar("inspraak_usage", default=None)


def _write(session: Executor, counts: Mapping[str, int]) -> None:
    tenant, month = current_tenant_id(), month_of(utcnow())
    parameters: dict[str, object] = {}
    for n, (metric, quantity) in enumerate(sorted(counts.items())):
        parameters |= {
            f"tenant_{n}": tenant,
            f"month_{n}": month,
            f"metric_{n}": metric,
            f"quantity_{n}": quantity,
        }
    _add(dialect_name(session), len(counts)).rows(session, parameters)


def count(session: Executor, metric: str, quantity: int = 1) -> None:
    """Add `quantity` of `metric` to the current tenant's count for this month; no commit.

    Inside `tally`, the count waits to be written with the others of the transaction.
    """
    if quantity <= 0:
        return
    gathered = _gathered.get()
    if gathered is not None:
        gathered[metric] = gathered.get(metric, 0) + int(quantity)
    else:
        _write(session, {metric: int(quantity)})


@contextmanager
def tally(session: Executor) -> Iterator[None]:
    """Gather the counts of the enclosed writes and add them in one statement at the end
    (an incoming text counts its contribution, its segments and its reply's)."""
    token = _gathered.set({})
    try:
        yield
        gathered = _gathered.get()
    finally:
        _gathered.reset(token)
    if gathered:
        _write(session, gathered)


def count_sent(session: Executor, meters: Mapping[str, Meter], channel: str, body: str) -> None:
    """Count what sending `body` on `channel` cost, where the channel meters its messages."""
    meter = meters.get(channel)
    if meter is not None:
        count(session, *meter(body))


@dataclass
class UsageRow:
    """One municipality's figures for one month."""

    tenant_id: int
    slug: str
    name: str
    month: str
    quantities: dict[str, int] = field(default_factory=dict)

    def contributions(self) -> dict[str, int]:
        """Return the contributions stored, per channel."""
        return {
            metric.removeprefix(CONTRIBUTIONS): quantity
            for metric, quantity in sorted(self.quantities.items())
            if metric.startswith(CONTRIBUTIONS)
        }

    def get(self, metric: str) -> int:
        """Return the quantity of `metric` (0 when nothing was counted)."""
        return self.quantities.get(metric, 0)


def stored_bytes(session: Session) -> dict[int, int]:
    """Return the bytes of originals each tenant keeps now."""
    rows = session.execute(
        select(Attachment.tenant_id, func.coalesce(func.sum(Attachment.size), 0)).group_by(
            Attachment.tenant_id
        ),
        execution_options=every_tenant(),
    )
    return {int(tenant_id): int(size) for tenant_id, size in rows}


def report(session: Session, months: Iterable[str]) -> list[UsageRow]:
    """Return every tenant's figures for `months`, by tenant and month.

    Storage is measured now and shows in the current month only.
    """
    wanted: Sequence[str] = sorted(set(months))
    tenants = session.execute(select(Tenant.id, Tenant.slug, Tenant.name).order_by(Tenant.id))
    rows = {
        (tenant_id, month): UsageRow(tenant_id, slug, name, month)
        for tenant_id, slug, name in tenants
        for month in wanted
    }
    counted = session.execute(
        select(UsageCount.tenant_id, UsageCount.month, UsageCount.metric, UsageCount.quantity)
        .where(UsageCount.month.in_(wanted))
        .execution_options(**every_tenant())
    )
    for tenant_id, month, metric, quantity in counted:
        row = rows.get((tenant_id, month))
        if row is not None:
            row.quantities[metric] = quantity
    now = month_of(utcnow())
    if now in wanted:
        for tenant_id, size in stored_bytes(session).items():
            row = rows.get((tenant_id, now))
            if row is not None:
                row.quantities[STORAGE_BYTES] = size
    return sorted(rows.values(), key=lambda row: (row.month, row.tenant_id))
