"""The webhook: secret token, channel off, redeliveries, groups, and what is never stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from intake.app import create_app
from intake.migrations import upgrade
from intake.models import Contribution, Contributor, ConversationState, Job
from intake.runtime import Runtime
from tests.channels.telegram.conftest import Bot
from tests.conftest import make_settings
from tests.support.telegram import group_chat, message, tap

RESIDENT = 5_550_003


def _rows(bot: Bot) -> dict[str, int]:
    with bot.runtime.db.session() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Contribution, Contributor, ConversationState, Job)
        }


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(bot: Bot) -> None:
    before = _rows(bot)
    assert bot.post(message(RESIDENT, "Hallo"), secret="wrong-secret").status_code == 403
    assert bot.post(message(RESIDENT, "Hallo"), secret=None).status_code == 403
    assert _rows(bot) == before


def test_the_webhook_is_off_without_a_bot_token(tmp_path: Path) -> None:
    runtime = Runtime.start(make_settings(tmp_path, TELEGRAM_WEBHOOK_SECRET="s"))
    upgrade(runtime.db.engine)
    client = create_app(runtime_=runtime).test_client()
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s"}
    assert (
        client.post("/hooks/telegram", json=message(1, "Hallo"), headers=headers).status_code == 404
    )
    runtime.db.dispose()


def test_a_redelivered_update_is_handled_once(bot: Bot) -> None:
    update = message(RESIDENT, "Meer schaduw")
    button = tap(RESIDENT, "lang:fr")
    assert bot.post(update).status_code == 200
    assert bot.post(update).status_code == 200
    assert bot.post(button).get_json()["method"] == "answerCallbackQuery"
    assert bot.post(button).status_code == 200 and bot.post(button).data == b""
    bot.work()
    assert len(bot.contributions()) == 1
    assert len(bot.api.sent()) == 2  # one thank-you, one question after the language


def test_messages_in_groups_are_ignored_and_nothing_is_stored(bot: Bot) -> None:
    before = _rows(bot)
    assert bot.post(message(RESIDENT, "/start", chat=group_chat())).status_code == 200
    assert bot.post(message(RESIDENT, "Meer bomen", chat=group_chat())).status_code == 200
    bot.work()
    assert _rows(bot) == before and bot.api.sent() == []


def test_a_body_that_is_no_update_is_a_bad_request(bot: Bot) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": "webhook-secret_1"}
    assert bot.client.post("/hooks/telegram", data="{", headers=headers).status_code == 400
    assert bot.client.post("/hooks/telegram", json=[1], headers=headers).status_code == 400
    assert bot.client.post("/hooks/telegram", json={"x": 1}, headers=headers).status_code == 400


def test_the_resident_is_known_by_a_keyed_hash_only(bot: Bot) -> None:
    bot.post(message(RESIDENT, "Een speeltuin"))
    with bot.runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
        state = session.scalars(select(ConversationState)).one()
    assert contributor.address_kind == "telegram"
    assert str(RESIDENT) not in contributor.address_hash and len(contributor.address_hash) == 64
    assert state.key_hash == contributor.address_hash
    assert contributor.address == str(RESIDENT)  # the chat, while replies are allowed
