"""The process-wide pieces the web app, workers and commands share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from intake.config import Settings, load_settings
from intake.db import Database
from intake.plugins import Registry, discover
from intake.spool import Replayed, Spool
from intake.storage import MediaStore, open_media_store
from intake.tenancy import current_tenant_id
from intake.tenants import Directory


@dataclass
class Runtime:
    """Settings, database, media store and plugin registry of one process."""

    settings: Settings
    db: Database
    media: MediaStore
    registry: Registry
    spool: Spool
    tenants: Directory = field(init=False)

    def __post_init__(self) -> None:
        self.tenants = Directory(self.db)

    @classmethod
    def start(cls, settings: Settings | None = None, **engine_options: Any) -> Runtime:
        """Build the runtime from `settings` (the environment's by default)."""
        settings = settings or load_settings()
        return cls(
            settings=settings,
            db=Database(
                settings.database_url,
                timeout=settings.database_timeout_seconds,
                **engine_options,
            ),
            media=open_media_store(settings),
            registry=discover(settings.extra_plugins, settings),
            spool=Spool(settings.spool_dir),
        )

    def tenant_settings(self) -> Settings:
        """Return the settings as the current municipality sees them: its own Twilio
        number, Telegram bot, sender address and public address (`intake.tenants`)."""
        return self.tenants.settings_for(current_tenant_id(), self.settings)

    def replay_spool(self) -> Replayed:
        """Store what webhooks spooled while the database was away (raises if it still is)."""
        replayers = {
            channel: partial(replay, self) for channel, replay in self.registry.replayers.items()
        }
        return self.spool.replay(replayers)
