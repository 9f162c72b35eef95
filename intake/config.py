"""Settings read once from the environment; bad values stop start-up with a clear message."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers

from intake.errors import ConfigError
from intake.files import private_dir
from intake.mail_settings import MailOAuth, imap, imap_oauth, smtp

DEFAULT_MEDIA_HOSTS = (
    "api.twilio.com",
    "media.twiliocdn.com",
    "api.telegram.org",
)


QUOTA_KINDS = ("messages", "media", "calls")
DEFAULT_QUOTAS = {"messages": "20/hour,60/day", "media": "5/hour,10/day", "calls": "5/day"}
WINDOWS = {"hour": 3600, "day": 86400}


PASSWORD_SIGN_IN = ("on", "admins", "off")
STAFF_ROLES = ("admin", "moderator", "viewer")


@dataclass(frozen=True)
class Quota:
    """How many of one thing one sender may send per hour and per day (None: no limit)."""

    per_hour: int | None = None
    per_day: int | None = None

    def limits(self) -> tuple[tuple[str, int], ...]:
        """Return (window, limit) pairs, the longest window first."""
        pairs = (("day", self.per_day), ("hour", self.per_hour))
        return tuple((window, limit) for window, limit in pairs if limit is not None)


@dataclass(frozen=True)
class RoleMapping:
    """A provider group and the role it gives: everywhere, or in one consultation (by slug)."""

    group: str
    role: str
    consultation: str | None = None


@dataclass(frozen=True)
class Settings:
    """Inspraak's configuration, typed and validated."""

    data_dir: Path
    database_url: str
    secret_key: str
    public_url: str | None = None
    vosk_models: Mapping[str, Path] = field(default_factory=dict)
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base: str = "https://api.twilio.com"
    twilio_from_number: str | None = None
    media_hosts: tuple[str, ...] = DEFAULT_MEDIA_HOSTS
    # Originals in an S3-compatible store (s3://bucket/prefix?endpoint=…); None: DATA_DIR/media.
    media_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base: str = "https://api.telegram.org"
    web_rate_limit: int = 10
    web_rate_window_seconds: int = 600
    proxy_hops: int = 0
    max_text_length: int = 5000
    job_lease_seconds: int = 300
    # On SIGTERM a worker finishes its job if it ends within this, else hands it back.
    worker_grace_seconds: int = 20
    database_timeout_seconds: int = 30
    extra_plugins: tuple[str, ...] = ()
    delete_at_provider: bool = True
    quotas: Mapping[str, Quota] = field(default_factory=dict)
    sms_regions: tuple[str, ...] = ("BE",)
    confirmations_per_address: int = 3
    confirmations_per_network: int = 5
    confirmations_per_day: int = 200
    status_rate_limit: int = 30
    status_rate_window_seconds: int = 600
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_roles: tuple[RoleMapping, ...] = ()
    oidc_groups_claim: str = "groups"
    password_sign_in: str = "on"
    # Outgoing mail: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; None: no e-mail.
    smtp_url: str | None = field(default=None, repr=False)  # holds a password
    mail_from: str | None = None
    # The participation mailbox: imaps://user:pass@host:993/INBOX or imap://… (STARTTLS).
    imap_url: str | None = field(default=None, repr=False)  # holds a password
    imap_done_folder: str = "Inspraak/Verwerkt"
    mail_max_bytes: int = 25 * 1024 * 1024
    # Signing in to the mailbox with an app's OAuth2 token (XOAUTH2) instead of a password.
    imap_oauth: MailOAuth | None = None

    @property
    def oidc_enabled(self) -> bool:
        """Tell whether staff may sign in through an OpenID provider."""
        return self.oidc_issuer is not None

    @property
    def spool_dir(self) -> Path:
        """Return the folder where webhooks keep messages the database could not take."""
        return self.data_dir / "spool"

    @property
    def media_dir(self) -> Path:
        """Return the folder where originals (audio, scans, photos) are kept."""
        return self.data_dir / "media"

    def quota(self, kind: str, channel: str) -> Quota:
        """Return the quota of `kind` (messages, media, calls) for one sender on `channel`."""
        return self.quotas.get(f"{kind}:{channel}") or self.quotas.get(kind) or Quota()

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}.")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}.")


