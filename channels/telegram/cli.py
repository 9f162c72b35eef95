"""`inspraak telegram poll` and `inspraak telegram set-webhook`."""

from __future__ import annotations

import re
import signal
import sys
from typing import NoReturn

import click
from telegram.error import TelegramError

from channels.telegram import client
from channels.telegram.poller import Poller
from intake.cli.state import State, pass_state
from intake.config import Settings
from intake.tenancy import current_tenant_id

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_PATH = "/hooks/telegram"


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _settings(state: State) -> Settings:
    # With --tenant, the municipality's own bot, secret and address.
    settings = state.runtime.tenant_settings()
    if not settings.telegram_bot_token:
        _fail("TELEGRAM_BOT_TOKEN is not set: the Telegram channel is off.")
    return settings


@click.group()
def telegram() -> None:
    """Connect the Telegram bot: by webhook, or by polling."""


@telegram.command("set-webhook")
@pass_state
def set_webhook(state: State) -> None:
    """Have Telegram post updates to INSPRAAK_PUBLIC_URL/hooks/telegram."""
    settings = _settings(state)
    if not settings.public_url or not settings.public_url.startswith("https://"):
        _fail("INSPRAAK_PUBLIC_URL must be the public https:// address of this instance.")
    secret = settings.telegram_webhook_secret or ""
    if not SECRET.match(secret):
        _fail("TELEGRAM_WEBHOOK_SECRET must be 1-256 letters, digits, _ or -.")
    own_path = state.runtime.tenants.get(current_tenant_id()).telegram_path
    url = f"{settings.public_url}{WEBHOOK_PATH}" + (f"/{own_path}" if own_path else "")
    try:
        client.set_webhook(settings, url, secret)
    except TelegramError as error:
        _fail(f"Telegram refused the webhook: {error.message}")
    click.echo(f"webhook set: {url}")


@telegram.command("poll")
@click.option("--once", is_flag=True, help="Handle the updates waiting now, then exit.")
@click.option("--timeout", default=30, show_default=True, help="Seconds each long poll waits.")
@pass_state
def poll(state: State, once: bool, timeout: int) -> None:
    """Fetch updates with getUpdates (no public address needed); stops on SIGTERM."""
    _settings(state)
    poller = Poller(state.runtime, timeout=timeout)
    signal.signal(signal.SIGTERM, poller.stop)
    signal.signal(signal.SIGINT, poller.stop)
    try:
        handled = poller.run(once=once)
    except TelegramError as error:
        _fail(f"Telegram refused the request: {error.message}")
    click.echo(f"{handled} updates handled")
