"""Telegram redelivers a slow update while the first delivery is still being handled."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select
from telegram import Update

from channels.telegram.dialogue import handle_update
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import Contribution, Job
from intake.outbound import SEND_JOB
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.support.telegram import FakeTelegram, message

DELIVERIES = 4


def test_simultaneous_deliveries_of_one_update_store_and_reply_once(
    database_url: str, tmp_path: Path, telegram_api: FakeTelegram
) -> None:
    runtime = Runtime.start(make_settings(tmp_path / "data", database_url, **telegram_api.env()))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    update = Update.de_json(message(5_550_007, "Meer fietsenstallingen"), None)
    start = threading.Barrier(DELIVERIES)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait()
            with runtime.db.session() as session:
                handle_update(session, runtime, update)
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Contribution)) == 1
        assert session.scalar(select(func.count()).where(Job.kind == SEND_JOB)) == 1
    runtime.db.dispose()
