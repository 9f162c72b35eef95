"""Adding a municipality to an installation, and changing what it is reached by.

Shared by `inspraak tenant` and the platform admin's pages. Everything a request, number,
bot or address is routed by must name one municipality only, which is checked here.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.branding import BrandingError, checked_accent, logo_type
from intake.errors import SafeError
from intake.i18n import LANGUAGES
from intake.models import Tenant
from intake.storage import MediaStore
from intake.tenants import RESERVED, SLUG

HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
NUMBER = re.compile(r"^\+[1-9][0-9]{6,14}$")
ADDRESS = re.compile(r"^[^@\s+]+@[a-z0-9.-]+\.[a-z]{2,63}$")
BOT_TOKEN = re.compile(r"^[0-9]{5,16}:[A-Za-z0-9_-]{30,64}$")
MAX_RETENTION_DAYS = 3650


class TenantSetupError(SafeError):
    """A municipality cannot be set up this way (the message says why)."""


@dataclass(frozen=True)
class TenantChanges:
    """What to set on a municipality; None leaves a value as it is."""

    name: str | None = None
    hosts: Sequence[str] | None = None
    phone_numbers: Sequence[str] | None = None
    email_addresses: Sequence[str] | None = None
    accent: str | None = None
    languages: Sequence[str] | None = None
    retention_days: int | None = None
    telegram_token: str | None = None
    logo: bytes | None = None
    active: bool | None = None


def add_tenant(
    session: Session,
    media: MediaStore,
    slug: str,
    changes: TenantChanges,
    taken_segments: Iterable[str] = (),
) -> Tenant:
    """Add a municipality; `taken_segments` are the first path segments the app serves."""
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise TenantSetupError("a short name has lowercase letters, digits and hyphens only")
    if slug in RESERVED or slug in set(taken_segments):
        raise TenantSetupError(f"the short name {slug!r} is a path the site itself uses")
    if session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise TenantSetupError(f"there is already a municipality {slug!r}")
    if not changes.name:
        raise TenantSetupError("a municipality needs a name")
    tenant = Tenant(slug=slug, name="", hosts=[], phone_numbers=[], email_addresses=[])
    session.add(tenant)
    change_tenant(session, media, tenant, changes)
    return tenant


def change_tenant(
    session: Session, media: MediaStore, tenant: Tenant, changes: TenantChanges
) -> Tenant:
    """Apply `changes` to `tenant`, checked; flush, not commit."""
    others = session.scalars(select(Tenant).where(Tenant.slug != tenant.slug)).all()
    if changes.name is not None:
        name = changes.name.strip()
        if not name or len(name) > 200:
            raise TenantSetupError("a name has 1 to 200 characters")
        tenant.name = name
    if changes.hosts is not None:
        tenant.hosts = _unique(
            "host name", [h.strip().lower() for h in changes.hosts], HOST, others, "hosts"
        )
    if changes.phone_numbers is not None:
        tenant.phone_numbers = _unique(
            "number", [n.strip() for n in changes.phone_numbers], NUMBER, others, "phone_numbers"
        )
    if changes.email_addresses is not None:
        tenant.email_addresses = _unique(
            "address",
            [a.strip().lower() for a in changes.email_addresses],
            ADDRESS,
            others,
            "email_addresses",
        )
    if changes.accent is not None:
        try:
            tenant.accent = checked_accent(changes.accent)
        except BrandingError as error:
            raise TenantSetupError(str(error)) from None
    if changes.languages is not None:
        languages = list(dict.fromkeys(changes.languages))
        if not languages or any(code not in LANGUAGES for code in languages):
            raise TenantSetupError(f"languages are some of {', '.join(LANGUAGES)}")
        tenant.languages = languages
    if changes.retention_days is not None:
        if not 1 <= changes.retention_days <= MAX_RETENTION_DAYS:
            raise TenantSetupError(f"keep personal details 1 to {MAX_RETENTION_DAYS} days")
        tenant.retention_days = changes.retention_days
    if changes.telegram_token is not None:
        _set_bot(tenant, changes.telegram_token.strip())
    if changes.logo is not None:
        try:
            media_type = logo_type(changes.logo)
        except BrandingError as error:
            raise TenantSetupError(str(error)) from None
        tenant.logo_key, _size = media.put_bytes(changes.logo)
        tenant.logo_type = media_type
    if changes.active is not None:
        tenant.active = changes.active
    session.flush()
    return tenant


def _set_bot(tenant: Tenant, token: str) -> None:
    if not token:
        tenant.telegram_token = tenant.telegram_secret = tenant.telegram_path = None
        return
    if not BOT_TOKEN.match(token):
        raise TenantSetupError("not a Telegram bot token (as BotFather gives it)")
    tenant.telegram_token = token
    # The secret Telegram sends back with every update, and the path only it knows.
    tenant.telegram_secret = secrets.token_urlsafe(32)
    tenant.telegram_path = secrets.token_urlsafe(18)


def _unique(
    what: str, values: list[str], pattern: re.Pattern[str], others: Sequence[Tenant], field: str
) -> list[str]:
    for value in values:
        if not pattern.match(value):
            raise TenantSetupError(f"not a valid {what}: {value!r}")
        for other in others:
            if value in getattr(other, field):
                raise TenantSetupError(f"the {what} {value} is already {other.name}'s")
    return list(dict.fromkeys(values))