def _url(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must start with http:// or https://, got {raw!r}.")
    return raw.rstrip("/")


def _media_hosts(env: Mapping[str, str]) -> tuple[str, ...]:
    hosts = []
    for raw in env.get("INSPRAAK_MEDIA_HOSTS", "").split(","):
        entry = raw.strip().lower().removeprefix("https://")
        if not entry:
            continue
        host = entry.removeprefix("http://")
        if not re.fullmatch(r"\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?", host):
            raise ConfigError(
                "INSPRAAK_MEDIA_HOSTS lists host names (media.example.com, .example.com for "
                f"its subdomains, http://host to allow plain http), got {raw.strip()!r}."
            )
        hosts.append(entry)
    return tuple(hosts) or DEFAULT_MEDIA_HOSTS


def _quota(name: str, raw: str) -> Quota:
    counts: dict[str, int | None] = {}
    if raw.strip().lower() in ("off", "none"):
        return Quota()
    for part in raw.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(hour|day)\s*", part.lower())
        if match is None or match.group(2) in counts or int(match.group(1)) < 1:
            raise ConfigError(
                f"{name} must look like 20/hour,60/day (either part may be left out, "
                f"or off for no limit), got {raw!r}."
            )
        counts[match.group(2)] = int(match.group(1))
    return Quota(per_hour=counts.get("hour"), per_day=counts.get("day"))


def _quotas(env: Mapping[str, str]) -> dict[str, Quota]:
    quotas = {kind: _quota(kind, default) for kind, default in DEFAULT_QUOTAS.items()}
    for name, value in env.items():
        match = re.fullmatch(r"INSPRAAK_QUOTA_(MESSAGES|MEDIA|CALLS)(?:_([A-Z0-9]+))?", name)
        if match is None or not value.strip():
            continue
        kind, channel = match.group(1).lower(), match.group(2)
        quotas[f"{kind}:{channel.lower()}" if channel else kind] = _quota(name, value)
    return quotas


def _delete_at_provider(env: Mapping[str, str]) -> bool:
    current = _bool(env, "INSPRAAK_DELETE_AT_PROVIDER", True)
    # The earlier name, from when only call recordings were deleted, still works.
    if not env.get("INSPRAAK_DELETE_PROVIDER_RECORDINGS", "").strip():
        return current
    earlier = _bool(env, "INSPRAAK_DELETE_PROVIDER_RECORDINGS", True)
    if env.get("INSPRAAK_DELETE_AT_PROVIDER", "").strip() and earlier != current:
        raise ConfigError(
            "INSPRAAK_DELETE_AT_PROVIDER and INSPRAAK_DELETE_PROVIDER_RECORDINGS disagree; "
            "keep only INSPRAAK_DELETE_AT_PROVIDER."
        )
    return earlier


def _secret(env: Mapping[str, str], data_dir: Path) -> str:
    given = env.get("INSPRAAK_SECRET_KEY", "")
    if given:
        if len(given) < 32:
            raise ConfigError("INSPRAAK_SECRET_KEY must be at least 32 characters long.")
        return given
    path = data_dir / "secret_key"
    if not path.exists():
        # Created exclusively so two processes starting together agree on one secret.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ConfigError(f"{path} holds no usable secret; delete it to generate a new one.")
    return secret


def _vosk_models(env: Mapping[str, str]) -> dict[str, Path]:
    prefix = "INSPRAAK_VOSK_MODEL_"
    models = {}
    for name, value in env.items():
        if name.startswith(prefix) and value:
            language = name[len(prefix) :].lower()
            path = Path(value)
            if not path.is_dir():
                raise ConfigError(f"{name} points to {value!r}, which is not a folder.")
            models[language] = path
    return models


def _pair(env: Mapping[str, str], first: str, second: str) -> tuple[str | None, str | None]:
    a, b = env.get(first) or None, env.get(second) or None
    if bool(a) != bool(b):
        raise ConfigError(f"Set both {first} and {second}, or neither.")
    return a, b


def _twilio_sender(env: Mapping[str, str]) -> str | None:
    raw = env.get("TWILIO_FROM_NUMBER", "").strip()
    if raw and not re.match(r"^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$", raw):
        raise ConfigError(
            "TWILIO_FROM_NUMBER must be a number like +3225550100 or a Messaging Service SID "
            f"(MG…), got {raw!r}."
        )
    return raw or None


def _regions(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("INSPRAAK_SMS_REGIONS", "").strip()
    if not raw:
        return ("BE",)
    regions = tuple(dict.fromkeys(r.strip().upper() for r in raw.split(",") if r.strip()))
    unknown = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
    if unknown or not regions:
        raise ConfigError(
            "INSPRAAK_SMS_REGIONS must list two-letter country codes such as BE,NL,FR; "
            f"{', '.join(unknown) or raw!r} is not one."
        )
    return regions


def _oidc_roles(env: Mapping[str, str]) -> tuple[RoleMapping, ...]:
    mappings = []
    for raw in env.get("INSPRAAK_OIDC_ROLES", "").split(","):
        entry = raw.strip()
        if not entry:
            continue
        group, _, given = entry.rpartition("=")
        role, _, slug = given.strip().partition(":")
        role, slug = role.strip().lower(), slug.strip().lower()
        if (
            not group.strip()
            or role not in STAFF_ROLES
            or (slug and (role == "admin" or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug)))
        ):
            raise ConfigError(
                "INSPRAAK_OIDC_ROLES maps provider groups to roles, e.g. "
                "grp-participatie=admin,grp-redactie=moderator,grp-park=viewer:park "
                f"(role admin, moderator or viewer; :slug for one consultation), got {entry!r}."
            )
        mappings.append(RoleMapping(group.strip(), role, slug or None))
    return tuple(mappings)


def _password_sign_in(env: Mapping[str, str], oidc: bool) -> str:
    raw = env.get("INSPRAAK_PASSWORD_SIGN_IN", "").strip().lower() or "on"
    if raw not in PASSWORD_SIGN_IN:
        raise ConfigError(f"INSPRAAK_PASSWORD_SIGN_IN must be on, admins or off, got {raw!r}.")
    if raw != "on" and not oidc:
        raise ConfigError(
            "INSPRAAK_PASSWORD_SIGN_IN is only for installations with an OpenID provider: "
            "set INSPRAAK_OIDC_ISSUER, INSPRAAK_OIDC_CLIENT_ID and INSPRAAK_OIDC_CLIENT_SECRET."
        )
    return raw


def _media_url(env: Mapping[str, str]) -> str | None:
    url = env.get("INSPRAAK_MEDIA_URL", "").strip() or None
    if url is not None:
        from intake.objectstore import MediaUrlError, parse_media_url

        try:
            parse_media_url(url)
        except MediaUrlError as error:
            raise ConfigError(str(error)) from None
    return url


def _oidc(env: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    names = ("INSPRAAK_OIDC_ISSUER", "INSPRAAK_OIDC_CLIENT_ID", "INSPRAAK_OIDC_CLIENT_SECRET")
    values = [env.get(name, "").strip() or None for name in names]
    if any(values) and not all(values):
        raise ConfigError(f"Set all of {', '.join(names)}, or none of them.")
    issuer = _url(env, names[0], None)
    return issuer, values[1], values[2]


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check Inspraak's settings from `env` (the process environment by default)."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("INSPRAAK_DATA_DIR") or "./var").resolve()
    try:
        private_dir(data_dir)
    except OSError as error:
        raise ConfigError(
            f"INSPRAAK_DATA_DIR {str(data_dir)!r} cannot be created: {error}"
        ) from None
    database_url = env.get("INSPRAAK_DATABASE_URL") or f"sqlite:///{data_dir / 'inspraak.db'}"
    if not database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            "INSPRAAK_DATABASE_URL must be a SQLite or PostgreSQL URL "
            "(postgresql+psycopg://user@host/db)."
        )
    sid, token = _pair(env, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
    issuer, client_id, client_secret = _oidc(env)
    public_url = _url(env, "INSPRAAK_PUBLIC_URL", None)
    smtp_url, mail_from = smtp(env, public_url)
    imap_url = imap(env, smtp_url)
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=_secret(env, data_dir),
        public_url=public_url,
        vosk_models=_vosk_models(env),
        twilio_account_sid=sid,
        twilio_auth_token=token,
        twilio_api_base=_url(env, "TWILIO_API_BASE", None) or "https://api.twilio.com",
        twilio_from_number=_twilio_sender(env),
        media_hosts=_media_hosts(env),
        media_url=_media_url(env),
        telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
        telegram_api_base=_url(env, "TELEGRAM_API_BASE", None) or "https://api.telegram.org",
        web_rate_limit=_int(env, "INSPRAAK_WEB_RATE_LIMIT", 10),
        web_rate_window_seconds=_int(env, "INSPRAAK_WEB_RATE_WINDOW", 600),
        proxy_hops=_int(env, "INSPRAAK_PROXY_HOPS", 0, minimum=0),
        max_text_length=_int(env, "INSPRAAK_MAX_TEXT_LENGTH", 5000),
        job_lease_seconds=_int(env, "INSPRAAK_JOB_LEASE_SECONDS", 300),
        worker_grace_seconds=_int(env, "INSPRAAK_WORKER_GRACE_SECONDS", 20),
        database_timeout_seconds=_int(env, "INSPRAAK_DATABASE_TIMEOUT", 30),
        extra_plugins=tuple(
            p.strip() for p in env.get("INSPRAAK_PLUGINS", "").split(",") if p.strip()
        ),
        delete_at_provider=_delete_at_provider(env),
        quotas=_quotas(env),
        sms_regions=_regions(env),
        confirmations_per_address=_int(env, "INSPRAAK_CONFIRMATIONS_PER_ADDRESS", 3),
        confirmations_per_network=_int(env, "INSPRAAK_CONFIRMATIONS_PER_NETWORK", 5),
        confirmations_per_day=_int(env, "INSPRAAK_CONFIRMATIONS_PER_DAY", 200),
        status_rate_limit=_int(env, "INSPRAAK_STATUS_RATE_LIMIT", 30),
        status_rate_window_seconds=_int(env, "INSPRAAK_STATUS_RATE_WINDOW", 600),
        oidc_issuer=issuer,
        oidc_client_id=client_id,
        oidc_client_secret=client_secret,
        oidc_roles=_oidc_roles(env),
        oidc_groups_claim=env.get("INSPRAAK_OIDC_GROUPS_CLAIM", "").strip() or "groups",
        password_sign_in=_password_sign_in(env, issuer is not None),
        smtp_url=smtp_url,
        mail_from=mail_from,
        imap_url=imap_url,
        imap_oauth=imap_oauth(env, imap_url),
        imap_done_folder=env.get("INSPRAAK_IMAP_DONE_FOLDER", "").strip() or "Inspraak/Verwerkt",
        mail_max_bytes=_int(env, "INSPRAAK_MAIL_MAX_BYTES", 25 * 1024 * 1024),
    )
