"""End to end: the real server process takes Telegram's webhook; the worker replies."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.telegram import SECRET, FakeTelegram, message, tap

RESIDENT = 5_550_006
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def test_the_served_webhook_checks_the_secret_and_queues_the_reply(
    tmp_path: Path, telegram_api: FakeTelegram
) -> None:
    env = telegram_api.env()
    runtime = Runtime.start(make_settings(tmp_path, **env))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    with running_server(tmp_path, **env) as base:
        url = f"{base}/hooks/telegram"
        update = message(RESIDENT, "Plus de bancs, s'il vous plaît", language_code="fr")
        refused = requests.post(url, json=update, headers={HEADER: "guess"}, timeout=10)
        assert refused.status_code == 403
        taken = requests.post(url, json=update, headers={HEADER: SECRET}, timeout=10)
        again = requests.post(url, json=update, headers={HEADER: SECRET}, timeout=10)
        assert taken.status_code == again.status_code == 200
        button = requests.post(
            url, json=tap(RESIDENT, "lang:fr"), headers={HEADER: SECRET}, timeout=10
        )
        assert button.json()["method"] == "answerCallbackQuery"
    assert telegram_api.server.requests == []  # the webhook itself never calls Telegram
    Worker(runtime).run(until_idle=True)
    thanks, question = telegram_api.sent()
    reference = re.search(r"référence est ([3-9A-Y-]{7})", thanks.text)
    assert reference and thanks.chat_id == RESIDENT
    assert "Que souhaitez-vous trouver dans le nouveau parc" in question.text
    runtime.db.dispose()
