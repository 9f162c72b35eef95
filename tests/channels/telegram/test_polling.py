"""Long polling shares the webhook's handler; the commands that connect the bot."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from channels.telegram.cli import telegram
from channels.telegram.poller import Poller
from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.channels.telegram.conftest import Bot
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.telegram import SECRET, FakeTelegram, message, tap

RESIDENT = 5_550_005


def test_the_poller_handles_updates_like_the_webhook(bot: Bot) -> None:
    bot.open_second_consultation()
    start = message(RESIDENT, "/start", language_code="en")
    bot.api.updates += [start, tap(RESIDENT, "lang:en", language_code="en")]
    assert Poller(bot.runtime).run(once=True) == 2
    bot.api.updates += [start, message(RESIDENT, "/start demo", language_code="en")]
    bot.api.updates += [message(RESIDENT, "A dog park, please", language_code="en")]
    assert Poller(bot.runtime).run(once=True) == 3  # the repeated /start changes nothing
    bot.work()
    assert len(bot.api.calls("deleteWebhook")) == 2
    [answered] = bot.api.calls("answerCallbackQuery")
    assert answered["callback_query_id"]
    assert bot.api.updates == []  # every update confirmed by the last getUpdates offset
    language, choose, question, thanks = bot.api.sent()
    assert language.button_data[0] == "lang:en" and len(choose.buttons) == 2
    assert "What would you like in the new park" in question.text
    assert thanks.text.startswith("Thank you!")
    [stored] = bot.contributions()
    assert stored.text == "A dog park, please" and stored.consultation.slug == "demo"


def test_the_poller_says_goodbye_after_stop_itself(bot: Bot) -> None:
    bot.api.updates.append(message(RESIDENT, "/stop", language_code="fr"))
    Poller(bot.runtime).run(once=True)
    [goodbye] = bot.api.sent()
    assert goodbye.chat_id == RESIDENT and goodbye.text.startswith("Vous ne recevrez plus")


def test_set_webhook_and_poll_commands(tmp_path: Path, telegram_api: FakeTelegram) -> None:
    env = {**telegram_api.env(), "INSPRAAK_PUBLIC_URL": "https://inspraak.example.be"}
    runtime = Runtime.start(make_settings(tmp_path, **env))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    done = inspraak(tmp_path, "telegram", "set-webhook", **env)
    assert "https://inspraak.example.be/hooks/telegram" in done.stdout
    [registered] = telegram_api.calls("setWebhook")
    assert registered["url"] == "https://inspraak.example.be/hooks/telegram"
    assert registered["secret_token"] == SECRET
    assert "callback_query" in registered["allowed_updates"]

    telegram_api.updates.append(message(RESIDENT, "Meer bomen"))
    polled = inspraak(tmp_path, "telegram", "poll", "--once", **env)
    assert "1 updates handled" in polled.stdout
    Worker(runtime).run(until_idle=True)
    assert telegram_api.sent()[-1].text.startswith("Bedankt!")
    runtime.db.dispose()


def test_the_commands_refuse_what_cannot_work(tmp_path: Path, telegram_api: FakeTelegram) -> None:
    runner = CliRunner()
    env = {**telegram_api.env(), "INSPRAAK_DATA_DIR": str(tmp_path)}
    plain = {**env, "INSPRAAK_PUBLIC_URL": "http://inspraak.example.be"}
    refused = runner.invoke(telegram, ["set-webhook"], env=plain)
    assert refused.exit_code == 1 and "https://" in refused.output
    off = {**env, "TELEGRAM_BOT_TOKEN": ""}
    refused = runner.invoke(telegram, ["poll", "--once"], env=off)
    assert refused.exit_code == 1 and "TELEGRAM_BOT_TOKEN" in refused.output
    assert telegram_api.server.requests == []
