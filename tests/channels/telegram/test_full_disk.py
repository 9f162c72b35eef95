"""A voice note that finds the media disk full (a real 64 KiB tmpfs) waits for a person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.telegram.adapter import FETCH_MEDIA_JOB, TRANSCRIBE_JOB
from intake.models import JobStatus
from tests.channels.telegram.conftest import Bot, running_bot
from tests.support.disk import tiny_disk
from tests.support.telegram import FakeTelegram, message, voice

RESIDENT = 5_550_009
NOTE = b"OggS" + bytes(range(256)) * 800  # 200 KiB, more than the disk holds


@pytest.fixture
def full_bot(tmp_path: Path, telegram_api: FakeTelegram) -> Iterator[Bot]:
    """The Telegram channel on, its media folder a tiny tmpfs."""
    with (
        tiny_disk(tmp_path / "data" / "media"),
        running_bot(tmp_path / "data", telegram_api) as bot,
    ):
        yield bot


def test_a_voice_note_that_finds_the_disk_full_is_kept_waiting(full_bot: Bot) -> None:
    full_bot.api.add_file("AwACAgQfull", NOTE, "voice/file_9.oga")
    full_bot.post(message(RESIDENT, **voice("AwACAgQfull", len(NOTE))))
    full_bot.work()
    [job] = full_bot.jobs(FETCH_MEDIA_JOB)
    assert job.status == JobStatus.QUEUED and "disk full" in (job.last_error or "")
    for _attempt in range(job.max_attempts - 1):
        full_bot.make_jobs_due()
        full_bot.work()
    [stored] = full_bot.contributions()
    assert (stored.needs_person, stored.needs_person_reason) == (True, "disk_full")
    assert stored.attachments[0].sha256 is None and full_bot.jobs(TRANSCRIBE_JOB) == []
    assert [job.status for job in full_bot.jobs(FETCH_MEDIA_JOB)] == [JobStatus.DONE]
