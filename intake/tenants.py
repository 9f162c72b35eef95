"""Finding the municipality a request is for: by host, path, number, bot or address.

Every process keeps the short list of tenants in memory (`Directory`) and reads it again
from the database every `REFRESH_SECONDS`, so a municipality the platform admin adds on
one machine is served by all of them within that time.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from intake.config import Settings
from intake.db import UNAVAILABLE, Database
from intake.errors import describe
from intake.models import DEFAULT_TENANT_ID, Tenant
from intake.models.tenant import DEFAULT_ACCENT
from intake.tenancy import scoped

log = logging.getLogger("inspraak.tenants")
REFRESH_SECONDS = 30.0
# After the database was away, how soon the tenants are read again.
RETRY_SECONDS = 2.0
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# First path segments the app itself uses; a municipality reached by path takes none of them.
RESERVED = frozenset({"default", "platform", "static", "tenant", "t", "www"})


@dataclass(frozen=True)
class TenantInfo:
    """What serving a tenant needs to know, read once and shared between requests."""

    id: int
    slug: str
    name: str
    hosts: tuple[str, ...]
    accent: str
    logo_key: str | None
    logo_type: str | None
    languages: tuple[str, ...]
    retention_days: int
    phone_numbers: tuple[str, ...]
    telegram_token: str | None
    telegram_secret: str | None
    telegram_path: str | None
    email_addresses: tuple[str, ...]
    active: bool

    @classmethod
    def of(cls, row: Tenant) -> TenantInfo:
        return cls(
            id=row.id,
            slug=row.slug,
            name=row.name,
            hosts=tuple(h.lower() for h in row.hosts),
            accent=row.accent,
            logo_key=row.logo_key,
            logo_type=row.logo_type,
            languages=tuple(row.languages),
            retention_days=row.retention_days,
            phone_numbers=tuple(row.phone_numbers),
            telegram_token=row.telegram_token,
            telegram_secret=row.telegram_secret,
            telegram_path=row.telegram_path,
            email_addresses=tuple(a.lower() for a in row.email_addresses),
            active=row.active,
        )

    @property
    def is_default(self) -> bool:
        return self.id == DEFAULT_TENANT_ID


_UNREAD_DEFAULT = TenantInfo(
    id=DEFAULT_TENANT_ID,
    slug="default",
    name="Inspraak",
    hosts=(),
    accent=DEFAULT_ACCENT,
    logo_key=None,
    logo_type=None,
    languages=("nl", "fr", "en"),
    retention_days=365,
    phone_numbers=(),
    telegram_token=None,
    telegram_secret=None,
    telegram_path=None,
    email_addresses=(),
    active=True,
)


@dataclass(frozen=True)
class _Index:
    """The tenants by each thing a request or message is routed by."""

    ids: dict[int, TenantInfo]
    hosts: dict[str, TenantInfo]
    slugs: dict[str, TenantInfo]
    numbers: dict[str, TenantInfo]
    paths: dict[str, TenantInfo]
    addresses: dict[str, TenantInfo]

    @classmethod
    def of(cls, tenants: list[TenantInfo]) -> _Index:
        return cls(
            ids={t.id: t for t in tenants},
            hosts={h: t for t in tenants for h in t.hosts},
            slugs={t.slug: t for t in tenants if not t.is_default},
            numbers={n: t for t in tenants for n in t.phone_numbers},
            paths={t.telegram_path: t for t in tenants if t.telegram_path},
            addresses={a: t for t in tenants for a in t.email_addresses},
        )


class Directory:
    """The tenants of the installation, looked up by what a request or message carries."""

    def __init__(
        self,
        db: Database,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._refresh = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded_at: float | None = None
        self._by = _Index.of([])
        self._settings: dict[int, tuple[TenantInfo, Settings, Settings]] = {}

    def forget(self) -> None:
        """Read the tenants again at the next lookup (after this process changed one)."""
        self._loaded_at = None

    def all(self) -> list[TenantInfo]:
        return sorted(self._tenants().values(), key=lambda t: t.id)

    def get(self, tenant_id: int) -> TenantInfo:
        """Return the tenant `tenant_id`; one added since the last read is read at once."""
        found = self._tenants().get(tenant_id)
        if found is None:
            self.forget()  # a job or a spooled message of a municipality added meanwhile
            found = self._tenants().get(tenant_id)
        return found or self._tenants()[DEFAULT_TENANT_ID]

    def settings_for(self, tenant_id: int, base: Settings) -> Settings:
        """Return `base` as the municipality `tenant_id` sees it: its own numbers, bot,
        sender address and public address; the default tenant's are the installation's."""
        if tenant_id == DEFAULT_TENANT_ID:
            return base
        tenant = self.get(tenant_id)
        made = self._settings.get(tenant_id)
        if made is not None and made[0] is tenant and made[1] is base:
            return made[2]
        public_url = (
            f"https://{tenant.hosts[0]}"
            if tenant.hosts
            else f"{base.public_url.rstrip('/')}/{tenant.slug}"
            if base.public_url
            else None
        )
        own = replace(
            base,
            public_url=public_url,
            twilio_from_number=tenant.phone_numbers[0] if tenant.phone_numbers else None,
            telegram_bot_token=tenant.telegram_token,
            telegram_webhook_secret=tenant.telegram_secret,
            mail_from=tenant.email_addresses[0] if tenant.email_addresses else base.mail_from,
        )
        self._settings[tenant_id] = (tenant, base, own)
        return own

    def by_host(self, host: str) -> TenantInfo | None:
        host = host.lower().rsplit(":", 1)[0] if not host.endswith("]") else host.lower()
        return self._index().hosts.get(host)

    def by_slug(self, slug: str) -> TenantInfo | None:
        return self._index().slugs.get(slug)

    def by_number(self, number: str | None) -> TenantInfo | None:
        """The tenant whose Twilio number `number` is (`whatsapp:+32…` counts as `+32…`)."""
        if not number:
            return None
        return self._index().numbers.get(number.removeprefix("whatsapp:"))

    def by_telegram_path(self, path: str) -> TenantInfo | None:
        return self._index().paths.get(path)

    def by_address(self, addresses: Iterable[str]) -> TenantInfo | None:
        """The tenant one of `addresses` (a mail's To and Cc, `local+tag@` as `local@`)
        belongs to."""
        known = self._index().addresses
        for address in addresses:
            local, at, domain = address.lower().partition("@")
            found = known.get(local.partition("+")[0] + at + domain)
            if found is not None:
                return found
        return None

    def _tenants(self) -> dict[int, TenantInfo]:
        return self._index().ids

    def _index(self) -> _Index:
        now = self._clock()
        if self._loaded_at is None or now - self._loaded_at >= self._refresh:
            with self._lock:
                if self._loaded_at is None or now - self._loaded_at >= self._refresh:
                    self._load(now)
        return self._by

    def _load(self, now: float) -> None:
        try:
            with self._db.session(write=False) as session:
                rows = session.scalars(select(Tenant)).all()
        except UNAVAILABLE as error:
            # Webhooks must still spool while the database is away: route by what was
            # read last (or, in a process that never read it, as the default tenant).
            log.warning("tenants not read again: %s", describe(error))
            if not self._by.ids:
                self._by = _Index.of([_UNREAD_DEFAULT])
            self._loaded_at = now - self._refresh + RETRY_SECONDS
            return
        self._by = _Index.of([TenantInfo.of(row) for row in rows])
        self._loaded_at = now


class TenantRouter:
    """WSGI middleware: run each request for the tenant its host or first path segment
    names; everything else is the default tenant's (an installation for one municipality).

    A tenant reached by path (`/gemeente-a/…`) has that segment moved to SCRIPT_NAME, so
    the app's own links stay under it.
    """

    def __init__(self, app: Callable[..., Any], directory: Directory) -> None:
        self.app = app
        self.directory = directory

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        tenant = self._route(environ)
        if tenant is not None and not tenant.active:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not found\n"]
        tenant_id = tenant.id if tenant is not None else DEFAULT_TENANT_ID
        # Scoped even for the default: a view that switched (by the number called) is reset.
        with scoped(tenant_id):
            body = self.app(environ, start_response)
        if tenant_id == DEFAULT_TENANT_ID:
            return body  # sent in the default's scope, which is what remains once reset
        # A streamed body (an export) reads the database while it is sent: for this tenant.
        return _ForTenant(body, tenant_id)

    def _route(self, environ: dict[str, Any]) -> TenantInfo | None:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or ""
        tenant = self.directory.by_host(host)
        if tenant is not None:
            return tenant
        path = environ.get("PATH_INFO", "")
        segment, slash, rest = path.lstrip("/").partition("/")
        if not segment:
            return None
        tenant = self.directory.by_slug(segment)
        if tenant is None or tenant.hosts:
            return None  # a tenant with its own host names is reached there alone
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + segment
        environ["PATH_INFO"] = "/" + rest if slash else "/"
        return tenant


class _ForTenant:
    """A response body produced, chunk by chunk, for one tenant."""

    def __init__(self, body: Iterable[bytes], tenant_id: int) -> None:
        self.body = body
        self.tenant_id = tenant_id

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self.body)
        while True:
            with scoped(self.tenant_id):
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            with scoped(self.tenant_id):
                close()
