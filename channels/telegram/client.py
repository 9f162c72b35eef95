"""The Bot API from synchronous code: one short-lived python-telegram-bot client per call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.request import HTTPXRequest

from intake.config import Settings
from intake.errors import SafeError
from intake.fetch import MediaRefusedError
from intake.jobs import PermanentJobError
from intake.jobs.download import Remote
from intake.outbound import RecipientGoneError

log = logging.getLogger("inspraak.telegram")
T = TypeVar("T")
Buttons = Sequence[Sequence[tuple[str, str]]]
# What Telegram's own servers let a bot download (getFile); larger files are never fetched.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member")
_DONE_EDITING = ("message is not modified", "message to edit not found")
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


class ChannelOffError(SafeError):
    """TELEGRAM_BOT_TOKEN is not set, so the Telegram channel is off."""


class TelegramUnavailableError(SafeError, TelegramError):
    """The Bot API failed (network, 5xx, flood control); a later try may work.

    Its message is the Bot API's short description, which never repeats what was sent.
    """


def _run(settings: Settings, call: Callable[[Bot], Awaitable[T]], *, read_timeout: float) -> T:
    token = settings.telegram_bot_token
    if not token:
        raise ChannelOffError("TELEGRAM_BOT_TOKEN is not set")
    base = settings.telegram_api_base

    async def run() -> T:
        # A client lives in one event loop; each call gets its own and closes it after.
        request = HTTPXRequest(connection_pool_size=1, read_timeout=read_timeout)
        bot = Bot(
            token,
            base_url=f"{base}/bot",
            base_file_url=f"{base}/file/bot",
            request=request,
            get_updates_request=request,
        )
        try:
            return await call(bot)
        finally:
            await request.shutdown()

    return asyncio.run(run())


def _call_api(
    settings: Settings, call: Callable[[Bot], Awaitable[T]], *, read_timeout: float = 15
) -> T:
    """Run one Bot API call; a blocked bot or deleted chat raises RecipientGoneError.

    Other refusals (400) are PermanentJobError: sending the same request again cannot work.
    Anything else (network, 5xx, flood control) is TelegramUnavailableError: retried.
    """
    try:
        return _run(settings, call, read_timeout=read_timeout)
    except Forbidden as error:
        raise RecipientGoneError(error.message) from None
    except BadRequest as error:
        if any(marker in error.message.lower() for marker in _GONE):
            raise RecipientGoneError(error.message) from None
        raise PermanentJobError(f"Telegram refused the request: {error.message}") from None
    except TelegramError as error:
        raise TelegramUnavailableError(f"Telegram: {error.message}") from None


def _keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    """Build inline buttons from rows of (label, callback data)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


def send_message(
    settings: Settings, chat_id: str, text: str, buttons: Buttons | None = None
) -> str:
    """Send `text` (with optional inline buttons) to a chat; return Telegram's message id."""

    async def send(bot: Bot) -> str:
        message = await bot.send_message(
            chat_id=int(chat_id), text=text, reply_markup=_keyboard(buttons)
        )
        return str(message.message_id)

    return _call_api(settings, send)


def remote_file(settings: Settings, file_id: str) -> Remote:
    """Ask the Bot API where a file can be downloaded; refuse one too large for a bot."""

    async def get(bot: Bot) -> tuple[str, int | None]:
        found = await bot.get_file(file_id)
        return found.file_path or "", found.file_size

    url, size = _call_api(settings, get)
    if (size or 0) > MAX_DOWNLOAD_BYTES:
        raise MediaRefusedError(f"file is {size} bytes, over the download limit")
    return Remote(url, MAX_DOWNLOAD_BYTES)


def answer_callback_query(settings: Settings, callback_query_id: str, text: str | None) -> None:
    """Stop the spinner on the button a resident tapped, showing `text` if given."""

    async def answer(bot: Bot) -> None:
        await bot.answer_callback_query(callback_query_id, text=text)

    _call_api(settings, answer)


def edit_message(settings: Settings, chat_id: str, message_id: int, text: str) -> None:
    """Replace a message's text, which takes its inline buttons off."""

    async def edit(bot: Bot) -> None:
        try:
            await bot.edit_message_text(text, chat_id=int(chat_id), message_id=message_id)
        except BadRequest as error:
            # Already as asked (a repeated job) or gone from the chat: nothing left to do.
            if not any(marker in error.message.lower() for marker in _DONE_EDITING):
                raise

    _call_api(settings, edit)


def call_now(settings: Settings, method: str, params: Mapping[str, Any]) -> None:
    """Make a call that cannot wait for a job (a spinner, a goodbye); log a failure, no retry."""
    try:
        if method == "answerCallbackQuery":
            answer_callback_query(settings, params["callback_query_id"], params.get("text"))
        elif method == "sendMessage":
            send_message(settings, str(params["chat_id"]), params["text"])
    except (TelegramError, RecipientGoneError, PermanentJobError) as error:
        log.info("%s not delivered: %s", method, type(error).__name__)


def set_webhook(settings: Settings, url: str, secret: str) -> None:
    """Tell Telegram to post updates to `url`, signed with `secret`."""

    async def register(bot: Bot) -> None:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=list(UPDATE_KINDS))

    _run(settings, register, read_timeout=15)


def delete_webhook(settings: Settings) -> None:
    """Stop webhook delivery so that updates can be fetched with getUpdates."""

    async def delete(bot: Bot) -> None:
        await bot.delete_webhook()

    _run(settings, delete, read_timeout=15)


def get_updates(settings: Settings, offset: int | None, timeout: int) -> tuple[Update, ...]:
    """Wait up to `timeout` seconds for updates from `offset` on (long polling)."""

    async def fetch(bot: Bot) -> tuple[Update, ...]:
        return await bot.get_updates(
            offset=offset, timeout=timeout, allowed_updates=list(UPDATE_KINDS)
        )

    return _run(settings, fetch, read_timeout=timeout + 15)
