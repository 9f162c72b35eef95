"""A runtime whose bot talks to a fake Bot API server, and helpers to play a resident."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from intake.app import create_app
from intake.consultations import save, seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Contribution, Job, JobStatus, utcnow
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.support.telegram import SECRET, FakeTelegram, fake_telegram

FIETSPAD = {
    "slug": "fietspad",
    "status": "open",
    "texts": {
        "nl": {"title": "Een fietspad langs de vaart", "question": "Waar moet het fietspad komen?"},
        "fr": {
            "title": "Une piste cyclable le long du canal",
            "question": "Où faut-il la piste cyclable ?",
        },
    },
}


@dataclass
class Bot:
    """The bot under test: its runtime, web client and the fake Bot API it talks to."""

    runtime: Runtime
    client: FlaskClient
    api: FakeTelegram

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> TestResponse:
        """Post an update to the webhook as Telegram does."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return self.client.post("/hooks/telegram", json=update, headers=headers)

    def work(self) -> int:
        """Run every job that is ready, as the worker does."""
        return Worker(self.runtime).run(until_idle=True)

    def make_jobs_due(self) -> None:
        """Let the time of every backoff pass."""
        with self.runtime.db.session() as session:
            session.execute(
                update(Job).where(Job.status == JobStatus.QUEUED).values(run_after=utcnow())
            )
            session.commit()

    def contributions(self) -> list[Contribution]:
        """Return every stored contribution with its attachments loaded."""
        with self.runtime.db.session() as session:
            found = list(session.scalars(select(Contribution).order_by(Contribution.id)))
            for contribution in found:
                _ = contribution.attachments, contribution.consultation
            return found

    def jobs(self, kind: str) -> list[Job]:
        """Return the jobs of one kind, oldest first."""
        with self.runtime.db.session() as session:
            return list(session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))

    def open_second_consultation(self) -> None:
        """Open a second consultation, so the bot has to ask which one."""
        with self.runtime.db.session() as session:
            save(session, FIETSPAD)
            session.commit()


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegram]:
    """A fake Bot API server."""
    with fake_telegram() as fake:
        yield fake


@contextmanager
def running_bot(
    data_dir: Path, telegram_api: FakeTelegram, database_url: str | None = None
) -> Iterator[Bot]:
    """Start Inspraak on `data_dir` with the Telegram channel on and the demo open."""
    runtime = Runtime.start(make_settings(data_dir, database_url, **telegram_api.env()))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    yield Bot(runtime, app.test_client(), telegram_api)
    runtime.db.dispose()


@pytest.fixture
def bot(tmp_path: Path, telegram_api: FakeTelegram) -> Iterator[Bot]:
    """Inspraak with the Telegram channel on, the demo consultation open."""
    with running_bot(tmp_path / "data", telegram_api) as started:
        yield started
