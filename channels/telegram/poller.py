"""Long polling (getUpdates) for instances without a public HTTPS address."""

from __future__ import annotations

import logging
import threading

from telegram import Update
from telegram.error import TelegramError

from channels.telegram import client
from channels.telegram.adapter import spool_entry
from channels.telegram.dialogue import Immediate, handle_update, while_away
from intake.db import UNAVAILABLE
from intake.errors import describe
from intake.runtime import Runtime

log = logging.getLogger("inspraak.telegram")
TRIES_PER_UPDATE = 3
PAUSE_SECONDS = 5.0


class Poller:
    """Fetch updates and hand each to the same handler as the webhook."""

    def __init__(self, runtime: Runtime, *, timeout: int = 30) -> None:
        self.runtime = runtime
        self.timeout = timeout
        self.offset: int | None = None
        self.handled = 0
        self._stopping = threading.Event()

    def stop(self, *_args: object) -> None:
        """Leave the loop after the current batch."""
        self._stopping.set()

    def run(self, *, once: bool = False) -> int:
        """Poll until stopped, or until no update is waiting when `once`; return updates done."""
        settings = self.runtime.settings
        client.delete_webhook(settings)  # Telegram refuses getUpdates while a webhook is set
        while not self._stopping.is_set():
            try:
                updates = client.get_updates(settings, self.offset, 0 if once else self.timeout)
            except TelegramError as error:
                if once:
                    raise
                log.warning("getUpdates failed, trying again: %s", type(error).__name__)
                self._stopping.wait(PAUSE_SECONDS)
                continue
            for update in updates:
                self._handle(update)
                # The next getUpdates with this offset tells Telegram the update is done.
                self.offset = update.update_id + 1
            if once and not updates:
                break
        return self.handled

    def _handle(self, update: Update) -> None:
        for attempt in range(1, TRIES_PER_UPDATE + 1):
            try:
                with self.runtime.db.session() as session:
                    immediate = handle_update(session, self.runtime, update)
                    session.commit()
            except UNAVAILABLE as error:
                # As the webhook does: kept on disk, stored by the replay once the database is back.
                log.warning(
                    "update %s spooled: database unavailable (%s)",
                    update.update_id,
                    describe(error),
                )
                secret = self.runtime.settings.secret_key
                self.runtime.spool.put(spool_entry(secret, update, update.to_dict()))
                immediate = while_away(update)
            except Exception as error:  # noqa: BLE001 - one bad update must not stop the bot
                log.warning(
                    "update %s failed (try %s): %s", update.update_id, attempt, type(error).__name__
                )
                if attempt < TRIES_PER_UPDATE:
                    self._stopping.wait(PAUSE_SECONDS)
                continue
            self.handled += 1
            if immediate is not None:
                self._call_now(immediate)
            return

    def _call_now(self, immediate: Immediate) -> None:
        client.call_now(self.runtime.settings, immediate.method, immediate.params)
